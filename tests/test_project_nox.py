"""The generated project's own tooling passes: `nox -s tests lint`, on a machine without Go."""

from __future__ import annotations

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
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    # pytest ran inside, and its tests passed
    assert " passed" in done.stdout + done.stderr
