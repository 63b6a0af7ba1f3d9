"""`python -m hatch_go_binary verify`, `checksums` and `sboms`: the release gate.

`build` writes the build record (matrix.RECORD, BUILD.json) beside the output folder,
in dist-record/ for dist/ (matrix.record_folder), once every artifact passed the audit;
these commands read it back before anything leaves the output folder:

- verify: the folder holds exactly the wheels and the sdist the record lists, byte for
  byte, all of pyproject.toml's version, one for each configured target. Doubts about the
  source (built from another commit than HEAD or the tag, with uncommitted changes, with
  Go settings that change the binary, or where git could not tell) and missing targets
  are warnings, or with --strict errors;
- checksums: dist-record/SHA256SUMS (`sha256sum -c` reads it beside the files, as in a
  GitHub release) of the verified artifacts and the record; --check verifies the folders
  by it, and SHA256SUMS itself by $SHA256SUMS_SHA256, the digest the job that wrote it
  handed over;
- sboms: copy the wheels' and the sdist's SBOMs to dist-record/sboms/, named after their
  artifact.

dist/ itself holds distributions only: `twine upload dist/*` takes every file there.

Exit status: 0 when all is well, 1 with a message saying what is wrong, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tarfile
import zipfile
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from hatch_go_binary import goenv
from hatch_go_binary.audit import sha256_of
from hatch_go_binary.audit.upload_rules import RELEASE_OPEN_DAYS, describe_quota
from hatch_go_binary.config import load_pyproject, read_settings
from hatch_go_binary.errors import BuildError
from hatch_go_binary.matrix import (
    NO_REPOSITORY,
    RECORD,
    RECORD_FORMAT,
    SDIST,
    SUMS,
    distribution_of,
    git_commit,
    record_folder,
    why_git_is_unknown,
)

# What reading dist/ can raise besides GateError: each becomes a message, not a traceback.
UNREADABLE = (
    OSError,
    UnicodeDecodeError,
    InvalidVersion,
    InvalidWheelFilename,
    InvalidSdistFilename,
    zipfile.BadZipFile,
    tarfile.TarError,
)

# PEP 770's folder in a wheel, and where the sdist hook puts the sdist's
SBOMS = {".whl": r"[^/]+\.dist-info/sboms/[^/]+", ".tar.gz": r"[^/]+/sboms/[^/]+"}


class GateError(Exception):
    """What stops a release; the message says what is wrong and what to do."""


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def shown(dist: Path) -> str:
    """The folder as the messages name it: dist/."""
    return f"{dist.as_posix()}/"


def dist_files(dist: Path) -> list[Path]:
    """The wheels and the sdist in DIST, wheels first (the order twine uploads in)."""
    return sorted(dist.glob("*.whl")) + sorted(dist.glob("*.tar.gz"))


def artifact_version(path: Path) -> Version:
    if path.name.endswith(".whl"):
        return parse_wheel_filename(path.name)[1]
    return parse_sdist_filename(path.name)[1]


def _check_source_types(source: dict) -> None:
    """TypeError unless the record's source has the types `build` writes."""
    commit, changed = source.get("git-commit"), source.get("changed", [])
    if commit is not None and not isinstance(commit, str):
        raise TypeError(f"git-commit is {commit!r}")
    if not isinstance(source.get("dirty", False), bool):
        raise TypeError(f"dirty is {source.get('dirty')!r}")
    if not isinstance(changed, list) or not all(isinstance(name, str) for name in changed):
        raise TypeError(f"changed is {changed!r}")


def _read_record(record_path: Path) -> tuple[dict, dict[str, str], dict[str, str]]:
    """The record, {file: sha256} and {target: file} from RECORD_PATH."""
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        listed = {entry["file"]: entry["sha256"] for entry in record["artifacts"]}
        targets = {entry["target"]: entry["file"] for entry in record["artifacts"]}
        if not isinstance(record["source"], dict):
            raise TypeError(f"source is {record['source']!r}")
        _check_source_types(record["source"])
        if record.get("build-record") != RECORD_FORMAT:
            raise ValueError(
                f"build-record {record.get('build-record')!r}: written by another "
                f"hatch-go-binary, this one reads format {RECORD_FORMAT}"
            )
        if not isinstance(record["go-environment"], dict):
            raise TypeError(f"go-environment is {record['go-environment']!r}")
    except (ValueError, KeyError, TypeError) as error:
        raise GateError(
            f"{record_path} cannot be read ({error!r}): rebuild with `nox -s wheels`"
        ) from None
    return record, listed, targets


def _missing_targets(root: Path, built: dict[str, str], allowed: list[str]) -> list[str]:
    """The configured targets (and the sdist) the build did not make, but those ALLOWED
    missing; a GateError for an allowed name that is no configured target."""
    try:
        configured = [*read_settings(load_pyproject(root), root).targets, SDIST]
    except BuildError as error:
        raise GateError(str(error)) from None
    unknown = [name for name in allowed if name not in configured]
    if unknown:
        raise GateError(
            f"--allow-missing {', '.join(unknown)}: not a configured target; the targets are "
            f"{', '.join(configured)} ([tool.hatch-go-binary] targets in pyproject.toml)"
        )
    return [name for name in configured if name not in built and name not in allowed]


def _source_doubts(
    root: Path, source: dict, tag: str | None, strict: bool, folder: str
) -> list[str]:
    """What makes the recorded source unlike ROOT's HEAD (and TAG), checked out clean.
    Under STRICT, a side git cannot tell (git missing, refusing, no repository) is a
    doubt too: an unknown is no match."""
    built, head = source.get("git-commit"), git_commit(root, "HEAD")
    doubts = []
    if built and head and built != head:
        doubts.append(f"{folder} was built from commit {built}, but HEAD is {head}")
    if built and source.get("dirty"):
        changed = ", ".join(source.get("changed", [])[:5]) or "the tree changed during the build"
        doubts.append(f"{folder} was built from commit {built} with uncommitted changes: {changed}")
    tagged = git_commit(root, f"refs/tags/{tag}") if tag and built else None
    if tagged and tagged != built:
        doubts.append(f"the tag {tag} is commit {tagged}, but {folder} was built from {built}")
    if built and not head:
        why = why_git_is_unknown(root)
        doubts.append(f"{folder} was built from commit {built}, but {why}, so HEAD is unknown")
    if head and not built:
        doubts.append(f"{folder} was built outside git, but this is a git checkout at {head}")
    if not strict:
        if tag and built and head and not tagged:  # a typo, or a tag not fetched
            warn(f"there is no tag {tag} in this checkout, so {folder} was not compared with it")
        return doubts
    why_then, why_now = source.get("no-git", "the record does not say why"), ""
    if not built and not head:
        why_now = why_git_is_unknown(root)
    if why_now and (why_then, why_now) != (NO_REPOSITORY, NO_REPOSITORY):  # git could not tell
        doubts.append(
            f"neither the build's commit nor HEAD is known: at the build, {why_then}; here, "
            f"{why_now}"
        )
    if tag and built and head and not tagged:
        doubts.append(
            f"there is no tag {tag} in this checkout (a typo, or not fetched: `git fetch "
            f"--tags`), so {folder} cannot be compared with it"
        )
    elif tag and not tagged:
        why = why_now or why_git_is_unknown(root)
        doubts.append(
            f"the tag {tag} cannot be looked up ({why}), so {folder} cannot be compared with it"
        )
    return doubts


def read_matching_record(dist: Path, files: list[Path]) -> tuple[Path, dict, dict[str, str]]:
    """DIST's build record (its path, its content, {target: file}), once FILES, DIST's
    wheels and sdist, are exactly those it lists, byte for byte; else a GateError naming
    each file that differs."""
    record_path, folder = record_folder(dist) / RECORD, shown(dist)
    if not record_path.is_file():
        raise GateError(
            f"{folder} has no build record ({record_path}), so nothing says its files come "
            "from one complete build. `nox -s wheels` writes it once every artifact is built "
            "and audited; other builds (`uv build`, `python -m build`) do not. Rebuild with "
            "`nox -s wheels`"
        )
    record, listed, targets = _read_record(record_path)
    present = {path.name: sha256_of(path) for path in files}
    ours = {distribution_of(name) for name in listed}
    problems = [
        f"  {name}: not made by that build (another build left it, such as `uv build`)"
        if distribution_of(name) in ours
        else f"  {name}: another project's file, which no rebuild removes: move it out of {folder}"
        for name in present
        if name not in listed
    ]
    problems += [
        f"  {name}: changed since that build (sha256 {digest}, the record has {listed[name]})"
        for name, digest in present.items()
        if name in listed and digest != listed[name]
    ]
    problems += [
        f"  {name}: in the record, missing from {folder}" for name in listed if name not in present
    ]
    if problems:
        raise GateError(
            f"{folder} is not the one build recorded in {record_path}:\n"
            + "\n".join(problems)
            + "\nRebuild with `nox -s wheels`: it replaces every wheel and sdist in "
            + f"{folder} at once"
        )
    return record_path, record, targets


def check_record(
    dist: Path,
    files: list[Path],
    root: Path,
    strict: bool,
    tag: str | None,
    allow_missing: list[str] = (),
) -> str:
    """Fail unless DIST's wheels and sdist are exactly those of the build in its record,
    byte for byte. STRICT: also unless that build is of ROOT's HEAD (and the tag) with
    nothing uncommitted, with Go's default settings, and of every configured target but
    ALLOW_MISSING; otherwise doubts about the source are warnings.
    Returns the line that says which build DIST is."""
    record_path, record, targets = read_matching_record(dist, files)
    folder = shown(dist)
    source = record["source"]
    missing = _missing_targets(root, targets, list(allow_missing))
    if missing and strict:
        raise GateError(
            f"Not releasing: {folder} lacks {', '.join(missing)}, of the targets configured "
            "in pyproject.toml ([tool.hatch-go-binary] targets). PyPI takes no new file for a "
            "release older than 14 days, so what is missing now may never be added. Build "
            "everything (`nox -s wheels`), or leave them out on purpose: "
            + " ".join(f"--allow-missing {name}" for name in missing)
        )
    if missing:
        warn(f"{folder} lacks {', '.join(missing)}, which pyproject.toml's targets list")
    doubts = _source_doubts(root, source, tag, strict, folder)
    environment = goenv.describe(record["go-environment"])
    if environment:
        doubts.append(f"{folder} {environment}")
    for doubt in doubts:
        if strict:
            raise GateError(
                f"Not releasing: {doubt}. A release is one build of the tagged commit: commit "
                "everything, check out that commit, then `nox -s wheels`"
            )
        warn(doubt)
    built = source.get("git-commit")
    what = f"commit {built}" if built else f"the sdist with sha256 {source.get('sdist-sha256')}"
    return f"{folder} is the build recorded in {record_path}: {len(files)} files from {what}"


def verify(
    dist: Path,
    root: Path,
    strict: bool = False,
    tag: str | None = None,
    allow_missing: list[str] = (),
) -> list[Path]:
    """DIST's wheels and sdist, checked against the build record (check_record) and the
    version in ROOT's pyproject.toml."""
    files = dist_files(dist)
    if not files:
        raise GateError(
            f"{shown(dist)} holds no wheel or sdist: build them with `nox -s wheels` first"
        )
    try:
        project = load_pyproject(root).get("project", {})
    except BuildError as error:
        raise GateError(str(error)) from None
    version = project.get("version")
    if "version" in project.get("dynamic", ()):
        raise GateError(
            f"{root / 'pyproject.toml'}: [project] version is dynamic, and the release gate "
            "compares dist/ (and the tag, and --version) with the version written there: "
            'set version = "X.Y.Z" in [project] and take "version" out of dynamic'
        )
    if not isinstance(version, str):
        raise GateError(f"{root / 'pyproject.toml'} has no [project] version to compare with")
    try:
        wanted = Version(version)
    except InvalidVersion:
        raise GateError(
            f"{root / 'pyproject.toml'}: [project] version {version!r} is no PEP 440 version"
        ) from None
    verified = check_record(dist, files, root, strict, tag, allow_missing)
    stale = [path.name for path in files if artifact_version(path) != wanted]
    if stale:
        raise GateError(
            f"{shown(dist)} holds files of another version than pyproject.toml's {wanted}: "
            f"{', '.join(stale)}. Rebuild with `nox -s wheels`"
        )
    print(verified)
    if strict:  # the release gate: what it lets through is uploaded next
        print(
            f"{describe_quota(files)}. PyPI takes no new file for a release older than "
            f"{RELEASE_OPEN_DAYS} days: what this release lacks now cannot be added after that"
        )
    return files


def held_files(dist: Path) -> dict[str, Path]:
    """The files SHA256SUMS must list: all in DIST but uv build's .gitignore, and the
    build record beside it. Its lines name them without their folder, as a GitHub release
    holds them: `sha256sum -c` checks them there."""
    held = {path.name: path for path in dist.iterdir() if path.is_file()}
    held.pop(".gitignore", None)
    record = record_folder(dist) / RECORD
    if record.is_file():
        held[RECORD] = record
    return held


def write_sums(dist: Path, root: Path) -> None:
    """Write SHA256SUMS beside the record for the verified artifacts and the record; hand
    its own sha256 on in $GITHUB_OUTPUT (the build job's output, for the release jobs)."""
    files = [*verify(dist, root), record_folder(dist) / RECORD]
    others = sorted(set(held_files(dist)) - {path.name for path in files})
    if others:  # the release jobs take the folder whole, and --check would refuse these
        raise GateError(
            f"{shown(dist)} also holds {', '.join(others)}, which the build did not make: "
            f"move them out of {shown(dist)}, then run this again"
        )
    sums = record_folder(dist) / SUMS
    sums.write_bytes("".join(f"{sha256_of(path)}  {path.name}\n" for path in files).encode())
    digest = sha256_of(sums)
    if os.environ.get("GITHUB_OUTPUT"):
        try:
            with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
                output.write(f"sha256sums={digest}\n")
        except OSError as error:
            sums.unlink()  # a SHA256SUMS whose digest went nowhere would vouch for nothing
            raise GateError(
                f"cannot hand SHA256SUMS's sha256 on: $GITHUB_OUTPUT ({error}). "
                "Run this as a step of a GitHub Actions job, or unset GITHUB_OUTPUT"
            ) from None
    print(f"{sums}: {len(files)} files; its own sha256 is {digest}")


def check_sums(dist: Path) -> None:
    """DIST and its record are exactly what SHA256SUMS lists, byte for byte; and SHA256SUMS
    is the one the build job wrote, when $SHA256SUMS_SHA256 (the build job's output) says
    which."""
    sums, folder = record_folder(dist) / SUMS, shown(dist)
    if not sums.is_file():
        raise GateError(f"{sums} is missing: the build job writes it with `nox -s checksums`")
    expected = os.environ.get("SHA256SUMS_SHA256")
    if expected is not None and sha256_of(sums) != expected.strip().lower():
        raise GateError(
            f"{sums} has sha256 {sha256_of(sums)}, but the build job wrote one with "
            f"{expected.strip() or '(nothing: its output did not arrive)'}. What was built "
            "changed on the way here. Nothing was signed or uploaded"
        )
    listed: dict[str, str] = {}
    try:
        text = sums.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GateError(
            f"{sums} is not UTF-8 text, so not the file `nox -s checksums` writes"
        ) from None
    for number, line in enumerate(text.splitlines(), 1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name or "/" in name or name in listed:
            raise GateError(f"{sums}, line {number}, is not `<sha256>  <file name>`: {line!r}")
        listed[name] = digest.lower()
    held = held_files(dist)
    digests = {name: sha256_of(held[name]) for name in listed if name in held}
    problems = [
        f"  {name}: sha256 {digests[name]}, SHA256SUMS has {digest}"
        for name, digest in listed.items()
        if name in held and digests[name] != digest
    ]
    problems += [f"  {name}: listed, missing from {folder}" for name in listed if name not in held]
    problems += [f"  {name}: in {folder}, not listed" for name in held if name not in listed]
    if problems:
        raise GateError(
            f"{folder} is not what the build made, by {sums}:\n" + "\n".join(problems) + "\n"
            "Nothing was signed or uploaded. In CI, run the whole workflow again; here, "
            "rebuild with `nox -s wheels`, then `nox -s checksums`"
        )
    print(f"{folder} holds exactly the {len(listed)} files {sums} lists, byte for byte")


def extract_sboms(dist: Path) -> None:
    """Copy the wheels' and the sdist's SBOMs to sboms/ beside the record, named after
    their artifact."""
    files = dist_files(dist)
    if not files:
        raise GateError(
            f"{shown(dist)} holds no wheel or sdist: build them with `nox -s wheels` first"
        )
    out = record_folder(dist) / "sboms"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    without = []
    for path in files:
        kind = ".whl" if path.name.endswith(".whl") else ".tar.gz"
        stem = path.name[: -len(kind)]
        if kind == ".whl":
            with zipfile.ZipFile(path) as archive:
                names = [name for name in archive.namelist() if re.fullmatch(SBOMS[kind], name)]
                found = {name: archive.read(name) for name in names}
        else:
            with tarfile.open(path) as archive:
                members = [m for m in archive if m.isfile() and re.fullmatch(SBOMS[kind], m.name)]
                found = {m.name: archive.extractfile(m).read() for m in members}
        for name, data in found.items():
            (out / f"{stem}.{name.rsplit('/', 1)[1]}").write_bytes(data)
        if not found and kind == ".whl":
            without.append(path.name)
    wheels = [path for path in files if path.name.endswith(".whl")]
    if without and len(without) < len(wheels):
        raise GateError("These wheels carry no SBOM, unlike the others: " + ", ".join(without))
    if without:  # a build plugin that writes none (an older hatch-go-binary)
        warn("The wheels carry no SBOM (*.dist-info/sboms/): the release gets none")
    count = len(list(out.iterdir()))
    print(f"{shown(out)}: {count} SBOM files from {len(files)} artifacts")


def main(command: str, argv: list[str] | None = None) -> int:
    """`python -m hatch_go_binary COMMAND`, for COMMAND verify, checksums or sboms."""
    parser = argparse.ArgumentParser(prog=f"python -m hatch_go_binary {command}")
    parser.add_argument(
        "--dist",
        type=Path,
        default=Path("dist"),
        help="the folder `build` wrote (dist); its record is beside it (dist-record)",
    )
    if command == "verify":
        parser.description = "Check the folder against its build record and pyproject.toml."
        parser.add_argument("--strict", action="store_true", help="doubts about git are errors")
        parser.add_argument("--tag", help="the release's tag: it must name the built commit")
        parser.add_argument(
            "--allow-missing",
            action="append",
            default=[],
            metavar="TARGET",
            help="a configured target (or sdist) this release leaves out on purpose; repeat "
            "it or separate with commas",
        )
    elif command == "checksums":
        parser.description = "Write SHA256SUMS for the verified folder."
        parser.add_argument("--check", action="store_true", help="verify the folder by it")
    else:
        parser.description = "Copy the artifacts' SBOMs to sboms/ beside the build record."
    options = parser.parse_args(argv)
    root = Path.cwd()
    try:
        if command == "verify":
            allowed = [name for value in options.allow_missing for name in value.split(",") if name]
            verify(options.dist, root, options.strict, options.tag, allowed)
        elif command == "checksums" and options.check:
            check_sums(options.dist)
        elif command == "checksums":
            write_sums(options.dist, root)
        else:
            extract_sboms(options.dist)
    except GateError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    except UNREADABLE as error:  # a file in the folder that is not what its name says
        print(
            f"{parser.prog}: {error} ({type(error).__name__}). The folder holds a file that "
            "cannot be read as what its name says: rebuild it with `nox -s wheels`",
            file=sys.stderr,
        )
        return 1
    return 0
