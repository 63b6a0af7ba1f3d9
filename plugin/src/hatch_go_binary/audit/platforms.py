"""Platform tags: the file name parses, and every tag is one PyPI and installers accept."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.tags import Tag
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from hatch_go_binary.audit.model import Finding, Platform

# What PyPI's upload code accepts (2026).
LINUX_ARCHES = ("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64")
# The legacy manylinux aliases (PEPs 513, 571, 599): glibc version and the arches each defines.
LEGACY_MANYLINUX = {
    "manylinux1": ((2, 5), ("x86_64", "i686")),
    "manylinux2010": ((2, 12), ("x86_64", "i686")),
    "manylinux2014": (
        (2, 17),
        ("x86_64", "i686", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x"),
    ),
}
MACOS_ARCHES = ("x86_64", "arm64", "universal2")  # the Mach-O CPUs this audit can check
WINDOWS_MACHINES = {  # tag -> PE FILE_HEADER.Machine
    "win32": "IMAGE_FILE_MACHINE_I386",
    "win_amd64": "IMAGE_FILE_MACHINE_AMD64",
    "win_arm64": "IMAGE_FILE_MACHINE_ARM64",
}


def parse_platform(tag: str) -> Platform:
    """Take a platform tag apart; ValueError says why PyPI or installers would refuse it."""
    linux = re.fullmatch(r"(manylinux|musllinux)_(\d+)_(\d+)_(\w+)", tag)
    if linux:
        return _linux_platform(tag, *linux.groups())
    legacy = re.fullmatch(r"(manylinux1|manylinux2010|manylinux2014)_(\w+)", tag)
    if legacy:
        alias, arch = legacy.groups()
        glibc, arches = LEGACY_MANYLINUX[alias]
        if arch not in arches:
            raise ValueError(f"{alias} is defined only for {', '.join(arches)}")
        return Platform(tag, "linux", arch, glibc, "glibc")
    macos = re.fullmatch(r"macosx_(\d+)_(\d+)_(\w+)", tag)
    if macos:
        return _macos_platform(tag, int(macos.group(1)), int(macos.group(2)), macos.group(3))
    if tag in WINDOWS_MACHINES:
        return Platform(tag, "windows", tag)
    if tag.startswith("linux_"):
        raise ValueError("PyPI refuses plain linux_* tags: use manylinux_X_Y_* or musllinux_X_Y_*")
    known = "manylinux_X_Y_*, manylinux2014_*, musllinux_X_Y_*, macosx_X_Y_*"
    raise ValueError(
        f"not a binary platform tag; PyPI accepts {known}, {', '.join(WINDOWS_MACHINES)}"
    )


def _linux_platform(tag: str, family: str, major: str, minor: str, arch: str) -> Platform:
    if arch not in LINUX_ARCHES:
        hint = ""
        if arch == "ppc64" and family == "manylinux":
            hint = "; for big-endian ppc64 PyPI takes only manylinux2014_ppc64"
        raise ValueError(
            f"PyPI refuses {family} arch {arch!r}: it takes {', '.join(LINUX_ARCHES)}{hint}"
        )
    libc = "glibc" if family == "manylinux" else "musl"
    return Platform(tag, "linux", arch, (int(major), int(minor)), libc)


def _macos_platform(tag: str, major: int, minor: int, arch: str) -> Platform:
    if arch not in MACOS_ARCHES:
        raise ValueError(f"macosx arch {arch!r} is not one of {', '.join(MACOS_ARCHES)}")
    if major < 10:
        raise ValueError("macOS versions start at 10")
    # From macOS 11 on, PyPI and installers know only X_0 tags, so X_Y never matches.
    if major >= 11 and minor != 0:
        raise ValueError(f"from macOS 11 on the minor must be 0: use macosx_{major + 1}_0_{arch}")
    if arch == "arm64" and major < 11:
        raise ValueError(f"arm64 Macs start at macOS 11: use macosx_11_0_{arch} or newer")
    return Platform(tag, "macos", arch, (major, minor))


def check_filename(path: Path) -> tuple[frozenset[Tag] | None, list[Platform], list[Finding]]:
    """The file name parses and every platform tag is one PyPI accepts ('any' promises nothing)."""
    try:
        _name, _version, _build, tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as error:
        return None, [], [Finding(path.name, "filename", str(error))]
    platforms, findings = [], []
    for platform in sorted({tag.platform for tag in tags} - set(["any"])):
        try:
            platforms.append(parse_platform(platform))
        except ValueError as error:
            findings.append(Finding(path.name, "platform-tag", f"{platform!r}: {error}"))
    if len({platform.os for platform in platforms}) > 1:
        systems = ", ".join(sorted(platform.tag for platform in platforms))
        findings.append(
            Finding(
                path.name,
                "platform-tag",
                f"one binary cannot serve {systems}: build one wheel per operating system",
            )
        )
    return tags, platforms, findings
