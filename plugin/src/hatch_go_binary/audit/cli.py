"""The command line.

    python -m hatch_go_binary.audit [--command NAME]... [--dist-checks] [--cache DIR] PATHS...

PATHS are wheels, sdists (.tar.gz), folders of them, or globs the shell left alone.
--command NAME (repeatable) names scripts that must be there; without it any names will do.
--dist-checks adds `twine check --strict` and `check-wheel-contents`. With --cache DIR,
files that passed are remembered by their sha256, together with the audit's source and the
checkers' versions (and twine check's passes by the file name and metadata it reads).

Exit status: 0 when every file passes, 1 otherwise, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import glob
import sys
from collections.abc import Sequence
from pathlib import Path

from hatch_go_binary.audit.readers import MissingDependencies
from hatch_go_binary.audit.runner import PROG, Audit


def expand(arguments: Sequence[str]) -> list[Path]:
    """Paths from the arguments: files, folders of wheels and sdists, or globs the shell left
    alone. A folder with neither, or a glob that matches nothing, stays as given, to be reported."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            paths += sorted([*path.glob("*.whl"), *path.glob("*.tar.gz")]) or [path]
        elif path.exists():
            paths.append(path)
        else:
            paths += [Path(match) for match in sorted(glob.glob(argument))] or [path]
    return paths


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Check that wheels' tags match their native scripts, and that PyPI "
        "would take the wheels and sdists.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATHS", help="wheels, sdists, folders, globs")
    parser.add_argument(
        "--command",
        action="append",
        default=[],
        metavar="NAME",
        help="a script every wheel must hold (NAME.exe on Windows); repeatable",
    )
    parser.add_argument(
        "--dist-checks",
        action="store_true",
        help="also run twine check --strict and check-wheel-contents",
    )
    parser.add_argument(
        "--cache", type=Path, help="folder remembering the files that passed, to skip them"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    try:
        run = Audit(options.command, options.dist_checks, options.cache)
    except MissingDependencies as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    try:
        for path in expand(options.paths):
            run.check(path)
        return 0 if run.finish() else 1
    finally:
        run.close()
