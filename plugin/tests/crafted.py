"""Tiny hand-made executables, wheels and sdists for the audit's unit tests.

The headers carry just enough for pyelftools, macholib and pefile to read what the audit
asks of them (CPU, interpreter, glibc symbol versions, minimum macOS, signature, PE
machine); none of them would run.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import struct
import tarfile
import zipfile
from pathlib import Path

from hatch_go_binary import buildinfo, sbom

# ELF e_machine values
EM_386, EM_ARM, EM_X86_64, EM_AARCH64, EM_PPC64, EM_S390, EM_RISCV = 3, 40, 62, 183, 21, 22, 243
# Mach-O CPU types and load commands
CPU_X86_64, CPU_ARM64 = 0x01000007, 0x0100000C
LC_CODE_SIGNATURE, LC_VERSION_MIN_MACOSX, LC_BUILD_VERSION = 0x1D, 0x24, 0x32
PLATFORM_MACOS, PLATFORM_IOS = 1, 2
# PE machines
PE_I386, PE_AMD64, PE_ARM64 = 0x14C, 0x8664, 0xAA64

SHT_STRTAB, SHT_GNU_VERNEED = 3, 0x6FFFFFFE
PT_INTERP = 3


def elf(
    machine: int = EM_X86_64,
    bits: int = 64,
    little: bool = True,
    interpreter: str | None = None,
    glibc: tuple[str, ...] = (),
) -> bytes:
    """An ELF executable header; INTERPRETER adds PT_INTERP, GLIBC adds .gnu.version_r needs."""
    order = "<" if little else ">"
    wide = bits == 64
    header_size, ph_size, sh_size = (64, 56, 64) if wide else (52, 32, 40)
    body = bytearray()  # everything after the header and program headers
    program_headers = []
    ph_offset = header_size
    body_offset = header_size + ph_size * (1 if interpreter else 0)
    if interpreter:
        path = interpreter.encode() + b"\0"
        at = body_offset + len(body)
        body += path
        if wide:
            entry = struct.pack(order + "IIQQQQQQ", PT_INTERP, 4, at, 0, 0, len(path), len(path), 1)
        else:
            entry = struct.pack(order + "IIIIIIII", PT_INTERP, at, 0, 0, len(path), len(path), 4, 1)
        program_headers.append(entry)
    sections = b""
    sh_offset = sh_count = sh_names = 0
    if glibc:
        sections, sh_offset, sh_count, sh_names = _version_sections(
            order, wide, body, body_offset, glibc
        )
    ident = b"\x7fELF" + bytes([2 if wide else 1, 1 if little else 2, 1]) + bytes(9)
    fields = (2, machine, 1, 0, ph_offset if program_headers else 0, sh_offset, 0)
    sizes = (header_size, ph_size, len(program_headers), sh_size, sh_count, sh_names)
    header = ident + struct.pack(order + ("HHIQQQI" if wide else "HHIIIII"), *fields)
    header += struct.pack(order + "HHHHHH", *sizes)
    return header + b"".join(program_headers) + bytes(body) + sections


def _version_sections(
    order: str, wide: bool, body: bytearray, body_offset: int, glibc: tuple[str, ...]
) -> tuple[bytes, int, int, int]:
    """Append .dynstr, .gnu.version_r and .shstrtab to BODY; return their section headers."""
    dynstr = bytearray(b"\0libc.so.6\0")
    names = []
    for version in glibc:
        names.append(len(dynstr))
        dynstr += f"GLIBC_{version}".encode() + b"\0"
    verneed = struct.pack(order + "HHIII", 1, len(glibc), 1, 16, 0)
    for index, name in enumerate(names):
        last = index == len(names) - 1
        verneed += struct.pack(order + "IHHII", 0, 0, index + 2, name, 0 if last else 16)
    shstrtab = b"\0.dynstr\0.gnu.version_r\0.shstrtab\0"
    offsets = []
    for blob in (bytes(dynstr), verneed, shstrtab):
        offsets.append(body_offset + len(body))
        body += blob
    while (body_offset + len(body)) % 8:
        body += b"\0"
    sh_offset = body_offset + len(body)
    layout = "IIQQQQIIQQ" if wide else "IIIIIIIIII"
    headers = [
        bytes(struct.calcsize(order + layout)),  # the null section
        struct.pack(order + layout, 1, SHT_STRTAB, 0, 0, offsets[0], len(dynstr), 0, 0, 1, 0),
        struct.pack(order + layout, 9, SHT_GNU_VERNEED, 0, 0, offsets[1], len(verneed), 1, 1, 4, 0),
        struct.pack(order + layout, 24, SHT_STRTAB, 0, 0, offsets[2], len(shstrtab), 0, 0, 1, 0),
    ]
    return b"".join(headers), sh_offset, len(headers), 3


def macho(
    cpu: int = CPU_ARM64,
    minos: tuple[int, int] | None = (11, 0),
    signed: bool = True,
    platform: int = PLATFORM_MACOS,
    legacy_version: bool = False,
) -> bytes:
    """A thin 64-bit Mach-O executable: LC_BUILD_VERSION (or LC_VERSION_MIN_MACOSX), and a
    zero-length LC_CODE_SIGNATURE if SIGNED."""
    commands = []
    if minos is not None:
        encoded = minos[0] << 16 | minos[1] << 8
        if legacy_version:
            commands.append(struct.pack("<IIII", LC_VERSION_MIN_MACOSX, 16, encoded, encoded))
        else:
            commands.append(
                struct.pack("<IIIIII", LC_BUILD_VERSION, 24, platform, encoded, encoded, 0)
            )
    header_size = 32 + sum(map(len, commands)) + (16 if signed else 0)
    if signed:
        commands.append(struct.pack("<IIII", LC_CODE_SIGNATURE, 16, header_size, 0))
    size = sum(map(len, commands))
    header = struct.pack("<IiiIIIII", 0xFEEDFACF, cpu, 0, 2, len(commands), size, 0, 0)
    return header + b"".join(commands) + bytes(16)


def fat(*slices: tuple[int, bytes]) -> bytes:
    """A universal binary of (cpu, thin Mach-O) slices, each aligned to 4 KiB."""
    align = 4096
    header = struct.pack(">II", 0xCAFEBABE, len(slices))
    offset = align
    entries, bodies = b"", b""
    for cpu, data in slices:
        entries += struct.pack(">iiIII", cpu, 0, offset, len(data), 12)
        padded = data + bytes(-len(data) % align)
        bodies += padded
        offset += len(padded)
    head = header + entries
    return head + bytes(align - len(head)) + bodies


def pe(machine: int = PE_AMD64) -> bytes:
    """A PE32+ header with no sections: the DOS stub's pointer, the signature, FILE_HEADER."""
    dos = bytearray(64)
    dos[:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 64)
    optional = bytearray(240)
    struct.pack_into("<H", optional, 0, 0x20B)  # PE32+
    struct.pack_into("<I", optional, 92, 512)  # SizeOfHeaders
    struct.pack_into("<I", optional, 108, 16)  # NumberOfRvaAndSizes
    file_header = struct.pack("<HHIIIHH", machine, 0, 0, 0, 0, len(optional), 0x22)
    return bytes(dos) + b"PE\0\0" + file_header + bytes(optional)


def _digest(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def wheel_contents(
    name: str,
    version: str,
    tags: list[str],
    scripts: dict[str, bytes],
    summary: str = "A tool.",
    extra: dict[str, bytes] | None = None,
    sboms: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """The entries of a consistent wheel, RECORD last and correct. SBOMS: {path inside
    .dist-info/: contents}; None gives each native script the SBOM the plugin would write."""
    dist_info = f"{name}-{version}.dist-info"
    lines = ["Wheel-Version: 1.0", "Generator: crafted", "Root-Is-Purelib: false"]
    lines += [f"Tag: {tag}" for tag in tags]
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"
    contents = {f"{name}-{version}.data/scripts/{script}": data for script, data in scripts.items()}
    contents.update(extra or {})
    contents[f"{dist_info}/METADATA"] = metadata.encode()
    contents[f"{dist_info}/WHEEL"] = ("\n".join(lines) + "\n").encode()
    sboms = sboms_for(name, version, scripts) if sboms is None else sboms
    contents.update({f"{dist_info}/{path}": data for path, data in sboms.items()})
    record = f"{dist_info}/RECORD"
    rows = io.StringIO()
    writer = csv.writer(rows, lineterminator="\n")
    for entry, data in contents.items():
        writer.writerow([entry, _digest(data), len(data)])
    writer.writerow([record, "", ""])
    contents[record] = rows.getvalue().encode()
    return contents


def make_wheel(
    folder: Path,
    platform: str = "manylinux_2_17_x86_64",
    scripts: dict[str, bytes] | None = None,
    *,
    name: str = "demo",
    version: str = "1.0",
    summary: str = "A tool.",
    extra: dict[str, bytes] | None = None,
    modes: dict[str, int] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    comment: bytes = b"",
    stream: bool = False,
    sboms: dict[str, bytes] | None = None,
) -> Path:
    """A wheel tagged py3-none-PLATFORM (dotted for several) holding SCRIPTS (default: one
    static x86_64 ELF named after the distribution) and, unless SBOMS says otherwise, an SBOM
    for each native one. STREAM writes it the way a zipper on a pipe does, with data
    descriptors."""
    scripts = {name: elf()} if scripts is None else scripts
    tags = [f"py3-none-{tag}" for tag in platform.split(".")]
    contents = wheel_contents(name, version, tags, scripts, summary, extra, sboms)
    path = folder / f"{name}-{version}-py3-none-{platform}.whl"
    folder.mkdir(parents=True, exist_ok=True)
    write_zip(path, contents, modes=modes, compression=compression, comment=comment, stream=stream)
    return path


class _Unseekable(io.RawIOBase):
    """A write-only file that cannot seek or tell, as zipfile sees a pipe."""

    def __init__(self, target: io.BufferedWriter) -> None:
        self.target = target

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return self.target.write(data)


def write_zip(
    path: Path,
    contents: dict[str, bytes],
    *,
    modes: dict[str, int] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
    comment: bytes = b"",
    stream: bool = False,
    entries: list[tuple[str, bytes]] | None = None,
    entry_comments: dict[str, bytes] | None = None,
) -> Path:
    """Zip CONTENTS with Unix modes (0o100755 for scripts, 0o100644 else, or MODES), then
    ENTRIES as they are (duplicates included)."""
    modes, entry_comments = modes or {}, entry_comments or {}
    with path.open("wb") as file:
        target = _Unseekable(file) if stream else file
        with zipfile.ZipFile(target, "w", compression) as archive:
            for entry, data in [*contents.items(), *(entries or [])]:
                info = zipfile.ZipInfo(entry, date_time=(2020, 2, 2, 0, 0, 0))
                info.create_system = 3  # Unix, so the mode counts
                default = 0o100755 if "/scripts/" in entry else 0o100644
                info.external_attr = modes.get(entry, default) << 16
                info.compress_type = compression
                info.comment = entry_comments.get(entry, b"")
                archive.writestr(info, data)
            archive.comment = comment
    return path


def make_sdist(
    folder: Path, name: str = "demo", version: str = "1.0", pkg_info: str | None = None
) -> Path:
    """An sdist holding NAME-VERSION/PKG-INFO (PKG_INFO as given; None leaves it out)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{version}.tar.gz"
    files = {f"{name}-{version}/pyproject.toml": b"[project]\n"}
    if pkg_info is not None:
        files[f"{name}-{version}/PKG-INFO"] = pkg_info.encode()
    with tarfile.open(path, "w:gz") as archive:
        for member, data in files.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def pkg_info(name: str = "demo", version: str = "1.0", summary: str = "A tool.") -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"


# --- a project that builds with the plugin as its custom hook ----------------------------------

VENDORED = Path(sbom.__file__).with_name("vendored.py")


def hooked_pyproject(project: str, settings: str) -> str:
    """pyproject.toml text whose wheel and sdist load the plugin's vendored.py as hatchling's
    custom hook: PROJECT is the body of [project], SETTINGS what follows the hook tables."""
    return f"""\
[build-system]
requires = ["hatchling>=1.27"]
build-backend = "hatchling.build"

[project]
{project}
[tool.hatch.build.targets.wheel]
bypass-selection = true

[tool.hatch.build.targets.wheel.hooks.custom]
path = "{VENDORED.as_posix()}"

[tool.hatch.build.targets.sdist.hooks.custom]
path = "{VENDORED.as_posix()}"

{settings}"""


def hatchling_build(root: Path, kind: str, out: Path) -> Path:
    """hatchling's own builder for KIND (wheel or sdist), in this process."""
    from hatchling.builders.sdist import SdistBuilder
    from hatchling.builders.wheel import WheelBuilder

    builder = (WheelBuilder if kind == "wheel" else SdistBuilder)(str(root))
    (artifact,) = builder.build(directory=str(out), versions=["standard"])
    return Path(artifact)


# --- Go build information and SBOMs --------------------------------------------------------------

# The framing Go puts around the module information (cmd/go/internal/modload).
INFO_START = b"0w\xaf\x0c\x92t\x08\x02A\xe1\xc1\x07\xe6\xd6\x18\xe6"
INFO_END = b"\xf92C1\x86\x18 r\x00\x82B\x10A\x16\xd8\xf2"
PFLAG_SUM = "h1:iy+VFUOCP1a+8yFto/drg2CJ5u0yRoB7fZw3DKv/JXA="
MODINFO = (
    "path\texample.com/demo/cmd/demo\n"
    "mod\texample.com/demo\t(devel)\t\n"
    f"dep\tgithub.com/spf13/pflag\tv1.0.5\t{PFLAG_SUM}\n"
    "dep\texample.com/old\tv1.2.0\n"
    "=>\texample.com/new\tv1.3.0\th1:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U=\n"
    "dep\texample.com/local\tv0.0.0\n"
    "=>\t../local\t(devel)\t\n"
    "build\t-buildmode=exe\n"
    "build\t-compiler=gc\n"
    "build\t-trimpath=true\n"
    "build\tCGO_ENABLED=0\n"
    "build\tGOARCH=amd64\n"
    "build\tGOOS=linux\n"
    "build\tGOAMD64=v1\n"
)


def uvarint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def go_buildinfo(
    modinfo: str = MODINFO, version: str = "go1.27.3", *, inline: bool = True, framed: bool = True
) -> bytes:
    """The blob Go's linker writes (.go.buildinfo): the 32-byte header, then the Go version
    and the framed module information as varint-prefixed strings."""
    header = buildinfo.MAGIC + bytes([8, 2 if inline else 0]) + bytes(16)
    payload = modinfo.encode()
    if framed:
        payload = INFO_START + payload + INFO_END
    encoded = version.encode()
    return header + uvarint(len(encoded)) + encoded + uvarint(len(payload)) + payload


def go_elf(modinfo: str = MODINFO, version: str = "go1.27.3", **options) -> bytes:
    """A static ELF executable holding Go build information at a 16-byte aligned offset."""
    head = elf(**options)
    head += bytes(-len(head) % 16)
    return head + go_buildinfo(modinfo, version)


def native(data: bytes) -> bool:
    magics = (
        b"\x7fELF",
        b"\xfe\xed\xfa",
        b"\xcf\xfa\xed\xfe",
        b"\xce\xfa\xed\xfe",
        b"\xca\xfe\xba",
    )
    return data.startswith(magics) or data.startswith(b"MZ")


def plain_sbom(name: str, version: str, location: str, data: bytes) -> bytes:
    """An SBOM for a binary without Go build information: the distribution and the binary."""
    primary = sbom.pypi_purl(name, version)
    document = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "component": {"type": "application", "bom-ref": primary, "name": name, "purl": primary}
        },
        "components": [
            {
                "type": "application",
                "bom-ref": location,
                "name": location.rsplit("/", 1)[-1],
                "hashes": [{"alg": "SHA-256", "content": hashlib.sha256(data).hexdigest()}],
                "evidence": {"occurrences": [{"location": location}]},
            }
        ],
        "dependencies": [
            {"ref": primary, "dependsOn": [location]},
            {"ref": location, "dependsOn": []},
        ],
    }
    return json.dumps(document, indent=2).encode()


def sboms_for(name: str, version: str, scripts: dict[str, bytes]) -> dict[str, bytes]:
    """{sboms/<script>.cyclonedx.json: SBOM} for each native script: the plugin's own for a Go
    binary, plain_sbom() for any other."""
    found = {}
    for script, data in sorted(scripts.items()):
        if not native(data):
            continue
        location = f"{name}-{version}.data/scripts/{script}"
        try:
            info = buildinfo.read(data)
        except buildinfo.BuildInfoError:
            document = plain_sbom(name, version, location, data)
        else:
            document = sbom.wheel_sbom(
                name=name,
                version=version,
                license_expression=None,
                location=location,
                data=data,
                info=info,
                target="linux/amd64",
                toolchain=sbom.Toolchain(),
            )
        found[f"sboms/{sbom.file_name(script)}"] = document
    return found
