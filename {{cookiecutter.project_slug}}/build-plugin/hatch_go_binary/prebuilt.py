"""`python -m hatch_go_binary wrap`: the binaries of a release already made, as wheels.

For projects that release with GoReleaser: their archives and checksums.txt are what they
sign and support, so the wheels must carry those very bytes, not a second build. Each
target's binaries go to a folder named in $HATCH_GO_BINARY_PREBUILT, and the normal wheel
build runs (hatchling through the hook), which takes them from there instead of compiling:
script layout, tags, Python package, SBOM, reproducible zip and audit stay the build's own.

The platform of each binary is read from its headers, never from a file name, and its
CPU level from its own Go build information (GOAMD64, GOARM): variants no PyPI tag can
describe are left out, each with a line that says why.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import io
import json
import os
import re
import shutil
import stat
import subprocess
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hatch_go_binary import buildinfo, tags
from hatch_go_binary.build import Binary, Built
from hatch_go_binary.config import Settings, load_pyproject, read_settings
from hatch_go_binary.errors import BuildError

FOLDER_VARIABLE = "HATCH_GO_BINARY_PREBUILT"  # the folder of one target's binaries
CHECKSUMS = "checksums.txt"
ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".zip")
# artifacts.json's "type" of a built binary: GoReleaser (v2.17, internal/artifact's
# Type.String()) writes "Binary" for a build's output, a macOS universal binary (goarch
# "all") and a binary uploaded bare alike; the headers tell them apart.
BINARY_TYPE = "Binary"
PROG = "python -m hatch_go_binary wrap"


class WrapError(BuildError):
    """The release cannot be wrapped; the message names the file and what to do."""


@dataclass(frozen=True)
class Release:
    """One platform's binaries as the release holds them: {command: bytes}; where they
    came from (an archive, or a folder of GoReleaser's dist/), and the files read there
    with their sha256 (the archive, or each binary), for the build record."""

    origin: str
    files: dict[str, str]
    binaries: dict[str, bytes]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- the platform, from the headers ------------------------------------------------------


def _inverse(table: dict[str, str]) -> dict[str, str]:
    return {value: key for key, value in table.items()}


def target_of(data: bytes) -> str:
    """The Go target a binary's headers describe (darwin/universal2 for a fat Mach-O with
    both CPUs); WrapError for a file that is no binary, or a CPU no wheel tag names."""
    from hatch_go_binary.audit.binaries import binary_format
    from hatch_go_binary.audit.elf import ELF_MACHINES
    from hatch_go_binary.audit.macho import macho_slices
    from hatch_go_binary.audit.platforms import WINDOWS_MACHINES
    from hatch_go_binary.audit.readers import _readers

    found = binary_format(data)
    if found == "ELF":
        elf = _readers().ELFFile(io.BytesIO(data))
        machine = (elf["e_machine"], elf.elfclass, elf.little_endian)
        wheel_arch = _inverse(ELF_MACHINES).get(machine)
        goarch = _inverse(tags.LINUX_ARCHES).get(wheel_arch or "")
        return f"linux/{goarch}" if goarch else f"linux/{machine[0]}"
    if found == "PE":
        pefile = _readers().pefile
        machine = pefile.PE(data=data, fast_load=True).FILE_HEADER.Machine
        tag = _inverse(WINDOWS_MACHINES).get(pefile.MACHINE_TYPE.get(machine, ""))
        goarch = _inverse(tags.WINDOWS_TAGS).get(tag or "")
        return f"windows/{goarch}" if goarch else f"windows/{hex(machine)}"
    if found == "Mach-O":
        arches = sorted({piece.arch for piece in macho_slices(data)})
        if arches == ["arm64", "x86_64"]:
            return tags.MACOS_UNIVERSAL
        if len(arches) == 1 and arches[0] in _inverse(tags.MACOS_ARCHES):
            return f"darwin/{_inverse(tags.MACOS_ARCHES)[arches[0]]}"
        return f"darwin/{'+'.join(arches)}"
    raise WrapError("is not an ELF, Mach-O or PE executable")


def variant_problem(data: bytes, target: str) -> str | None:
    """Why no PyPI tag can carry this binary, from its Go build information: an amd64
    level above v1 (x86_64 promises v1), an arm below v7 (armv7l is the only arm tag)."""
    try:
        info = buildinfo.read(data)
    except buildinfo.BuildInfoError:
        return None  # the SBOM step says the build information is missing
    level = info.setting("GOAMD64")
    if target.endswith("/amd64") and level not in (None, "v1"):
        return f"built for GOAMD64={level}, and the x86_64 tag promises any amd64 CPU (v1)"
    arm = info.setting("GOARM")
    if target.endswith("/arm") and not (arm or "").startswith("7"):
        return f"built for GOARM={arm or '(unknown)'}; PyPI's only 32-bit arm tag is armv7l"
    return None


# -- checksums.txt and the archives ------------------------------------------------------


def read_checksums(text: str, source: str = CHECKSUMS) -> dict[str, str]:
    """{file name: sha256} from sha256sum's format (`<hex>  <name>`, or `<hex> *<name>`)."""
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = re.fullmatch(r"([0-9a-fA-F]{64}) [ *](.+)", line.rstrip("\r"))
        if match is None:
            raise WrapError(
                f"{source} line {number} is not `<sha256>  <file name>`: {line!r}. Take the "
                "checksums file the release published, unchanged"
            )
        digest, name = match.group(1).lower(), match.group(2)
        if name in sums and sums[name] != digest:
            raise WrapError(f"{source} lists {name} twice, with different sha256")
        sums[name] = digest
    return sums


def is_archive(name: str) -> bool:
    return name.endswith(ARCHIVE_SUFFIXES)


def checksums_file(folder: Path) -> Path:
    """FOLDER's checksums file: GoReleaser names it <project>_<version>_checksums.txt by
    default, checksums.txt or another name ending so in many configs."""
    found = sorted(path for path in folder.iterdir() if path.name.endswith(CHECKSUMS))
    if len(found) == 1:
        return found[0]
    if not found:
        raise WrapError(
            f"{folder} has no {CHECKSUMS} (nor *_{CHECKSUMS}): download it with the release's "
            "archives; nothing is unpacked before each archive is checked against it"
        )
    names = ", ".join(path.name for path in found)
    raise WrapError(f"{folder} has several checksums files ({names}): name one with --checksums")


def checked_archives(folder: Path, sums_path: Path | None = None) -> dict[str, Path]:
    """FOLDER's archives, each proven by the checksums file before anything reads inside:
    a listed archive missing, an archive not listed, or one with other bytes stops it."""
    sums_path = sums_path or checksums_file(folder)
    if not sums_path.is_file():
        raise WrapError(f"--checksums {sums_path}: no such file")
    sums = read_checksums(sums_path.read_text(encoding="utf-8"), str(sums_path))
    present = {path.name: path for path in folder.iterdir() if path.is_file()}
    extra = sorted(name for name in present if is_archive(name) and name not in sums)
    if extra:
        raise WrapError(
            f"{', '.join(extra)}: in {folder} but not in {sums_path.name}, so nothing vouches for "
            "it: remove it, or take the checksums file of the release it belongs to"
        )
    missing = sorted(name for name in sums if is_archive(name) and name not in present)
    if missing:
        raise WrapError(
            f"{', '.join(missing)}: listed in {sums_path.name} but missing from {folder}: download "
            "every archive of the release"
        )
    archives = {}
    for name in sorted(name for name in sums if is_archive(name)):
        digest = sha256(present[name].read_bytes())
        if digest != sums[name]:
            raise WrapError(
                f"{name}: sha256 {digest}, but {sums_path.name} says {sums[name]}: the archive is "
                "not the one released (damaged or replaced); download it again"
            )
        archives[name] = present[name]
    if not archives:
        raise WrapError(f"{sums_path} lists no .tar.gz or .zip archive")
    return archives


def _safe_member(archive: str, name: str) -> PurePosixPath:
    """NAME as a relative path inside the archive; WrapError for one that climbs out."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name):
        raise WrapError(
            f"{archive} holds {name!r}, a path outside the archive's folder: refused unread"
        )
    return path


def _wanted(commands: list[str], path: PurePosixPath) -> str | None:
    """The command a member is the binary of, by its file name (tool or tool.exe)."""
    stem = path.name[: -len(".exe")] if path.name.endswith(".exe") else path.name
    return stem if stem in commands else None


def _members(path: Path):
    """(name, is a link or other special file, read its bytes) for each file member."""
    if path.name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    link = stat.S_ISLNK(info.external_attr >> 16)
                    yield info.filename, link, functools.partial(archive.read, info)
        return
    with tarfile.open(path, "r:gz") as archive:
        for info in archive:
            if not info.isdir():
                special = not info.isfile()  # symbolic and hard links, devices, fifos
                yield info.name, special, functools.partial(_read_member, archive, info)


def _read_member(archive: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    stream = archive.extractfile(info)
    assert stream is not None  # a regular file: _members() passes no other
    return stream.read()


def archive_binaries(path: Path, commands: list[str]) -> dict[str, bytes]:
    """{command: its binary's bytes} read from the archive at PATH, in memory: nothing is
    written out, and a member that climbs out of the folder or is a link stops it."""
    found: dict[str, bytes] = {}
    for name, is_link, read in _members(path):
        command = _wanted(commands, _safe_member(path.name, name))
        if command is None:
            continue
        if is_link:
            raise WrapError(f"{path.name}: {name} is a link, not the binary itself: refused")
        if command in found:
            raise WrapError(f"{path.name} holds two binaries named {command}")
        found[command] = read()
    missing = [command for command in commands if command not in found]
    if missing:
        raise WrapError(
            f"{path.name} has no binary named {', '.join(missing)} (with .exe on Windows): "
            "each archive must hold every command of [tool.hatch-go-binary]"
        )
    return found


def from_archives(folder: Path, commands: list[str], sums: Path | None = None) -> list[Release]:
    return [
        Release(name, {name: sha256(path.read_bytes())}, archive_binaries(path, commands))
        for name, path in checked_archives(folder, sums).items()
    ]


# -- GoReleaser's dist/ ------------------------------------------------------------------


def _read_json(path: Path, shape: type):
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise WrapError(f"{path} cannot be read ({error}): run GoReleaser again") from None
    if not isinstance(value, shape):
        raise WrapError(f"{path} is not the {shape.__name__} GoReleaser writes")
    return value


def _artifact_file(dist: Path, artifact: dict) -> Path:
    """The file an artifact names: its path is relative to where GoReleaser ran (the
    folder above dist/), and must stay inside dist/."""
    relative = str(artifact.get("path", ""))
    _safe_member("artifacts.json", relative)
    for base in (dist.parent, dist):
        candidate = (base / relative).resolve()
        if candidate.is_file() and dist.resolve() in candidate.parents:
            return candidate
    raise WrapError(
        f"artifacts.json names {relative!r}, which is not a file inside {dist}: wrap the "
        "dist/ folder GoReleaser wrote, in place"
    )


def from_goreleaser_dist(dist: Path, commands: list[str]) -> list[Release]:
    """One Release per build target of artifacts.json's binaries."""
    groups: dict[str, dict[str, Path]] = {}
    for artifact in _read_json(dist / "artifacts.json", list):
        if not isinstance(artifact, dict) or artifact.get("type") != BINARY_TYPE:
            continue
        command = _wanted(commands, PurePosixPath(str(artifact.get("name", ""))))
        if command is None:
            continue  # another build's binary: not a command of this project
        key = "_".join(
            str(artifact.get(field) or "")
            for field in ("type", "goos", "goarch", "goarm", "goamd64", "target")
        )
        groups.setdefault(key, {})[command] = _artifact_file(dist, artifact)
    releases = []
    for binaries in groups.values():
        missing = [command for command in commands if command not in binaries]
        first = next(iter(binaries.values()))
        origin = first.parent.relative_to(dist.resolve()).as_posix()
        if missing:
            raise WrapError(
                f"{dist}/{origin}: artifacts.json has no binary {', '.join(missing)} there"
            )
        data = {command: path.read_bytes() for command, path in binaries.items()}
        files = {
            f"{dist.name}/{origin}/{binaries[command].name}": sha256(data[command])
            for command in commands
        }
        releases.append(Release(f"{dist.name}/{origin}", files, data))
    if not releases:
        raise WrapError(
            f"{dist}/artifacts.json lists no binary named {', '.join(commands)}: "
            "[tool.hatch-go-binary]'s commands must be GoReleaser's binary names"
        )
    return releases


def goreleaser_version(dist: Path) -> str:
    metadata = _read_json(dist / "metadata.json", dict)
    version = metadata.get("version") or str(metadata.get("tag") or "").lstrip("v")
    if not version:
        raise WrapError(f"{dist}/metadata.json has no version nor tag")
    return str(version)


# -- the version -------------------------------------------------------------------------


def check_version(released: str, project: object, source: str) -> str:
    """RELEASED (a tag or a version) must be pyproject.toml's [project] version."""
    from packaging.version import InvalidVersion, Version

    if not isinstance(project, str):
        raise WrapError(
            "pyproject.toml has no [project] version (or it is dynamic): write the release's "
            'version there, version = "X.Y.Z"'
        )
    try:
        wanted = Version(project)
    except InvalidVersion:
        raise WrapError(
            f"pyproject.toml's [project] version {project!r} is no PEP 440 version"
        ) from None
    try:
        given = Version(released.lstrip("v"))
    except InvalidVersion:
        raise WrapError(
            f"the release's version {released!r} ({source}) is no PEP 440 version, so no "
            "wheel can carry it (a snapshot: give --tag with pyproject.toml's version)"
        ) from None
    if given != wanted:
        raise WrapError(
            f"the release is {released} ({source}), but pyproject.toml's [project] version is "
            f'{project}: wrap the release of that version, or set version = "{given}"'
        )
    return str(wanted)


def says_version(output: str, version: str) -> bool:
    """Whether VERSION is a word of OUTPUT: "tool 1.2.0", "v1.2.0", "version 1.2.0"."""
    return re.search(rf"(?<![\w.+-])v?{re.escape(version)}(?![\w.+-])", output) is not None


def check_host_version(binary: Path, version: str) -> None:
    """The binary, run here, prints the version with --version (as the release gate asks)."""
    try:
        done = subprocess.run(
            [str(binary), "--version"], capture_output=True, text=True, timeout=60
        )
        printed = (done.stdout + done.stderr).strip()
    except (OSError, subprocess.SubprocessError) as error:
        printed = f"(did not run: {error})"
    if not says_version(printed, version):
        raise WrapError(
            f"`{binary.name} --version` prints {printed[:200]!r}, not {version}: the archive "
            "holds another version's binary (or use --no-version-check for a command that "
            "has no --version)"
        )


# -- the hook's side ---------------------------------------------------------------------


def taken_binaries(folder: Path, settings: Settings) -> tuple[str, Built]:
    """For the hook: the target and the binaries $HATCH_GO_BINARY_PREBUILT holds, in a
    copy the hook removes when the wheel is written."""
    first = next(iter(sorted(folder.iterdir())), None)
    if first is None:
        raise BuildError(f"{FOLDER_VARIABLE}={folder} holds no binary")
    target = target_of(first.read_bytes())
    copy = Path(tempfile.mkdtemp(prefix="hatch-go-binary-prebuilt-"))
    binaries = []
    for command in settings.commands:
        name = tags.executable_name(command.name, tags.split_target(target)[0])
        if not (folder / name).is_file():
            shutil.rmtree(copy, ignore_errors=True)
            raise BuildError(f"{FOLDER_VARIABLE}={folder} has no {name}")
        shutil.copy2(folder / name, copy / name)
        binaries.append(Binary(command.name, copy / name, changed=True))
    return target, Built(tuple(binaries), copy)


# -- the command -------------------------------------------------------------------------


def stage(release: Release, settings: Settings, staging: Path) -> tuple[str, Path] | str:
    """The release's target and the folder of its binaries, or the line saying why it is
    left out."""
    targets = set()
    for command, data in release.binaries.items():
        try:
            targets.add(target_of(data))
        except WrapError as error:
            raise WrapError(f"{release.origin}: {command} {error}") from None
    if len(targets) != 1:
        platforms = ", ".join(sorted(targets))
        return f"{release.origin}: its binaries are for different platforms ({platforms})"
    target = targets.pop()
    for data in release.binaries.values():
        problem = variant_problem(data, target)
        if problem:
            return f"{release.origin}: {target} {problem}"
    allowed = settings.targets
    if target == tags.MACOS_UNIVERSAL:
        allowed = [target] if {"darwin/amd64", "darwin/arm64"} <= set(allowed) else []
    if target not in allowed:
        return (
            f"{release.origin}: {target} is not in [tool.hatch-go-binary] targets "
            f"({', '.join(settings.targets)})"
        )
    folder = staging / target.replace("/", "_")
    folder.mkdir(parents=True)
    for command, data in release.binaries.items():
        path = folder / tags.executable_name(command, tags.split_target(target)[0])
        path.write_bytes(data)
        path.chmod(0o755)
    return target, folder


def build_wheel(target: str, folder: Path, out: Path) -> Path:
    """The wheel of TARGET, by the normal build, from the binaries in FOLDER."""
    from hatch_go_binary.matrix import build

    os.environ[FOLDER_VARIABLE] = str(folder)
    try:
        name, error, _seconds = build(target, str(out))
    finally:
        del os.environ[FOLDER_VARIABLE]
    if error:
        raise WrapError(f"{target}: {error}")
    return out / name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    parser.add_argument(
        "release",
        type=Path,
        help="GoReleaser's dist/ (with artifacts.json), or a folder of the release's "
        "archives and checksums.txt",
    )
    parser.add_argument("--tag", help="the release's tag or version (archives folder only)")
    parser.add_argument(
        "--checksums",
        type=Path,
        help="the checksums file, where the folder holds several (default: *checksums.txt)",
    )
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder (dist)")
    parser.add_argument(
        "--no-version-check",
        action="store_true",
        help="do not run this machine's binary with --version",
    )
    parser.add_argument(
        "--dist-checks", action="store_true", help="also run twine check and check-wheel-contents"
    )
    options = parser.parse_args(argv)
    try:
        return wrap(options)
    except BuildError as error:
        parser.exit(1, f"{PROG}: {error}\n")


def _release_input(
    options: argparse.Namespace, commands: list[str]
) -> tuple[list[Release], str, str]:
    """The releases, the release's version and where it was read."""
    folder: Path = options.release
    if not folder.is_dir():
        raise WrapError(f"{folder} is not a folder")
    out = options.out.resolve()
    if out == folder.resolve() or folder.resolve() in out.parents:
        # GoReleaser's dist/ is the plugin's default output too: twine upload dist/* would
        # take the archives for distributions
        raise WrapError(
            f"{folder} holds the release, and the wheels would go to {options.out}: "
            "name another output folder with --out (or GoReleaser's `dist:` setting)"
        )
    if (folder / "artifacts.json").is_file():
        version = options.tag or goreleaser_version(folder)
        source = "--tag" if options.tag else f"{folder}/metadata.json"
        return from_goreleaser_dist(folder, commands), version, source
    if not options.tag:
        raise WrapError(
            f"{folder} holds no artifacts.json, so it is taken for a folder of release "
            "archives: say which release with --tag (such as --tag v1.2.0)"
        )
    return from_archives(folder, commands, options.checksums), options.tag, "--tag"


def wrap(options: argparse.Namespace) -> int:
    from hatch_go_binary import matrix

    root = Path.cwd()
    pyproject = load_pyproject(root)
    settings = read_settings(pyproject, root)
    commands = [command.name for command in settings.commands]
    missing = matrix.missing_deflate()
    if missing:
        raise WrapError(missing)
    releases, released, source = _release_input(options, commands)
    version = check_version(released, pyproject.get("project", {}).get("version"), source)
    run = matrix.start_audit(settings, root, options.dist_checks)
    (root / "build").mkdir(exist_ok=True)
    # named like build's staging folders, so that a later build removes one a kill left
    staging = Path(tempfile.mkdtemp(prefix=f"matrix-{os.getpid()}-", dir=root / "build"))
    git_before = matrix.git_source(root)
    no_git = matrix.why_git_is_unknown(root) if git_before is None else None
    try:
        staged: dict[str, Path] = {}
        origins: dict[str, Release] = {}
        for release in releases:
            outcome = stage(release, settings, staging / "binaries")
            if isinstance(outcome, str):
                print(f"left out: {outcome}")
                continue
            target, folder = outcome
            if target in origins:
                raise WrapError(
                    f"{release.origin} and {origins[target].origin} are both {target}: keep one"
                )
            if target == tags.host_target() and not options.no_version_check:
                for binary in sorted(folder.iterdir()):
                    check_host_version(binary, version)
            wheel = build_wheel(target, folder, staging / "wheels")
            print(f"{target}: {wheel.name} from {release.origin}", flush=True)
            run.check(wheel)
            staged[target], origins[target] = wheel, release
        if not staged:
            raise WrapError("no binary of the release can be wrapped (see the lines above)")
        if not run.finish():
            failed = ", ".join(run.failures)
            print(f"\nThe audit failed ({failed}): {options.out}/ was left as it was.")
            return 1
        environment = {
            "changed": {},
            "prebuilt": "Go's settings are each binary's build information",
        }
        record = matrix.build_record(
            staged, git_before, matrix.git_source(root), environment, no_git
        )
        for entry in record["artifacts"]:  # what each wheel's binaries were taken from
            entry["from"] = origins[entry["target"]].files
        replaced = matrix.replace_artifacts(options.out, staged, record)
        matrix.print_table(replaced)
        print(f"{matrix.record_folder(options.out) / matrix.RECORD}: {len(staged)} wheels")
        return 0
    finally:
        run.close()
        shutil.rmtree(staging, ignore_errors=True)
