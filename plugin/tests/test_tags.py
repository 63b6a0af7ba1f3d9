"""Go targets to wheel platform tags, zig triples and the host's target: pure tables."""

from __future__ import annotations

import platform
import struct
import sysconfig
from pathlib import Path

import pytest

from hatch_go_binary import tags
from hatch_go_binary.errors import BuildError

STATIC = "manylinux_2_17_{0}.manylinux2014_{0}.musllinux_1_1_{0}"

# (target, glibc, minimum macOS, tag): spelled out, not derived from the tables under test
PLATFORM_TAGS = [
    ("linux/amd64", None, None, STATIC.format("x86_64")),
    ("linux/arm64", None, None, STATIC.format("aarch64")),
    ("linux/arm", None, None, STATIC.format("armv7l")),
    ("linux/386", None, None, STATIC.format("i686")),
    ("linux/ppc64le", None, None, STATIC.format("ppc64le")),
    ("linux/s390x", None, None, STATIC.format("s390x")),
    # manylinux2014 defines no riscv64, and uv takes riscv64 manylinux tags from 2_31 only
    ("linux/riscv64", None, None, "manylinux_2_31_riscv64.musllinux_1_1_riscv64"),
    ("darwin/amd64", None, (12, 3), "macosx_13_0_x86_64"),
    ("darwin/arm64", None, (11, 0), "macosx_11_0_arm64"),
    ("windows/amd64", None, None, "win_amd64"),
    ("windows/arm64", None, None, "win_arm64"),
    ("windows/386", None, None, "win32"),
]
MORE_TAGS = [
    # glibc: that manylinux only, no musllinux
    ("linux/amd64", (2, 17), None, "manylinux_2_17_x86_64"),
    ("linux/amd64", (2, 28), None, "manylinux_2_28_x86_64"),
    ("linux/arm64", (2, 31), None, "manylinux_2_31_aarch64"),
    ("linux/arm", (2, 17), None, "manylinux_2_17_armv7l"),
    # riscv64 never goes below its floor: a binary fit for glibc 2.17 runs on 2.31 too
    ("linux/riscv64", (2, 17), None, "manylinux_2_31_riscv64"),
    ("linux/riscv64", (2, 31), None, "manylinux_2_31_riscv64"),
    ("linux/riscv64", (2, 39), None, "manylinux_2_39_riscv64"),
    # macOS 11 on: only X_0 tags match, so round up
    ("darwin/arm64", None, (12, 3), "macosx_13_0_arm64"),
    ("darwin/amd64", None, (11, 7), "macosx_12_0_x86_64"),
    ("darwin/arm64", None, (13, 0), "macosx_13_0_arm64"),
    ("darwin/amd64", None, (10, 15), "macosx_10_15_x86_64"),
    ("darwin/amd64", None, (10, 13), "macosx_10_13_x86_64"),
    # glibc and macOS mean nothing to the other systems
    ("windows/amd64", (2, 17), (12, 0), "win_amd64"),
    ("darwin/arm64", (2, 17), (12, 0), "macosx_12_0_arm64"),
    ("linux/s390x", None, (12, 0), STATIC.format("s390x")),
]


def _ids(cases: list[tuple]) -> list[str]:
    return [
        f"{target}-{glibc or 'static'}-{macos or ''}".rstrip("-")
        for target, glibc, macos, _ in cases
    ]


@pytest.mark.parametrize(
    ("target", "glibc", "macos", "expected"),
    PLATFORM_TAGS + MORE_TAGS,
    ids=_ids(PLATFORM_TAGS + MORE_TAGS),
)
def test_platform_tag(target, glibc, macos, expected) -> None:
    assert tags.platform_tag(target, glibc, macos) == expected


def test_every_known_target_has_a_tag_above() -> None:
    assert [target for target, *_ in PLATFORM_TAGS] == list(tags.KNOWN_TARGETS)


@pytest.mark.parametrize("target", ["darwin/amd64", "darwin/arm64"])
def test_a_macos_tag_needs_the_minimum_macos(target: str) -> None:
    with pytest.raises(BuildError, match=f"a {target} binary needs its minimum macOS"):
        tags.platform_tag(target, None, None)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        pytest.param((12, 3), (13, 0), id="12.3-up"),
        pytest.param((11, 0), (11, 0), id="11.0-kept"),
        pytest.param((11, 1), (12, 0), id="11.1-up"),
        pytest.param((10, 15), (10, 15), id="10.15-kept"),
        pytest.param((10, 9), (10, 9), id="10.9-kept"),
        pytest.param((15, 0), (15, 0), id="15.0-kept"),
    ],
)
def test_macos_tag_version(version: tuple[int, int], expected: tuple[int, int]) -> None:
    assert tags.macos_tag_version(*version) == expected


@pytest.mark.parametrize(
    ("go", "expected"),
    [
        pytest.param((1, 24, 9), "11.0", id="1.24.9"),
        pytest.param((1, 25), "12.0", id="1.25"),
        pytest.param((1, 25, 0), "12.0", id="1.25.0"),
        pytest.param((1, 26, 5), "12.0", id="1.26.5"),
        pytest.param((1, 27), "13.0", id="1.27"),
        pytest.param((1, 27, 3), "13.0", id="1.27.3"),
        pytest.param((2, 0), "13.0", id="2.0"),
        pytest.param((1, 21), "11.0", id="1.21"),
    ],
)
def test_macos_minimum_of_go(go: tuple[int, ...], expected: str) -> None:
    assert tags.macos_minimum_of_go(go) == expected


@pytest.mark.parametrize(
    ("target", "glibc", "go", "expected"),
    [
        pytest.param("linux/amd64", None, (1, 27), "x86_64-linux-musl", id="linux-musl"),
        pytest.param("linux/arm", None, (1, 27), "arm-linux-musleabihf", id="linux-arm-musl"),
        pytest.param("linux/amd64", (2, 17), (1, 27), "x86_64-linux-gnu.2.17", id="linux-glibc"),
        pytest.param("linux/arm64", (2, 28), (1, 27), "aarch64-linux-gnu.2.28", id="arm64-glibc"),
        pytest.param("linux/arm", (2, 17), (1, 27), "arm-linux-gnueabihf.2.17", id="arm-glibc"),
        pytest.param("linux/386", (2, 17), (1, 27), "x86-linux-gnu.2.17", id="386-glibc"),
        pytest.param("darwin/arm64", None, (1, 27, 3), "aarch64-macos.13.0", id="darwin-go1.27"),
        pytest.param("darwin/amd64", None, (1, 25), "x86_64-macos.12.0", id="darwin-go1.25"),
        pytest.param("darwin/amd64", (2, 17), (1, 24), "x86_64-macos.11.0", id="darwin-no-glibc"),
        pytest.param("windows/amd64", (2, 17), (1, 27), "x86_64-windows-gnu", id="windows"),
        pytest.param("windows/386", None, (1, 27), "x86-windows-gnu", id="windows-386"),
        pytest.param("linux/riscv64", None, (1, 27), "riscv64-linux-musl", id="riscv64-musl"),
        pytest.param(
            "linux/riscv64", (2, 17), (1, 27), "riscv64-linux-gnu.2.31", id="riscv64-glibc-floor"
        ),
        pytest.param(
            "linux/riscv64", (2, 35), (1, 27), "riscv64-linux-gnu.2.35", id="riscv64-2.35"
        ),
    ],
)
def test_zig_triple(target, glibc, go, expected) -> None:
    assert tags.zig_triple(target, glibc, go) == expected


def test_every_known_target_has_a_zig_triple() -> None:
    assert set(tags.ZIG_TRIPLES) == set(tags.KNOWN_TARGETS)


@pytest.mark.parametrize(
    ("sysconfig_platform", "machine", "expected"),
    [
        pytest.param("linux-x86_64", "x86_64", "linux/amd64", id="linux-x86_64"),
        pytest.param("linux-aarch64", "aarch64", "linux/arm64", id="linux-aarch64"),
        pytest.param("linux-armv7l", "armv7l", "linux/arm", id="linux-armv7l"),
        pytest.param("linux-i686", "i686", "linux/386", id="linux-i686"),
        pytest.param("linux-ppc64le", "ppc64le", "linux/ppc64le", id="linux-ppc64le"),
        pytest.param("linux-riscv64", "riscv64", "linux/riscv64", id="linux-riscv64"),
        pytest.param("macosx-11.0-arm64", "arm64", "darwin/arm64", id="macosx-arm64"),
        pytest.param("macosx-10.9-x86_64", "x86_64", "darwin/amd64", id="macosx-x86_64"),
        pytest.param("macosx-10.9-universal2", "arm64", "darwin/arm64", id="universal2-on-arm64"),
        pytest.param("macosx-10.9-universal2", "x86_64", "darwin/amd64", id="universal2-on-intel"),
        pytest.param("win-amd64", "AMD64", "windows/amd64", id="win-amd64"),
        pytest.param("win-arm64", "ARM64", "windows/arm64", id="win-arm64"),
        pytest.param("win32", "x86", "windows/386", id="win32"),
    ],
)
def test_host_target(monkeypatch, sysconfig_platform: str, machine: str, expected: str) -> None:
    monkeypatch.setattr(sysconfig, "get_platform", lambda: sysconfig_platform)
    monkeypatch.setattr(platform, "machine", lambda: machine)
    assert tags.host_target() == expected


def test_the_host_target_here_is_in_go_spelling() -> None:
    goos, _, goarch = tags.host_target().partition("/")
    assert goos in ("linux", "darwin", "windows") and goarch


@pytest.mark.parametrize(
    ("goos", "expected"),
    [
        pytest.param("windows", "my-tool.exe", id="windows"),
        pytest.param("linux", "my-tool", id="linux"),
        pytest.param("darwin", "my-tool", id="darwin"),
    ],
)
def test_executable_name(goos: str, expected: str) -> None:
    assert tags.executable_name("my-tool", goos) == expected


# --- macos_minimum() on a crafted Mach-O ---

MH_MAGIC_64, MH_EXECUTE, CPU_ARM64 = 0xFEEDFACF, 2, 0x0100000C
LC_UUID, LC_VERSION_MIN_MACOSX, LC_BUILD_VERSION, PLATFORM_MACOS = 0x1B, 0x24, 0x32, 1


def _version(major: int, minor: int, patch: int = 0) -> int:
    return major << 16 | minor << 8 | patch  # xxxx.yy.zz, as Mach-O encodes versions


def build_version(major: int, minor: int, patch: int = 0) -> bytes:
    """LC_BUILD_VERSION: platform, minos, sdk, no tools."""
    minos = _version(major, minor, patch)
    return struct.pack("<6I", LC_BUILD_VERSION, 24, PLATFORM_MACOS, minos, _version(15, 0), 0)


def version_min(major: int, minor: int) -> bytes:
    """LC_VERSION_MIN_MACOSX, what older linkers write: version, sdk."""
    return struct.pack("<4I", LC_VERSION_MIN_MACOSX, 16, _version(major, minor), _version(10, 15))


def uuid() -> bytes:
    return struct.pack("<2I", LC_UUID, 24) + bytes(range(16))


def macho(*commands: bytes) -> bytes:
    """A 64-bit Mach-O header and its load commands; nothing that would run."""
    body = b"".join(commands)
    header = struct.pack(
        "<7I4x", MH_MAGIC_64, CPU_ARM64, 0, MH_EXECUTE, len(commands), len(body), 0
    )
    return header + body


@pytest.fixture
def macholib():
    return pytest.importorskip("macholib", reason="macholib reads Mach-O headers (the audit extra)")


@pytest.mark.parametrize(
    ("commands", "expected"),
    [
        pytest.param([build_version(12, 3)], (12, 3), id="build-version-12.3"),
        pytest.param([uuid(), build_version(13, 0)], (13, 0), id="after-another-command"),
        pytest.param([build_version(12, 3, 1)], (12, 3), id="patch-level-ignored"),
        pytest.param([build_version(10, 16)], (10, 16), id="big-sur-as-10.16"),
        pytest.param([version_min(10, 15)], (10, 15), id="version-min-10.15"),
        pytest.param([build_version(11, 0), version_min(10, 9)], (11, 0), id="first-one-counts"),
    ],
)
def test_macos_minimum(macholib, tmp_path: Path, commands: list[bytes], expected) -> None:
    binary = tmp_path / "tool"
    binary.write_bytes(macho(*commands))
    assert tags.macos_minimum(binary) == expected


def test_macos_minimum_missing(macholib, tmp_path: Path) -> None:
    binary = tmp_path / "tool"
    binary.write_bytes(macho(uuid()))
    with pytest.raises(BuildError, match="has no minimum macOS version"):
        tags.macos_minimum(binary)


def test_macos_minimum_gives_the_tag(macholib, tmp_path: Path) -> None:
    binary = tmp_path / "tool"
    binary.write_bytes(macho(build_version(12, 3)))
    assert (
        tags.platform_tag("darwin/arm64", None, tags.macos_minimum(binary)) == "macosx_13_0_arm64"
    )


# --- what installers and PyPI make of the riscv64 tags ---


def _linux_tags(target: str) -> list[str]:
    return tags.platform_tag(target, None, None).split(".")


@pytest.mark.parametrize(
    ("glibc", "installs"),
    [
        pytest.param((2, 31), True, id="ubuntu-20.04"),
        pytest.param((2, 41), True, id="debian-13"),
        pytest.param((2, 30), False, id="older-than-any-manylinux-riscv64-image"),
    ],
)
def test_pip_takes_the_riscv64_manylinux_tag(monkeypatch, glibc, installs: bool) -> None:
    """packaging's own list of tags on a riscv64 glibc system, as pip computes it."""
    _manylinux = pytest.importorskip("packaging._manylinux")
    monkeypatch.setattr(_manylinux, "_have_compatible_abi", lambda executable, archs: True)
    monkeypatch.setattr(_manylinux, "_get_glibc_version", lambda: glibc)
    monkeypatch.setattr(_manylinux, "_get_manylinux_module", lambda: None)
    accepted = set(_manylinux.platform_tags(["riscv64"]))
    assert bool(accepted & set(_linux_tags("linux/riscv64"))) is installs


@pytest.mark.parametrize("musl", [(1, 1), (1, 2)])
def test_pip_takes_the_riscv64_musllinux_tag(monkeypatch, musl) -> None:
    _musllinux = pytest.importorskip("packaging._musllinux")
    version = _musllinux._MuslVersion(*musl)
    monkeypatch.setattr(_musllinux, "_get_musl_version", lambda executable: version)
    accepted = set(_musllinux.platform_tags(["riscv64"]))
    assert "musllinux_1_1_riscv64" in accepted
    assert "musllinux_1_1_riscv64" in _linux_tags("linux/riscv64")


def test_every_linux_tag_is_one_the_audit_passes() -> None:
    """PyPI's upload rules, as the audit knows them: manylinux2014 only where PEP 599
    defines it, so never for riscv64."""
    from hatch_go_binary import audit

    for target in tags.KNOWN_TARGETS:
        if target.startswith("linux/"):
            for tag in _linux_tags(target):
                assert audit.parse_platform(tag).arch == tags.LINUX_ARCHES[target.split("/")[1]]
    assert "manylinux2014_riscv64" not in _linux_tags("linux/riscv64")
    with pytest.raises(ValueError, match="manylinux2014 is defined only for"):
        audit.parse_platform("manylinux2014_riscv64")
