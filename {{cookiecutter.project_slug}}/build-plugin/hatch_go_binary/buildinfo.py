"""The build information Go writes into every binary it links, read from the bytes alone.

What `go version -m BINARY` prints: the Go release, the main package, the main module,
every module linked in (its version and go.sum hash, or what replaced it) and the build
settings. Reading it here needs no Go, works on a binary for any platform, and lets the
audit check an SBOM against the very bytes that ship.

The format (Go's debug/buildinfo, inline since Go 1.18): a 32-byte header that starts with
the magic below at a 16-byte aligned offset, its byte 15 a flags field whose bit 1 says the
strings follow inline; then two strings, each an unsigned varint length and that many
bytes: the Go version, and the module information. The latter is framed by 16 sentinel
bytes on each side and holds tab-separated lines: `path`, `mod`, `dep`, `=>` (replaces the
module on the line before) and `build KEY=VALUE`, where a key or value that needs it is
quoted as Go's strconv.Quote does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAGIC = b"\xff Go buildinf:"
HEADER_SIZE = 32
ALIGN = 16
_FLAGS = 15
_INLINE = 0x2
_SENTINEL = 16  # bytes of framing on each side of the module information
_GO_VERSION = re.compile(rb"(devel )?go[0-9]")


class BuildInfoError(ValueError):
    """The bytes hold no Go build information this reader understands."""


@dataclass(frozen=True)
class Module:
    """One module line: path, version and go.sum hash ("" when Go recorded none)."""

    path: str
    version: str
    sum: str = ""
    replace: Module | None = None

    @property
    def linked(self) -> Module:
        """The module whose code is in the binary: the replacement, if there is one."""
        return self.replace if self.replace is not None else self


@dataclass(frozen=True)
class BuildInfo:
    go_version: str  # "go1.27.3", or "go1.27.3 X:nojsonv2" with experiments
    path: str  # the main package's import path
    main: Module | None
    deps: tuple[Module, ...]
    settings: tuple[tuple[str, str], ...]

    @property
    def go_release(self) -> str:
        """The Go release alone: "go1.27.3"."""
        return self.go_version.split(" ", 1)[0]

    def setting(self, key: str) -> str | None:
        return next((value for name, value in self.settings if name == key), None)

    def linked_modules(self) -> list[Module]:
        """Every module whose code is in the binary, main module first (replacements
        stand for the modules they replace)."""
        modules = [self.main] if self.main is not None else []
        return [module.linked for module in [*modules, *self.deps]]


def _uvarint(data: bytes, at: int) -> tuple[int, int]:
    """Go's binary.Uvarint: the value and the offset after it."""
    value = shift = 0
    for index in range(at, min(at + 10, len(data))):
        byte = data[index]
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, index + 1
        shift += 7
    raise BuildInfoError("a length in the build information is cut short")


def _inline_string(data: bytes, at: int) -> tuple[bytes, int]:
    length, start = _uvarint(data, at)
    end = start + length
    if end > len(data):
        raise BuildInfoError("a string in the build information runs past the end of the file")
    return data[start:end], end


def _decode_at(data: bytes, at: int) -> tuple[str, str]:
    if not data[at + _FLAGS] & _INLINE:
        raise BuildInfoError(
            "the build information is in the pre-1.18 format, which this reader does not "
            "follow: build with Go 1.18 or newer"
        )
    version, after = _inline_string(data, at + HEADER_SIZE)
    modinfo, _ = _inline_string(data, after)
    if not _GO_VERSION.match(version):
        raise BuildInfoError(f"the build information names no Go release ({version[:40]!r})")
    # Go drops the framing, and keeps nothing that is not framed as it expects.
    if len(modinfo) >= 2 * _SENTINEL + 1 and modinfo[-_SENTINEL - 1 : -_SENTINEL] == b"\n":
        modinfo = modinfo[_SENTINEL:-_SENTINEL]
    else:
        modinfo = b""
    return version.decode("utf-8", "replace"), modinfo.decode("utf-8", "replace")


def raw(data: bytes) -> tuple[str, str]:
    """(Go version, module information) from a binary's bytes.

    Every aligned copy of the magic is tried in turn: a program that imports
    debug/buildinfo also holds the magic as a constant, before the real header.
    """
    first_error = None
    at = data.find(MAGIC)
    while at >= 0:
        if at % ALIGN == 0 and len(data) - at >= HEADER_SIZE:
            try:
                return _decode_at(data, at)
            except BuildInfoError as error:
                first_error = first_error or error
        at = data.find(MAGIC, at + 1)
    raise first_error or BuildInfoError("no Go build information (not a Go binary?)")


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_QUOTED_PART = re.compile(
    r'\\(?:([abfnrtv\\\'"])|x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3}))'
)


def go_unquote(text: str) -> str:
    """Go's strconv.Unquote of a "double-quoted" or `raw` string; ValueError if malformed."""
    if len(text) >= 2 and text[0] == text[-1] == "`":
        return text[1:-1]
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted Go string: {text!r}")
    body, out, at, pending = text[1:-1], [], 0, bytearray()

    def flush() -> None:
        if pending:
            out.append(pending.decode("utf-8", "replace"))
            pending.clear()

    while at < len(body):
        char = body[at]
        if char != "\\":
            flush()
            out.append(char)
            at += 1
            continue
        match = _QUOTED_PART.match(body, at)
        if match is None:
            raise ValueError(f"bad escape in {text!r}")
        simple, hex_byte, short, long, octal = match.groups()
        if hex_byte or octal:  # single bytes, which may spell UTF-8 together
            pending.append(int(hex_byte, 16) if hex_byte else int(octal, 8))
        else:
            flush()
            if simple:
                out.append(_ESCAPES.get(simple, simple))
            else:
                out.append(chr(int(short or long, 16)))
        at = match.end()
    flush()
    return "".join(out)


def _quoted_prefix(text: str) -> str:
    """The Go-quoted string that TEXT starts with (strconv.QuotedPrefix)."""
    if text.startswith("`"):
        end = text.find("`", 1)
    else:
        end, at = -1, 1
        while at < len(text):
            if text[at] == "\\":
                at += 2
                continue
            if text[at] == '"':
                end = at
                break
            at += 1
    if end < 0:
        raise ValueError(f"unterminated quoted string in {text!r}")
    return text[: end + 1]


def _setting(text: str) -> tuple[str, str]:
    if text[:1] in ('"', "`"):
        quoted = _quoted_prefix(text)
        key, rest = go_unquote(quoted), text[len(quoted) :]
        if not rest.startswith("="):
            raise ValueError(f"no '=' after the quoted key in build line {text!r}")
        value = rest[1:]
    else:
        key, equals, value = text.partition("=")
        if not equals or not key:
            raise ValueError(f"build line {text!r} is not KEY=VALUE")
    if value[:1] in ('"', "`"):
        value = go_unquote(value)
    return key, value


def _module(fields: list[str], line: str) -> Module:
    if len(fields) not in (2, 3):
        raise BuildInfoError(f"module line {line!r} has {len(fields)} columns, not 2 or 3")
    return Module(fields[0], fields[1], fields[2] if len(fields) == 3 else "")


def parse(version: str, modinfo: str) -> BuildInfo:
    """BuildInfo from the two strings raw() returns (runtime/debug.ParseBuildInfo)."""
    path, main, deps, settings = "", None, [], []
    last_kind = ""  # "mod" or "dep": what a "=>" line replaces
    for line in modinfo.split("\n"):
        word, _, rest = line.partition("\t")
        if word == "path":
            path = rest
        elif word in ("mod", "dep"):
            module = _module(rest.split("\t"), line)
            if word == "mod":
                main = module
            else:
                deps.append(module)
            last_kind = word
        elif word == "=>":
            fields = rest.split("\t")
            if len(fields) != 3 or not last_kind:
                raise BuildInfoError(f"replacement line {line!r} follows no module line")
            replacement = Module(*fields)
            if last_kind == "mod" and main is not None:
                main = Module(main.path, main.version, main.sum, replacement)
            else:
                old = deps[-1]
                deps[-1] = Module(old.path, old.version, old.sum, replacement)
            last_kind = ""
        elif word == "build":
            try:
                settings.append(_setting(rest))
            except ValueError as error:
                raise BuildInfoError(str(error)) from None
    return BuildInfo(version, path, main, tuple(deps), tuple(settings))


def read(data: bytes) -> BuildInfo:
    """The build information of the Go binary DATA; BuildInfoError says why there is none."""
    return parse(*raw(data))
