"""--dist-checks: `twine check --strict` and `check-wheel-contents`, as PyPI's gate would
see the files."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path

from hatch_go_binary.audit.model import Finding


def _tool(module: str, executable: str) -> list[str] | None:
    """argv for a tool: this Python's copy if it has one, else the one on PATH."""
    if find_spec(module) is not None:
        return [sys.executable, "-m", module]
    found = shutil.which(executable)
    return [found] if found else None


def run_dist_checks(paths: Sequence[Path]) -> list[Finding]:
    """twine check --strict and check-wheel-contents, as PyPI's gate would see it. The two
    run at once (each spends most of its time importing itself); findings come in the
    tools' order."""
    wheels = [path for path in paths if path.suffix == ".whl"]
    tools = (
        ("twine", "twine", ["check", "--strict"], paths),
        ("check_wheel_contents", "check-wheel-contents", [], wheels),  # it refuses sdists
    )
    env = {**os.environ, "NO_COLOR": "1"}  # plain text for the report
    slots: list = []  # a finding now, or a running tool to wait for
    with contextlib.ExitStack() as cleanup:
        for module, executable, args, files in tools:
            if not files:
                continue
            argv = _tool(module, executable)
            if argv is None:
                message = (
                    f"{executable} is not installed: pip install {executable} "
                    "(or run without --dist-checks)"
                )
                slots.append(Finding("(dist checks)", executable, message))
                continue
            # files, read after the exit: a pipe could fill up while the other tool runs
            out, err = (
                cleanup.enter_context(tempfile.TemporaryFile("w+", errors="replace"))
                for _ in range(2)
            )
            try:
                process = subprocess.Popen(
                    [*argv, *args, *map(str, files)], stdout=out, stderr=err, env=env
                )
            except OSError as error:
                slots.append(Finding("(dist checks)", executable, f"could not start: {error}"))
                continue
            cleanup.callback(_stop, process)  # if waiting for the other one is interrupted
            slots.append((executable, process, out, err))
        findings = [slot if isinstance(slot, Finding) else _finish(*slot) for slot in slots]
    return [finding for finding in findings if finding is not None]


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()


def _finish(executable: str, process: subprocess.Popen, out, err) -> Finding | None:
    if process.wait() == 0:
        return None
    out.seek(0)
    err.seek(0)
    output = (out.read() + err.read()).strip()
    return Finding("(dist checks)", executable, f"failed:\n{output}")
