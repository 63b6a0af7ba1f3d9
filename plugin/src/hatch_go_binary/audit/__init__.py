"""Audit wheels whose scripts are native executables, and their sdists, before PyPI sees them.

    python -m hatch_go_binary.audit [--command NAME]... [--dist-checks] [--cache DIR] PATHS...

PATHS are wheels, sdists (.tar.gz), folders of them, or globs the shell left alone. Each
module checks one thing, and says more in its own docstring:

- platforms: the file name, and platform tags PyPI and installers accept;
- upload_rules: the rest of what PyPI refuses on upload (size, Summary, zip structure);
- contents: a wheel's metadata, RECORD, scripts and zip modes;
- binaries, with elf, macho and pe (readers imports their libraries): the tags tell the
  truth about every native binary in <dist>-<version>.data/scripts/;
- sboms, with sbom_schema: the CycloneDX SBOMs (PEP 770) describe those binaries;
- one_file: all of that on one wheel (audit_wheel) or sdist (audit_sdist);
- dist_checks: --dist-checks, `twine check --strict` and `check-wheel-contents`;
- cache: --cache DIR, the files that passed this same audit before;
- runner: one run (Audit), files handed in one at a time, as a matrix build finishes them;
- cli: the command line (main); model: what they all share (Finding, Platform, Wheel).

These files are copied verbatim into a Jinja template, so none may hold a brace followed
by another brace, a percent sign or a hash: nested sets are written with set() calls.
"""

from __future__ import annotations

try:  # say what to install instead of a bare traceback; the modules below import it freely
    import packaging.utils  # noqa: F401  (which imports packaging.tags)
except ImportError as error:
    raise ImportError(
        'hatch_go_binary.audit needs packaging: pip install "packaging>=24"'
    ) from error

from hatch_go_binary.audit.cache import PassCache, checker_identity, sha256_of
from hatch_go_binary.audit.cli import PROG, main
from hatch_go_binary.audit.dist_checks import DistChecks, run_dist_checks
from hatch_go_binary.audit.elf import manylinux_tag
from hatch_go_binary.audit.macho import macho_slices
from hatch_go_binary.audit.model import Finding, Platform, Wheel
from hatch_go_binary.audit.one_file import audit_sdist, audit_wheel
from hatch_go_binary.audit.platforms import check_filename, parse_platform
from hatch_go_binary.audit.readers import INSTALL_HINT, READERS, MissingDependencies
from hatch_go_binary.audit.runner import Audit
from hatch_go_binary.audit.sbom_schema import SBOM_VALIDATOR, sbom_problems

__all__ = [
    "INSTALL_HINT",
    "PROG",
    "READERS",
    "SBOM_VALIDATOR",
    "Audit",
    "DistChecks",
    "Finding",
    "MissingDependencies",
    "PassCache",
    "Platform",
    "Wheel",
    "audit_sdist",
    "audit_wheel",
    "check_filename",
    "checker_identity",
    "macho_slices",
    "main",
    "manylinux_tag",
    "parse_platform",
    "run_dist_checks",
    "sbom_problems",
    "sha256_of",
]
