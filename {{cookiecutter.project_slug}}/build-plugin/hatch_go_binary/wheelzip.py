"""Write the final wheel: hatchling's entries plus the binaries, byte for byte reproducible.

hatchling writes the Python package and the metadata. This module rewrites that
zip with the binaries added under <dist>-<version>.data/scripts/, the SBOM under
<dist>-<version>.dist-info/sboms/, and RECORD extended, every entry a regular
file (0o755 for scripts, 0o644 for the rest), in hatchling's order with the
dist-info folder last and RECORD last of all.

Python's zipfile cannot take data that is already compressed, and the binary is
most of the wheel, so the zip is written here: the binary is deflated once by
libdeflate at its highest level (the `deflate` package; zlib level 9 where it
has no wheel) and that result is kept by content, so an unchanged binary is not
compressed again.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hatch_go_binary.errors import BuildError, cannot_write, writable_folder

SCRIPT_MODE = stat.S_IFREG | 0o755
FILE_MODE = stat.S_IFREG | 0o644
_UTF8_NAMES = 0x800  # general-purpose flag bit 11: the name is UTF-8
# A zip without the zip64 extension counts sizes and offsets in 32 bits, entries in 16.
ZIP32_BYTES, ZIP32_ENTRIES = 0xFFFFFFFF, 0xFFFF


def compressor() -> str:
    """Which deflate implementation runs here, for the build log and the cache key."""
    try:
        import deflate
    except ImportError:
        return f"zlib {zlib.ZLIB_RUNTIME_VERSION} level 9"
    return f"libdeflate (deflate {deflate.__version__}) level 12"


def raw_deflate(data: bytes) -> bytes:
    try:
        import deflate
    except ImportError:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # -15: raw deflate, as zip stores it
        return packer.compress(data) + packer.flush()
    return bytes(deflate.deflate_compress(data, 12))


def _inflates_to(compressed: bytes, data: bytes) -> bool:
    unpacker = zlib.decompressobj(-15)
    try:
        unpacked = unpacker.decompress(compressed)
    except zlib.error:
        return False
    # a stream without its end, or with bytes after it, can still give DATA back
    return unpacker.eof and not unpacker.unused_data and unpacked == data


def deflate_cached(data: bytes, cache: Path | None) -> bytes:
    """raw_deflate(data), kept in CACHE by content. A kept result is used only if it
    inflates back to DATA, so a damaged cache costs time, never a wrong wheel."""
    if cache is None:
        return raw_deflate(data)
    key = hashlib.sha256(compressor().encode() + b"\0" + data).hexdigest()
    kept = cache / f"{key}.deflate"
    try:
        compressed = kept.read_bytes()
        if _inflates_to(compressed, data):
            return compressed
    except OSError:
        pass
    compressed = raw_deflate(data)
    holds = "the deflated binaries"
    partial = writable_folder(cache, holds) / f".{key}.{os.getpid()}"
    try:
        partial.write_bytes(compressed)
        os.replace(partial, kept)
    except OSError as error:
        raise cannot_write(kept, holds, error) from None
    return compressed


@dataclass(frozen=True)
class Entry:
    name: str
    data: bytes
    mode: int
    date_time: tuple[int, int, int, int, int, int]
    compressed: bytes | None = None  # raw deflate of data; None: deflate it here

    def deflated(self) -> bytes:
        return self.compressed if self.compressed is not None else raw_deflate(self.data)


def record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def _dos_time(date_time: Sequence[int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return (year - 1980) << 9 | month << 5 | day, hour << 11 | minute << 5 | second // 2


def _too_large(path: Path, what: str) -> BuildError:
    return BuildError(
        f"{path.name}: {what}, more than a zip without zip64 holds, and hatch-go-binary "
        "writes no zip64 (nor does PyPI take files near that size: its limit is 100 MB "
        "unless raised for the project). Ship less in the wheel: move large data files "
        "out of the package, or split the commands over several distributions"
    )


def write_zip(path: Path, entries: Sequence[Entry]) -> None:
    """A plain zip: no data descriptors, no extra fields, no comment (what PyPI accepts)."""
    if len(entries) > ZIP32_ENTRIES:
        raise _too_large(path, f"{len(entries):,} files")
    local, central = io.BytesIO(), io.BytesIO()
    for entry in entries:
        if len(entry.data) >= ZIP32_BYTES:
            raise _too_large(path, f"{entry.name} is {len(entry.data):,} bytes")
        name = entry.name.encode("utf-8")
        flags = 0 if entry.name.isascii() else _UTF8_NAMES
        data = entry.deflated()
        if len(data) >= len(entry.data):  # tiny or incompressible: store it
            method, data = zipfile.ZIP_STORED, entry.data
        else:
            method = zipfile.ZIP_DEFLATED
        date, time = _dos_time(entry.date_time)
        crc = zlib.crc32(entry.data)
        sizes = (crc, len(data), len(entry.data), len(name))
        offset = local.tell()
        local.write(
            struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, time, date, *sizes, 0)
        )
        local.write(name)
        local.write(data)
        if local.tell() >= ZIP32_BYTES:  # the next entry's offset, or the directory's, overflows
            raise _too_large(path, f"{entry.name} ends at byte {local.tell():,}")
        central.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                3 << 8 | 20,  # made by Unix (so installers honour the mode), zip 2.0
                20,
                flags,
                method,
                time,
                date,
                *sizes,
                0,  # extra field length
                0,  # comment length
                0,  # disk number
                0,  # internal attributes
                entry.mode << 16,
                offset,
            )
        )
        central.write(name)
    directory = central.getvalue()
    if len(directory) >= ZIP32_BYTES:
        raise _too_large(path, f"its central directory is {len(directory):,} bytes")
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), local.tell(), 0
    )
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(local.getvalue() + directory + end)
    os.replace(partial, path)


def add_scripts(
    wheel: Path,
    scripts: Mapping[str, Path],
    cache: Path | None,
    dist_info: Mapping[str, bytes] | None = None,
) -> None:
    """Rewrite WHEEL (as hatchling wrote it) with SCRIPTS, {file name: binary}, added, and
    DIST_INFO, {path inside .dist-info/: contents} such as sboms/NAME.cyclonedx.json, placed
    after hatchling's own .dist-info files, before RECORD."""
    with zipfile.ZipFile(wheel) as source:
        infos = source.infolist()
        contents = [(info, source.read(info)) for info in infos]
    record_name = next(
        info.filename for info in infos if info.filename.endswith(".dist-info/RECORD")
    )
    dist_info_folder = record_name.rsplit("/", 1)[0]
    data_folder = dist_info_folder[: -len(".dist-info")] + ".data"
    date_time = infos[0].date_time  # hatchling's reproducible timestamp
    added = []
    for name, binary in sorted(scripts.items()):
        data = binary.read_bytes()
        added.append(
            Entry(
                f"{data_folder}/scripts/{name}",
                data,
                SCRIPT_MODE,
                date_time,
                deflate_cached(data, cache),
            )
        )
    taken = sorted({info.filename for info, _ in contents} & {entry.name for entry in added})
    if taken:  # two entries of one name: installers would pick either
        raise BuildError(
            f"{wheel.name} already holds {', '.join(taken)}, which hatch-go-binary adds as "
            "commands: remove that file from [tool.hatch.build.targets.wheel] shared-scripts"
        )
    entries, rows = [], []
    for info, data in contents:
        if info.filename == record_name:
            continue
        if info.filename.startswith(dist_info_folder + "/") and added:
            entries += added  # .data goes before .dist-info, as hatchling orders it
            rows += [[entry.name, record_hash(entry.data), str(len(entry.data))] for entry in added]
            added = []
        executable = (info.external_attr >> 16) & 0o111
        entries.append(
            Entry(info.filename, data, SCRIPT_MODE if executable else FILE_MODE, info.date_time)
        )
    present = {entry.name for entry in entries}
    for path, data in sorted((dist_info or {}).items()):
        name = f"{dist_info_folder}/{path}"
        if name in present:
            raise BuildError(
                f"{wheel.name} already holds {name}, which hatch-go-binary writes: rename the "
                "file you add there (for an SBOM, [tool.hatch.build.targets.wheel] sbom-files)"
            )
        entries.append(Entry(name, data, FILE_MODE, date_time))
        rows.append([name, record_hash(data), str(len(data))])
    old_record = next(data for info, data in contents if info.filename == record_name)
    listed = [row for row in csv.reader(io.StringIO(old_record.decode("utf-8"))) if row]
    listed = [row for row in listed if row[0] != record_name]
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    # RECORD lists files in the order they sit in the zip, itself last with no hash
    order = {entry.name: index for index, entry in enumerate(entries)}
    for row in sorted(listed + rows, key=lambda row: order.get(row[0], len(order))):
        writer.writerow(row)
    writer.writerow([record_name, "", ""])
    entries.append(Entry(record_name, record.getvalue().encode("utf-8"), FILE_MODE, date_time))
    write_zip(wheel, entries)
