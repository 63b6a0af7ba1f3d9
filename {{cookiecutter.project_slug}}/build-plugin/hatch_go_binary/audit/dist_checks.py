"""--dist-checks: `twine check --strict` and `check-wheel-contents`, as PyPI's gate would
see the files.

Each tool spends most of its run importing itself, so DistChecks.warm() can start them
before the files exist (a matrix build calls it when its first new artifact arrives): each
process imports its tool, then waits for the file names on stdin, and run() hands them
over. A tool found on PATH instead of in this Python starts in run(), as it always did.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Collection, Mapping, Sequence
from importlib.util import find_spec
from pathlib import Path

from hatch_go_binary.audit.model import Finding

# (module, executable, arguments, what its warm process imports before it is handed the
# files: what its __main__ imports, not __main__ itself, which runpy then runs). run()
# chooses the files each takes.
TOOLS = (
    (
        "twine",
        "twine",
        ("--no-color", "check", "--strict"),  # rich ignores NO_COLOR here
        ("requests", "twine.cli", "twine.commands.check"),
    ),
    (
        "check_wheel_contents",
        "check-wheel-contents",
        (),
        ("click", "check_wheel_contents.checker", "check_wheel_contents.contents"),
    ),
)

# The warm process: import, wait for NUL-separated file names, then run the tool as
# `python -m MODULE ARGUMENTS FILES` does. No names: nothing is left to check, stop.
# An import that fails here fails again in the real run, which reports it.
WARM_START = """
import importlib, os, runpy, sys
module, preload, arguments = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
for name in preload:
    try:
        importlib.import_module(name)
    except Exception:
        break
files = [os.fsdecode(name) for name in sys.stdin.buffer.read().split(b"\\0") if name]
if not files:
    sys.exit(0)
sys.argv = [module, *arguments, *files]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


def _tool(module: str, executable: str) -> list[str] | None:
    """argv for a tool: this Python's copy if it has one, else the one on PATH."""
    if find_spec(module) is not None:
        return [sys.executable, "-m", module]
    found = shutil.which(executable)
    return [found] if found else None


def files_for(paths: Sequence[Path]) -> dict[str, list[Path]]:
    """{module: the files of PATHS that tool checks}: check-wheel-contents refuses sdists."""
    wheels = [path for path in paths if path.suffix == ".whl"]
    return {"twine": list(paths), "check_wheel_contents": wheels}


class DistChecks:
    """Both tools over one set of files: warm() (optional, at most once), then run()."""

    def __init__(self) -> None:
        self._cleanup = contextlib.ExitStack()
        self._warm: dict[str, subprocess.Popen] = {}
        self._outputs: dict[str, tuple] = {}

    def _output_files(self, executable: str) -> tuple:
        # files, read after the exit: a pipe could fill up while the other tool runs. The
        # ExitStack closes them, which ruff does not see through self.
        if executable not in self._outputs:
            out, err = (tempfile.TemporaryFile("w+", errors="replace") for _ in range(2))  # noqa: SIM115
            self._outputs[executable] = (
                self._cleanup.enter_context(out),
                self._cleanup.enter_context(err),
            )
        return self._outputs[executable]

    def warm(self, modules: Collection[str] | None = None) -> None:
        """Start each tool of MODULES (default: all) in this Python now, unless started
        already, to be handed its files by run()."""
        for module, executable, arguments, preload in TOOLS:
            if executable in self._warm or (modules is not None and module not in modules):
                continue
            argv = _tool(module, executable)
            if argv is None or argv[1:] != ["-m", module]:
                continue  # missing, or a copy on PATH: run() deals with it
            out, err = self._output_files(executable)
            command = [argv[0], "-c", WARM_START, module, ",".join(preload), *arguments]
            try:
                process = subprocess.Popen(
                    command, stdin=subprocess.PIPE, stdout=out, stderr=err, env=_environment()
                )
            except OSError:
                continue  # run() tries again, and says why it cannot
            self._cleanup.callback(_stop, process)
            self._warm[executable] = process

    def run(self, files_of: Mapping[str, Sequence[Path]]) -> list[Finding]:
        """Every finding of the tools, each on its files ({module: paths}; no files, no
        run), in the tools' order; then close()."""
        slots: list = []  # a finding now, or a running tool to wait for
        try:
            for module, executable, arguments, _ in TOOLS:
                files = files_of.get(module, [])
                warm = self._warm.pop(executable, None)
                if warm is not None:
                    _hand_over(warm, files)
                    if files:
                        slots.append((executable, warm, *self._output_files(executable)))
                    continue
                if not files:
                    continue
                slots.append(self._start(module, executable, [*arguments, *map(_argument, files)]))
            findings = [slot if isinstance(slot, Finding) else _finish(*slot) for slot in slots]
        finally:
            self.close()
        return [finding for finding in findings if finding is not None]

    def _start(self, module: str, executable: str, arguments: list[str]):
        argv = _tool(module, executable)
        if argv is None:
            message = (
                f"{executable} is not installed: pip install {executable} "
                "(or run without --dist-checks)"
            )
            return Finding("(dist checks)", executable, message)
        out, err = self._output_files(executable)
        try:
            process = subprocess.Popen(
                [*argv, *arguments], stdout=out, stderr=err, env=_environment()
            )
        except OSError as error:
            return Finding("(dist checks)", executable, f"could not start: {error}")
        self._cleanup.callback(_stop, process)  # if waiting for the other one is interrupted
        return executable, process, out, err

    def close(self) -> None:
        """Stop what is still running (a build that failed never hands the files over)."""
        self._warm.clear()
        self._cleanup.close()


def run_dist_checks(paths: Sequence[Path]) -> list[Finding]:
    """twine check --strict and check-wheel-contents on PATHS, both at once."""
    return DistChecks().run(files_for(paths))


def _argument(path: Path) -> str:
    """PATH as a tool's argument: never an option, as str(Path("./-x.whl")) would be."""
    text = str(path)
    return os.path.join(os.curdir, text) if text.startswith("-") else text


def _environment() -> dict[str, str]:
    return {**os.environ, "NO_COLOR": "1"}  # plain text for the report


def _hand_over(process: subprocess.Popen, files: Sequence[Path]) -> None:
    """Write the file names to a warm process; none tells it to stop."""
    with contextlib.suppress(OSError):  # it died early: _finish() reports its output
        process.stdin.write(b"\0".join(os.fsencode(_argument(path)) for path in files))
    with contextlib.suppress(OSError):
        process.stdin.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
        process.wait()
    if process.stdin is not None:
        with contextlib.suppress(OSError):
            process.stdin.close()


def _finish(executable: str, process: subprocess.Popen, out, err) -> Finding | None:
    if process.wait() == 0:
        return None
    out.seek(0)
    err.seek(0)
    output = (out.read() + err.read()).strip()
    return Finding("(dist checks)", executable, f"failed:\n{output}")
