"""Go targets and the wheel platform tags that tell the truth about their binaries.

Pure functions over tables: no toolchain runs here, so the unit tests cover them
without building anything.
"""

from __future__ import annotations

import platform as platform_module
import sys
import sysconfig
from pathlib import Path

from hatch_go_binary.errors import BuildError

# Go architecture -> wheel architecture, per operating system. A Linux binary is
# static (cgo off, or cgo linked against musl), so one wheel serves glibc and musl.
LINUX_ARCHES = {
    "amd64": "x86_64",
    "arm64": "aarch64",
    "arm": "armv7l",
    "386": "i686",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
}
# The oldest manylinux tag a static binary gets, per wheel architecture (default 2.17, the
# manylinux2014 baseline). riscv64: glibc has supported it since 2.27, but manylinux2014
# (PEP 599) never defined it, so PyPI refuses manylinux2014_riscv64; auditwheel's policies
# and the manylinux images start riscv64 at manylinux_2_31 (Ubuntu 20.04, the first LTS
# for it), and uv offers riscv64 manylinux wheels only from 2_31 up (pip from 2_17). So
# manylinux_2_31_riscv64 is the lowest tag both installers take; PyPI accepts it.
MANYLINUX_FLOORS = {"riscv64": (2, 31)}
# The architectures manylinux2014 (PEP 599) defines: only these get its legacy alias.
MANYLINUX2014_ARCHES = ("x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x")
WINDOWS_TAGS = {"amd64": "win_amd64", "arm64": "win_arm64", "386": "win32"}
MACOS_ARCHES = {"amd64": "x86_64", "arm64": "arm64"}
# A fat Mach-O with both CPUs (GoReleaser's universal binaries): wrapped, never built.
MACOS_UNIVERSAL = "darwin/universal2"
KNOWN_TARGETS = (
    tuple(f"linux/{arch}" for arch in LINUX_ARCHES)
    + tuple(f"darwin/{arch}" for arch in MACOS_ARCHES)
    + tuple(f"windows/{arch}" for arch in WINDOWS_TAGS)
)
# zig target triples for cgo builds; zig_triple() adds the libc and macOS versions.
ZIG_TRIPLES = {
    "linux/amd64": "x86_64-linux-musl",
    "linux/arm64": "aarch64-linux-musl",
    "linux/arm": "arm-linux-musleabihf",
    "linux/386": "x86-linux-musl",
    "linux/ppc64le": "powerpc64le-linux-musl",
    "linux/s390x": "s390x-linux-musl",
    "linux/riscv64": "riscv64-linux-musl",
    "darwin/amd64": "x86_64-macos",
    "darwin/arm64": "aarch64-macos",
    "windows/amd64": "x86_64-windows-gnu",
    "windows/arm64": "aarch64-windows-gnu",
    "windows/386": "x86-windows-gnu",
}
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
    "riscv64": "riscv64",
}
HOST_SYSTEMS = {"linux": "linux", "macosx": "darwin", "win": "windows", "win32": "windows"}


def split_target(target: str) -> tuple[str, str]:
    goos, _, goarch = target.partition("/")
    return goos, goarch


def host_target() -> str:
    """The Go target matching this Python interpreter, e.g. linux/amd64."""
    platform = sysconfig.get_platform()  # linux-x86_64, macosx-11.0-arm64, win-amd64, win32
    goos = HOST_SYSTEMS.get(platform.split("-")[0], sys.platform)
    machine = platform.rsplit("-", 1)[-1].lower()
    if machine == "universal2":  # a universal Python: build for the CPU it runs on
        machine = platform_module.machine().lower()
    return f"{goos}/{HOST_ARCHES.get(machine, machine)}"


def executable_name(command: str, goos: str) -> str:
    return command + (".exe" if goos == "windows" else "")


def macos_minimum_of_go(version: tuple[int, ...]) -> str:
    """The oldest macOS a Go release supports, which its own linker writes into pure-Go
    binaries. A zig link must ask for the same, or zig writes the newest macOS it knows."""
    if version >= (1, 27):
        return "13.0"
    if version >= (1, 25):
        return "12.0"
    return "11.0"


def linux_glibc(target: str, glibc: tuple[int, int] | None) -> tuple[int, int] | None:
    """The glibc a cgo build of TARGET links against: as configured, but never below the
    architecture's manylinux floor (riscv64: 2.31), which its tag could not go below."""
    if glibc is None:
        return None
    floor = MANYLINUX_FLOORS.get(LINUX_ARCHES[split_target(target)[1]], (2, 17))
    return max(glibc, floor)


def zig_triple(target: str, glibc: tuple[int, int] | None, go_version: tuple[int, ...]) -> str:
    """The zig -target for a cgo build of TARGET."""
    triple = ZIG_TRIPLES[target]
    if target.startswith("linux/") and glibc:
        # zig's suffix pins the newest glibc symbol versions the binary may need
        triple = triple.replace("musl", "gnu") + ".{}.{}".format(*linux_glibc(target, glibc))
    if target.startswith("darwin/"):
        triple += "." + macos_minimum_of_go(go_version)
    return triple


def macos_tag_version(major: int, minor: int) -> tuple[int, int]:
    """From macOS 11 on, installers only match X_0 tags: round up, never down."""
    if major >= 11 and minor:
        return major + 1, 0
    return major, minor


def platform_tag(target: str, glibc: tuple[int, int] | None, macos: tuple[int, int] | None) -> str:
    """The platform tag of a binary built for TARGET.

    glibc: the glibc a cgo Linux binary was linked against (None: static).
    macos: the minimum macOS the Mach-O binary asks for (read by macos_minimum()).
    """
    goos, goarch = split_target(target)
    if goos == "linux":
        arch = LINUX_ARCHES[goarch]
        linked = linux_glibc(target, glibc)
        if linked:  # linked against that glibc: it and newer glibc systems only
            return f"manylinux_{linked[0]}_{linked[1]}_{arch}"
        major, minor = MANYLINUX_FLOORS.get(arch, (2, 17))
        legacy = f".manylinux2014_{arch}" if arch in MANYLINUX2014_ARCHES else ""
        return f"manylinux_{major}_{minor}_{arch}{legacy}.musllinux_1_1_{arch}"
    if goos == "windows":
        return WINDOWS_TAGS[goarch]
    if macos is None:
        raise BuildError(f"a {target} binary needs its minimum macOS to be tagged")
    major, minor = macos_tag_version(*macos)
    arch = "universal2" if target == MACOS_UNIVERSAL else MACOS_ARCHES[goarch]
    return f"macosx_{major}_{minor}_{arch}"


def macos_minimum(binary: Path) -> tuple[int, int]:
    """The minimum macOS that the Mach-O binary's LC_BUILD_VERSION asks for."""
    from macholib.mach_o import LC_BUILD_VERSION, LC_VERSION_MIN_MACOSX
    from macholib.MachO import MachO

    def minimum(commands) -> tuple[int, int]:
        for load_command, command, _data in commands:
            if load_command.cmd in (LC_BUILD_VERSION, LC_VERSION_MIN_MACOSX):
                encoded = command.minos if load_command.cmd == LC_BUILD_VERSION else command.version
                return encoded >> 16, (encoded >> 8) & 0xFF
        why = "has no minimum macOS version (LC_BUILD_VERSION); cannot tag it."
        raise BuildError(f"{binary} {why}")

    # a universal binary needs what its most demanding CPU's slice needs
    return max(minimum(header.commands) for header in MachO(str(binary)).headers)
