"""End-to-end tests of the installed {{ cookiecutter.command_name }} command.

They run against the installed wheel (the noxfile installs it into a venv and
runs pytest there), with the real executable: nothing here is mocked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import BinaryNotFoundError, get_binary_path

COMMAND = "{{ cookiecutter.command_name }}"
DISTRIBUTION = "{{ cookiecutter.project_slug }}"
PACKAGE = "{{ cookiecutter.package_name }}"

# Bytes, not text, so that Windows does not turn "\n" into "\r\n".
SAMPLE_INPUT = b"a b\nc\n"
SAMPLE_COUNTS = {"lines": 2, "words": 3, "bytes": 6}


def installed_command() -> str:
    path = shutil.which(COMMAND)
    assert path is not None, f"{COMMAND} is not on PATH: is the wheel installed?"
    return path


# Both ways of starting the program: the installed command itself, and the
# `python -m` hand-over. Every behaviour below must hold for each.
LAUNCHERS = {
    "command": lambda: [installed_command()],
    "python -m": lambda: [sys.executable, "-m", PACKAGE],
}


@pytest.fixture(params=list(LAUNCHERS), ids=list(LAUNCHERS))
def launcher(request: pytest.FixtureRequest) -> list[str]:
    return LAUNCHERS[request.param]()


def run(argv: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    result = subprocess.run(argv, input=stdin, capture_output=True, check=False)
    return subprocess.CompletedProcess(
        result.args,
        result.returncode,
        result.stdout.decode("utf-8").replace("\r\n", "\n"),
        result.stderr.decode("utf-8").replace("\r\n", "\n"),
    )


def test_command_on_path_is_the_binary_path() -> None:
    assert os.path.samefile(installed_command(), get_binary_path())


def test_binary_path_is_absolute_and_executable() -> None:
    path = get_binary_path()
    assert os.path.isabs(path)
    assert os.path.isfile(path)
    assert os.access(path, os.X_OK)


def test_binary_not_found_error_is_a_file_not_found_error() -> None:
    assert issubclass(BinaryNotFoundError, FileNotFoundError)


def test_version_matches_the_distribution(launcher: list[str]) -> None:
    result = run([*launcher, "--version"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{COMMAND} {version(DISTRIBUTION)}\n"
    assert result.stderr == ""


def test_counts_standard_input(launcher: list[str]) -> None:
    result = run([*launcher, "--json"], stdin=SAMPLE_INPUT)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["files"] == [{"name": "-", **SAMPLE_COUNTS}]
    assert report["total"] == SAMPLE_COUNTS


def test_counts_a_file(launcher: list[str], tmp_path: Path) -> None:
    sample = tmp_path / "sample.txt"
    sample.write_bytes(SAMPLE_INPUT)
    result = run([*launcher, "--json", str(sample)])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["files"] == [{"name": str(sample), **SAMPLE_COUNTS}]


def test_missing_file_exits_1_with_a_message(launcher: list[str], tmp_path: Path) -> None:
    result = run([*launcher, str(tmp_path / "missing.txt")])
    assert result.returncode == 1
    assert result.stderr.startswith(f"{COMMAND}: ")
    assert "missing.txt" in result.stderr
    assert result.stdout == ""


def test_bad_flag_exits_2(launcher: list[str]) -> None:
    result = run([*launcher, "--no-such-flag"])
    assert result.returncode == 2
    assert result.stderr.startswith(f"{COMMAND}: ")
    assert "no-such-flag" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["--version"], ["--json"], ["--no-such-flag"], ["-h"], ["no-such-file.txt"]],
    ids=lambda args: " ".join(args),
)
def test_python_m_behaves_like_the_command(args: list[str]) -> None:
    direct = run([installed_command(), *args], stdin=SAMPLE_INPUT)
    via_python = run([sys.executable, "-m", PACKAGE, *args], stdin=SAMPLE_INPUT)
    assert (via_python.returncode, via_python.stdout, via_python.stderr) == (
        direct.returncode,
        direct.stdout,
        direct.stderr,
    )
