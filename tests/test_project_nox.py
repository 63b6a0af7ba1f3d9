"""The generated project's own tooling passes: `nox -s tests lint`, on a machine without Go."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import git, make_copier


def path_without_go() -> str:
    """PATH minus every folder that holds a `go`: the project must bring its own."""
    folders = os.environ["PATH"].split(os.pathsep)
    return os.pathsep.join(folder for folder in folders if not os.access(Path(folder, "go"), os.X_OK))


@pytest.mark.parametrize("use_cgo", ["no", "yes"])
def test_generated_project_passes_its_own_nox_sessions(template: Path, tmp_path: Path, use_cgo: str) -> None:
    project = make_copier(template, tmp_path, use_cgo=use_cgo)
    git(project, "init", "-q")
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "GOROOT")}
    env["PATH"] = path_without_go()
    assert shutil.which("go", path=env["PATH"]) is None
    done = subprocess.run(
        [sys.executable, "-m", "nox", "-s", "tests", "lint"], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    # pytest ran inside and its tests passed
    assert " passed" in done.stdout + done.stderr
