"""Audit wheels whose scripts are native executables, and their sdists, before PyPI sees them.

    python -m hatch_go_binary.audit [--command NAME]... [--dist-checks] [--cache DIR] PATHS...

PATHS are wheels, sdists (.tar.gz), folders of them, or globs the shell left alone.

A wheel's platform tags must tell the truth about every native binary (ELF, Mach-O or PE)
in <dist>-<version>.data/scripts/: the right operating system and CPU, a musllinux tag only
on a static binary, a manylinux tag no older than the glibc the binary needs, a macOS tag
no older than the binary's minimum macOS. A wrong tag is worse than a failed build:
installers trust it and users get a command that cannot run. --command NAME (repeatable)
names scripts that must be there; without it any names will do.

Every native script must also be described by a CycloneDX SBOM in the wheel's
.dist-info/sboms/ (PEP 770), listed in RECORD: valid against the CycloneDX schema (with
cyclonedx-python-lib installed; a structural check without it), its binary component
carrying the script's sha256, and its Go modules and standard library those the build
information inside the binary names. In a wheel of several commands each script needs its
own (hatch-go-binary writes one per command), and no SBOM may describe a script the wheel
lacks. An sdist's sboms/*.json, if any, must be valid too (hatch-go-binary writes one, from
go.mod, named after the distribution: all its commands build from that one source).

Both wheels and sdists must also pass the upload rules PyPI enforces, so a release is not
refused halfway: its platform tags, a Summary of at most 512 characters, zip archives
without data descriptors, duplicates, comments, trailing data or exotic compression, entry
names in printable UTF-8, and no file over 100 MiB. --dist-checks adds
`twine check --strict` and `check-wheel-contents`. With --cache DIR, files that passed are
remembered by their sha256, together with this module's source and the checkers' versions.

Exit status: 0 when every file passes, 1 otherwise, 2 for a usage error.

This file is copied verbatim into a Jinja template, so it must never hold a brace followed
by another brace, a percent sign or a hash: nested sets are written with set() calls.
"""

from __future__ import annotations

import argparse
import base64
import csv
import email.parser
import functools
import glob
import hashlib
import io
import json
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, TypeVar

try:
    from packaging.tags import Tag
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        parse_sdist_filename,
        parse_wheel_filename,
    )
except ImportError as error:  # say what to install instead of a bare traceback
    raise ImportError(
        'hatch_go_binary.audit needs packaging: pip install "packaging>=24"'
    ) from error

from hatch_go_binary import buildinfo

if TYPE_CHECKING:
    from elftools.elf.elffile import ELFFile

PROG = "python -m hatch_go_binary.audit"
# The binary-header readers, also the plugin's "audit" extra.
READERS = ("pyelftools", "macholib", "pefile")
INSTALL_HINT = 'pip install "hatch-go-binary[audit]" (or: pip install pyelftools macholib pefile)'

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
MAX_SUMMARY = 512
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # PyPI's default per-file limit, 100 MiB

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
MACHO_CPUS = {"x86_64": 0x01000007, "arm64": 0x0100000C}  # CPU_TYPE_X86_64, CPU_TYPE_ARM64
MACHO_SLICES = {  # set() calls: a nested set literal would end in two braces
    "x86_64": set(["x86_64"]),
    "arm64": set(["arm64"]),
    "universal2": set(["x86_64", "arm64"]),
}
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
SCRIPT_MODE = stat.S_IFREG | 0o755
FILE_MODE = stat.S_IFREG | 0o644

ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
ZIP_FLAG_DATA_DESCRIPTOR = 0x08
ZIP_FLAG_UTF8 = 0x800
ZIP_END = struct.Struct("<4sHHHHIIH")  # end-of-central-directory record, before its comment
# The start of a local file header: signature, version needed, flags, method.
ZIP_LOCAL = struct.Struct("<4sHHH")

_GLIBC_VERSION = re.compile(r"GLIBC_(\d+(?:\.\d+)+)$")
K = TypeVar("K")


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


# --- platform tags -------------------------------------------------------------------------------


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


# --- PyPI's upload rules: size, Summary, zip structure -------------------------------------------


def check_size(path: Path) -> Iterator[Finding]:
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        yield Finding(
            path.name,
            "file-size",
            f"{size / 2**20:.1f} MiB; PyPI refuses files over {MAX_UPLOAD_BYTES / 2**20:.0f} MiB "
            f"unless the project has a raised limit: strip the binary (Go: -ldflags='-s -w') "
            f"or ask PyPI for a larger limit",
        )


def check_summary(name: str, text: str, source: str) -> Iterator[Finding]:
    """The Summary field PyPI shows under the project name: one line, 512 characters at most."""
    summary = email.parser.Parser().parsestr(text, headersonly=True).get("Summary")
    if summary is None:
        return
    if len(summary) > MAX_SUMMARY:
        yield Finding(
            name,
            "summary",
            f"{source} Summary is {len(summary)} characters; PyPI refuses more than {MAX_SUMMARY}: "
            f"shorten description in [project] of pyproject.toml",
        )
    if "\n" in summary:
        yield Finding(
            name,
            "summary",
            f"{source} Summary spans several lines; PyPI takes one: "
            f"make description in [project] of pyproject.toml a single line",
        )


def check_zip(path: Path, archive: zipfile.ZipFile) -> Iterator[Finding]:
    """The zip rules PyPI enforces on upload, so that every unzipper reads the same files."""
    name = path.name
    entries = archive.infolist()
    with path.open("rb") as raw:
        yield from _check_zip_end(name, raw, path.stat().st_size)
        for info in entries:
            yield from _check_entry(name, raw, info)
    for entry, count in sorted(Counter(info.filename for info in entries).items()):
        if count > 1:
            yield Finding(
                name,
                "zip-duplicate",
                f"{entry} appears {count} times; unzippers disagree on which copy wins and "
                f"PyPI refuses the upload: write each entry once",
            )


def _check_zip_end(name: str, raw: io.BufferedReader, size: int) -> Iterator[Finding]:
    """No archive comment and nothing after the end-of-central-directory record."""
    start = max(0, size - ZIP_END.size - 0xFFFF)  # the record, then at most a 64 KiB comment
    raw.seek(start)
    tail = raw.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < ZIP_END.size:
        yield Finding(name, "zip", "no end-of-central-directory record")
        return
    comment = ZIP_END.unpack_from(tail, at)[-1]
    end = start + at + ZIP_END.size + comment
    if comment:
        yield Finding(
            name,
            "zip-comment",
            f"the archive has a {comment}-byte zip comment; PyPI refuses commented archives: "
            f"write the zip without one",
        )
    if end < size:
        yield Finding(
            name,
            "zip-trailing-data",
            f"{size - end} bytes follow the end-of-central-directory record; PyPI refuses "
            f"trailing data (two archives glued together?): rebuild the file",
        )
    elif end > size:
        yield Finding(
            name, "zip", f"the zip comment claims {end - size} bytes more than the file has"
        )


def _check_entry(name: str, raw: io.BufferedReader, info: zipfile.ZipInfo) -> Iterator[Finding]:
    raw.seek(info.header_offset)
    local = raw.read(ZIP_LOCAL.size)
    signature, _version, local_flags, _method = (
        ZIP_LOCAL.unpack(local) if len(local) == ZIP_LOCAL.size else (b"", 0, 0, 0)
    )
    if signature != b"PK\x03\x04":
        yield Finding(
            name, "zip", f"{info.filename}: no local file header where the directory says"
        )
    if (info.flag_bits | local_flags) & ZIP_FLAG_DATA_DESCRIPTOR:
        yield Finding(
            name,
            "zip-data-descriptor",
            f"{info.filename} has a data descriptor (flag bit 3: sizes after the data, as a "
            f"streaming zipper writes them); PyPI refuses it: write the zip to a seekable file",
        )
    if info.compress_type not in ZIP_METHODS:
        yield Finding(
            name,
            "zip-compression",
            f"{info.filename} uses compression method {info.compress_type}; PyPI and installers "
            f"take only stored (0) or deflated (8): rewrite it with zipfile.ZIP_DEFLATED",
        )
    if info.comment:
        yield Finding(
            name,
            "zip-comment",
            f"{info.filename} has an entry comment; PyPI refuses it: write the entry without one",
        )
    problem = _name_problem(info)
    if problem:
        yield Finding(name, "zip-name", f"{info.filename!r}: {problem}; rename the entry")


def _name_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an entry name breaks PyPI's rule (printable UTF-8), or None."""
    # zipfile decodes names without the UTF-8 flag as cp437, which maps every byte: undo it.
    utf8_flag = bool(info.flag_bits & ZIP_FLAG_UTF8)
    raw = info.orig_filename.encode("utf-8" if utf8_flag else "cp437")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "is not valid UTF-8"
    # PyPI refuses ASCII controls and DEL; the C1 controls are no more printable.
    controls = sorted(set(char for char in text if unicodedata.category(char) == "Cc"))
    if controls:
        return f"holds control characters {', '.join(f'U+{ord(char):04X}' for char in controls)}"
    if not utf8_flag and not raw.isascii():
        return "is UTF-8 without the zip UTF-8 flag (bit 11), so installers read it as cp437"
    return None


# --- wheel metadata, scripts and modes -----------------------------------------------------------


def check_metadata(wheel: Wheel) -> Iterator[Finding]:
    """WHEEL's tags match the file name, METADATA's Summary fits, RECORD matches the entries."""
    name = wheel.path.name
    folders = {info.filename.split("/")[0] for info in wheel.entries}
    dist_info = sorted(folder for folder in folders if folder.endswith(".dist-info"))
    if len(dist_info) != 1:
        yield Finding(name, "metadata", f"needs one .dist-info folder, found {dist_info or 'none'}")
        return
    names = {info.filename for info in wheel.entries}
    wheel_file, metadata_file = f"{dist_info[0]}/WHEEL", f"{dist_info[0]}/METADATA"
    if wheel_file in names:
        text = wheel.archive.read(wheel_file).decode("utf-8")
        declared = set(email.parser.Parser().parsestr(text).get_all("Tag") or [])
        expected = {str(tag) for tag in wheel.tags}
        if declared != expected:
            yield Finding(
                name,
                "metadata",
                f"WHEEL declares tags {sorted(declared)}, "
                f"but the file name needs {sorted(expected)}",
            )
    else:
        yield Finding(name, "metadata", f"{wheel_file} is missing")
    if metadata_file in names:
        text = wheel.archive.read(metadata_file).decode("utf-8")
        yield from check_summary(name, text, "METADATA")
    else:
        yield Finding(name, "metadata", f"{metadata_file} is missing")
    yield from check_record(wheel, f"{dist_info[0]}/RECORD")


def check_record(wheel: Wheel, record_file: str) -> Iterator[Finding]:
    """Installers check these hashes; a hand-edited wheel usually forgets one."""
    name = wheel.path.name
    if record_file not in {info.filename for info in wheel.entries}:
        yield Finding(name, "record", f"{record_file} is missing")
        return
    record = wheel.archive.read(record_file).decode("utf-8")
    listed = {row[0]: row for row in csv.reader(io.StringIO(record)) if row}
    for info in wheel.entries:
        if info.filename == record_file or info.filename.endswith("/"):
            continue
        row = listed.pop(info.filename, None)
        if row is None:
            yield Finding(name, "record", f"{info.filename} is not listed in RECORD")
            continue
        data = wheel.archive.read(info)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if row[1:3] != [f"sha256={digest}", str(len(data))]:
            yield Finding(
                name,
                "record",
                f"{info.filename}: RECORD says {row[1:3]}, the entry is sha256={digest} "
                f"and {len(data)} bytes",
            )
    for missing in sorted(set(listed) - set([record_file])):
        yield Finding(name, "record", f"RECORD lists {missing}, which the wheel lacks")


def binary_format(data: bytes) -> str:
    if data[:4] == b"\x7fELF":
        return "ELF"
    if data[:4] in MACHO_MAGICS:
        return "Mach-O"
    if data[:2] == b"MZ":
        return "PE"
    return NOT_NATIVE


def _wanted_name(command: str, windows: bool) -> str:
    return command + (".exe" if windows and not command.lower().endswith(".exe") else "")


def binaries_to_check(wheel: Wheel, commands: Sequence[str]) -> list[zipfile.ZipInfo]:
    """The scripts whose headers must match the tags: every native one, every one named by
    --command, and every .exe (a .exe that is no PE is as broken as a missing one)."""
    named = {_wanted_name(command, wheel.windows) for command in commands}
    chosen = []
    for info in wheel.scripts():
        with wheel.archive.open(info) as script:
            native = binary_format(script.read(4)) != NOT_NATIVE
        script_name = basename(info.filename)
        if native or script_name in named or script_name.lower().endswith(".exe"):
            chosen.append(info)
    return chosen


def check_scripts(
    wheel: Wheel, commands: Sequence[str], binaries: Sequence[zipfile.ZipInfo]
) -> Iterator[Finding]:
    """Each --command is there, and a wheel tagged for a platform holds a binary for it."""
    name = wheel.path.name
    present = [basename(info.filename) for info in wheel.scripts()]
    found = ", ".join(present) or "nothing"
    for command in commands:
        wanted = _wanted_name(command, wheel.windows)
        if wanted not in present:
            yield Finding(
                name,
                "scripts",
                f"no {wanted} under {wheel.data_scripts} (--command {command}); found {found}",
            )
    if wheel.platforms and not binaries:
        tags = ", ".join(platform.tag for platform in wheel.platforms)
        yield Finding(
            name,
            "scripts",
            f"tagged {tags} but holds no native executable (ELF, Mach-O or PE) under "
            f"{wheel.data_scripts}; found {found}: put the binary there, or tag the wheel any",
        )


def check_exe(wheel: Wheel, binaries: Sequence[zipfile.ZipInfo]) -> Iterator[Finding]:
    """Windows runs a script only as NAME.exe; anywhere else a .exe is a misplaced Windows file."""
    name = wheel.path.name
    if wheel.windows:
        for info in binaries:
            if not info.filename.lower().endswith(".exe"):
                yield Finding(
                    name,
                    "exe",
                    f"{info.filename} lacks .exe; Windows runs scripts only by that suffix: "
                    f"name it {basename(info.filename)}.exe",
                )
    elif wheel.platforms:
        exes = [info.filename for info in wheel.entries if info.filename.lower().endswith(".exe")]
        if exes:
            yield Finding(name, "exe", f"a non-Windows wheel should hold no .exe, found {exes}")


def check_modes(wheel: Wheel) -> Iterator[Finding]:
    """Regular-file modes: 0o755 for scripts, so installers make them executable; 0o644 else."""
    name = wheel.path.name
    for info in wheel.entries:
        mode = info.external_attr >> 16
        wanted_mode = SCRIPT_MODE if is_script(info.filename) else FILE_MODE
        # Unpackers read the type bits to tell a file from a symlink or folder; bdist_wheel
        # always sets S_IFREG, and a mode without it leaves the type to guesswork.
        if not stat.S_ISREG(mode):
            yield Finding(
                name,
                "entry-type",
                f"{info.filename}: zip mode {oct(mode)} lacks the regular-file bit S_IFREG, "
                f"needs {oct(wanted_mode)}",
            )
        elif mode != wanted_mode:
            why = "so installers make it executable" if wanted_mode == SCRIPT_MODE else ""
            yield Finding(
                name,
                "entry-mode",
                f"{info.filename}: zip mode {oct(mode)}, needs {oct(wanted_mode)} {why}".rstrip(),
            )


# --- binary headers ------------------------------------------------------------------------------


def group_tags(platforms: Sequence[Platform], key: Callable[[Platform], K]) -> dict[K, list[str]]:
    """Group tags that ask the same thing, so one wrong binary gives one message per need."""
    groups: dict[K, list[str]] = {}
    for platform in platforms:
        groups.setdefault(key(platform), []).append(platform.tag)
    return groups


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


BINARY_CHECKS = {"ELF": check_elf, "Mach-O": check_macho, "PE": check_pe}


def check_binaries(wheel: Wheel, binaries: Sequence[zipfile.ZipInfo]) -> Iterator[Finding]:
    """Each binary's executable format, CPU and OS versions match every platform tag."""
    for info in binaries:
        yield from check_binary(wheel, info)


def check_binary(wheel: Wheel, info: zipfile.ZipInfo) -> Iterator[Finding]:
    name, script = wheel.path.name, info.filename
    data = wheel.archive.read(info)
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


# --- SBOMs (PEP 770) -----------------------------------------------------------------------------

SBOM_FOLDER = "sboms"
# What `python -m hatch_go_binary requirements --audit` adds so that SBOMs meet the schema.
SBOM_VALIDATOR = "cyclonedx-python-lib[json-validation]>=11"
CYCLONEDX_TYPES = frozenset(
    [
        "application",
        "framework",
        "library",
        "container",
        "platform",
        "operating-system",
        "device",
        "device-driver",
        "firmware",
        "file",
        "machine-learning-model",
        "data",
        "cryptographic-asset",
    ]
)
CYCLONEDX_HASHES = frozenset(
    [
        *("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512"),
        *("BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3", "Streebog-256", "Streebog-512"),
    ]
)
_SERIAL = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_VERSION = re.compile(r"[0-9]+\.[0-9]+")
_GO_PROPERTY = "hatch-go-binary:go:"
_SBOM_FIX = (
    "rebuild the wheel with hatch-go-binary (python -m hatch_go_binary build), which writes "
    "it from the binary's build information"
)


def _cyclonedx_installed() -> bool:
    """Whether cyclonedx-python-lib and jsonschema are here, without importing them: the
    import takes seconds (jsonschema's format checkers), paid only when an SBOM is checked."""
    return find_spec("cyclonedx") is not None and find_spec("jsonschema") is not None


@functools.cache
def _cyclonedx() -> SimpleNamespace | None:
    """cyclonedx-python-lib with its json-validation extra, or None when it is not installed
    here: then SBOMs get a structural check only."""
    if not _cyclonedx_installed():
        return None
    try:
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator

        JsonStrictValidator(SchemaVersion.V1_6).validate_str("{}")  # needs jsonschema
    except ImportError:
        return None
    except Exception as error:
        if type(error).__name__ == "MissingOptionalDependencyException":
            return None
        raise
    return SimpleNamespace(SchemaVersion=SchemaVersion, JsonStrictValidator=JsonStrictValidator)


@functools.cache
def _sbom_validator(spec_version: str) -> object | None:
    """The library's strict JSON schema validator for SPEC_VERSION (additional properties
    refused); None without the library. ValueError for a version it does not know."""
    library = _cyclonedx()
    if library is None:
        return None
    if not _VERSION.fullmatch(spec_version):
        raise ValueError(spec_version)
    return library.JsonStrictValidator(library.SchemaVersion.from_version(spec_version))


def sbom_validator_identity() -> str:
    """Which validator judges SBOMs here, for the pass cache: a structural pass is no
    schema pass."""
    if not _cyclonedx_installed():
        return "cyclonedx-python-lib absent"
    versions = [
        f"{name} {metadata.version(name)}" for name in ("cyclonedx-python-lib", "jsonschema")
    ]
    return ", ".join(versions)


def _schema_problem(error: object) -> str:
    """One schema error in a line: where, and what (the library's str() quotes the schema)."""
    detail = getattr(error, "data", error)
    where = getattr(detail, "json_path", "$")
    return f"{where}: {getattr(detail, 'message', str(detail))}"


def _structure_problems(document: object) -> list[str]:
    """What a CycloneDX JSON document lacks, checked by hand where no schema validator is."""
    if not isinstance(document, dict):
        return ["the document is not a JSON object"]
    problems = []
    if document.get("bomFormat") != "CycloneDX":
        problems.append("bomFormat is not 'CycloneDX'")
    if not re.fullmatch(r"1\.[0-9]", str(document.get("specVersion", ""))):
        problems.append(f"specVersion {document.get('specVersion')!r} is not a CycloneDX 1.x")
    if "version" in document and not (
        isinstance(document["version"], int) and document["version"] >= 1
    ):
        problems.append("version must be an integer of at least 1")
    if "serialNumber" in document and not _SERIAL.fullmatch(str(document["serialNumber"])):
        problems.append("serialNumber is not a urn:uuid")
    metadata_ = document.get("metadata", {})
    components = list(document.get("components", []))
    if isinstance(metadata_, dict) and "component" in metadata_:
        components.append(metadata_["component"])
    refs: list[str] = []
    for index, component in enumerate(components):
        if not isinstance(component, dict):
            problems.append(f"component #{index + 1} is not an object")
            continue
        label = component.get("bom-ref") or component.get("name") or f"#{index + 1}"
        if component.get("type") not in CYCLONEDX_TYPES:
            problems.append(
                f"component {label}: type {component.get('type')!r} is not one of CycloneDX's"
            )
        if not isinstance(component.get("name"), str) or not component["name"]:
            problems.append(f"component {label} has no name")
        for entry in component.get("hashes", []):
            if not isinstance(entry, dict) or entry.get("alg") not in CYCLONEDX_HASHES:
                problems.append(f"component {label}: a hash with an unknown algorithm")
            elif not _HEX.fullmatch(str(entry.get("content", ""))):
                problems.append(f"component {label}: {entry['alg']} hash is not hexadecimal")
        if "bom-ref" in component:
            refs.append(str(component["bom-ref"]))
    for ref in sorted(set(ref for ref in refs if refs.count(ref) > 1)):
        problems.append(f"bom-ref {ref!r} is used twice")
    for entry in document.get("dependencies", []):
        if not isinstance(entry, dict) or "ref" not in entry:
            problems.append("a dependency entry has no ref")
            continue
        for ref in [entry["ref"], *entry.get("dependsOn", [])]:
            if ref not in refs:
                problems.append(f"dependency on {ref!r}, which no component has as bom-ref")
    return problems


def sbom_problems(text: str) -> tuple[dict | None, list[str]]:
    """(the parsed CycloneDX document, or None; why it is not valid CycloneDX JSON)."""
    try:
        document = json.loads(text)
    except ValueError as error:
        return None, [f"is not JSON: {error}"]
    if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
        return None, []  # another SBOM format (SPDX): PEP 770 takes any
    spec_version = str(document.get("specVersion", ""))
    try:
        validator = _sbom_validator(spec_version)
    except ValueError:
        return None, [f"specVersion {spec_version!r} is no CycloneDX version the validator knows"]
    if validator is None:
        problems = _structure_problems(document)
    else:
        errors = validator.validate_str(text, all_errors=True) or ()
        problems = sorted(set(_schema_problem(error) for error in errors))
    return (None if problems else document), problems


def _sha256_of(component: dict) -> str | None:
    for entry in component.get("hashes", []):
        if isinstance(entry, dict) and entry.get("alg") == "SHA-256":
            return str(entry.get("content", "")).lower()
    return None


def _locations(component: dict) -> list[str]:
    evidence = component.get("evidence", {})
    occurrences = evidence.get("occurrences", []) if isinstance(evidence, dict) else []
    return [entry.get("location") for entry in occurrences if isinstance(entry, dict)]


def _describes(component: dict, script: str) -> bool:
    """Whether COMPONENT stands for the wheel's script at SCRIPT (its path in the wheel)."""
    if not isinstance(component, dict) or component.get("type") != "application":
        return False
    return script in _locations(component) or component.get("bom-ref") == script


def _go_sum(component: dict) -> str:
    """The go.sum hash a module component states: its SHA-256 as an h1: hash."""
    digest = _sha256_of(component)
    if not digest or not _HEX.fullmatch(digest) or len(digest) != 64:
        return ""
    return "h1:" + base64.b64encode(bytes.fromhex(digest)).decode()


def _property(component: dict, name: str) -> str | None:
    for entry in component.get("properties", []):
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry.get("value")
    return None


def _is_stdlib(component: dict) -> bool:
    return str(component.get("purl", "")).startswith(("pkg:golang/stdlib@", "pkg:golang/std@"))


def _is_go_module(component: dict) -> bool:
    if str(component.get("purl", "")).startswith("pkg:golang/"):
        return True
    names = [
        entry.get("name", "")
        for entry in component.get("properties", [])
        if isinstance(entry, dict)
    ]
    return any(str(name).startswith(_GO_PROPERTY) for name in names)


def _linked_components(document: dict, ref: str) -> list[dict]:
    """The components the dependency graph says REF depends on."""
    by_ref = {
        component.get("bom-ref"): component
        for component in document.get("components", [])
        if isinstance(component, dict)
    }
    wanted = [
        dependency
        for entry in document.get("dependencies", [])
        if isinstance(entry, dict) and entry.get("ref") == ref
        for dependency in entry.get("dependsOn", [])
    ]
    return [by_ref[dependency] for dependency in wanted if dependency in by_ref]


def _module_text(module: tuple[str, str, str]) -> str:
    path, version, go_sum = module
    return f"{path}@{version}" + (f" ({go_sum})" if go_sum else "")


def check_sbom_modules(
    name: str, sbom: str, script: str, document: dict, component: dict, data: bytes
) -> Iterator[Finding]:
    """The modules the SBOM says the binary links are those its Go build information names."""
    try:
        info = buildinfo.read(data)
    except buildinfo.BuildInfoError:
        info = None
    linked = _linked_components(document, str(component.get("bom-ref", "")))
    modules = [entry for entry in linked if _is_go_module(entry) and not _is_stdlib(entry)]
    if info is None:
        if modules:
            yield Finding(
                name,
                "sbom",
                f"{sbom} lists Go modules for {script}, which holds no Go build information: "
                f"the SBOM describes another binary; {_SBOM_FIX}",
            )
        return
    listed, disagreeing = set(), []
    for entry in modules:
        module = (str(entry.get("name", "")), str(entry.get("version", "")), _go_sum(entry))
        stated = _property(entry, _GO_PROPERTY + "sum")
        if stated is not None and stated != module[2]:
            disagreeing.append(f"{module[0]}: {_GO_PROPERTY}sum {stated} but SHA-256 {module[2]}")
        listed.add(module)
    held = set((module.path, module.version, module.sum) for module in info.linked_modules())
    differences = []
    if listed - held:
        extra = ", ".join(map(_module_text, sorted(listed - held)))
        differences.append(f"lists modules the binary does not hold: {extra}")
    if held - listed:
        missing = ", ".join(map(_module_text, sorted(held - listed)))
        differences.append(f"lacks modules the binary holds: {missing}")
    stdlib = [entry for entry in linked if _is_stdlib(entry)]
    versions = sorted(set(str(entry.get("version", "")) for entry in stdlib))
    if versions != [info.go_release]:
        differences.append(
            f"names the Go standard library {', '.join(versions) or 'nowhere'}, but the binary "
            f"was linked by {info.go_release}"
        )
    differences += disagreeing
    if differences:
        yield Finding(
            name,
            "sbom",
            f"{sbom} does not match the build information in {script}: "
            f"{'; '.join(differences)}: {_SBOM_FIX}",
        )


def check_sbom(wheel: Wheel, binaries: Sequence[zipfile.ZipInfo]) -> Iterator[Finding]:
    """Each native script is described by a valid CycloneDX SBOM in .dist-info/sboms/, listed
    in RECORD, whose binary has the script's sha256 and lists the modules linked into it."""
    name = wheel.path.name
    folders = sorted(
        set(info.filename.split("/")[0] for info in wheel.entries if ".dist-info/" in info.filename)
    )
    if len(folders) != 1:
        return  # check_metadata has said so
    folder = f"{folders[0]}/{SBOM_FOLDER}/"
    record = f"{folders[0]}/RECORD"
    names = set(info.filename for info in wheel.entries)
    listed = set()
    if record in names:
        text = wheel.archive.read(record).decode("utf-8", "replace")
        listed = set(row[0] for row in csv.reader(io.StringIO(text)) if row)
    documents = []
    for info in wheel.entries:
        if not info.filename.startswith(folder) or info.filename.endswith("/"):
            continue
        if info.filename not in listed:
            yield Finding(
                name,
                "sbom",
                f"{info.filename} is not listed in RECORD: installers check every file against "
                f"it; {_SBOM_FIX}, or add the SBOM's row to RECORD",
            )
        if not info.filename.endswith(".json"):
            continue  # another SBOM format: PEP 770 takes any
        text = wheel.archive.read(info).decode("utf-8", "replace")
        document, problems = sbom_problems(text)
        for problem in problems:
            yield Finding(name, "sbom", f"{info.filename} is not valid CycloneDX: {problem}")
        if document is not None:
            documents.append((info.filename, document))
    native = []
    for info in binaries:
        with wheel.archive.open(info) as script:
            if binary_format(script.read(4)) != NOT_NATIVE:
                native.append(info)
    if native and not documents:
        scripts = ", ".join(info.filename for info in native)
        yield Finding(
            name,
            "sbom",
            f"no CycloneDX SBOM in {folder} describes {scripts} (PEP 770): {_SBOM_FIX} "
            f"({folder}<command>.cyclonedx.json), or add one there and list it in RECORD",
        )
        return
    for info in native:
        yield from _check_described(name, info, wheel.archive.read(info), documents)
    yield from _check_locations(name, set(info.filename for info in wheel.scripts()), documents)


def _check_locations(
    name: str, scripts: set[str], documents: Sequence[tuple[str, dict]]
) -> Iterator[Finding]:
    """Each script an SBOM describes is in the wheel: one that is not comes from another
    build, such as a command no longer built, and vouches for nothing here."""
    for sbom, document in documents:
        for component in document.get("components", []):
            if not isinstance(component, dict) or component.get("type") != "application":
                continue
            for location in _locations(component):
                if isinstance(location, str) and is_script(location) and location not in scripts:
                    yield Finding(
                        name,
                        "sbom",
                        f"{sbom} describes {location}, which the wheel does not hold: an SBOM "
                        f"of another build, or of a command no longer built; {_SBOM_FIX}",
                    )


def _check_described(
    name: str, info: zipfile.ZipInfo, data: bytes, documents: Sequence[tuple[str, dict]]
) -> Iterator[Finding]:
    script, digest = info.filename, hashlib.sha256(data).hexdigest()
    described = [
        (sbom, document, component)
        for sbom, document in documents
        for component in document.get("components", [])
        if _describes(component, script)
    ]
    if not described:
        yield Finding(
            name,
            "sbom",
            f"no SBOM component describes {script} (a component whose evidence names that "
            f"location): {_SBOM_FIX}",
        )
    for sbom, document, component in described:
        stated = _sha256_of(component)
        if stated != digest:
            yield Finding(
                name,
                "sbom",
                f"{sbom} gives {script} the SHA-256 {stated or 'none'}, but the script's is "
                f"{digest}: the SBOM describes another binary; {_SBOM_FIX}",
            )
            continue
        yield from check_sbom_modules(name, sbom, script, document, component, data)


# --- one file ------------------------------------------------------------------------------------


def audit_wheel(path: Path | str, commands: Iterable[str] | None = None) -> list[Finding]:
    """Every finding for one wheel; an empty list means it passed. COMMANDS: script names
    that must be present (.exe is added on Windows)."""
    path = Path(path)
    commands = [commands] if isinstance(commands, str) else list(commands or [])
    tags, platforms, findings = check_filename(path)
    findings += check_size(path)
    if tags is None:
        return findings
    try:
        archive = zipfile.ZipFile(path)
    # ValueError: a name flagged UTF-8 that is not, which zipfile refuses outright
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        return [*findings, Finding(path.name, "zip", str(error))]
    with archive:
        findings += check_zip(path, archive)
        wheel = Wheel(path, tags, platforms, archive.infolist(), archive)
        try:
            findings += _check_contents(wheel, commands)
        # An entry no installer could unpack either: check_zip has usually said why.
        except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error) as error:
            findings.append(Finding(path.name, "zip", f"cannot read the entries: {error}"))
    return findings


def _check_contents(wheel: Wheel, commands: Sequence[str]) -> list[Finding]:
    binaries = binaries_to_check(wheel, commands)
    return [
        *check_metadata(wheel),
        *check_scripts(wheel, commands, binaries),
        *check_exe(wheel, binaries),
        *check_modes(wheel),
        *check_binaries(wheel, binaries),
        *check_sbom(wheel, binaries),
    ]


def audit_sdist(path: Path | str) -> list[Finding]:
    """What PyPI refuses in an sdist before it looks further: the name, the size, the Summary."""
    path = Path(path)
    findings = list(check_size(path))
    try:
        name, version = parse_sdist_filename(path.name)
    except InvalidSdistFilename as error:
        return [*findings, Finding(path.name, "filename", str(error))]
    folder = path.name[: -len(".tar.gz")]
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(f"{folder}/PKG-INFO")
            text = member.read().decode("utf-8") if member else None
    except KeyError:
        text = None
    except (OSError, tarfile.TarError, EOFError, UnicodeDecodeError) as error:
        return [*findings, Finding(path.name, "sdist", f"cannot read {folder}/PKG-INFO: {error}")]
    if text is None:
        findings.append(
            Finding(
                path.name,
                "sdist",
                f"no {folder}/PKG-INFO; PyPI reads {name} {version}'s metadata from there: "
                f"build the sdist with the project's build backend (uv build --sdist)",
            )
        )
    else:
        findings += check_summary(path.name, text, "PKG-INFO")
    return findings + list(check_sdist_sboms(path, folder))


def check_sdist_sboms(path: Path, folder: str) -> Iterator[Finding]:
    """The SBOMs an sdist carries in sboms/ (hatch-go-binary writes one from go.mod) are valid."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                inside = member.name.startswith(f"{folder}/{SBOM_FOLDER}/")
                if not (inside and member.isfile() and member.name.endswith(".json")):
                    continue
                stream = archive.extractfile(member)
                text = stream.read().decode("utf-8", "replace") if stream else ""
                for problem in sbom_problems(text)[1]:
                    yield Finding(
                        path.name, "sbom", f"{member.name} is not valid CycloneDX: {problem}"
                    )
    except (OSError, tarfile.TarError, EOFError) as error:
        yield Finding(path.name, "sdist", f"cannot read the sdist: {error}")


# --- twine and check-wheel-contents --------------------------------------------------------------


def _tool(module: str, executable: str) -> list[str] | None:
    """argv for a tool: this Python's copy if it has one, else the one on PATH."""
    if find_spec(module) is not None:
        return [sys.executable, "-m", module]
    found = shutil.which(executable)
    return [found] if found else None


def run_dist_checks(paths: Sequence[Path]) -> list[Finding]:
    """twine check --strict and check-wheel-contents, as PyPI's gate would see it."""
    findings = []
    wheels = [path for path in paths if path.suffix == ".whl"]
    tools = (
        ("twine", "twine", ["check", "--strict"], paths),
        ("check_wheel_contents", "check-wheel-contents", [], wheels),  # it refuses sdists
    )
    for module, executable, args, files in tools:
        if not files:
            continue
        argv = _tool(module, executable)
        if argv is None:
            findings.append(
                Finding(
                    "(dist checks)",
                    executable,
                    f"{executable} is not installed: pip install {executable} "
                    f"(or run without --dist-checks)",
                )
            )
            continue
        env = {**os.environ, "NO_COLOR": "1"}  # plain text for the report
        done = subprocess.run(
            [*argv, *args, *map(str, files)], capture_output=True, text=True, env=env
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip()
            findings.append(Finding("(dist checks)", executable, f"failed:\n{output}"))
    return findings


# --- the pass cache ------------------------------------------------------------------------------


CHECK_WHEEL_CONTENTS_CONFIGS = (
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
    "check-wheel-contents.cfg",
    ".check-wheel-contents.cfg",
)


def checker_identity(commands: Sequence[str], dist_checks: bool) -> str:
    """Everything besides the file that a pass depends on: this module's source, the options,
    and the version of each checking tool."""
    parts = [sha256_of(Path(__file__)), sha256_of(Path(buildinfo.__file__))]
    parts += [",".join(sorted(commands)), str(dist_checks), sbom_validator_identity()]
    for distribution in (*READERS, "packaging"):
        parts.append(f"{distribution} {metadata.version(distribution)}")
    if dist_checks:
        # check-wheel-contents reads its settings from the first of these it finds here
        for config in CHECK_WHEEL_CONTENTS_CONFIGS:
            if Path(config).is_file():
                parts.append(f"{config} {sha256_of(Path(config))}")
        tools = (("twine", "twine"), ("check_wheel_contents", "check-wheel-contents"))
        for module, executable in tools:
            argv = _tool(module, executable) or ["(missing)"]
            if argv[0] == sys.executable:
                parts.append(f"{executable} {metadata.version(executable)}")
            else:  # a copy on PATH: its location and age stand for its version
                found = Path(argv[0])
                parts.append(f"{found} {found.stat().st_mtime_ns if found.exists() else 0}")
    return "\n".join(parts)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class PassCache:
    """Files that passed this same audit before, one empty file per pass in a folder."""

    def __init__(self, folder: Path | None, identity: str) -> None:
        self.folder, self.identity = folder, identity

    def _entry(self, path: Path) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.sha256(f"{self.identity}\n{sha256_of(path)}".encode()).hexdigest()
        return self.folder / key

    def passed_before(self, path: Path) -> bool:
        entry = self._entry(path)
        return entry is not None and entry.is_file()

    def remember(self, paths: Sequence[Path]) -> None:
        for path in paths:
            entry = self._entry(path)
            if entry is not None:
                entry.parent.mkdir(parents=True, exist_ok=True)
                entry.touch()


# --- the command line ----------------------------------------------------------------------------


def expand(arguments: Sequence[str]) -> list[Path]:
    """Paths from the arguments: files, folders of wheels and sdists, or globs the shell left
    alone. A folder with neither, or a glob that matches nothing, stays as given, to be reported."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            paths += sorted([*path.glob("*.whl"), *path.glob("*.tar.gz")]) or [path]
        elif path.exists():
            paths.append(path)
        else:
            paths += [Path(match) for match in sorted(glob.glob(argument))] or [path]
    return paths


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check that wheels' tags match their native scripts, and that PyPI "
        "would take the wheels and sdists.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="wheels, sdists, folders, globs")
    parser.add_argument(
        "--command",
        action="append",
        default=[],
        metavar="NAME",
        help="a script every wheel must hold (NAME.exe on Windows); repeatable",
    )
    parser.add_argument(
        "--dist-checks",
        action="store_true",
        help="also run twine check --strict and check-wheel-contents",
    )
    parser.add_argument(
        "--cache", type=Path, help="folder remembering the files that passed, to skip them"
    )
    return parser


def _audit_path(path: Path, commands: Sequence[str]) -> list[Finding]:
    if path.is_dir():
        return [Finding(str(path), "missing", f"{path} holds no .whl or .tar.gz files")]
    if not path.is_file():
        return [Finding(path.name, "missing", f"{path} does not exist")]
    if path.name.endswith(".whl"):
        return audit_wheel(path, commands)
    if path.name.endswith(".tar.gz"):
        return audit_sdist(path)
    return [
        Finding(
            path.name,
            "filename",
            f"{path} is neither a wheel (.whl) nor an sdist (.tar.gz), the only files PyPI takes",
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    try:
        _readers()
    except MissingDependencies as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    if not _cyclonedx_installed():
        print(
            f"{PROG}: SBOMs get a structural check only; for the CycloneDX schema: "
            f'pip install "{SBOM_VALIDATOR}"',
            file=sys.stderr,
        )
    commands = options.command
    identity = checker_identity(commands, options.dist_checks) if options.cache else ""
    passes = PassCache(options.cache, identity)
    failed = False
    checked = []
    for path in expand(options.paths):
        if path.is_file() and passes.passed_before(path):
            print(f"{path.name}: ok (passed this audit before)")
            continue
        findings = _audit_path(path, commands)
        # An sdist's own audit is a real one too (PKG-INFO, size, SBOM); the cache key
        # says whether the dist checks ran.
        if path.is_file() and path.name.endswith((".whl", ".tar.gz")):
            checked.append(path)
        failed = failed or bool(findings)
        print(f"{path.name or path}: {'FAIL' if findings else 'ok'}")
        for finding in findings:
            print(f"  [{finding.check}] {finding.message}")
    if options.dist_checks and checked:
        extra = run_dist_checks(checked)
        failed = failed or bool(extra)
        for finding in extra:
            print(f"{finding.wheel}: [{finding.check}] {finding.message}")
    if failed:
        return 1
    passes.remember(checked)  # only a clean run: dist checks do not say which file failed
    return 0


if __name__ == "__main__":
    sys.exit(main())
