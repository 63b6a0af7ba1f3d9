"""What every check shares: a Finding, a platform tag taken apart, a wheel opened for
checking, and the small helpers their messages are written with."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from packaging.tags import Tag

K = TypeVar("K")


@dataclass(frozen=True)
class Finding:
    """One problem with one file (wheel or sdist): which check found it, and what is wrong."""

    wheel: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.wheel}: [{self.check}] {self.message}"


@dataclass(frozen=True)
class Platform:
    """A wheel platform tag, taken apart: what it promises about the binary."""

    tag: str
    os: str  # linux, macos or windows
    arch: str
    version: tuple[int, int] | None = None  # glibc or musl for linux, the OS for macos
    libc: str | None = None  # glibc or musl


@dataclass
class Wheel:
    """What every check may look at: the file, its tags, and its zip entries."""

    path: Path
    tags: frozenset[Tag]
    platforms: list[Platform]
    entries: list[zipfile.ZipInfo]
    archive: zipfile.ZipFile
    _scripts_read: dict[int, bytes] = field(default_factory=dict, repr=False)

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """An entry's bytes. Scripts are kept once inflated: three checks read each
        binary, and inflating a few MB is most of what the audit of a wheel costs. Kept
        by where the entry starts, as two entries may share a name."""
        if not is_script(info.filename):
            return self.archive.read(info)
        if info.header_offset not in self._scripts_read:
            self._scripts_read[info.header_offset] = self.archive.read(info)
        return self._scripts_read[info.header_offset]

    @property
    def pure(self) -> bool:
        return any(tag.platform == "any" for tag in self.tags)

    @property
    def windows(self) -> bool:
        return any(platform.os == "windows" for platform in self.platforms)

    @property
    def data_scripts(self) -> str:
        """Where the scripts belong, spelt as in the file name: my_tool-1.0.data/scripts/."""
        dist, version = self.path.name.split("-")[:2]
        return f"{dist}-{version}.data/scripts/"

    def scripts(self) -> list[zipfile.ZipInfo]:
        return [info for info in self.entries if is_script(info.filename)]


def is_script(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 3 and parts[0].endswith(".data") and parts[1] == "scripts"


def basename(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def tag_list(tags: Sequence[str], verb: str) -> str:
    """'a needs' or 'a, b need': the tags, then VERB agreeing with them."""
    return f"{', '.join(tags)} {verb if len(tags) == 1 else verb[:-1]}"


def version_text(version: Sequence[int]) -> str:
    return ".".join(map(str, version))


def group_tags(platforms: Sequence[Platform], key: Callable[[Platform], K]) -> dict[K, list[str]]:
    """Group tags that ask the same thing, so one wrong binary gives one message per need."""
    groups: dict[K, list[str]] = {}
    for platform in platforms:
        groups.setdefault(key(platform), []).append(platform.tag)
    return groups
