"""The wheel's zip: plain entries, raw deflate with or without libdeflate, the deflate
cache, and the binary added to a wheel as hatchling wrote it."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import random
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from hatch_go_binary import wheelzip
from hatch_go_binary.errors import BuildError
from hatch_go_binary.wheelzip import FILE_MODE, SCRIPT_MODE, Entry

DATE = (2020, 2, 2, 0, 0, 0)  # hatchling's reproducible timestamp
NOISE = random.Random(0).randbytes(4096)  # incompressible: stored as it is
TEXT = b"package main\n" * 200
# text that libdeflate and zlib compress to different bytes
SQUARES = b"".join(b"%d squared is %d\n" % (number, number * number) for number in range(500))


def inflate(compressed: bytes) -> bytes:
    unpacker = zlib.decompressobj(-15)
    data = unpacker.decompress(compressed)
    assert unpacker.eof and not unpacker.unused_data
    return data


@pytest.fixture(params=["libdeflate", "zlib"])
def implementation(request, monkeypatch) -> str:
    """Each test that takes this runs with the `deflate` package and without it."""
    if request.param == "libdeflate":
        pytest.importorskip("deflate", reason="the pinned deflate package (libdeflate)")
    else:
        monkeypatch.setitem(sys.modules, "deflate", None)  # `import deflate` raises ImportError
    return request.param


# --- write_zip ---


def written(tmp_path: Path, entries: list[Entry]) -> zipfile.ZipFile:
    path = tmp_path / "out.whl"
    wheelzip.write_zip(path, entries)
    return zipfile.ZipFile(path)


ENTRIES = [
    Entry("pkg/__init__.py", b"", FILE_MODE, DATE),
    Entry("pkg/main.go.txt", TEXT, FILE_MODE, (2021, 3, 4, 5, 6, 8)),
    Entry("pkg-1.0.data/scripts/tool", NOISE, SCRIPT_MODE, DATE),
    Entry("pkg/naïve.txt", b"caf\xc3\xa9", FILE_MODE, DATE),
    Entry("pkg-1.0.dist-info/RECORD", b"x,,\n", FILE_MODE, DATE),
]


def test_write_zip_reads_back(tmp_path: Path) -> None:
    with written(tmp_path, ENTRIES) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [entry.name for entry in ENTRIES]
        assert [archive.read(entry.name) for entry in ENTRIES] == [entry.data for entry in ENTRIES]
        assert [info.date_time for info in archive.infolist()] == [e.date_time for e in ENTRIES]
        assert archive.comment == b""
    assert os.listdir(tmp_path) == ["out.whl"]  # no partial file left


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        pytest.param("pkg/__init__.py", 0o100644, id="file"),
        pytest.param("pkg-1.0.data/scripts/tool", 0o100755, id="script"),
    ],
)
def test_write_zip_modes(tmp_path: Path, name: str, mode: int) -> None:
    with written(tmp_path, ENTRIES) as archive:
        info = archive.getinfo(name)
    assert info.external_attr >> 16 == mode
    assert info.create_system == 3  # Unix, or installers ignore the mode


def test_write_zip_plain_headers(tmp_path: Path) -> None:
    """No data descriptors, no extra fields: what PyPI and every installer accept."""
    with written(tmp_path, ENTRIES) as archive:
        for info in archive.infolist():
            assert not info.flag_bits & 0x08, info.filename
            assert info.extra == b"", info.filename
            assert info.comment == b"", info.filename
    data = (tmp_path / "out.whl").read_bytes()
    assert data.count(b"PK\x07\x08") == 0  # no data-descriptor signature anywhere
    assert data.endswith(b"\x00\x00")  # the end record's comment length: 0


@pytest.mark.parametrize(
    ("name", "utf8"),
    [
        pytest.param("pkg/naïve.txt", True, id="non-ascii"),
        pytest.param("pkg/__init__.py", False, id="ascii"),
    ],
)
def test_write_zip_utf8_flag(tmp_path: Path, name: str, utf8: bool) -> None:
    with written(tmp_path, ENTRIES) as archive:
        assert bool(archive.getinfo(name).flag_bits & 0x800) is utf8


@pytest.mark.parametrize(
    ("name", "method"),
    [
        pytest.param("pkg/main.go.txt", zipfile.ZIP_DEFLATED, id="compressible-deflated"),
        pytest.param("pkg-1.0.data/scripts/tool", zipfile.ZIP_STORED, id="random-stored"),
        pytest.param("pkg/__init__.py", zipfile.ZIP_STORED, id="empty-stored"),
    ],
)
def test_write_zip_stored_or_deflated(tmp_path: Path, name: str, method: int) -> None:
    with written(tmp_path, ENTRIES) as archive:
        info = archive.getinfo(name)
    assert info.compress_type == method
    if method == zipfile.ZIP_STORED:
        assert info.compress_size == info.file_size
    else:
        assert info.compress_size < info.file_size


def test_write_zip_stores_when_deflate_saves_nothing(tmp_path: Path) -> None:
    """A tie goes to stored: deflated bytes as long as the data buy nothing."""
    tie = Entry("a", TEXT, FILE_MODE, DATE, compressed=b"\0" * len(TEXT))
    with written(tmp_path, [tie]) as archive:
        assert archive.getinfo("a").compress_type == zipfile.ZIP_STORED
        assert archive.read("a") == TEXT


def test_write_zip_uses_the_given_compressed_bytes(tmp_path: Path) -> None:
    compressed = zlib.compressobj(1, zlib.DEFLATED, -15)
    fast = compressed.compress(TEXT) + compressed.flush()
    assert fast != wheelzip.raw_deflate(TEXT)
    wheelzip.write_zip(tmp_path / "a.whl", [Entry("a", TEXT, FILE_MODE, DATE, fast)])
    assert fast in (tmp_path / "a.whl").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.whl") as archive:
        assert archive.read("a") == TEXT


# --- raw_deflate and compressor ---


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"x", id="one-byte"),
        pytest.param(TEXT, id="repeated"),
        pytest.param(SQUARES, id="text"),
        pytest.param(NOISE, id="noise"),
    ],
)
def test_raw_deflate_inflates_back(implementation: str, data: bytes) -> None:
    assert inflate(wheelzip.raw_deflate(data)) == data


def test_raw_deflate_is_the_chosen_implementation(implementation: str) -> None:
    if implementation == "libdeflate":
        import deflate

        expected = bytes(deflate.deflate_compress(SQUARES, 12))
    else:
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        expected = packer.compress(SQUARES) + packer.flush()
    assert wheelzip.raw_deflate(SQUARES) == expected


def test_compressor_names_the_implementation(implementation: str) -> None:
    if implementation == "libdeflate":
        import deflate

        assert wheelzip.compressor() == f"libdeflate (deflate {deflate.__version__}) level 12"
    else:
        assert wheelzip.compressor() == f"zlib {zlib.ZLIB_RUNTIME_VERSION} level 9"


# --- deflate_cached ---


def cached_files(cache: Path) -> list[str]:
    return sorted(os.listdir(cache))


def test_deflate_cached_second_call_reads_the_cache(tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "deflated"  # made on first use
    first = wheelzip.deflate_cached(TEXT, cache)
    assert first == wheelzip.raw_deflate(TEXT)
    [name] = cached_files(cache)
    key = hashlib.sha256(wheelzip.compressor().encode() + b"\0" + TEXT).hexdigest()
    assert name == f"{key}.deflate"

    def no_compressing(data: bytes) -> bytes:
        raise AssertionError("compressed again")

    monkeypatch.setattr(wheelzip, "raw_deflate", no_compressing)
    assert wheelzip.deflate_cached(TEXT, cache) == first


def test_deflate_cached_other_data_is_compressed(tmp_path: Path) -> None:
    wheelzip.deflate_cached(TEXT, tmp_path)
    other = TEXT + b"// changed\n"
    assert inflate(wheelzip.deflate_cached(other, tmp_path)) == other
    assert len(cached_files(tmp_path)) == 2


def _sync_flushed(data: bytes) -> bytes:
    """All of DATA, but no final block: a stream cut short after its last byte of output."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda good: b"not deflate at all", id="garbage"),
        pytest.param(lambda good: b"", id="empty"),
        pytest.param(lambda good: good[: len(good) // 2], id="truncated"),
        pytest.param(lambda good: wheelzip.raw_deflate(b"other data"), id="another-payload"),
        pytest.param(lambda good: good + b"trailing junk", id="trailing-junk"),
        pytest.param(lambda good: _sync_flushed(TEXT), id="no-final-block"),
    ],
)
def test_deflate_cached_replaces_a_damaged_file(tmp_path: Path, damage) -> None:
    good = wheelzip.deflate_cached(TEXT, tmp_path)
    [name] = cached_files(tmp_path)
    (tmp_path / name).write_bytes(damage(good))
    assert wheelzip.deflate_cached(TEXT, tmp_path) == good
    assert (tmp_path / name).read_bytes() == good
    assert cached_files(tmp_path) == [name]  # replaced, no partial file left


def test_deflate_cached_without_a_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert wheelzip.deflate_cached(TEXT, None) == wheelzip.raw_deflate(TEXT)
    assert os.listdir(tmp_path) == []


def test_the_cache_key_names_the_implementation(tmp_path: Path, monkeypatch) -> None:
    """zlib's bytes differ from libdeflate's: a wheel built without `deflate` must not take
    libdeflate's from the cache (its bytes would differ from an isolated build's)."""
    pytest.importorskip("deflate", reason="the pinned deflate package (libdeflate)")
    with_libdeflate = wheelzip.deflate_cached(SQUARES, tmp_path)
    monkeypatch.setitem(sys.modules, "deflate", None)
    with_zlib = wheelzip.deflate_cached(SQUARES, tmp_path)
    assert with_zlib == wheelzip.raw_deflate(SQUARES) != with_libdeflate
    assert len(cached_files(tmp_path)) == 2


# --- add_scripts ---

DIST_INFO = "my_tool-1.0.dist-info"
PACKAGE_FILES = {
    "my_tool/__init__.py": (b'__version__ = "1.0"\n', 0o644),
    "my_tool/run.sh": (b"#!/bin/sh\necho hi\n", 0o755),
    f"{DIST_INFO}/METADATA": (b"Metadata-Version: 2.4\nName: my-tool\nVersion: 1.0\n", 0o644),
    f"{DIST_INFO}/WHEEL": (
        b"Wheel-Version: 1.0\nGenerator: hatchling\nRoot-Is-Purelib: false\n",
        0o644,
    ),
    f"{DIST_INFO}/licenses/LICENSE": (b"MIT\n", 0o644),
}


def digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def hatchling_wheel(path: Path) -> Path:
    """A wheel laid out as hatchling writes one: package, dist-info, RECORD last."""
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (data, mode) in PACKAGE_FILES.items():
            info = zipfile.ZipInfo(name, DATE)
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
            writer.writerow([name, digest(data), len(data)])
        writer.writerow([f"{DIST_INFO}/RECORD", "", ""])
        info = zipfile.ZipInfo(f"{DIST_INFO}/RECORD", DATE)
        info.external_attr = 0o100644 << 16
        archive.writestr(info, record.getvalue())
    return path


@pytest.fixture
def binary(tmp_path: Path) -> Path:
    path = tmp_path / "my-tool"
    path.write_bytes(b"\x7fELF" + NOISE + TEXT)
    return path


def with_scripts(
    tmp_path: Path, scripts: dict[str, Path], name: str = "my_tool-1.0-py3-none-any.whl"
) -> Path:
    wheel = hatchling_wheel(tmp_path / name)
    wheelzip.add_scripts(wheel, scripts, tmp_path / "cache")
    return wheel


def record_rows(archive: zipfile.ZipFile) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(f"{DIST_INFO}/RECORD").decode())))


def test_add_scripts_places_the_binary_before_the_dist_info(tmp_path: Path, binary: Path) -> None:
    with zipfile.ZipFile(with_scripts(tmp_path, {"my-tool": binary})) as archive:
        assert archive.namelist() == [
            "my_tool/__init__.py",
            "my_tool/run.sh",
            "my_tool-1.0.data/scripts/my-tool",
            f"{DIST_INFO}/METADATA",
            f"{DIST_INFO}/WHEEL",
            f"{DIST_INFO}/licenses/LICENSE",
            f"{DIST_INFO}/RECORD",
        ]
        assert archive.read("my_tool-1.0.data/scripts/my-tool") == binary.read_bytes()
        assert archive.testzip() is None


@pytest.mark.parametrize(
    ("name", "mode"),
    [
        pytest.param("my_tool-1.0.data/scripts/my-tool", 0o100755, id="binary-executable"),
        pytest.param("my_tool/run.sh", 0o100755, id="executable-kept"),
        pytest.param("my_tool/__init__.py", 0o100644, id="file"),
        pytest.param(f"{DIST_INFO}/RECORD", 0o100644, id="record"),
    ],
)
def test_add_scripts_modes(tmp_path: Path, binary: Path, name: str, mode: int) -> None:
    with zipfile.ZipFile(with_scripts(tmp_path, {"my-tool": binary})) as archive:
        info = archive.getinfo(name)
    assert info.external_attr >> 16 == mode
    assert info.date_time == DATE


def test_add_scripts_record(tmp_path: Path, binary: Path) -> None:
    with zipfile.ZipFile(with_scripts(tmp_path, {"my-tool": binary})) as archive:
        rows = record_rows(archive)
        names = archive.namelist()
        contents = {name: archive.read(name) for name in names}
    data = binary.read_bytes()
    assert ["my_tool-1.0.data/scripts/my-tool", digest(data), str(len(data))] in rows
    assert [row[0] for row in rows] == names  # every file once, in the zip's order
    assert rows[-1] == [f"{DIST_INFO}/RECORD", "", ""]
    for name, hash_, size in rows[:-1]:
        assert (hash_, size) == (digest(contents[name]), str(len(contents[name]))), name


def test_add_scripts_several_in_name_order(tmp_path: Path, binary: Path) -> None:
    other = tmp_path / "helper"
    other.write_bytes(b"helper binary")
    with zipfile.ZipFile(with_scripts(tmp_path, {"zz-tool": binary, "helper": other})) as archive:
        scripts = [name for name in archive.namelist() if "/scripts/" in name]
        rows = record_rows(archive)
    assert scripts == ["my_tool-1.0.data/scripts/helper", "my_tool-1.0.data/scripts/zz-tool"]
    assert [row[0] for row in rows if "/scripts/" in row[0]] == scripts


def test_add_scripts_is_reproducible(tmp_path: Path, binary: Path) -> None:
    first = with_scripts(tmp_path, {"my-tool": binary}, "a.whl").read_bytes()
    second = with_scripts(tmp_path, {"my-tool": binary}, "b.whl").read_bytes()  # from the cache
    assert first == second
    (tmp_path / "cache").rename(tmp_path / "old-cache")
    third = with_scripts(tmp_path, {"my-tool": binary}, "c.whl").read_bytes()  # compressed anew
    assert third == first


def test_add_scripts_another_binary_another_wheel(tmp_path: Path, binary: Path) -> None:
    first = with_scripts(tmp_path, {"my-tool": binary}, "a.whl").read_bytes()
    binary.write_bytes(binary.read_bytes() + b"\0")
    assert with_scripts(tmp_path, {"my-tool": binary}, "b.whl").read_bytes() != first


def zipfile_test(wheel: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "zipfile", "-t", str(wheel)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_add_scripts_passes_python_m_zipfile_t(tmp_path: Path, binary: Path) -> None:
    out = zipfile_test(with_scripts(tmp_path, {"my-tool": binary}))
    assert "corrupted" not in out
    assert "Done testing" in out


def test_python_m_zipfile_t_sees_a_damaged_binary(tmp_path: Path, binary: Path) -> None:
    """The check above can fail: one flipped byte in a stored binary is reported."""
    binary.write_bytes(NOISE)
    wheel = with_scripts(tmp_path, {"my-tool": binary})
    data = bytearray(wheel.read_bytes())
    data[data.index(NOISE) + 100] ^= 0xFF
    wheel.write_bytes(bytes(data))
    assert "corrupted: 'my_tool-1.0.data/scripts/my-tool'" in zipfile_test(wheel)


def test_a_script_of_the_same_name_already_in_the_wheel_is_refused(
    tmp_path: Path, binary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """hatchling's shared-scripts could put a file where the command goes: two zip entries
    of one name, and an installer would take either."""
    data_folder = DIST_INFO[: -len(".dist-info")] + ".data"
    monkeypatch.setitem(PACKAGE_FILES, f"{data_folder}/scripts/my-tool", (b"a text file", 0o644))
    wheel = hatchling_wheel(tmp_path / "my_tool-1.0-py3-none-any.whl")
    before = wheel.read_bytes()
    with pytest.raises(BuildError, match=r"already holds .*scripts/my-tool.*shared-scripts"):
        wheelzip.add_scripts(wheel, {"my-tool": binary}, tmp_path / "cache")
    assert wheel.read_bytes() == before


def _tool_entry_end(tmp_path: Path) -> int:
    """Where the script entry of ENTRIES ends in the written zip: the next entry's offset."""
    with written(tmp_path / "probe", ENTRIES) as archive:
        offsets = [info.header_offset for info in archive.infolist()]
    return offsets[[entry.name for entry in ENTRIES].index("pkg-1.0.data/scripts/tool") + 1]


EMPTY_LONG_NAMES = [Entry("x" * 100 + str(number), b"", FILE_MODE, DATE) for number in range(3)]


@pytest.mark.parametrize(
    ("case", "said"),
    [
        pytest.param("entries", "5 files", id="entries"),
        pytest.param("size", "pkg-1.0.data/scripts/tool is ", id="size"),
        pytest.param("offset", "pkg-1.0.data/scripts/tool ends at byte", id="offset"),
        pytest.param("directory", "its central directory is", id="directory"),
    ],
)
def test_write_zip_refuses_what_needs_zip64(tmp_path: Path, monkeypatch, case, said) -> None:
    """Past the 32-bit zip's limits (here lowered to the test's sizes) the build stops with
    a message naming what overflows, and leaves no file, rather than writing a zip that
    would not read back. Each limit is set just low enough for one field to overflow."""
    (tmp_path / "probe").mkdir()
    entries = EMPTY_LONG_NAMES if case == "directory" else ENTRIES
    limit = {
        "entries": {"ZIP32_ENTRIES": len(ENTRIES) - 1},
        "size": {"ZIP32_BYTES": len(NOISE)},
        "offset": {"ZIP32_BYTES": _tool_entry_end(tmp_path)},
        "directory": {"ZIP32_BYTES": 3 * (30 + 101) + 1},  # the local entries fit, just
    }[case]
    for name, value in limit.items():
        monkeypatch.setattr(wheelzip, name, value)
    with pytest.raises(BuildError, match="zip64") as refused:
        wheelzip.write_zip(tmp_path / "out.whl", entries)
    assert said in str(refused.value)
    assert not (tmp_path / "out.whl").exists()
    edge = {"entries": ("ZIP32_ENTRIES", len(ENTRIES)), "directory": ("ZIP32_BYTES", 3 * 147 + 1)}
    if case in edge:  # one more, and the zip is written
        monkeypatch.setattr(wheelzip, *edge[case])
        wheelzip.write_zip(tmp_path / "out.whl", entries)
        assert zipfile.ZipFile(tmp_path / "out.whl").testzip() is None
