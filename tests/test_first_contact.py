"""The README's "Two commands", as a newcomer runs them: the first on a Python that refuses
`pip install` (PEP 668, as Debian's and Ubuntu's do), with an empty HOME and no Go; the
second through .ci/run, which must take any Go off PATH first."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

# The template's address in the README, which cannot be reached from the tests.
TEMPLATE_ADDRESS = "gh:your-github-user/go-pypi-template"
# Lines that read like errors on a newcomer's first screen (nox without uv; uv's preview warning).
NOISE = ["uv binary not found", "is experimental and may change without warning"]


def readme_commands() -> list[str]:
    """The command lines of the README's "Two commands" block, in order."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## Two commands\n", 1)[1]
    block = section.split("```console\n", 1)[1].split("\n```", 1)[0]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def externally_managed_python(where: Path) -> Path:
    """A Python installation marked as Debian marks its own (EXTERNALLY-MANAGED in the
    standard library's folder), with pip and nothing else installed; returns its python3."""
    stdlib = Path(sysconfig.get_path("stdlib"))
    lib = where / "lib" / stdlib.name
    lib.mkdir(parents=True)
    for entry in stdlib.iterdir():
        if entry.name != "site-packages":
            (lib / entry.name).symlink_to(entry)
    (lib / "site-packages").mkdir()
    bin_folder = where / "bin"
    bin_folder.mkdir()
    # A copy, not a link: Python finds its prefix (and so lib/) from the file's own place.
    python = bin_folder / "python3"
    shutil.copy2(Path(sys._base_executable).resolve(), python)
    subprocess.run([python, "-m", "ensurepip"], check=True, capture_output=True)
    (lib / "EXTERNALLY-MANAGED").write_text(
        "[externally-managed]\nError=This Python belongs to the system: use a virtual environment.\n"
    )
    return python


def only(tools: list[str], where: Path) -> Path:
    """A folder holding just TOOLS, linked from the tests' PATH: what the README asks for."""
    where.mkdir()
    for tool in tools:
        found = shutil.which(tool)
        assert found, f"the tests need {tool} on PATH"
        (where / tool).symlink_to(found)
    return where


def go_cache() -> str:
    done = subprocess.run(["go", "env", "GOCACHE"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.xdist_group("first-contact")
def test_readme_command_one_on_an_externally_managed_python(template: Path, tmp_path: Path) -> None:
    """From an empty HOME, with no Go, it generates, builds and tests a project, and says
    nothing that reads like an error. It shares the tests' uv cache and Go build cache, so
    downloads and compiled packages are reused: what it proves needs neither empty."""
    python = externally_managed_python(tmp_path / "python")
    refused = subprocess.run([python, "-m", "pip", "install", "cookiecutter"], capture_output=True, text=True)
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stderr, refused.stderr

    first = readme_commands()[0]
    assert TEMPLATE_ADDRESS in first
    command = first.replace(TEMPLATE_ADDRESS, shlex.quote(str(template)))
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    tools = only([shlex.split(first)[0], "uv", "git"], tmp_path / "tools")
    shared = {"UV_CACHE_DIR": subprocess.run(["uv", "cache", "dir"], capture_output=True, text=True).stdout.strip()}
    shared["GOCACHE"] = go_cache()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("VIRTUAL_ENV", "GO", "UV_", "XDG_", "NOX", "PYTHON"))
    }
    env |= {"HOME": str(home), "PATH": os.pathsep.join([str(python.parent), str(tools), "/usr/bin", "/bin"])}
    env |= shared
    assert shutil.which("go", path=env["PATH"]) is None
    done = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True, text=True)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert [line for line in output.splitlines() if any(noise in line for noise in NOISE)] == []
    # cookiecutter says what it made and what comes next; go test says what it compiles
    assert "Created my-go-tool: README.md is its PyPI page" in output
    assert "cd my-go-tool && git init && uvx nox -s tests lint" in output
    assert "nox > Compiling the Go code and its tests" in output
    assert "nox > Session tests was successful" in output and "nox > Session lint was successful" in output


def test_ci_runs_the_readme_test_command_with_no_go_on_path(tmp_path: Path) -> None:
    """.ci/run ends in the README's second command, run where no `go` (nor gofmt) is on PATH."""
    second = shlex.split(readme_commands()[1])
    seen = tmp_path / "seen"
    # The README command's program writes down what it was given and finds; any other
    # Python or nox fails, so that nothing here can start the real test suite.
    fakes = {
        second[0]: f'{{ printf "%s\\n" "$@"; command -v go gofmt || echo no-go; echo "GOROOT=$GOROOT"; }} > "{seen}"',
        "python3": "exit 1",
        "nox": "exit 1",
        "go": "exit 0",
        "gofmt": "exit 0",
    }
    fake = tmp_path / "fake"
    machine_go = tmp_path / "machine-go"
    for name, body in fakes.items():
        folder = machine_go if name.startswith("go") else fake
        folder.mkdir(exist_ok=True)
        (folder / name).write_text(f"#!/bin/sh\n{body}\n")
        (folder / name).chmod(0o755)
    for tool in ("git", "qemu-aarch64-static", "shellcheck"):  # or .ci/run installs them
        assert shutil.which(tool, path="/usr/bin:/bin"), f"the tests need {tool} in /usr/bin"
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PYENV", "VIRTUAL_ENV"))}
    env |= {"HOME": str(tmp_path), "GOROOT": str(machine_go)}
    env["PATH"] = os.pathsep.join([str(machine_go), str(fake), "/usr/bin", "/bin"])
    done = subprocess.run(["bash", str(ROOT / ".ci" / "run")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert seen.read_text().splitlines() == [*second[1:], "no-go", "GOROOT="]
