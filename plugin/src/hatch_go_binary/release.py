"""`python -m hatch_go_binary verify`, `checksums` and `sboms`: the release gate.

`build` writes the build record (matrix.RECORD, BUILD.json) beside the artifacts once
every one of them passed the audit; these commands read it back before anything leaves
the output folder:

- verify: the folder holds exactly the wheels and the sdist the record lists, byte for
  byte, all of pyproject.toml's version. Doubts about the source (built from another
  commit than HEAD or the tag, or with uncommitted changes) are warnings, or with
  --strict errors;
- checksums: SHA256SUMS (`sha256sum -c` reads it) of the verified artifacts and the
  record; --check verifies the folder by it, and SHA256SUMS itself by $SHA256SUMS_SHA256,
  the digest the job that wrote it handed over;
- sboms: copy the wheels' and the sdist's SBOMs to sboms/, named after their artifact.

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

from hatch_go_binary.audit import sha256_of
from hatch_go_binary.config import load_pyproject
from hatch_go_binary.errors import BuildError
from hatch_go_binary.matrix import (
    RECORD,
    RECORD_FORMAT,
    distribution_of,
    git_commit,
    run_git,
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

SUMS = "SHA256SUMS"
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


def check_record(dist: Path, files: list[Path], root: Path, strict: bool, tag: str | None) -> str:
    """Fail unless DIST's wheels and sdist are exactly those of the build in its record,
    byte for byte. STRICT: also unless that build is of ROOT's HEAD (and the tag, where it
    exists there) with nothing uncommitted; otherwise doubts about the source are warnings.
    Returns the line that says which build DIST is."""
    record_path, folder = dist / RECORD, shown(dist)
    if not record_path.is_file():
        raise GateError(
            f"{folder} has no build record ({RECORD}), so nothing says its files come from "
            "one complete build. `nox -s wheels` writes it once every artifact is built and "
            "audited; other builds (`uv build`, `python -m build`) do not. Rebuild with "
            "`nox -s wheels`"
        )
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        listed = {entry["file"]: entry["sha256"] for entry in record["artifacts"]}
        source = record["source"]
        if not isinstance(source, dict):
            raise TypeError(f"source is {source!r}")
        _check_source_types(source)
        if record.get("build-record") != RECORD_FORMAT:
            raise ValueError(
                f"build-record {record.get('build-record')!r}: written by another "
                f"hatch-go-binary, this one reads format {RECORD_FORMAT}"
            )
    except (ValueError, KeyError, TypeError) as error:
        raise GateError(
            f"{record_path} cannot be read ({error!r}): rebuild with `nox -s wheels`"
        ) from None
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
    if tag and built and head and not tagged:  # a typo, or a tag not fetched: not compared
        warn(f"there is no tag {tag} in this checkout, so {folder} was not compared with it")
    if built and not head:
        why = why_head_is_unknown(root)
        doubts.append(f"{folder} was built from commit {built}, but {why}, so HEAD is unknown")
    if head and not built:
        doubts.append(f"{folder} was built outside git, but this is a git checkout at {head}")
    for doubt in doubts:
        if strict:
            raise GateError(
                f"Not releasing: {doubt}. A release is one build of the tagged commit: commit "
                "everything, check out that commit, then `nox -s wheels`"
            )
        warn(doubt)
    what = f"commit {built}" if built else f"the sdist with sha256 {source.get('sdist-sha256')}"
    return f"{folder} is the build recorded in {record_path}: {len(files)} files from {what}"


def why_head_is_unknown(root: Path) -> str:
    """Why git gave no HEAD commit for ROOT: not installed, what git said, or what is missing."""
    if shutil.which("git") is None:
        return "git is not installed here"
    done = run_git(root, "rev-parse", "--verify", "HEAD")
    if isinstance(done, str):
        return f"git could not run ({done})"
    if done.returncode != 0:  # not a repository, no commit yet, "dubious ownership", ...
        said = done.stderr.strip().splitlines()
        return f"git says: {said[0] if said else f'exit status {done.returncode}'}"
    return "pyproject.toml is not tracked by git here (a project inside another repository?)"


def verify(dist: Path, root: Path, strict: bool = False, tag: str | None = None) -> list[Path]:
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
    verified = check_record(dist, files, root, strict, tag)
    stale = [path.name for path in files if artifact_version(path) != wanted]
    if stale:
        raise GateError(
            f"{shown(dist)} holds files of another version than pyproject.toml's {wanted}: "
            f"{', '.join(stale)}. Rebuild with `nox -s wheels`"
        )
    print(verified)
    return files


def held_files(dist: Path) -> dict[str, Path]:
    """The files in DIST that SHA256SUMS must list: all but itself, and uv build's
    .gitignore."""
    held = {path.name: path for path in dist.iterdir() if path.is_file()}
    held.pop(SUMS, None)
    held.pop(".gitignore", None)
    return held


def write_sums(dist: Path, root: Path) -> None:
    """Write DIST/SHA256SUMS for the verified artifacts and the record; hand its own
    sha256 on in $GITHUB_OUTPUT (the build job's output, for the release jobs)."""
    files = [*verify(dist, root), dist / RECORD]
    others = sorted(set(held_files(dist)) - {path.name for path in files})
    if others:  # the release jobs take the folder whole, and --check would refuse these
        raise GateError(
            f"{shown(dist)} also holds {', '.join(others)}, which the build did not make: "
            f"move them out of {shown(dist)}, then run this again"
        )
    sums = dist / SUMS
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
    """DIST holds exactly what SHA256SUMS lists, byte for byte; and SHA256SUMS is the one
    the build job wrote, when $SHA256SUMS_SHA256 (the build job's output) says which."""
    sums, folder = dist / SUMS, shown(dist)
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
    """Copy the wheels' and the sdist's SBOMs to DIST/sboms/, named after their artifact."""
    files = dist_files(dist)
    if not files:
        raise GateError(
            f"{shown(dist)} holds no wheel or sdist: build them with `nox -s wheels` first"
        )
    out = dist / "sboms"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
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
        "--dist", type=Path, default=Path("dist"), help="the folder `build` wrote (dist)"
    )
    if command == "verify":
        parser.description = "Check the folder against its build record and pyproject.toml."
        parser.add_argument("--strict", action="store_true", help="doubts about git are errors")
        parser.add_argument("--tag", help="the release's tag: it must name the built commit")
    elif command == "checksums":
        parser.description = "Write SHA256SUMS for the verified folder."
        parser.add_argument("--check", action="store_true", help="verify the folder by it")
    else:
        parser.description = "Copy the artifacts' SBOMs to sboms/ in the folder."
    options = parser.parse_args(argv)
    root = Path.cwd()
    try:
        if command == "verify":
            verify(options.dist, root, options.strict, options.tag)
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
