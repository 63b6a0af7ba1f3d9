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
    run at once: each spends most of its time importing itself."""
    findings = []
    wheels = [path for path in paths if path.suffix == ".whl"]
    tools = (
        ("twine", "twine", ["check", "--strict"], paths),
        ("check_wheel_contents", "check-wheel-contents", [], wheels),  # it refuses sdists
    )
    env = {**os.environ, "NO_COLOR": "1"}  # plain text for the report
    with contextlib.ExitStack() as outputs:
        running = []
        for module, executable, args, files in tools:
            if not files:
                continue
            argv = _tool(module, executable)
            if argv is None:
                findings.append(
                    Finding(
                        "(dist checks)",
                        executable,
                        f"{executable} is not installed: pip install {executable} "
                        f"(or run without --dist-checks)",
                    )
                )
                continue
            # a file each, read after the exit: a pipe could fill up while the other runs
            output = outputs.enter_context(tempfile.TemporaryFile("w+", errors="replace"))
            command = [*argv, *args, *map(str, files)]
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env)
            running.append((executable, process, output))
        for executable, process, output in running:
            if process.wait() != 0:
                output.seek(0)
                message = f"failed:\n{output.read().strip()}"
                findings.append(Finding("(dist checks)", executable, message))
    return findings
