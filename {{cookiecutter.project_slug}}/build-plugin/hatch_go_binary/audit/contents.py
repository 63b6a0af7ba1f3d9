"""What a wheel holds: WHEEL and METADATA, RECORD's hashes, the scripts under
<dist>-<version>.data/scripts/ (each --command there, .exe on Windows only), and zip modes."""

from __future__ import annotations

import base64
import csv
import email.parser
import hashlib
import io
import stat
import zipfile
from collections.abc import Iterator, Sequence

from hatch_go_binary.audit.binaries import NOT_NATIVE, binary_format
from hatch_go_binary.audit.model import Finding, Wheel, basename, is_script
from hatch_go_binary.audit.upload_rules import check_core_metadata

SCRIPT_MODE = stat.S_IFREG | 0o755
FILE_MODE = stat.S_IFREG | 0o644


def check_metadata(wheel: Wheel) -> Iterator[Finding]:
    """WHEEL's tags match the file name, METADATA's Summary fits, RECORD matches the entries."""
    name = wheel.path.name
    folders = {info.filename.split("/")[0] for info in wheel.entries}
    dist_info = sorted(folder for folder in folders if folder.endswith(".dist-info"))
    if len(dist_info) != 1:
        yield Finding(name, "metadata", f"needs one .dist-info folder, found {dist_info or 'none'}")
        return
    names = {info.filename for info in wheel.entries}
    wheel_file, metadata_file = f"{dist_info[0]}/WHEEL", f"{dist_info[0]}/METADATA"
    if wheel_file in names:
        text = wheel.archive.read(wheel_file).decode("utf-8")
        declared = set(email.parser.Parser().parsestr(text).get_all("Tag") or [])
        expected = {str(tag) for tag in wheel.tags}
        if declared != expected:
            yield Finding(
                name,
                "metadata",
                f"WHEEL declares tags {sorted(declared)}, "
                f"but the file name needs {sorted(expected)}",
            )
    else:
        yield Finding(name, "metadata", f"{wheel_file} is missing")
    if metadata_file in names:
        text = wheel.archive.read(metadata_file).decode("utf-8")
        yield from check_core_metadata(name, text, "METADATA")
    else:
        yield Finding(name, "metadata", f"{metadata_file} is missing")
    yield from check_record(wheel, f"{dist_info[0]}/RECORD")


def check_record(wheel: Wheel, record_file: str) -> Iterator[Finding]:
    """Installers check these hashes; a hand-edited wheel usually forgets one."""
    name = wheel.path.name
    if record_file not in {info.filename for info in wheel.entries}:
        yield Finding(name, "record", f"{record_file} is missing")
        return
    record = wheel.archive.read(record_file).decode("utf-8")
    listed = {row[0]: row for row in csv.reader(io.StringIO(record)) if row}
    for info in wheel.entries:
        if info.filename == record_file or info.filename.endswith("/"):
            continue
        row = listed.pop(info.filename, None)
        if row is None:
            yield Finding(name, "record", f"{info.filename} is not listed in RECORD")
            continue
        data = wheel.read(info)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if row[1:3] != [f"sha256={digest}", str(len(data))]:
            yield Finding(
                name,
                "record",
                f"{info.filename}: RECORD says {row[1:3]}, the entry is sha256={digest} "
                f"and {len(data)} bytes",
            )
    for missing in sorted(set(listed) - set([record_file])):
        yield Finding(name, "record", f"RECORD lists {missing}, which the wheel lacks")


def _wanted_name(command: str, windows: bool) -> str:
    return command + (".exe" if windows and not command.lower().endswith(".exe") else "")


def binaries_to_check(wheel: Wheel, commands: Sequence[str]) -> list[zipfile.ZipInfo]:
    """The scripts whose headers must match the tags: every native one, every one named by
    --command, and every .exe (a .exe that is no PE is as broken as a missing one)."""
    named = {_wanted_name(command, wheel.windows) for command in commands}
    chosen = []
    for info in wheel.scripts():
        with wheel.archive.open(info) as script:
            native = binary_format(script.read(4)) != NOT_NATIVE
        script_name = basename(info.filename)
        if native or script_name in named or script_name.lower().endswith(".exe"):
            chosen.append(info)
    return chosen


def check_scripts(
    wheel: Wheel, commands: Sequence[str], binaries: Sequence[zipfile.ZipInfo]
) -> Iterator[Finding]:
    """Each --command is there, and a wheel tagged for a platform holds a binary for it."""
    name = wheel.path.name
    present = [basename(info.filename) for info in wheel.scripts()]
    found = ", ".join(present) or "nothing"
    for command in commands:
        wanted = _wanted_name(command, wheel.windows)
        if wanted not in present:
            yield Finding(
                name,
                "scripts",
                f"no {wanted} under {wheel.data_scripts} (--command {command}); found {found}",
            )
    if wheel.platforms and not binaries:
        tags = ", ".join(platform.tag for platform in wheel.platforms)
        yield Finding(
            name,
            "scripts",
            f"tagged {tags} but holds no native executable (ELF, Mach-O or PE) under "
            f"{wheel.data_scripts}; found {found}: put the binary there, or tag the wheel any",
        )


def check_exe(wheel: Wheel, binaries: Sequence[zipfile.ZipInfo]) -> Iterator[Finding]:
    """Windows runs a script only as NAME.exe; anywhere else a .exe is a misplaced Windows file."""
    name = wheel.path.name
    if wheel.windows:
        for info in binaries:
            if not info.filename.lower().endswith(".exe"):
                yield Finding(
                    name,
                    "exe",
                    f"{info.filename} lacks .exe; Windows runs scripts only by that suffix: "
                    f"name it {basename(info.filename)}.exe",
                )
    elif wheel.platforms:
        exes = [info.filename for info in wheel.entries if info.filename.lower().endswith(".exe")]
        if exes:
            yield Finding(name, "exe", f"a non-Windows wheel should hold no .exe, found {exes}")


def check_modes(wheel: Wheel) -> Iterator[Finding]:
    """Regular-file modes: 0o755 for scripts, so installers make them executable; 0o644 else."""
    name = wheel.path.name
    for info in wheel.entries:
        mode = info.external_attr >> 16
        wanted_mode = SCRIPT_MODE if is_script(info.filename) else FILE_MODE
        # Unpackers read the type bits to tell a file from a symlink or folder; bdist_wheel
        # always sets S_IFREG, and a mode without it leaves the type to guesswork.
        if not stat.S_ISREG(mode):
            yield Finding(
                name,
                "entry-type",
                f"{info.filename}: zip mode {oct(mode)} lacks the regular-file bit S_IFREG, "
                f"needs {oct(wanted_mode)}",
            )
        elif mode != wanted_mode:
            why = "so installers make it executable" if wanted_mode == SCRIPT_MODE else ""
            yield Finding(
                name,
                "entry-mode",
                f"{info.filename}: zip mode {oct(mode)}, needs {oct(wanted_mode)} {why}".rstrip(),
            )
