"""Fixtures that render the template with the real cookiecutter and copier CLIs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # cookiecutter and copier live beside this interpreter
DEFAULTS = {
    "project_name": "My Go Tool",
    "project_slug": "my-go-tool",
    "package_name": "my_go_tool",
    "command_name": "my-go-tool",
    "github_owner": "your-github-user",
    "go_module": "github.com/your-github-user/my-go-tool",
    "description": "A command-line tool written in Go, installable with pip and uvx.",
    "author_name": "Your Name",
    "author_email": "you@example.com",
    "version": "0.1.0",
    "license": "MIT",
    "use_cgo": "no",
    "starter_code": "yes",
    "stamp_vcs_version": "no",
}


def with_derived(answers: dict[str, str]) -> dict[str, str]:
    """DEFAULTS with ANSWERS, and main_package derived as both tools derive it when not given."""
    full = {**DEFAULTS, **answers}
    starter = full["starter_code"] == "yes"
    full.setdefault("main_package", f"./cmd/{full['command_name']}" if starter else ".")
    return full


_SKIP = shutil.ignore_patterns(".git", ".nox", "__pycache__", ".pytest_cache", ".ruff_cache", "build", "dist")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree of this template, committed to a fresh git repository tagged v1.0.0."""
    repo = tmp_path_factory.mktemp("template") / "go-pypi-template"
    shutil.copytree(ROOT, repo, ignore=_SKIP)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "template")
    git(repo, "tag", "v1.0.0")
    return repo


def run_cookiecutter(template: Path, out: Path, answers: dict[str, str]) -> subprocess.CompletedProcess[str]:
    args = [str(BIN / "cookiecutter"), "--no-input", str(template), "-o", str(out)]
    args += [f"{name}={value}" for name, value in answers.items()]
    return subprocess.run(args, capture_output=True, text=True, cwd=out, stdin=subprocess.DEVNULL)


def run_copier(template: Path, dest: Path, answers: dict[str, str]) -> subprocess.CompletedProcess[str]:
    args = [str(BIN / "copier"), "copy", "--defaults", "--quiet", str(template), str(dest)]
    for name, value in answers.items():
        args += ["--data", f"{name}={value}"]
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL)


def make_cookie(template: Path, where: Path, **answers: str) -> Path:
    """Render with cookiecutter into WHERE; return the project folder."""
    where.mkdir(parents=True, exist_ok=True)
    done = run_cookiecutter(template, where, answers)
    assert done.returncode == 0, done.stderr
    return where / {**DEFAULTS, **answers}["project_slug"]


def make_copier(template: Path, where: Path, **answers: str) -> Path:
    """Render with copier into WHERE/<slug>; return the project folder."""
    dest = where / {**DEFAULTS, **answers}["project_slug"]
    done = run_copier(template, dest, answers)
    assert done.returncode == 0, done.stderr
    return dest


@pytest.fixture(scope="session")
def default_project(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project, from cookiecutter (how our users start)."""
    return make_cookie(template, tmp_path_factory.mktemp("default"))


def path_without_go() -> str:
    """PATH minus every folder that holds a `go`: the project must bring its own."""
    folders = os.environ["PATH"].split(os.pathsep)
    return os.pathsep.join(folder for folder in folders if not os.access(Path(folder, "go"), os.X_OK))


def run_nox(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The generated project's own noxfile, on a machine where Go is not installed (ENV: extra variables)."""
    env = {key: value for key, value in {**os.environ, **(env or {})}.items() if key not in ("VIRTUAL_ENV", "GOROOT")}
    env["PATH"] = path_without_go()
    assert shutil.which("go", path=env["PATH"]) is None
    command = [sys.executable, "-m", "nox", *args]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def uv_build(project: Path, out: Path, kind: str = "--wheel", target: str | None = None) -> Path:
    """`uv build` the project (for TARGET, if given) into OUT; return the one file it wrote."""
    env = {**os.environ, "GO_WHEEL_TARGET": target} if target else None
    subprocess.run(["uv", "build", kind, "--out-dir", str(out)], cwd=project, env=env, check=True)
    (artifact,) = [*out.glob("*.whl"), *out.glob("*.tar.gz")]  # uv also writes a .gitignore there
    return artifact
