"""The pass cache (--cache DIR): files that passed are remembered by their sha256, together
with the audit's source (every module of this package, and buildinfo) and the checkers'
versions.

With the dist checks, a pass of `twine check` is also remembered by what twine reads: the
file name and the metadata inside (its documented job is the metadata and the long
description rendering as PyPI would). A wheel rebuilt after a Go edit has new bytes but
the same metadata, so twine need not import itself again for it; check-wheel-contents,
which reads every entry, still runs."""

from __future__ import annotations

import hashlib
import sys
import tarfile
import zipfile
import zlib
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from hatch_go_binary import buildinfo
from hatch_go_binary.audit.dist_checks import _tool
from hatch_go_binary.audit.readers import READERS
from hatch_go_binary.audit.sbom_schema import sbom_validator_identity
from hatch_go_binary.errors import cannot_write

TWINE = "twine check"  # the kind of pass remembered by metadata

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
                # with what it imports: twine's verdict is readme_renderer's, docutils', ...
                parts += installed_versions(executable)
            else:  # a copy on PATH: its location and age stand for its version
                found = Path(argv[0])
                parts.append(f"{found} {found.stat().st_mtime_ns if found.exists() else 0}")
    return "\n".join(parts)


def installed_versions(distribution: str) -> list[str]:
    """'NAME VERSION' of DISTRIBUTION and of every distribution it requires here, in turn."""
    found, waiting = {}, [distribution]
    while waiting:
        name = canonicalize_name(waiting.pop())
        if name in found:
            continue
        try:
            found[name] = metadata.version(name)
            requirements = metadata.requires(name) or []
        except metadata.PackageNotFoundError:  # an optional one, or a marker's other branch
            found[name] = "(not installed)"
            continue
        for line in requirements:
            try:
                requirement = Requirement(line)
            except InvalidRequirement:  # its installer took it; its version is counted above
                continue
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                waiting.append(requirement.name)
    return [f"{name} {version}" for name, version in sorted(found.items())]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def metadata_digest(path: Path) -> str | None:
    """The sha256 of what twine check reads in PATH, with some margin: in a wheel, every entry
    whose name holds METADATA (twine takes the first such one that parses), with its bytes;
    in an sdist, every member's name and type (twine wants one top folder holding a regular
    PKG-INFO file) and every PKG-INFO's bytes. None if it cannot be read."""
    digest = hashlib.sha256()
    try:
        if path.name.endswith(".whl"):
            with zipfile.ZipFile(path) as archive:
                for info in sorted(archive.infolist(), key=lambda info: info.filename):
                    if "METADATA" in info.filename:
                        digest.update(f"{info.filename}\0".encode() + archive.read(info) + b"\0")
        elif path.name.endswith(".tar.gz"):
            with tarfile.open(path, "r:gz") as archive:
                for member in sorted(archive.getmembers(), key=lambda member: member.name):
                    digest.update(f"{member.name}\0{member.type!r}\0".encode())
                    if member.isfile() and member.name.rsplit("/", 1)[-1] == "PKG-INFO":
                        digest.update(archive.extractfile(member).read() + b"\0")
        else:
            return None
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, tarfile.TarError, zlib.error):
        return None
    return digest.hexdigest()


class PassCache:
    """Files that passed this same audit before, one empty file per pass in a folder."""

    def __init__(self, folder: Path | None, identity: str) -> None:
        self.folder, self.identity = folder, identity
        self._keys: dict[tuple[Path, str], str | None] = {}  # each file is hashed once

    def _entry(self, path: Path, kind: str = "") -> Path | None:
        if self.folder is None:
            return None
        if (path, kind) not in self._keys:
            self._keys[path, kind] = self._key(path, kind)
        key = self._keys[path, kind]
        return None if key is None else self.folder / key

    def _key(self, path: Path, kind: str) -> str | None:
        if not kind:
            text = f"{self.identity}\n{sha256_of(path)}"
        else:
            content = metadata_digest(path)
            if content is None:
                return None
            text = f"{self.identity}\n{kind}\n{path.name}\n{content}"
        return hashlib.sha256(text.encode()).hexdigest()

    def passed_before(self, path: Path, kind: str = "") -> bool:
        entry = self._entry(path, kind)
        return entry is not None and entry.is_file()

    def twine_passed_before(self, path: Path) -> bool:
        """Whether twine check passed a file of this name with this metadata."""
        return self.passed_before(path, TWINE)

    def remember(self, paths: Sequence[Path], twine_checked: bool = False) -> None:
        """PATHS passed; TWINE_CHECKED: twine check passed them too. A folder that cannot
        take them costs the next audit time, never this one's result: a warning says so."""
        try:
            for path in paths:
                for kind in ("", TWINE) if twine_checked else ("",):
                    entry = self._entry(path, kind)
                    if entry is not None:
                        entry.parent.mkdir(parents=True, exist_ok=True)
                        entry.touch()
        except OSError as error:
            problem = cannot_write(self.folder, "the files that passed the audit", error)
            print(
                f"warning: {problem}. Until then, each audit checks every file again",
                file=sys.stderr,
            )
