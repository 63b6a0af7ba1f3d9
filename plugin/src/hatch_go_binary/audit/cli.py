"""The command line.

    python -m hatch_go_binary.audit [--command NAME]... [--dist-checks] [--cache DIR] PATHS...

PATHS are wheels, sdists (.tar.gz), folders of them, or globs the shell left alone.
--command NAME (repeatable) names scripts that must be there; without it any names will do.
--dist-checks adds `twine check --strict` and `check-wheel-contents`. With --cache DIR,
files that passed are remembered by their sha256, together with the audit's source and the
checkers' versions.

Exit status: 0 when every file passes, 1 otherwise, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import glob
import sys
from collections.abc import Sequence
from pathlib import Path

from hatch_go_binary.audit.cache import PassCache, checker_identity
from hatch_go_binary.audit.dist_checks import run_dist_checks
from hatch_go_binary.audit.model import Finding
from hatch_go_binary.audit.one_file import audit_sdist, audit_wheel
from hatch_go_binary.audit.readers import MissingDependencies, _readers
from hatch_go_binary.audit.sbom_schema import SBOM_VALIDATOR, _cyclonedx_installed

PROG = "python -m hatch_go_binary.audit"


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


def _audit_path(path: Path, commands: Sequence[str]) -> list[Finding]:
    if path.is_dir():
        return [Finding(str(path), "missing", f"{path} holds no .whl or .tar.gz files")]
    if not path.is_file():
        return [Finding(path.name, "missing", f"{path} does not exist")]
    if path.name.endswith(".whl"):
        return audit_wheel(path, commands)
    if path.name.endswith(".tar.gz"):
        return audit_sdist(path)
    return [
        Finding(
            path.name,
            "filename",
            f"{path} is neither a wheel (.whl) nor an sdist (.tar.gz), the only files PyPI takes",
        )
    ]


def main(argv: Sequence[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    try:
        _readers()
    except MissingDependencies as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    if not _cyclonedx_installed():
        print(
            f"{PROG}: SBOMs get a structural check only; for the CycloneDX schema: "
            f'pip install "{SBOM_VALIDATOR}"',
            file=sys.stderr,
        )
    commands = options.command
    identity = checker_identity(commands, options.dist_checks) if options.cache else ""
    passes = PassCache(options.cache, identity)
    failed = False
    checked = []
    for path in expand(options.paths):
        if path.is_file() and passes.passed_before(path):
            print(f"{path.name}: ok (passed this audit before)")
            continue
        findings = _audit_path(path, commands)
        # An sdist's own audit is a real one too (PKG-INFO, size, SBOM); the cache key
        # says whether the dist checks ran.
        if path.is_file() and path.name.endswith((".whl", ".tar.gz")):
            checked.append(path)
        failed = failed or bool(findings)
        print(f"{path.name or path}: {'FAIL' if findings else 'ok'}")
        for finding in findings:
            print(f"  [{finding.check}] {finding.message}")
    if options.dist_checks and checked:
        extra = run_dist_checks(checked)
        failed = failed or bool(extra)
        for finding in extra:
            print(f"{finding.wheel}: [{finding.check}] {finding.message}")
    if failed:
        return 1
    passes.remember(checked)  # only a clean run: dist checks do not say which file failed
    return 0
