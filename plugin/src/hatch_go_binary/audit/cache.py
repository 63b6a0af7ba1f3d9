"""The pass cache (--cache DIR): files that passed are remembered by their sha256, together
with the audit's source (every module of this package, and buildinfo) and the checkers'
versions."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from hatch_go_binary import buildinfo
from hatch_go_binary.audit.dist_checks import _tool
from hatch_go_binary.audit.readers import READERS
from hatch_go_binary.audit.sbom_schema import sbom_validator_identity

CHECK_WHEEL_CONTENTS_CONFIGS = (
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
    "check-wheel-contents.cfg",
    ".check-wheel-contents.cfg",
)


def checker_identity(commands: Sequence[str], dist_checks: bool) -> str:
    """Everything besides the file that a pass depends on: the audit's source (every module of
    this package, and buildinfo), the options, and the version of each checking tool."""
    sources = [*sorted(Path(__file__).parent.glob("*.py")), Path(buildinfo.__file__)]
    parts = [sha256_of(source) for source in sources]
    parts += [",".join(sorted(commands)), str(dist_checks), sbom_validator_identity()]
    for distribution in (*READERS, "packaging"):
        parts.append(f"{distribution} {metadata.version(distribution)}")
    if dist_checks:
        # check-wheel-contents reads its settings from the first of these it finds here
        for config in CHECK_WHEEL_CONTENTS_CONFIGS:
            if Path(config).is_file():
                parts.append(f"{config} {sha256_of(Path(config))}")
        tools = (("twine", "twine"), ("check_wheel_contents", "check-wheel-contents"))
        for module, executable in tools:
            argv = _tool(module, executable) or ["(missing)"]
            if argv[0] == sys.executable:
                parts.append(f"{executable} {metadata.version(executable)}")
            else:  # a copy on PATH: its location and age stand for its version
                found = Path(argv[0])
                parts.append(f"{found} {found.stat().st_mtime_ns if found.exists() else 0}")
    return "\n".join(parts)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class PassCache:
    """Files that passed this same audit before, one empty file per pass in a folder."""

    def __init__(self, folder: Path | None, identity: str) -> None:
        self.folder, self.identity = folder, identity

    def _entry(self, path: Path) -> Path | None:
        if self.folder is None:
            return None
        key = hashlib.sha256(f"{self.identity}\n{sha256_of(path)}".encode()).hexdigest()
        return self.folder / key

    def passed_before(self, path: Path) -> bool:
        entry = self._entry(path)
        return entry is not None and entry.is_file()

    def remember(self, paths: Sequence[Path]) -> None:
        for path in paths:
            entry = self._entry(path)
            if entry is not None:
                entry.parent.mkdir(parents=True, exist_ok=True)
                entry.touch()
