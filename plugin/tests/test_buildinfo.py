"""Go's build information, read from a binary's bytes: crafted blobs, no Go needed.

The reader's agreement with `go version -m -json` on real binaries is checked in the
template's tests/test_matrix.py."""

from __future__ import annotations

import crafted
import pytest

from hatch_go_binary import buildinfo
from hatch_go_binary.buildinfo import BuildInfoError, Module


def test_reads_every_line_kind() -> None:
    info = buildinfo.read(crafted.go_elf())
    assert info.go_version == info.go_release == "go1.27.3"
    assert info.path == "example.com/demo/cmd/demo"
    assert info.main == Module("example.com/demo", "(devel)", "")
    assert info.deps == (
        Module("github.com/spf13/pflag", "v1.0.5", crafted.PFLAG_SUM),
        Module(
            "example.com/old",
            "v1.2.0",
            "",
            Module("example.com/new", "v1.3.0", "h1:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U="),
        ),
        Module("example.com/local", "v0.0.0", "", Module("../local", "(devel)", "")),
    )
    assert info.setting("GOOS") == "linux" and info.setting("GOAMD64") == "v1"
    assert info.setting("GOARM") is None


def test_linked_modules_are_the_replacements() -> None:
    info = buildinfo.read(crafted.go_elf())
    assert [(module.path, module.version) for module in info.linked_modules()] == [
        ("example.com/demo", "(devel)"),
        ("github.com/spf13/pflag", "v1.0.5"),
        ("example.com/new", "v1.3.0"),
        ("../local", "(devel)"),
    ]


def test_experiments_stay_in_the_version_not_the_release() -> None:
    info = buildinfo.read(crafted.go_elf(version="go1.27.3 X:nojsonv2"))
    assert (info.go_version, info.go_release) == ("go1.27.3 X:nojsonv2", "go1.27.3")


@pytest.mark.parametrize(
    "container",
    [
        pytest.param(lambda blob: crafted.elf() + bytes(-len(crafted.elf()) % 16) + blob, id="elf"),
        pytest.param(lambda blob: crafted.pe() + bytes(-len(crafted.pe()) % 16) + blob, id="pe"),
        pytest.param(lambda blob: bytes(4096) + blob + bytes(100), id="mid-file"),
    ],
)
def test_found_in_any_container(container) -> None:
    assert buildinfo.read(container(crafted.go_buildinfo())).path == "example.com/demo/cmd/demo"


def test_an_unaligned_copy_of_the_magic_is_skipped() -> None:
    """Go looks only at 16-byte boundaries; a string constant elsewhere does not count."""
    data = bytes(3) + buildinfo.MAGIC + b"noise"
    data += bytes(-len(data) % 16) + crafted.go_buildinfo()
    assert buildinfo.read(data).main.path == "example.com/demo"


def test_an_aligned_magic_that_is_no_header_is_passed_over() -> None:
    """A program importing debug/buildinfo holds the magic itself, before the real blob."""
    constant = buildinfo.MAGIC + b"\x08\x02" + bytes(16) + b"\x05hello" + bytes(40)
    data = constant + bytes(-len(constant) % 16) + crafted.go_buildinfo()
    assert buildinfo.read(data).go_release == "go1.27.3"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(crafted.elf(), "no Go build information", id="not-go"),
        pytest.param(b"", "no Go build information", id="empty"),
        pytest.param(crafted.go_buildinfo(inline=False), "pre-1.18 format", id="pointers"),
        pytest.param(crafted.go_buildinfo()[:40], "runs past the end", id="cut-short"),
        pytest.param(crafted.go_buildinfo()[:32] + b"\xff\xff", "cut short", id="cut-varint"),
        pytest.param(crafted.go_buildinfo(version="1.27"), "names no Go release", id="no-go"),
    ],
)
def test_refused(data: bytes, message: str) -> None:
    with pytest.raises(BuildInfoError, match=message):
        buildinfo.read(data)


def test_unframed_module_information_is_dropped_as_go_drops_it() -> None:
    info = buildinfo.read(crafted.go_buildinfo(framed=False))
    assert (info.go_release, info.main, info.deps, info.settings) == ("go1.27.3", None, (), ())


@pytest.mark.parametrize(
    ("line", "key", "value"),
    [
        pytest.param("build\tGOOS=linux", "GOOS", "linux", id="plain"),
        pytest.param("build\tCGO_CFLAGS=", "CGO_CFLAGS", "", id="empty-value"),
        pytest.param(
            'build\t-ldflags="-s -w -X main.version=1.0"',
            "-ldflags",
            "-s -w -X main.version=1.0",
            id="quoted-value",
        ),
        pytest.param('build\t"odd key"=x', "odd key", "x", id="quoted-key"),
        pytest.param("build\t-tags=`a b`", "-tags", "a b", id="raw-value"),
        pytest.param('build\tX="tab\\there \\"q\\""', "X", 'tab\there "q"', id="escapes"),
        pytest.param('build\tX="caf\\xc3\\xa9 \\u00e9 \\101"', "X", "café é A", id="bytes-runes"),
        pytest.param("build\tA=b=c", "A", "b=c", id="equals-in-value"),
    ],
)
def test_build_settings(line: str, key: str, value: str) -> None:
    info = buildinfo.parse("go1.27.3", f"path\tx\n{line}\n")
    assert info.settings == ((key, value),)


@pytest.mark.parametrize(
    ("modinfo", "message"),
    [
        pytest.param("=>\tx\tv1\th1:x\n", "follows no module line", id="lone-replacement"),
        pytest.param("mod\tx\n", "has 1 columns", id="short-module"),
        pytest.param("dep\tx\tv1\th1\textra\n", "has 4 columns", id="long-module"),
        pytest.param("build\t=x\n", "not KEY=VALUE", id="no-key"),
        pytest.param('build\t"k"x\n', "no '=' after the quoted key", id="quoted-key-no-equals"),
        pytest.param('build\tk="open\n', "not a quoted Go string", id="open-quote"),
        pytest.param('build\tk="\\q"\n', "bad escape", id="bad-escape"),
    ],
)
def test_malformed_lines(modinfo: str, message: str) -> None:
    with pytest.raises(BuildInfoError, match=message):
        buildinfo.parse("go1.27.3", modinfo)


def test_the_main_module_can_be_replaced_too() -> None:
    info = buildinfo.parse("go1.27.3", "mod\tx\tv1.0.0\t\n=>\ty\tv2.0.0\th1:abc\n")
    assert info.main == Module("x", "v1.0.0", "", Module("y", "v2.0.0", "h1:abc"))
    assert info.linked_modules() == [Module("y", "v2.0.0", "h1:abc")]


def test_a_binary_without_modules() -> None:
    """GOPATH mode, or `go build file.go`: a version and nothing else."""
    info = buildinfo.read(crafted.go_buildinfo(modinfo="path\tcommand-line-arguments\n"))
    assert (info.path, info.main, info.linked_modules()) == ("command-line-arguments", None, [])
