"""One audit run: files handed in one at a time (check), then finished together (finish).

The command line hands it every path at once; a matrix build hands it each artifact as a
worker finishes it, so the audit runs while the other targets still build, and the dist
checks (started warm when the first file needs them) only wait for the last one.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from hatch_go_binary.audit.cache import PassCache, checker_identity
from hatch_go_binary.audit.dist_checks import DistChecks, files_for
from hatch_go_binary.audit.model import Finding
from hatch_go_binary.audit.one_file import audit_sdist, audit_wheel
from hatch_go_binary.audit.readers import _readers
from hatch_go_binary.audit.sbom_schema import SBOM_VALIDATOR, _cyclonedx_installed

PROG = "python -m hatch_go_binary.audit"


def audit_path(path: Path, commands: Sequence[str]) -> list[Finding]:
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


class Audit:
    """COMMANDS: scripts every wheel must hold; DIST_CHECKS: check-wheel-contents too over
    every wheel checked, and twine check over every file whose metadata it has not passed;
    CACHE: the folder of passes, or None. Raises MissingDependencies when the binary
    readers are not installed."""

    def __init__(self, commands: Sequence[str], dist_checks: bool, cache: Path | None) -> None:
        _readers()
        if not _cyclonedx_installed():
            print(
                f"{PROG}: SBOMs get a structural check only; for the CycloneDX schema: "
                f'pip install "{SBOM_VALIDATOR}"',
                file=sys.stderr,
            )
        self.commands = list(commands)
        identity = checker_identity(self.commands, dist_checks) if cache else ""
        self.passes = PassCache(cache, identity)
        self.dist_checks = DistChecks() if dist_checks else None
        self.failures: list[str] = []  # the files, or the dist-check tools, that failed
        self.checked: list[Path] = []  # audited now, not taken from the cache
        self.twine_checks: list[Path] = []  # of those, the ones whose metadata is new

    def _start_dist_checks_for(self, path: Path) -> None:
        """Start (warm) the tools PATH will need, while the rest is audited or built."""
        tools = ["check_wheel_contents"] if path.name.endswith(".whl") else []
        if not self.passes.twine_passed_before(path):
            tools.append("twine")
            self.twine_checks.append(path)
        self.dist_checks.warm(tools)

    def check(self, path: Path) -> bool:
        """Audit PATH and print the verdict: whether it passed."""
        if path.is_file() and self.passes.passed_before(path):
            print(f"{path.name}: ok (passed this audit before)", flush=True)
            return True
        # An sdist's own audit is a real one too (PKG-INFO, size, SBOM); the cache key
        # says whether the dist checks ran.
        distribution = path.is_file() and path.name.endswith((".whl", ".tar.gz"))
        if distribution and self.dist_checks is not None:
            self._start_dist_checks_for(path)
        findings = audit_path(path, self.commands)
        if distribution:
            self.checked.append(path)
        if findings:
            self.failures.append(path.name or str(path))
        print(f"{path.name or path}: {'FAIL' if findings else 'ok'}")
        for finding in findings:
            print(f"  [{finding.check}] {finding.message}")
        sys.stdout.flush()
        return not findings

    def finish(self) -> bool:
        """The dist checks over every file checked; remember the passes of a clean run."""
        if self.dist_checks is not None and self.checked:
            files = {**files_for(self.checked), "twine": self.twine_checks}
            extra = self.dist_checks.run(files)
            for finding in extra:
                print(f"{finding.wheel}: [{finding.check}] {finding.message}")
                self.failures.append(finding.check)
        self.close()
        if self.failures:
            return False
        # only a clean run: the dist checks do not say which file failed
        self.passes.remember(self.checked, twine_checked=self.dist_checks is not None)
        return True

    def close(self) -> None:
        """Stop the warm dist checks of a run that ends without finish()."""
        if self.dist_checks is not None:
            self.dist_checks.close()
