"""The generated project's own tooling passes: `nox -s tests lint`, on a machine without Go."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import git, make_copier, run_nox


# uv is nox's first choice here; a plain `pip install nox` (the README's first command)
# falls back to virtualenv, where installs go through pip.
@pytest.mark.parametrize(("use_cgo", "backend"), [("no", "uv"), ("yes", "uv"), ("no", "virtualenv")])
def test_generated_project_passes_its_own_nox_sessions(
    template: Path, tmp_path: Path, use_cgo: str, backend: str
) -> None:
    project = make_copier(template, tmp_path, use_cgo=use_cgo)
    git(project, "init", "-q")
    done = run_nox(project, "--force-venv-backend", backend, "-s", "tests", "lint")
    output = done.stdout + done.stderr
    # every install came from a hashed lock, wheels only; but the wheel just built
    installs = re.findall(r"^nox > (?:\S*uv pip|python -m pip) install (.*)$", output, re.MULTILINE)
    locks = [args for args in installs if args.startswith("--require-hashes --only-binary :all: -r ")]
    assert {Path(args.split()[-1]).name for args in locks} == {"toolchain.txt", "test.txt", "lint.txt"}
    assert [args for args in installs if args not in locks and "--no-deps" not in args] == []
    assert re.search(r"^nox > uv build .*--build-constraint \S+build\.txt --require-build-hashes", output, re.MULTILINE)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    # pytest ran inside, and its tests passed
    assert " passed" in done.stdout + done.stderr


def test_lint_checks_every_go_file_but_those_go_skips(template: Path, tmp_path: Path) -> None:
    """gofmt sees a package built only for another system, and not .nox/ or testdata/."""
    project = make_copier(template, tmp_path)
    unformatted = "//go:build windows\n\npackage winonly\n\nfunc X( ) {}\n"
    for folder in ("internal/winonly", "internal/winonly/testdata", "_scratch"):
        (project / folder).mkdir(parents=True)
        (project / folder / "only_windows.go").write_text(unformatted)
    done = run_nox(project, "-s", "lint")
    assert done.returncode != 0
    listed = done.stderr.split("gofmt would change these files; run `gofmt -w` on them:", 1)[1]
    assert re.findall(r"\./\S+?\.go", listed) == ["./internal/winonly/only_windows.go"]
