"""The hatchling build hook: compile the Go command and ship it as the wheel's script.

The binary lands in <dist>-<version>.data/scripts/, so installers put the native
executable itself on PATH: no Python runs when someone types the command.

Which platform: the host's, or $GO_WHEEL_TARGET in Go's spelling (linux/arm64).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

from hatch_go_binary import tags, toolchain, wheelzip
from hatch_go_binary.build import Built, build_binary
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


class GoBinaryBuildHook(BuildHookInterface):
    PLUGIN_NAME = "go-binary"

    _settings: Settings | None = None
    _built: Built | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            table = f"[tool.hatch.build.targets.{self.target_name}.hooks.{self.PLUGIN_NAME}]"
            check_hook_table(self.config, table)
            self._settings = read_settings(self.metadata.config, Path(self.root))
        return self._settings

    def dependencies(self) -> list[str]:
        if self.target_name != "wheel":
            return []
        target = os.environ.get("GO_WHEEL_TARGET") or tags.host_target()
        return toolchain.build_requirements(self.settings, [target], Path(self.root))

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        settings = self.settings
        target = chosen_target(settings)
        self._built = build_binary(
            Path(self.root), settings, target, self.metadata.version, self.app.display_info
        )
        macos = tags.macos_minimum(self._built.binary) if target.startswith("darwin/") else None
        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{tags.platform_tag(target, settings.glibc, macos)}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self.target_name != "wheel" or self._built is None:
            return
        try:
            binary = self._built.binary
            cache = Path(self.root, "build", "go", "deflated")
            wheelzip.add_scripts(Path(artifact_path), {binary.name: binary}, cache)
            self.app.display_info(f"{Path(artifact_path).name}: {wheelzip.compressor()}")
        finally:
            shutil.rmtree(self._built.folder, ignore_errors=True)
            self._built = None
