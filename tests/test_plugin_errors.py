"""A wrong setting stops the build with a message that names it and says what to do,
through a real build of the default project (the plugin's unit tests cover every rule)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CASES = {
    "no-such-version-variable": (
        ('version-variable = "main.version"', 'version-variable = "main.nosuch"'),
        [
            "version-variable = 'main.nosuch' is not declared in my-go-tool (./cmd/my-go-tool)",
            "Candidates in my-go-tool (./cmd/my-go-tool) and the packages it links from the module: main.version",
        ],
    ),
    "main-package-not-main": (
        ('main-package = "./cmd/my-go-tool"', 'main-package = "./internal/cli"'),
        ["main-package = './internal/cli' is not a buildable `package main`", "./cmd/my-go-tool"],
    ),
    "main-package-missing": (
        ('main-package = "./cmd/my-go-tool"', 'main-package = "./cmd/nope"'),
        ["main-package = './cmd/nope'", "The module's main packages: ./cmd/my-go-tool"],
    ),
    "unknown-key": (
        ("targets = [", "target = ["),
        ["[tool.hatch-go-binary] target in pyproject.toml is not a setting", "did you mean 'targets'"],
    ),
    # what the template's command_name answer refuses, the plugin refuses in pyproject.toml
    "command-taken": (
        ('command = "my-go-tool"', 'command = "python"'),
        ["command = \"python\" in pyproject.toml: installing the wheel would overwrite 'python'"],
    ),
    "ldflags-empty": (
        ("targets = [", 'ldflags = [""]\ntargets = ['),
        ['ldflags = [""] in pyproject.toml: holds an empty argument, which the Go linker refuses'],
    ),
    "our-key-in-the-hook-table": (
        (
            'path = "build-plugin/hatch_go_binary/vendored.py"',
            'path = "build-plugin/hatch_go_binary/vendored.py"\ncgo = true',
        ),
        ["[tool.hatch.build.targets.wheel.hooks.custom] in pyproject.toml has cgo", "Move cgo there"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_wrong_setting_is_refused_by_name(default_project: Path, tmp_path: Path, case: str) -> None:
    (old, new), expected = CASES[case]
    project = tmp_path / "project"
    shutil.copytree(default_project, project, ignore=shutil.ignore_patterns(".nox", "build", "dist"))
    pyproject = project / "pyproject.toml"
    assert old in pyproject.read_text()
    pyproject.write_text(pyproject.read_text().replace(old, new, 1))
    env = {**os.environ, "GO_WHEEL_TOOLCHAIN": "system", "GO_WHEEL_TARGET": "linux/amd64"}
    done = subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(tmp_path / "out")],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode != 0
    output = " ".join((done.stdout + done.stderr).split())
    for text in expected:
        assert " ".join(text.split()) in output, output[-3000:]
    assert not list((tmp_path / "out").glob("*.whl"))


def uv_build_wheel(project: Path, out: Path) -> str:
    env = {**os.environ, "GO_WHEEL_TOOLCHAIN": "system", "GO_WHEEL_TARGET": "linux/amd64"}
    done = subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(out)], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return " ".join((done.stdout + done.stderr).split())


def test_a_cgo_file_left_out_is_named_and_the_starter_is_quiet(default_project: Path, tmp_path: Path) -> None:
    """The starter's words_cgo.go says `//go:build cgo` (a twin of words.go): no warning.
    A file that imports "C" without saying so is left out of a cgo = false build: named."""
    project = tmp_path / "project"
    shutil.copytree(default_project, project, ignore=shutil.ignore_patterns(".nox", "build", "dist"))
    assert "warning" not in uv_build_wheel(project, tmp_path / "quiet").lower()
    (project / "internal" / "cli" / "fast.go").write_text('package cli\n\nimport "C"\n\nconst fast = 1\n')
    output = uv_build_wheel(project, tmp_path / "warned")
    assert 'warning: cgo = false, so Go leaves out internal/cli/fast.go: it builds a file that imports "C"' in output
