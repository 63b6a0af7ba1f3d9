"""Linux binaries (ELF): the CPU, static for musllinux, glibc no newer than manylinux's."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from hatch_go_binary.audit.model import Finding, Platform, group_tags, tag_list, version_text
from hatch_go_binary.audit.readers import _readers

if TYPE_CHECKING:
    from elftools.elf.elffile import ELFFile


ELF_MACHINES = {  # wheel arch -> (e_machine, ELF class, little-endian)
    "x86_64": ("EM_X86_64", 64, True),
    "i686": ("EM_386", 32, True),
    "aarch64": ("EM_AARCH64", 64, True),
    "armv7l": ("EM_ARM", 32, True),
    "ppc64le": ("EM_PPC64", 64, True),
    "ppc64": ("EM_PPC64", 64, False),  # only as manylinux2014_ppc64
    "s390x": ("EM_S390", 64, False),
    "riscv64": ("EM_RISCV", 64, True),
}
_GLIBC_VERSION = re.compile(r"GLIBC_(\d+(?:\.\d+)+)$")


def check_elf(
    name: str, script: str, data: bytes, platforms: Sequence[Platform]
) -> Iterator[Finding]:
    """Linux: the CPU, static for musllinux, glibc no newer than manylinux's."""
    readers = _readers()
    elf = readers.ELFFile(io.BytesIO(data))
    found = (elf["e_machine"], elf.elfclass, elf.little_endian)
    for arch, tags in group_tags(platforms, lambda platform: platform.arch).items():
        machine, bits, little = ELF_MACHINES[arch]
        if found != (machine, bits, little):
            yield Finding(
                name,
                "binary-arch",
                f"{script}: ELF is {describe_elf(*found)}, but {tag_list(tags, 'needs')} "
                f"{describe_elf(machine, bits, little)}: rebuild it for {arch} or fix the tag",
            )
    interpreters = [
        segment.get_interp_name()
        for segment in elf.iter_segments()
        if segment["p_type"] == "PT_INTERP"
    ]
    needed = [
        tag.needed
        for segment in elf.iter_segments()
        if isinstance(segment, readers.DynamicSegment)
        for tag in segment.iter_tags("DT_NEEDED")
    ]
    if not (interpreters or needed):
        return  # static: it runs on any Linux kernel, whatever the libc
    musl = [platform.tag for platform in platforms if platform.libc == "musl"]
    if musl:
        yield Finding(
            name,
            "static",
            f"{script}: {tag_list(musl, 'needs')} a static binary; this one is dynamic "
            f"(interpreter {interpreters or 'none'}, needs {needed or 'no libraries'}): "
            f"link it statically (Go: CGO_ENABLED=0) or drop the musllinux tag",
        )
    yield from _check_glibc(name, script, elf, interpreters, platforms)


def _check_glibc(
    name: str, script: str, elf: ELFFile, interpreters: list[str], platforms: Sequence[Platform]
) -> Iterator[Finding]:
    glibc = [platform for platform in platforms if platform.libc == "glibc" and platform.version]
    if not glibc:
        return
    if any("musl" in interpreter for interpreter in interpreters):
        tags = tag_list([platform.tag for platform in glibc], "needs")
        yield Finding(name, "glibc", f"{script}: {tags} glibc; the binary loads {interpreters[0]}")
    required = max(glibc_versions(elf), default=None)
    if not required:
        return
    groups = group_tags(glibc, lambda platform: (platform.version or (0, 0), platform.arch))
    for (allowed, arch), tags in groups.items():
        if required > allowed:
            yield Finding(
                name,
                "glibc",
                f"{script}: the binary needs GLIBC_{version_text(required)}, but "
                f"{tag_list(tags, 'promises')} only glibc {version_text(allowed)}: build "
                f"against glibc {version_text(allowed)} or raise the tag to "
                f"{manylinux_tag(required, arch)}",
            )


def manylinux_tag(glibc: tuple[int, ...], arch: str) -> str:
    """The lowest manylinux_X_Y tag whose glibc has GLIBC_<glibc> (2.3.4 needs 2.4)."""
    major, minor = glibc[0], glibc[1] if len(glibc) > 1 else 0
    if any(glibc[2:]):
        minor += 1
    return f"manylinux_{major}_{minor}_{arch}"


def describe_elf(machine: str, bits: int, little: bool) -> str:
    return f"{machine} {bits}-bit {'little' if little else 'big'}-endian"


def glibc_versions(elf: ELFFile) -> Iterator[tuple[int, ...]]:
    """Every GLIBC_x.y symbol version the binary asks for, from .gnu.version_r."""
    for section in elf.iter_sections():
        if not isinstance(section, _readers().GNUVerNeedSection):
            continue
        for _needed, auxiliaries in section.iter_versions():
            for auxiliary in auxiliaries:
                match = _GLIBC_VERSION.match(auxiliary.name)
                if match:
                    yield tuple(int(part) for part in match.group(1).split("."))
