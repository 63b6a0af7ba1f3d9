"""The upload rules PyPI enforces, checked so that a release is not refused halfway.

Both wheels and sdists must pass them: a PEP 440 version without a local part (+abc), a
Summary of at most 512 characters, zip archives without data descriptors, duplicates,
comments, trailing data or exotic compression, entry names in printable UTF-8, and no file
over 100 MiB (their platform tags: platforms.py).
"""

from __future__ import annotations

import email.parser
import io
import struct
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from packaging.version import InvalidVersion, Version

from hatch_go_binary.audit.model import Finding

# What PyPI's upload code accepts (2026).
MAX_SUMMARY = 512
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # PyPI's default per-file limit, 100 MiB
MAX_PROJECT_BYTES = 10 * 1024**3  # PyPI's default limit for all of a project's files, 10 GiB
# Since July 2026 PyPI takes no new file for a release older than this.
RELEASE_OPEN_DAYS = 14

ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
ZIP_FLAG_DATA_DESCRIPTOR = 0x08
ZIP_FLAG_UTF8 = 0x800
ZIP_END = struct.Struct("<4sHHHHIIH")  # end-of-central-directory record, before its comment
# The start of a local file header: signature, version needed, flags, method.
ZIP_LOCAL = struct.Struct("<4sHHH")


def describe_quota(files: list[Path]) -> str:
    """The release's total size, and how many releases of that size PyPI's project limit
    holds: every release stays on PyPI, and counts, until the project deletes it."""
    total = sum(path.stat().st_size for path in files)
    fits = MAX_PROJECT_BYTES // total if total else 0
    return (
        f"this release: {len(files)} files, {total / 2**20:.1f} MiB in all; PyPI's "
        f"{MAX_PROJECT_BYTES // 2**30} GiB project limit holds {fits:,} releases of this size "
        "(every release counts until deleted)"
    )


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


def check_core_metadata(name: str, text: str, source: str) -> Iterator[Finding]:
    """What PyPI refuses in METADATA or PKG-INFO (SOURCE): the Version and the Summary."""
    yield from check_version(name, text, source)
    yield from check_summary(name, text, source)


def check_version(name: str, text: str, source: str) -> Iterator[Finding]:
    """A PEP 440 version, without the local part (1.0+abc) that PyPI refuses on upload."""
    given = email.parser.Parser().parsestr(text, headersonly=True).get("Version")
    if given is None:
        yield Finding(name, "version", f"{source} has no Version")
        return
    try:
        version = Version(given)
    except InvalidVersion:
        yield Finding(
            name,
            "version",
            f"{source} Version {given!r} is no PEP 440 version, which PyPI refuses: set a "
            'version such as "1.2.0" in [project] of pyproject.toml',
        )
        return
    if version.local is not None:
        yield Finding(
            name,
            "version",
            f"{source} Version {given} has a local part (+{version.local}), which PyPI refuses "
            f"on upload (it is for builds that never leave their machine): release "
            f'version = "{version.public}" in [project] of pyproject.toml',
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
