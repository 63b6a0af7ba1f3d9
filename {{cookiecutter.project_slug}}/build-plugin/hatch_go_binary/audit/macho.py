"""macOS binaries (Mach-O, thin or universal): the CPUs, the minimum macOS against the tag,
a signature on arm64."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hatch_go_binary.audit.model import Finding, Platform, group_tags, tag_list, version_text
from hatch_go_binary.audit.readers import _readers

MACHO_CPUS = {"x86_64": 0x01000007, "arm64": 0x0100000C}  # CPU_TYPE_X86_64, CPU_TYPE_ARM64
MACHO_SLICES = {  # set() calls: a nested set literal would end in two braces
    "x86_64": set(["x86_64"]),
    "arm64": set(["arm64"]),
    "universal2": set(["x86_64", "arm64"]),
}


@dataclass(frozen=True)
class MachOSlice:
    """One architecture of a (possibly universal) Mach-O binary."""

    arch: str
    minos: tuple[int, int] | None  # from LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX
    platform: int | None  # LC_BUILD_VERSION's platform; 1 is macOS
    signed: bool  # has LC_CODE_SIGNATURE


def macho_slices(data: bytes) -> list[MachOSlice]:
    readers = _readers()
    mach_o = readers.mach_o
    # macholib reads only from a path, so the binary takes a round trip through a temp file.
    with tempfile.TemporaryDirectory() as folder:
        binary = Path(folder, "binary")
        binary.write_bytes(data)
        headers = readers.MachO(str(binary)).headers
    arches = {cpu: arch for arch, cpu in MACHO_CPUS.items()}
    slices = []
    for header in headers:
        cpu = header.header.cputype
        minos = platform = None
        signed = False
        for load_command, command, _data in header.commands:
            if load_command.cmd == mach_o.LC_BUILD_VERSION:
                minos, platform = decode_version(command.minos), command.platform
            elif load_command.cmd == mach_o.LC_VERSION_MIN_MACOSX and minos is None:
                minos, platform = decode_version(command.version), mach_o.PLATFORM_MACOS
            elif load_command.cmd == mach_o.LC_CODE_SIGNATURE:
                signed = True
        arch = arches.get(cpu, mach_o.CPU_TYPE_NAMES.get(cpu, hex(cpu)))
        slices.append(MachOSlice(arch, minos, platform, signed))
    return slices


def decode_version(encoded: int) -> tuple[int, int]:
    """Mach-O packs a version as 16.8.8 bits (X.Y.Z): 0x000C0000 is 12.0."""
    return encoded >> 16, (encoded >> 8) & 0xFF


def macos_tag(version: tuple[int, int], arch: str) -> str:
    """The lowest tag that covers VERSION: 10.x keeps its minor, 11 on are X_0."""
    major, minor = version
    return f"macosx_{major}_{minor if major == 10 else 0}_{arch}"


def check_macho(
    name: str, script: str, data: bytes, platforms: Sequence[Platform]
) -> Iterator[Finding]:
    """macOS: the CPUs, minimum macOS against the tag, a signature on arm64."""
    mach_o = _readers().mach_o
    slices = macho_slices(data)
    arches = {piece.arch for piece in slices}
    for arch, tags in group_tags(platforms, lambda platform: platform.arch).items():
        wanted = MACHO_SLICES[arch]
        if arches != wanted:
            yield Finding(
                name,
                "binary-arch",
                f"{script}: Mach-O holds {sorted(arches)}, but {tag_list(tags, 'needs')} "
                f"{sorted(wanted)}",
            )
    for piece in slices:
        if piece.minos is None:
            yield Finding(
                name, "macos-version", f"{script}: {piece.arch} slice has no LC_BUILD_VERSION"
            )
        elif piece.platform != mach_o.PLATFORM_MACOS:
            built_for = mach_o.PLATFORM_NAMES.get(piece.platform, piece.platform)
            yield Finding(
                name,
                "binary-os",
                f"{script}: {piece.arch} slice is built for {built_for}, not macOS",
            )
        else:
            yield from _check_minos(name, script, piece, platforms)
        # Apple silicon refuses to run unsigned arm64 code; Go's linker signs it ad hoc.
        if piece.arch == "arm64" and not piece.signed:
            yield Finding(
                name,
                "codesign",
                f"{script}: arm64 slice has no LC_CODE_SIGNATURE; macOS will kill it: "
                f"sign it (codesign -s -) or link with a linker that signs ad hoc, as Go's does",
            )


def _check_minos(
    name: str, script: str, piece: MachOSlice, platforms: Sequence[Platform]
) -> Iterator[Finding]:
    for platform in platforms:
        # Installers trust the tag: a lower one puts the binary on a macOS it cannot run on.
        if platform.version and piece.minos and platform.version < piece.minos:
            yield Finding(
                name,
                "macos-version",
                f"{script}: {piece.arch} slice needs macOS {version_text(piece.minos)} "
                f"(LC_BUILD_VERSION minos), but {platform.tag} promises "
                f"{version_text(platform.version)}: tag it {macos_tag(piece.minos, platform.arch)} "
                f"or build for an older macOS",
            )
