"""Audit the wheels that hatch_build.py writes before they go to PyPI.

    python wheel_audit.py dist/*.whl [--dist-checks] [--cache DIR]

Sdists may be listed too: the audit skips them, --dist-checks runs twine on them.
With --cache, files that passed are remembered by their sha256 (together with
this script's own and the checkers' versions) and not checked again.

Each wheel must hold exactly one native binary in <dist>-<version>.data/scripts/,
and its platform tags must tell the truth about that binary: the right operating
system and CPU, a musllinux tag only on a static binary, a manylinux tag no older
than the glibc the binary needs, a macOS tag no older than the binary's minimum
macOS. A wrong tag is worse than a failed build: installers trust it and users
get a command that cannot run. Exit status 0 when every wheel passes, 1 otherwise.

Needs pyelftools, macholib, pefile and packaging; --dist-checks also runs
`twine check --strict` and `check-wheel-contents`.
"""

from __future__ import annotations

import argparse
import base64
import csv
import email.parser
import glob
import hashlib
import io
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import TypeVar

REQUIREMENTS = ("pyelftools>=0.31", "macholib>=1.16", "pefile>=2023.2.7", "packaging>=24")

try:
    import pefile
    from elftools.common.exceptions import ELFError
    from elftools.elf.dynamic import DynamicSegment
    from elftools.elf.elffile import ELFFile
    from elftools.elf.gnuversions import GNUVerNeedSection
    from macholib import mach_o
    from macholib.MachO import MachO
    from packaging.tags import Tag
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename
except ImportError as error:  # say what to install instead of a bare traceback
    raise ImportError(f"wheel_audit needs: pip install {' '.join(REQUIREMENTS)}") from error

COMMAND = "{{ cookiecutter.command_name }}"

# Architectures PyPI accepts in manylinux_X_Y / musllinux_X_Y tags.
LINUX_ARCHES = ("x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "ppc64", "riscv64")
# The legacy manylinux aliases (PEPs 513, 571, 599): glibc version and the arches each defines.
LEGACY_MANYLINUX = {
    "manylinux1": ((2, 5), ("x86_64", "i686")),
    "manylinux2010": ((2, 12), ("x86_64", "i686")),
    "manylinux2014": ((2, 17), tuple(arch for arch in LINUX_ARCHES if arch != "riscv64")),
}
MACOS_ARCHES = ("x86_64", "arm64", "universal2")
WINDOWS_MACHINES = {  # tag -> PE FILE_HEADER.Machine
    "win32": "IMAGE_FILE_MACHINE_I386",
    "win_amd64": "IMAGE_FILE_MACHINE_AMD64",
    "win_arm64": "IMAGE_FILE_MACHINE_ARM64",
}
ELF_MACHINES = {  # wheel arch -> (e_machine, ELF class, little-endian)
    "x86_64": ("EM_X86_64", 64, True),
    "i686": ("EM_386", 32, True),
    "aarch64": ("EM_AARCH64", 64, True),
    "armv7l": ("EM_ARM", 32, True),
    "ppc64le": ("EM_PPC64", 64, True),
    "ppc64": ("EM_PPC64", 64, False),
    "s390x": ("EM_S390", 64, False),
    "riscv64": ("EM_RISCV", 64, True),
}
MACHO_CPUS = {"x86_64": 0x01000007, "arm64": 0x0100000C}  # CPU_TYPE_X86_64, CPU_TYPE_ARM64
# Written with set() calls: a nested set literal would end in two braces, a Jinja delimiter.
MACHO_SLICES = {
    "x86_64": set(["x86_64"]),
    "arm64": set(["arm64"]),
    "universal2": set(["x86_64", "arm64"]),
}
MACHO_MAGICS = (
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # fat (universal) binary
    b"\xca\xfe\xba\xbf",
)
FORMATS = {"linux": "ELF", "macos": "Mach-O", "windows": "PE"}
SCRIPT_MODE = stat.S_IFREG | 0o755
FILE_MODE = stat.S_IFREG | 0o644

_GLIBC_VERSION = re.compile(r"GLIBC_(\d+(?:\.\d+)+)$")
K = TypeVar("K")


@dataclass(frozen=True)
class Finding:
    """One problem with one wheel: which check found it, and what is wrong."""

    wheel: str
    check: str
    message: str

    def __str__(self) -> str:
        return f"{self.wheel}: [{self.check}] {self.message}"


@dataclass(frozen=True)
class Platform:
    """A wheel platform tag, taken apart: what it promises about the binary."""

    tag: str
    os: str  # linux, macos or windows
    arch: str
    version: tuple[int, int] | None = None  # glibc or musl for linux, the OS for macos
    libc: str | None = None  # glibc or musl


@dataclass
class Wheel:
    """What every check may look at: the file, its tags, and its zip entries."""

    path: Path
    tags: frozenset[Tag]
    platforms: list[Platform]
    entries: list[zipfile.ZipInfo]
    archive: zipfile.ZipFile

    def scripts(self) -> list[zipfile.ZipInfo]:
        return [info for info in self.entries if is_script(info.filename)]


def is_script(name: str) -> bool:
    parts = name.split("/")
    return len(parts) == 3 and parts[0].endswith(".data") and parts[1] == "scripts"


def tag_list(tags: Sequence[str], verb: str) -> str:
    """'a needs' or 'a, b need': the tags, then VERB agreeing with them."""
    return f"{', '.join(tags)} {verb if len(tags) == 1 else verb[:-1]}"


def version_text(version: Sequence[int]) -> str:
    return ".".join(map(str, version))


def parse_platform(tag: str) -> Platform:
    """Take a platform tag apart; ValueError says why PyPI or installers would refuse it."""
    linux = re.fullmatch(r"(manylinux|musllinux)_(\d+)_(\d+)_(\w+)", tag)
    if linux:
        family, major, minor, arch = linux.groups()
        if arch not in LINUX_ARCHES:
            raise ValueError(f"{family} arch {arch!r} is not one of {', '.join(LINUX_ARCHES)}")
        libc = "glibc" if family == "manylinux" else "musl"
        return Platform(tag, "linux", arch, (int(major), int(minor)), libc)
    legacy = re.fullmatch(r"(manylinux1|manylinux2010|manylinux2014)_(\w+)", tag)
    if legacy:
        alias, arch = legacy.groups()
        glibc, arches = LEGACY_MANYLINUX[alias]
        if arch not in arches:
            raise ValueError(f"{alias} is defined only for {', '.join(arches)}")
        return Platform(tag, "linux", arch, glibc, "glibc")
    macos = re.fullmatch(r"macosx_(\d+)_(\d+)_(\w+)", tag)
    if macos:
        major, minor, arch = int(macos.group(1)), int(macos.group(2)), macos.group(3)
        if arch not in MACOS_ARCHES:
            raise ValueError(f"macosx arch {arch!r} is not one of {', '.join(MACOS_ARCHES)}")
        if major < 10:
            raise ValueError("macOS versions start at 10")
        # From macOS 11 on, installers only generate X_0 tags, so X_Y never matches.
        if major >= 11 and minor != 0:
            raise ValueError(
                f"from macOS 11 on the minor must be 0: use macosx_{major + 1}_0_{arch}"
            )
        if arch == "arm64" and major < 11:
            raise ValueError(f"arm64 Macs start at macOS 11: use macosx_11_0_{arch} or newer")
        return Platform(tag, "macos", arch, (major, minor))
    if tag in WINDOWS_MACHINES:
        return Platform(tag, "windows", tag)
    if tag.startswith("linux_"):
        raise ValueError("PyPI refuses plain linux_* tags: use manylinux_X_Y_* or musllinux_X_Y_*")
    known = "manylinux_X_Y_*, manylinux2014_*, musllinux_X_Y_*, macosx_X_Y_*"
    raise ValueError(f"PyPI accepts {known}, {', '.join(WINDOWS_MACHINES)}")


def check_filename(path: Path) -> tuple[frozenset[Tag] | None, list[Platform], list[Finding]]:
    """Check 1: the file name parses and every platform tag is one PyPI accepts."""
    try:
        _name, _version, _build, tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as error:
        return None, [], [Finding(path.name, "filename", str(error))]
    platforms, findings = [], []
    for platform in sorted({tag.platform for tag in tags}):
        try:
            platforms.append(parse_platform(platform))
        except ValueError as error:
            findings.append(Finding(path.name, "platform-tag", f"{platform!r}: {error}"))
    if len({platform.os for platform in platforms}) > 1:
        systems = ", ".join(sorted(platform.tag for platform in platforms))
        findings.append(Finding(path.name, "platform-tag", f"one binary cannot serve {systems}"))
    return tags, platforms, findings


def check_metadata(wheel: Wheel) -> Iterator[Finding]:
    """WHEEL's Tag lines match the file name, and RECORD matches the entries it lists."""
    name = wheel.path.name
    folders = {info.filename.split("/")[0] for info in wheel.entries}
    dist_info = sorted(folder for folder in folders if folder.endswith(".dist-info"))
    if len(dist_info) != 1:
        yield Finding(name, "metadata", f"needs one .dist-info folder, found {dist_info or 'none'}")
        return
    names = {info.filename for info in wheel.entries}
    wheel_file, record_file = f"{dist_info[0]}/WHEEL", f"{dist_info[0]}/RECORD"
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
    if record_file not in names:
        yield Finding(name, "record", f"{record_file} is missing")
        return
    # Installers check these hashes; a hand-edited wheel usually forgets one.
    record = wheel.archive.read(record_file).decode("utf-8")
    listed = {row[0]: row for row in csv.reader(io.StringIO(record)) if row}
    for info in wheel.entries:
        if info.filename == record_file or info.filename.endswith("/"):
            continue
        row = listed.pop(info.filename, None)
        if row is None:
            yield Finding(name, "record", f"{info.filename} is not listed in RECORD")
            continue
        data = wheel.archive.read(info)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        if row[1:3] != [f"sha256={digest}", str(len(data))]:
            yield Finding(
                name,
                "record",
                f"{info.filename}: RECORD says {row[1:3]}, the entry is sha256={digest} "
                f"and {len(data)} bytes",
            )
    for missing in sorted(set(listed) - {record_file}):
        yield Finding(name, "record", f"RECORD lists {missing}, which the wheel lacks")


def check_entries(wheel: Wheel, command: str) -> Iterator[Finding]:
    """Check 2: one script named after the command, .exe only on Windows, regular-file modes."""
    name = wheel.path.name
    windows = any(platform.os == "windows" for platform in wheel.platforms)
    wanted = command + (".exe" if windows else "")
    scripts = [info.filename for info in wheel.scripts()]
    if len(scripts) != 1:
        yield Finding(
            name,
            "scripts",
            f"expected exactly one file under .data/scripts/ ({wanted}), found {len(scripts)}: "
            f"{', '.join(scripts) or 'none'}",
        )
    for script in scripts:
        if script.rsplit("/", 1)[-1] != wanted:
            yield Finding(name, "scripts", f"{script} should be named {wanted}")
    exes = [info.filename for info in wheel.entries if info.filename.lower().endswith(".exe")]
    if windows and len(exes) != 1:
        yield Finding(
            name, "exe", f"a Windows wheel needs exactly one .exe, found {exes or 'none'}"
        )
    if not windows and exes:
        yield Finding(name, "exe", f"a non-Windows wheel should hold no .exe, found {exes}")
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


def binary_format(data: bytes) -> str:
    if data[:4] == b"\x7fELF":
        return "ELF"
    if data[:4] in MACHO_MAGICS:
        return "Mach-O"
    if data[:2] == b"MZ":
        return "PE"
    return "not ELF, Mach-O or PE"


def group_tags(platforms: Sequence[Platform], key: Callable[[Platform], K]) -> dict[K, list[str]]:
    """Group tags that ask the same thing, so one wrong binary gives one message per need."""
    groups: dict[K, list[str]] = {}
    for platform in platforms:
        groups.setdefault(key(platform), []).append(platform.tag)
    return groups


def check_elf(name: str, data: bytes, platforms: Sequence[Platform]) -> Iterator[Finding]:
    """Checks 3 and 4 for Linux: CPU, static for musllinux, glibc no newer than manylinux's."""
    elf = ELFFile(io.BytesIO(data))
    found = (elf["e_machine"], elf.elfclass, elf.little_endian)
    for arch, tags in group_tags(platforms, lambda platform: platform.arch).items():
        machine, bits, little = ELF_MACHINES[arch]
        if found != (machine, bits, little):
            yield Finding(
                name,
                "binary-arch",
                f"ELF is {describe_elf(*found)}, but {tag_list(tags, 'needs')} "
                f"{describe_elf(machine, bits, little)}",
            )
    interpreters = [
        seg.get_interp_name() for seg in elf.iter_segments() if seg["p_type"] == "PT_INTERP"
    ]
    needed = [
        tag.needed
        for seg in elf.iter_segments()
        if isinstance(seg, DynamicSegment)
        for tag in seg.iter_tags("DT_NEEDED")
    ]
    if not (interpreters or needed):
        return  # static: it runs on any Linux kernel, whatever the libc
    musl = [platform.tag for platform in platforms if platform.libc == "musl"]
    if musl:
        yield Finding(
            name,
            "static",
            f"{tag_list(musl, 'needs')} a static binary; this one is dynamic "
            f"(interpreter {interpreters or 'none'}, needs {needed or 'no libraries'})",
        )
    glibc = [platform for platform in platforms if platform.libc == "glibc" and platform.version]
    if not glibc:
        return
    if any("musl" in interpreter for interpreter in interpreters):
        tags = tag_list([platform.tag for platform in glibc], "needs")
        yield Finding(name, "glibc", f"{tags} glibc; the binary loads {interpreters[0]}")
    required = max(glibc_versions(elf), default=None)
    for allowed, tags in group_tags(glibc, lambda platform: platform.version or (0, 0)).items():
        if required and required > allowed:
            yield Finding(
                name,
                "glibc",
                f"the binary needs GLIBC_{version_text(required)}, but "
                f"{tag_list(tags, 'promises')} only glibc {version_text(allowed)}",
            )


def describe_elf(machine: str, bits: int, little: bool) -> str:
    return f"{machine} {bits}-bit {'little' if little else 'big'}-endian"


def glibc_versions(elf: ELFFile) -> Iterator[tuple[int, ...]]:
    """Every GLIBC_x.y symbol version the binary asks for, from .gnu.version_r."""
    for section in elf.iter_sections():
        if not isinstance(section, GNUVerNeedSection):
            continue
        for _needed, auxiliaries in section.iter_versions():
            for auxiliary in auxiliaries:
                match = _GLIBC_VERSION.match(auxiliary.name)
                if match:
                    yield tuple(int(part) for part in match.group(1).split("."))


@dataclass(frozen=True)
class MachOSlice:
    """One architecture of a (possibly universal) Mach-O binary."""

    arch: str
    minos: tuple[int, int] | None  # from LC_BUILD_VERSION or LC_VERSION_MIN_MACOSX
    platform: int | None  # LC_BUILD_VERSION's platform; 1 is macOS
    signed: bool  # has LC_CODE_SIGNATURE


def macho_slices(data: bytes) -> list[MachOSlice]:
    # macholib reads only from a path, so the binary takes a round trip through a temp file.
    with tempfile.TemporaryDirectory() as folder:
        binary = Path(folder, "binary")
        binary.write_bytes(data)
        headers = MachO(str(binary)).headers
    arches = {cpu: arch for arch, cpu in MACHO_CPUS.items()}
    slices = []
    for header in headers:
        cpu = header.header.cputype
        minos = platform = None
        signed = False
        for load_command, command, _data in header.commands:
            if load_command.cmd == mach_o.LC_BUILD_VERSION:
                minos, platform = decode_version(command.minos), command.platform
            elif load_command.cmd == mach_o.LC_VERSION_MIN_MACOSX and minos is None:
                minos, platform = decode_version(command.version), mach_o.PLATFORM_MACOS
            elif load_command.cmd == mach_o.LC_CODE_SIGNATURE:
                signed = True
        arch = arches.get(cpu, mach_o.CPU_TYPE_NAMES.get(cpu, hex(cpu)))
        slices.append(MachOSlice(arch, minos, platform, signed))
    return slices


def decode_version(encoded: int) -> tuple[int, int]:
    """Mach-O packs a version as 16.8.8 bits (X.Y.Z): 0x000C0000 is 12.0."""
    return encoded >> 16, (encoded >> 8) & 0xFF


def check_macho(name: str, data: bytes, platforms: Sequence[Platform]) -> Iterator[Finding]:
    """Checks 3 and 5 for macOS: CPUs, minimum macOS vs the tag, a signature on arm64."""
    slices = macho_slices(data)
    arches = {piece.arch for piece in slices}
    for arch, tags in group_tags(platforms, lambda platform: platform.arch).items():
        wanted = MACHO_SLICES[arch]
        if arches != wanted:
            yield Finding(
                name,
                "binary-arch",
                f"Mach-O holds {sorted(arches)}, but {tag_list(tags, 'needs')} {sorted(wanted)}",
            )
    for piece in slices:
        if piece.minos is None:
            yield Finding(name, "macos-version", f"{piece.arch} slice has no LC_BUILD_VERSION")
        elif piece.platform != mach_o.PLATFORM_MACOS:
            built_for = mach_o.PLATFORM_NAMES.get(piece.platform, piece.platform)
            yield Finding(
                name, "binary-os", f"{piece.arch} slice is built for {built_for}, not macOS"
            )
        else:
            for platform in platforms:
                # Installers trust the tag: a lower one puts the binary on a macOS it cannot run on.
                if platform.version and platform.version < piece.minos:
                    yield Finding(
                        name,
                        "macos-version",
                        f"{piece.arch} slice needs macOS {version_text(piece.minos)} "
                        f"(LC_BUILD_VERSION minos), but {platform.tag} promises "
                        f"{version_text(platform.version)}",
                    )
        # Apple silicon refuses to run unsigned arm64 code; Go's linker signs it ad hoc.
        if piece.arch == "arm64" and not piece.signed:
            yield Finding(
                name, "codesign", "arm64 slice has no LC_CODE_SIGNATURE; macOS will kill it"
            )


def check_pe(name: str, data: bytes, platforms: Sequence[Platform]) -> Iterator[Finding]:
    """Check 3 for Windows: the PE machine type matches the win tag."""
    machine = pefile.PE(data=data, fast_load=True).FILE_HEADER.Machine
    found = pefile.MACHINE_TYPE.get(machine, hex(machine))
    for platform in platforms:
        if found != WINDOWS_MACHINES[platform.tag]:
            yield Finding(
                name,
                "binary-arch",
                f"PE machine is {found}, but {platform.tag} needs {WINDOWS_MACHINES[platform.tag]}",
            )


BINARY_CHECKS = {"ELF": check_elf, "Mach-O": check_macho, "PE": check_pe}


def check_binary(wheel: Wheel) -> Iterator[Finding]:
    """Checks 3 to 5: the script's executable format, CPU and OS versions match each tag."""
    scripts = wheel.scripts()
    if len(scripts) != 1 or not wheel.platforms:
        return  # check_entries has said why
    name, script = wheel.path.name, scripts[0]
    data = wheel.archive.read(script)
    found = binary_format(data)
    for system, tags in group_tags(wheel.platforms, lambda platform: platform.os).items():
        if FORMATS[system] != found:
            yield Finding(
                name,
                "binary-os",
                f"{script.filename} is {found}, but {tag_list(tags, 'needs')} {FORMATS[system]}",
            )
    matching = [platform for platform in wheel.platforms if FORMATS[platform.os] == found]
    if not matching:
        return
    try:
        yield from BINARY_CHECKS[found](name, data, matching)
    except (ELFError, pefile.PEFormatError, ValueError, struct.error) as error:
        yield Finding(name, "binary-parse", f"cannot read {script.filename} as {found}: {error}")


def audit_wheel(path: Path, command: str = COMMAND) -> list[Finding]:
    """Every finding for one wheel; an empty list means it passed."""
    tags, platforms, findings = check_filename(path)
    if tags is None:
        return findings
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        return [*findings, Finding(path.name, "zip", str(error))]
    with archive:
        wheel = Wheel(path, tags, platforms, archive.infolist(), archive)
        findings += check_metadata(wheel)
        findings += check_entries(wheel, command)
        findings += check_binary(wheel)
    return findings


def _tool(module: str, executable: str) -> list[str] | None:
    """argv for a tool: this Python's copy if it has one, else the one on PATH."""
    if find_spec(module) is not None:
        return [sys.executable, "-m", module]
    found = shutil.which(executable)
    return [found] if found else None


def run_dist_checks(paths: Sequence[Path]) -> list[Finding]:
    """Check 6: twine check --strict and check-wheel-contents, as PyPI's gate would see it."""
    findings = []
    wheels = [path for path in paths if path.suffix == ".whl"]
    tools = (
        ("twine", "twine", ["check", "--strict"], paths),
        ("check_wheel_contents", "check-wheel-contents", [], wheels),  # it refuses sdists
    )
    for module, executable, args, files in tools:
        if not files:
            continue
        argv = _tool(module, executable)
        if argv is None:
            findings.append(
                Finding(
                    "(dist checks)",
                    executable,
                    f"{executable} is not installed: pip install {executable} "
                    f"(or run without --dist-checks)",
                )
            )
            continue
        env = {**os.environ, "NO_COLOR": "1"}  # plain text for the report
        done = subprocess.run(
            [*argv, *args, *map(str, files)], capture_output=True, text=True, env=env
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip()
            findings.append(Finding("(dist checks)", executable, f"failed:\n{output}"))
    return findings


CHECK_WHEEL_CONTENTS_CONFIGS = (
    "pyproject.toml",
    "tox.ini",
    "setup.cfg",
    "check-wheel-contents.cfg",
    ".check-wheel-contents.cfg",
)


def checker_identity(command: str, dist_checks: bool) -> str:
    """Everything besides the file that a pass depends on: this script, the options,
    and the version of each checking tool."""
    parts = [sha256_of(Path(__file__)), command, str(dist_checks)]
    for distribution in ("pyelftools", "macholib", "pefile", "packaging"):
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
    return hashlib.sha256(path.read_bytes()).hexdigest()  # files of a few MB at most


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


def expand(arguments: Sequence[str]) -> list[Path]:
    """Wheel paths from the arguments: files, folders of wheels, or globs the shell left alone."""
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        if path.is_dir():
            paths += sorted(path.glob("*.whl"))
        elif path.exists():
            paths.append(path)
        else:
            paths += [Path(match) for match in sorted(glob.glob(argument))] or [path]
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that wheels' tags match their binary.")
    parser.add_argument("wheels", nargs="+", help="wheel files, folders of them, or globs")
    parser.add_argument("--command", default=COMMAND, help=f"the script's name (default {COMMAND})")
    parser.add_argument(
        "--dist-checks",
        action="store_true",
        help="also run twine check --strict and check-wheel-contents",
    )
    parser.add_argument(
        "--cache", type=Path, help="folder remembering the files that passed, to skip them"
    )
    options = parser.parse_args(argv)
    paths = expand(options.wheels)
    identity = checker_identity(options.command, options.dist_checks) if options.cache else ""
    passes = PassCache(options.cache, identity)
    failed = False
    checked = []
    for path in paths:
        if not path.is_file():
            findings = [Finding(path.name, "missing", f"{path} does not exist")]
        elif passes.passed_before(path):
            print(f"{path.name}: ok (passed this audit before)")
            continue
        elif path.suffix != ".whl":
            print(f"{path.name}: not a wheel, left to --dist-checks")
            if options.dist_checks:
                checked.append(path)
            continue
        else:
            findings = audit_wheel(path, options.command)
            checked.append(path)
        failed = failed or bool(findings)
        print(f"{path.name}: {'FAIL' if findings else 'ok'}")
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


if __name__ == "__main__":
    sys.exit(main())
