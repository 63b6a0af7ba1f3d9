"""The hatchling build hook: compile the Go commands and ship each as a wheel's script.

Each binary lands in <dist>-<version>.data/scripts/, so installers put the native
executable itself on PATH: no Python runs when someone types the command. Beside them,
<dist>-<version>.dist-info/sboms/<command>.cyclonedx.json, one per command, describes
what that binary holds (PEP 770), read from the binary itself.

Enabled for the sdist target too, the hook adds sboms/<name>.cyclonedx.json to the
sdist, from go.mod and go.sum: building an sdist needs no Go. The source holds every
command, so that SBOM is one, named after the distribution ([project] name, normalized).
A go.mod `replace` to a folder outside the project stops the sdist, and so does a file
git ignores that hatchling would ship (sdist.py).

Which platform: the host's, or $GO_WHEEL_TARGET in Go's spelling (linux/arm64).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

from hatch_go_binary import buildinfo, prebuilt, sbom, sdist, tags, toolchain, wheelzip
from hatch_go_binary.build import Binary, Built, build_binaries
from hatch_go_binary.config import Settings, check_hook_table, read_settings
from hatch_go_binary.errors import BuildError


def chosen_target(settings: Settings) -> str:
    """$GO_WHEEL_TARGET, or the host; either must be one of the configured targets."""
    wanted = os.environ.get("GO_WHEEL_TARGET")
    target = wanted or tags.host_target()
    if target not in settings.targets:
        where = f"GO_WHEEL_TARGET={target!r}" if wanted else f"This machine ({target})"
        known = "known" if target in tags.KNOWN_TARGETS else "not one the plugin can tag"
        raise BuildError(
            f"{where} is not in [tool.hatch-go-binary] targets ({known}). The project "
            f"builds: {', '.join(settings.targets)}. Add it to targets if it is one of "
            f"{', '.join(tags.KNOWN_TARGETS)}."
        )
    return target


def read_go_files(root: Path) -> tuple[str, str]:
    """go.mod's and go.sum's text ("" for a module without go.sum)."""
    toolchain.go_directive(root)  # says what to do when there is no go.mod
    go_mod = (root / "go.mod").read_text(encoding="utf-8")
    go_sum = root / "go.sum"
    return go_mod, go_sum.read_text(encoding="utf-8") if go_sum.is_file() else ""


class GoBinaryBuildHook(BuildHookInterface):
    PLUGIN_NAME = "go-binary"

    _settings: Settings | None = None
    _built: Built | None = None
    _target: str = ""
    _sbom_folder: str | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            table = f"[tool.hatch.build.targets.{self.target_name}.hooks.{self.PLUGIN_NAME}]"
            check_hook_table(self.config, table)
            self._settings = read_settings(self.metadata.config, Path(self.root))
        return self._settings

    def dependencies(self) -> list[str]:
        if self.target_name != "wheel":
            return []  # the sdist needs neither Go nor anything else
        target = os.environ.get("GO_WHEEL_TARGET") or tags.host_target()
        return toolchain.build_requirements(self.settings, [target], Path(self.root))

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name not in ("sdist", "wheel"):
            return
        sbom.source_date_epoch()  # a bad one fails here with a message, not in hatchling
        settings = self.settings  # a wrong setting fails the sdist as it fails the wheel
        self._refuse_entry_point_clash(settings)
        if self.target_name == "sdist":
            sdist.refuse_ignored_files(Path(self.root), self.build_config)
            self._add_sdist_sbom(build_data)
            return
        taken = os.environ.get(prebuilt.FOLDER_VARIABLE)
        if taken:  # `wrap`: a release's binaries, not compiled here
            target, built = prebuilt.taken_binaries(Path(taken), settings)
            self._target, self._built = target, built
        else:
            self._target = target = chosen_target(settings)
            self._built = built = build_binaries(
                Path(self.root), settings, target, self.metadata.version, self.app.display_info
            )
        for warning in built.warnings:
            self.app.display_warning(f"warning: {warning}")
        macos = None
        if target.startswith("darwin/"):  # the wheel needs what its most demanding binary needs
            macos = max(tags.macos_minimum(binary.path) for binary in built.binaries)
        build_data["pure_python"] = False
        glibc = None if taken else settings.glibc  # a release's binary: the audit judges it
        build_data["tag"] = f"py3-none-{tags.platform_tag(target, glibc, macos)}"

    def _refuse_entry_point_clash(self, settings: Settings) -> None:
        """A [project.scripts] entry named like a command would install a Python wrapper
        over the binary, or the binary over it, depending on the installer."""
        core = self.metadata.core
        entry_points = {**core.scripts, **core.gui_scripts}
        clashes = sorted(
            name
            for name in entry_points
            for command in settings.commands
            if name.lower() == command.name.lower()
        )
        if clashes:
            names = ", ".join(clashes)
            raise BuildError(
                f"pyproject.toml's [project.scripts] or [project.gui-scripts] has {names}, "
                "the name of a Go command this wheel installs as itself: both would be "
                f"written to the same file. Rename or remove the entry point {names}"
            )

    def _add_sdist_sbom(self, build_data: dict[str, Any]) -> None:
        """sboms/<name>.cyclonedx.json in the sdist, through hatchling's force_include."""
        go_mod, go_sum = read_go_files(Path(self.root))
        sdist.refuse_outside_replaces(Path(self.root), go_mod)
        document = sbom.sdist_sbom(
            name=self.metadata.core.raw_name,
            version=self.metadata.version,
            license_expression=self.metadata.core.license_expression or None,
            go_mod=go_mod,
            go_sum=go_sum,
        )
        self._sbom_folder = tempfile.mkdtemp(prefix="hatch-go-binary-sbom-")
        written = Path(self._sbom_folder, sbom.file_name(self.metadata.core.name))
        written.write_bytes(document)
        build_data["force_include"][str(written)] = f"{sbom.FOLDER}/{written.name}"

    def _wheel_sbom(self, artifact: Path, binary: Binary) -> bytes:
        """BINARY's SBOM, from its own build information."""
        data = binary.path.read_bytes()
        try:
            info = buildinfo.read(data)
        except buildinfo.BuildInfoError as error:
            raise BuildError(
                f"cannot read Go's build information from {binary.path.name} for its SBOM: {error}"
            ) from None
        dist, version = artifact.name.split("-")[:2]
        document = sbom.wheel_sbom(
            name=self.metadata.core.raw_name,
            version=self.metadata.version,
            license_expression=self.metadata.core.license_expression or None,
            location=f"{dist}-{version}.data/scripts/{binary.path.name}",
            data=data,
            info=info,
            target=self._target,
            toolchain=binary.toolchain,
        )
        return document

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self._sbom_folder is not None:
            shutil.rmtree(self._sbom_folder, ignore_errors=True)
            self._sbom_folder = None
        if self.target_name != "wheel" or self._built is None:
            return
        try:
            binaries, artifact = self._built.binaries, Path(artifact_path)
            cache = Path(self.root, "build", "go", "deflated")
            extra = {
                f"{sbom.FOLDER}/{sbom.file_name(binary.command)}": self._wheel_sbom(
                    artifact, binary
                )
                for binary in binaries
            }
            scripts = {binary.path.name: binary.path for binary in binaries}
            wheelzip.add_scripts(artifact, scripts, cache, extra)
            self.app.display_info(f"{artifact.name}: {wheelzip.compressor()}")
        finally:
            shutil.rmtree(self._built.folder, ignore_errors=True)
            self._built = None
