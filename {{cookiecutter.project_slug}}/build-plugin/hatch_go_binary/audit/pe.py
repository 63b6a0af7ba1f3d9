"""Windows binaries (PE): the machine type matches the win tag."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from hatch_go_binary.audit.model import Finding, Platform
from hatch_go_binary.audit.platforms import WINDOWS_MACHINES
from hatch_go_binary.audit.readers import _readers


def check_pe(
    name: str, script: str, data: bytes, platforms: Sequence[Platform]
) -> Iterator[Finding]:
    """Windows: the PE machine type matches the win tag."""
    pefile = _readers().pefile
    machine = pefile.PE(data=data, fast_load=True).FILE_HEADER.Machine
    found = pefile.MACHINE_TYPE.get(machine, hex(machine))
    for platform in platforms:
        wanted = WINDOWS_MACHINES[platform.tag]
        if found != wanted:
            yield Finding(
                name,
                "binary-arch",
                f"{script}: PE machine is {found}, but {platform.tag} needs {wanted}: "
                f"rebuild it for that machine or fix the tag",
            )
