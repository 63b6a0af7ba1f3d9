# `python -m {{ cookiecutter.package_name }}` only hands over to the native
# executable. The installed command already is that executable, with no
# Python in between; this module exists for the places where only a Python
# interpreter is known (`sys.executable -m ...`). It adds nothing of its own,
# so the arguments, standard streams and exit status are the executable's.
"""Run the {{ cookiecutter.command_name }} executable with this process's arguments."""

from __future__ import annotations

import os
import sys

from ._find_binary import BinaryNotFoundError, get_binary_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

_PREFIX = "{{ cookiecutter.package_name }}"


def main() -> NoReturn:
    """Run the executable with ``sys.argv[1:]`` and exit with its status."""
    try:
        path = get_binary_path()
    except BinaryNotFoundError as error:
        _fail(str(error), 1)
    argv = [path, *sys.argv[1:]]
    if sys.platform == "win32":
        _run_and_exit(argv)
    try:
        # Replace this process: signals, the terminal and the exit status
        # all belong to the executable from here on.
        os.execv(path, argv)
    except OSError as error:
        _fail(f"cannot run {path}: {error.strerror or error}", 126)


def _run_and_exit(argv: list[str]) -> NoReturn:
    """Run argv as a child process and exit with its status (Windows).

    Windows has no exec that keeps the process, so the child runs while this
    process waits. Ctrl-C reaches every process on the console: the child
    decides what to do with it, and this process ignores it and keeps
    waiting, so it neither prints a traceback nor leaves the child orphaned.
    """
    import signal
    import subprocess

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        returncode = subprocess.run(argv, check=False).returncode
    except OSError as error:
        _fail(f"cannot run {argv[0]}: {error.strerror or error}", 126)
    # Windows exit codes are unsigned 32-bit values, such as 0xC000013A after
    # Ctrl-C; sys.exit wants a signed C int to pass them on unchanged.
    if returncode >= 1 << 31:
        returncode -= 1 << 32
    sys.exit(returncode)


def _fail(message: str, status: int) -> NoReturn:
    print(f"{_PREFIX}: {message}", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
