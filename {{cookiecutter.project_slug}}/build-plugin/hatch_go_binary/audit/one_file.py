"""The audit of one file: every check on a wheel, or on an sdist."""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path

from packaging.utils import InvalidSdistFilename, parse_sdist_filename

from hatch_go_binary.audit.binaries import check_binaries
from hatch_go_binary.audit.contents import (
    binaries_to_check,
    check_exe,
    check_metadata,
    check_modes,
    check_scripts,
)
from hatch_go_binary.audit.model import Finding, Wheel
from hatch_go_binary.audit.platforms import check_filename
from hatch_go_binary.audit.sboms import check_sbom, check_sdist_sboms
from hatch_go_binary.audit.upload_rules import check_core_metadata, check_size, check_zip


def audit_wheel(path: Path | str, commands: Iterable[str] | None = None) -> list[Finding]:
    """Every finding for one wheel; an empty list means it passed. COMMANDS: script names
    that must be present (.exe is added on Windows)."""
    path = Path(path)
    commands = [commands] if isinstance(commands, str) else list(commands or [])
    tags, platforms, findings = check_filename(path)
    findings += check_size(path)
    if tags is None:
        return findings
    try:
        archive = zipfile.ZipFile(path)
    # ValueError: a name flagged UTF-8 that is not, which zipfile refuses outright
    except (OSError, zipfile.BadZipFile, ValueError) as error:
        return [*findings, Finding(path.name, "zip", str(error))]
    with archive:
        findings += check_zip(path, archive)
        wheel = Wheel(path, tags, platforms, archive.infolist(), archive)
        try:
            findings += _check_contents(wheel, commands)
        # An entry no installer could unpack either: check_zip has usually said why.
        except (zipfile.BadZipFile, NotImplementedError, EOFError, zlib.error) as error:
            findings.append(Finding(path.name, "zip", f"cannot read the entries: {error}"))
    return findings


def _check_contents(wheel: Wheel, commands: Sequence[str]) -> list[Finding]:
    binaries = binaries_to_check(wheel, commands)
    return [
        *check_metadata(wheel),
        *check_scripts(wheel, commands, binaries),
        *check_exe(wheel, binaries),
        *check_modes(wheel),
        *check_binaries(wheel, binaries),
        *check_sbom(wheel, binaries),
    ]


def audit_sdist(path: Path | str) -> list[Finding]:
    """What PyPI refuses in an sdist before it looks further: the name, the size, the Summary."""
    path = Path(path)
    findings = list(check_size(path))
    try:
        name, version = parse_sdist_filename(path.name)
    except InvalidSdistFilename as error:
        return [*findings, Finding(path.name, "filename", str(error))]
    folder = path.name[: -len(".tar.gz")]
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(f"{folder}/PKG-INFO")
            text = member.read().decode("utf-8") if member else None
    except KeyError:
        text = None
    except (OSError, tarfile.TarError, EOFError, UnicodeDecodeError) as error:
        return [*findings, Finding(path.name, "sdist", f"cannot read {folder}/PKG-INFO: {error}")]
    if text is None:
        findings.append(
            Finding(
                path.name,
                "sdist",
                f"no {folder}/PKG-INFO; PyPI reads {name} {version}'s metadata from there: "
                f"build the sdist with the project's build backend (uv build --sdist)",
            )
        )
    else:
        findings += check_core_metadata(path.name, text, "PKG-INFO")
    return findings + list(check_sdist_sboms(path, folder))
