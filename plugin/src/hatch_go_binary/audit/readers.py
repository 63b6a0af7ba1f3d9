"""The binary-header readers (pyelftools, macholib, pefile), imported on first use: the
checks that read no header (tags, upload rules, metadata, SBOMs) need none of them."""

from __future__ import annotations

import functools
from types import SimpleNamespace

# The binary-header readers, also the plugin's "audit" extra.
READERS = ("pyelftools", "macholib", "pefile")
INSTALL_HINT = 'pip install "hatch-go-binary[audit]" (or: pip install pyelftools macholib pefile)'


class MissingDependencies(ImportError):
    """The binary-header readers are not installed; the message says what to install."""


@functools.cache
def _readers() -> SimpleNamespace:
    """pyelftools, macholib and pefile, imported on first use so the pure checks need none."""
    try:
        import pefile
        from elftools.common.exceptions import ELFError
        from elftools.elf.dynamic import DynamicSegment
        from elftools.elf.elffile import ELFFile
        from elftools.elf.gnuversions import GNUVerNeedSection
        from macholib import mach_o
        from macholib.MachO import MachO
    except ImportError as error:
        raise MissingDependencies(
            f"reading binary headers needs {', '.join(READERS)} ({error}): {INSTALL_HINT}"
        ) from error
    return SimpleNamespace(
        pefile=pefile,
        ELFError=ELFError,
        DynamicSegment=DynamicSegment,
        ELFFile=ELFFile,
        GNUVerNeedSection=GNUVerNeedSection,
        mach_o=mach_o,
        MachO=MachO,
    )
