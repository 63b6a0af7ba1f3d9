"""cgo's C flags (added to Go's defaults, never replacing them) and the one sentence for
a header zig does not ship. No Go and no zig: a stand-in `go` answers `go env`."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from test_build_units import go_split, settings

from hatch_go_binary import build, cgo, toolchain
from hatch_go_binary.errors import BuildError, ConfigError

GO_DEFAULTS = {"CGO_CPPFLAGS": "", "CGO_CFLAGS": "-O2 -g", "CGO_LDFLAGS": "-O2 -g"}
ALL_TARGETS = ["linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64"]


def flags(target: str, environ: dict[str, str] | None = None, **table) -> dict[str, list[str]]:
    """Each flag variable for TARGET, split as Go splits it."""
    env = cgo.flags_environment(settings(cgo=True, **table), target, GO_DEFAULTS, environ or {})
    return {variable: go_split(value) for variable, value in env.items()}


# --- composition: Go's default, the exported value, the plugin's, the project's ---


def test_the_project_flags_add_to_gos_defaults() -> None:
    composed = flags("linux/amd64", cgo_cflags=["-DPROJECT", "-I/opt/my lib"], cgo_ldflags=["-lm"])
    assert composed["CGO_CFLAGS"] == ["-O2", "-g", "-DPROJECT", "-I/opt/my lib"]
    assert composed["CGO_LDFLAGS"] == ["-O2", "-g", "-lm"]


def test_an_exported_value_comes_after_gos_default_and_before_the_projects() -> None:
    """CGO_CFLAGS=-DUSER alone would drop -O2: zig then builds with UBSan and the link fails."""
    composed = flags("linux/amd64", {"CGO_CFLAGS": "-DUSER '-I/a b'"}, cgo_cflags=["-DPROJECT"])
    assert composed["CGO_CFLAGS"] == ["-O2", "-g", "-DUSER", "-I/a b", "-DPROJECT"]


@pytest.mark.parametrize("target", ["linux/amd64", "linux/arm64", "linux/riscv64"])
def test_musl_gets_the_large_file_names_glibc_era_code_calls(target: str) -> None:
    assert flags(target)["CGO_CPPFLAGS"] == ["-D_LARGEFILE64_SOURCE"]


@pytest.mark.parametrize(
    ("target", "table"),
    [
        ("linux/amd64", {"linux_libc": "glibc-2.17"}),
        ("darwin/arm64", {}),
        ("windows/amd64", {}),
    ],
)
def test_only_musl_gets_the_define(target: str, table: dict) -> None:
    assert flags(target, **table)["CGO_CPPFLAGS"] == []


def test_per_target_flags_apply_by_goos_then_by_target() -> None:
    per_target = {
        "darwin": {"ldflags": ["-framework", "Security"]},
        "darwin/arm64": {"cflags": ["-DARM"], "ldflags": ["-lz"]},
        "linux": {"cflags": ["-DLINUX"]},
    }
    table = {"cgo_cflags": ["-DALL"], "cgo_per_target": per_target}
    arm = flags("darwin/arm64", **table)
    assert arm["CGO_CFLAGS"] == ["-O2", "-g", "-DALL", "-DARM"]
    assert arm["CGO_LDFLAGS"] == ["-O2", "-g", "-framework", "Security", "-lz"]
    intel = flags("darwin/amd64", **table)
    assert (intel["CGO_CFLAGS"], intel["CGO_LDFLAGS"][2:]) == (
        ["-O2", "-g", "-DALL"],
        ["-framework", "Security"],
    )
    assert flags("linux/arm64", **table)["CGO_CFLAGS"] == ["-O2", "-g", "-DALL", "-DLINUX"]


def test_a_flag_go_cannot_carry_names_its_setting() -> None:
    with pytest.raises(BuildError, match=r"\[tool.hatch-go-binary\] cgo-per-target.linux.cflags"):
        flags("linux/amd64", cgo_per_target={"linux": {"cflags": ["-D X='it\"s'"]}})


def fake_go(folder: Path) -> str:
    """A `go` that answers `go env GOVERSION` and `go env -json ...` as Go 1.26 does:
    each CGO_ variable from the environment, else Go's default."""
    script = folder / "go"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$2" = GOVERSION ]; then echo go1.26.0; exit 0; fi\n'
        'printf \'{"CGO_CPPFLAGS": "%s", "CGO_CFLAGS": "%s", "CGO_LDFLAGS": "%s"}\\n\' '
        '"${CGO_CPPFLAGS-}" "${CGO_CFLAGS--O2 -g}" "${CGO_LDFLAGS--O2 -g}"\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.mark.skipif(os.name == "nt", reason="the stand-in go is a shell script")
def test_the_build_keeps_gos_defaults_when_the_user_exports_c_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CGO_CFLAGS", "-D_LARGEFILE64_SOURCE")
    monkeypatch.setenv("CGO_LDFLAGS", "-L/mine")
    monkeypatch.setattr(toolchain, "find_spec", lambda name: object())  # as if ziglang were there
    env = build.go_environment(settings(cgo=True), "darwin/arm64", fake_go(tmp_path), tmp_path)
    assert go_split(env["CGO_CFLAGS"]) == ["-O2", "-g", "-D_LARGEFILE64_SOURCE"]
    stubs = tmp_path / "build" / "go" / "darwin_arm64" / "stubs"
    assert go_split(env["CGO_LDFLAGS"]) == ["-O2", "-g", "-L/mine", f"-L{stubs}"]


@pytest.mark.skipif(os.name == "nt", reason="the stand-in go is a shell script")
def test_go_defaults_are_read_without_the_exported_values(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CGO_CFLAGS", "-O0")
    assert cgo.go_defaults(fake_go(tmp_path)) == GO_DEFAULTS


# --- a macOS SDK the user has ---


def test_a_macos_sdk_reaches_zig_for_darwin_only(tmp_path: Path, monkeypatch) -> None:
    sdk = tmp_path / "MacOSX14.sdk"
    (sdk / "System" / "Library" / "Frameworks").mkdir(parents=True)
    monkeypatch.setenv(cgo.MACOS_SDK_VARIABLE, str(sdk))
    found = cgo.macos_sdk()
    env = cgo.flags_environment(settings(cgo=True), "darwin/arm64", GO_DEFAULTS, {}, sdk=found)
    frameworks = f"-F{sdk / 'System' / 'Library' / 'Frameworks'}"
    assert go_split(env["CGO_CFLAGS"]) == ["-O2", "-g", f"--sysroot={sdk}", frameworks]
    assert go_split(env["CGO_LDFLAGS"])[2:] == [
        f"--sysroot={sdk}",
        frameworks,
        f"-L{sdk / 'usr' / 'lib'}",
    ]
    linux = cgo.flags_environment(settings(cgo=True), "linux/amd64", GO_DEFAULTS, {}, sdk=found)
    assert str(sdk) not in json.dumps(linux)


def test_a_folder_that_is_no_macos_sdk_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(cgo.MACOS_SDK_VARIABLE, str(tmp_path))
    with pytest.raises(BuildError, match=f"{cgo.MACOS_SDK_VARIABLE}=.* is not a macOS SDK"):
        cgo.macos_sdk()


# --- a header zig does not ship: one sentence ---

# zig cc's words, as go build prints them (measured: zig 0.17.1, Go 1.26)
FRAMEWORK_HEADER = """\
# example.com/netinfo
./netinfo_darwin.go:7:10: fatal error: 'CFNetwork/CFNetwork.h' file not found
    7 | #include <CFNetwork/CFNetwork.h>
      |          ^~~~~~~~~~~~~~~~~~~~~~~
1 error generated.
"""
LIBRARY_HEADER = """\
# github.com/some/tls
./tls.go:4:10: fatal error: 'openssl/ssl.h' file not found
    4 | #include <openssl/ssl.h>
      |          ^~~~~~~~~~~~~~~
1 error generated.
"""
OWN_HEADER = """\
# example.com/tool
./tool.go:4:10: fatal error: 'helper.h' file not found
    4 | #include "helper.h"
      |          ^~~~~~~~~~
1 error generated.
"""
FRAMEWORK_LINK = """\
# example.com/tool
/usr/local/go/pkg/tool/linux_amd64/link: running python failed: exit status 1
python -m ziglang cc -target aarch64-macos.13.0 -arch arm64 -o a.out go.o -framework Security
error: unable to find system framework "Security". searched paths: none
"""


def missing(stderr: str, target: str, **table) -> str | None:
    return cgo.missing_header_message(stderr, target, settings(cgo=True, **table))


def test_an_apple_framework_header_gets_one_sentence_with_both_ways_out(monkeypatch) -> None:
    monkeypatch.delenv(cgo.MACOS_SDK_VARIABLE, raising=False)
    message = missing(FRAMEWORK_HEADER, "darwin/arm64", targets=ALL_TARGETS)
    assert message is not None and "\n" not in message
    assert message.startswith(
        "go build for darwin/arm64 stopped: the C code of example.com/netinfo"
    )
    assert "<CFNetwork/CFNetwork.h>, a header of Apple's CFNetwork framework," in message
    assert 'targets = ["linux/amd64", "linux/arm64", "windows/amd64"]' in message
    assert f"set {cgo.MACOS_SDK_VARIABLE} to the folder of a macOS SDK" in message
    assert "fatal error" not in message


def test_with_an_sdk_given_the_sentence_says_it_lacks_the_header(monkeypatch) -> None:
    monkeypatch.setenv(cgo.MACOS_SDK_VARIABLE, "/sdks/MacOSX11.sdk")
    message = missing(FRAMEWORK_HEADER, "darwin/amd64")
    assert message is not None
    assert f"the SDK at {cgo.MACOS_SDK_VARIABLE}=/sdks/MacOSX11.sdk lacks it" in message


def test_a_framework_the_linker_cannot_find_is_named() -> None:
    message = missing(FRAMEWORK_LINK, "darwin/arm64", targets=["darwin/arm64", "linux/amd64"])
    assert message is not None
    assert "the C code of example.com/tool links Apple's Security framework" in message
    assert 'targets = ["linux/amd64"]' in message


def test_a_library_header_on_linux_points_at_cgo_per_target() -> None:
    message = missing(LIBRARY_HEADER, "linux/arm64", targets=ALL_TARGETS)
    assert message is not None and "\n" not in message
    assert (
        "the C code of github.com/some/tls includes <openssl/ssl.h>, which zig does not ship"
        in message
    )
    assert 'targets = ["linux/amd64", "darwin/amd64", "darwin/arm64", "windows/amd64"]' in message
    assert '[tool.hatch-go-binary.cgo-per-target] "linux/arm64" = { cflags = ["-I' in message


@pytest.mark.parametrize(
    "stderr",
    [
        pytest.param(OWN_HEADER, id="the-packages-own-header"),
        pytest.param("# example.com/tool\n./main.go:3:2: undefined: x\n", id="a-go-error"),
        pytest.param("", id="nothing"),
    ],
)
def test_other_failures_keep_the_compilers_words(stderr: str) -> None:
    assert missing(stderr, "darwin/arm64") is None


# --- settings ---


def test_the_settings_keep_their_order_and_scopes() -> None:
    read = settings(
        cgo=True,
        cgo_cflags=["-DA"],
        cgo_ldflags=["-lb"],
        cgo_per_target={"linux/arm64": {"ldflags": ["-lc"], "cflags": ["-DD"]}},
    )
    assert read.cgo_flags_for("linux/arm64") == [
        ("cgo-cflags", ("-DA",)),
        ("cgo-ldflags", ("-lb",)),
        ('cgo-per-target."linux/arm64".ldflags', ("-lc",)),
        ('cgo-per-target."linux/arm64".cflags', ("-DD",)),
    ]
    assert read.cgo_flags_for("linux/amd64") == [
        ("cgo-cflags", ("-DA",)),
        ("cgo-ldflags", ("-lb",)),
    ]


@pytest.mark.parametrize(
    ("per_target", "where", "says"),
    [
        ({"freebsd": {}}, "cgo-per-target.freebsd", "is neither a GOOS (darwin, linux, windows)"),
        ({"linux/mips": {}}, 'cgo-per-target."linux/mips"', "nor a target (linux/amd64"),
        ({"linux": ["-DX"]}, "cgo-per-target.linux", "must be a table with cflags and/or ldflags"),
        ({"linux": {"cppflags": []}}, "cgo-per-target.linux", 'has "cppflags": its keys are'),
        (
            {"darwin": {"ldflags": "-lz"}},
            "cgo-per-target.darwin.ldflags",
            "must be a list of strings",
        ),
    ],
)
def test_bad_per_target_flags_name_their_key(per_target: dict, where: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        settings(cgo=True, cgo_per_target=per_target)
    message = str(caught.value)
    assert message.startswith(f"[tool.hatch-go-binary] {where} = ")
    assert says in message
