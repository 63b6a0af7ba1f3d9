"""Binary headers: each native script's format, CPU and OS versions against the wheel's tags.

A wheel's platform tags must tell the truth about every native binary (ELF, Mach-O or PE)
in <dist>-<version>.data/scripts/: the right operating system and CPU, a musllinux tag only
on a static binary, a manylinux tag no older than the glibc the binary needs, a macOS tag
no older than the binary's minimum macOS. A wrong tag is worse than a failed build:
installers trust it and users get a command that cannot run. This module tells the formats
apart and hands each binary to elf.py, macho.py or pe.py.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Iterator, Sequence

from hatch_go_binary.audit.elf import check_elf
from hatch_go_binary.audit.macho import check_macho
from hatch_go_binary.audit.model import Finding, Wheel, group_tags, tag_list
from hatch_go_binary.audit.pe import check_pe
from hatch_go_binary.audit.readers import _readers

MACHO_MAGICS = (
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # fat (universal) binary
    b"\xca\xfe\xba\xbf",
)
FORMATS = {"linux": "ELF", "macos": "Mach-O", "windows": "PE"}
NOT_NATIVE = "not ELF, Mach-O or PE"


def binary_format(data: bytes) -> str:
    if data[:4] == b"\x7fELF":
        return "ELF"
    if data[:4] in MACHO_MAGICS:
        return "Mach-O"
    if data[:2] == b"MZ":
        return "PE"
    return NOT_NATIVE


BINARY_CHECKS = {"ELF": check_elf, "Mach-O": check_macho, "PE": check_pe}


def check_binaries(wheel: Wheel, binaries: Sequence[zipfile.ZipInfo]) -> Iterator[Finding]:
    """Each binary's executable format, CPU and OS versions match every platform tag."""
    for info in binaries:
        yield from check_binary(wheel, info)


def check_binary(wheel: Wheel, info: zipfile.ZipInfo) -> Iterator[Finding]:
    name, script = wheel.path.name, info.filename
    data = wheel.read(info)
    found = binary_format(data)
    if not wheel.platforms:
        if wheel.pure and found != NOT_NATIVE:
            yield Finding(
                name,
                "platform-tag",
                f"{script} is a native {found} binary, but the wheel is tagged any: installers "
                f"would put it on every platform; tag the wheel for the binary's platform",
            )
        return  # otherwise check_filename has said why no tag could be used
    for system, tags in group_tags(wheel.platforms, lambda platform: platform.os).items():
        if FORMATS[system] != found:
            yield Finding(
                name,
                "binary-os",
                f"{script} is {found}, but {tag_list(tags, 'needs')} {FORMATS[system]}",
            )
    matching = [platform for platform in wheel.platforms if FORMATS[platform.os] == found]
    if not matching:
        return
    readers = _readers()
    unreadable = (
        readers.ELFError,
        readers.pefile.PEFormatError,
        ValueError,
        struct.error,
        EOFError,
    )
    try:
        # A list, so a parse error half-way reports nothing but itself.
        yield from list(BINARY_CHECKS[found](name, script, data, matching))
    except unreadable as error:
        yield Finding(name, "binary-parse", f"cannot read {script} as {found}: {error}")
