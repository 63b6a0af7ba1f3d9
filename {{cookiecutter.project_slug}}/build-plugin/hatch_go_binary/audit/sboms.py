"""A wheel's SBOMs (PEP 770) against the binaries they describe.

Every native script must be described by a CycloneDX SBOM in the wheel's
.dist-info/sboms/ (PEP 770), listed in RECORD: valid against the CycloneDX schema (with
cyclonedx-python-lib installed; a structural check without it), its binary component
carrying the script's sha256, and its Go modules and standard library those the build
information inside the binary names. In a wheel of several commands each script needs its
own (hatch-go-binary writes one per command), and no SBOM may describe a script the wheel
lacks. An sdist's sboms/*.json, if any, must be valid too (hatch-go-binary writes one, from
go.mod, named after the distribution: all its commands build from that one source).
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from hatch_go_binary import buildinfo
from hatch_go_binary.audit.binaries import NOT_NATIVE, binary_format
from hatch_go_binary.audit.model import Finding, Wheel, is_script
from hatch_go_binary.audit.sbom_schema import _HEX, sbom_problems

SBOM_FOLDER = "sboms"
_GO_PROPERTY = "hatch-go-binary:go:"
_SBOM_FIX = (
    "rebuild the wheel with hatch-go-binary (python -m hatch_go_binary build), which writes "
    "it from the binary's build information"
)


def _sha256_of(component: dict) -> str | None:
    for entry in component.get("hashes", []):
        if isinstance(entry, dict) and entry.get("alg") == "SHA-256":
            return str(entry.get("content", "")).lower()
    return None


def _locations(component: dict) -> list[str]:
    evidence = component.get("evidence", {})
    occurrences = evidence.get("occurrences", []) if isinstance(evidence, dict) else []
    return [entry.get("location") for entry in occurrences if isinstance(entry, dict)]


def _describes(component: dict, script: str) -> bool:
    """Whether COMPONENT stands for the wheel's script at SCRIPT (its path in the wheel)."""
    if not isinstance(component, dict) or component.get("type") != "application":
        return False
    return script in _locations(component) or component.get("bom-ref") == script


def _go_sum(component: dict) -> str:
    """The go.sum hash a module component states: its SHA-256 as an h1: hash."""
    digest = _sha256_of(component)
    if not digest or not _HEX.fullmatch(digest) or len(digest) != 64:
        return ""
    return "h1:" + base64.b64encode(bytes.fromhex(digest)).decode()


def _property(component: dict, name: str) -> str | None:
    for entry in component.get("properties", []):
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry.get("value")
    return None


def _is_stdlib(component: dict) -> bool:
    return str(component.get("purl", "")).startswith(("pkg:golang/stdlib@", "pkg:golang/std@"))


def _is_go_module(component: dict) -> bool:
    if str(component.get("purl", "")).startswith("pkg:golang/"):
        return True
    names = [
        entry.get("name", "")
        for entry in component.get("properties", [])
        if isinstance(entry, dict)
    ]
    return any(str(name).startswith(_GO_PROPERTY) for name in names)


def _linked_components(document: dict, ref: str) -> list[dict]:
    """The components the dependency graph says REF depends on."""
    by_ref = {
        component.get("bom-ref"): component
        for component in document.get("components", [])
        if isinstance(component, dict)
    }
    wanted = [
        dependency
        for entry in document.get("dependencies", [])
        if isinstance(entry, dict) and entry.get("ref") == ref
        for dependency in entry.get("dependsOn", [])
    ]
    return [by_ref[dependency] for dependency in wanted if dependency in by_ref]


def _module_text(module: tuple[str, str, str]) -> str:
    path, version, go_sum = module
    return f"{path}@{version}" + (f" ({go_sum})" if go_sum else "")


def check_sbom_modules(
    name: str, sbom: str, script: str, document: dict, component: dict, data: bytes
) -> Iterator[Finding]:
    """The modules the SBOM says the binary links are those its Go build information names."""
    try:
        info = buildinfo.read(data)
    except buildinfo.BuildInfoError:
        info = None
    linked = _linked_components(document, str(component.get("bom-ref", "")))
    modules = [entry for entry in linked if _is_go_module(entry) and not _is_stdlib(entry)]
    if info is None:
        if modules:
            yield Finding(
                name,
                "sbom",
                f"{sbom} lists Go modules for {script}, which holds no Go build information: "
                f"the SBOM describes another binary; {_SBOM_FIX}",
            )
        return
    listed, disagreeing = set(), []
    for entry in modules:
        module = (str(entry.get("name", "")), str(entry.get("version", "")), _go_sum(entry))
        stated = _property(entry, _GO_PROPERTY + "sum")
        if stated is not None and stated != module[2]:
            disagreeing.append(f"{module[0]}: {_GO_PROPERTY}sum {stated} but SHA-256 {module[2]}")
        listed.add(module)
    held = set((module.path, module.version, module.sum) for module in info.linked_modules())
    differences = []
    if listed - held:
        extra = ", ".join(map(_module_text, sorted(listed - held)))
        differences.append(f"lists modules the binary does not hold: {extra}")
    if held - listed:
        missing = ", ".join(map(_module_text, sorted(held - listed)))
        differences.append(f"lacks modules the binary holds: {missing}")
    stdlib = [entry for entry in linked if _is_stdlib(entry)]
    versions = sorted(set(str(entry.get("version", "")) for entry in stdlib))
    if versions != [info.go_release]:
        differences.append(
            f"names the Go standard library {', '.join(versions) or 'nowhere'}, but the binary "
            f"was linked by {info.go_release}"
        )
    differences += disagreeing
    if differences:
        yield Finding(
            name,
            "sbom",
            f"{sbom} does not match the build information in {script}: "
            f"{'; '.join(differences)}: {_SBOM_FIX}",
        )


def check_sbom(wheel: Wheel, binaries: Sequence[zipfile.ZipInfo]) -> Iterator[Finding]:
    """Each native script is described by a valid CycloneDX SBOM in .dist-info/sboms/, listed
    in RECORD, whose binary has the script's sha256 and lists the modules linked into it."""
    name = wheel.path.name
    folders = sorted(
        set(info.filename.split("/")[0] for info in wheel.entries if ".dist-info/" in info.filename)
    )
    if len(folders) != 1:
        return  # check_metadata has said so
    folder = f"{folders[0]}/{SBOM_FOLDER}/"
    record = f"{folders[0]}/RECORD"
    names = set(info.filename for info in wheel.entries)
    listed = set()
    if record in names:
        text = wheel.archive.read(record).decode("utf-8", "replace")
        listed = set(row[0] for row in csv.reader(io.StringIO(text)) if row)
    documents = []
    for info in wheel.entries:
        if not info.filename.startswith(folder) or info.filename.endswith("/"):
            continue
        if info.filename not in listed:
            yield Finding(
                name,
                "sbom",
                f"{info.filename} is not listed in RECORD: installers check every file against "
                f"it; {_SBOM_FIX}, or add the SBOM's row to RECORD",
            )
        if not info.filename.endswith(".json"):
            continue  # another SBOM format: PEP 770 takes any
        text = wheel.archive.read(info).decode("utf-8", "replace")
        document, problems = sbom_problems(text)
        for problem in problems:
            yield Finding(name, "sbom", f"{info.filename} is not valid CycloneDX: {problem}")
        if document is not None:
            documents.append((info.filename, document))
    native = []
    for info in binaries:
        with wheel.archive.open(info) as script:
            if binary_format(script.read(4)) != NOT_NATIVE:
                native.append(info)
    if native and not documents:
        scripts = ", ".join(info.filename for info in native)
        yield Finding(
            name,
            "sbom",
            f"no CycloneDX SBOM in {folder} describes {scripts} (PEP 770): {_SBOM_FIX} "
            f"({folder}<command>.cyclonedx.json), or add one there and list it in RECORD",
        )
        return
    for info in native:
        yield from _check_described(name, info, wheel.read(info), documents)
    yield from _check_locations(name, set(info.filename for info in wheel.scripts()), documents)


def _check_locations(
    name: str, scripts: set[str], documents: Sequence[tuple[str, dict]]
) -> Iterator[Finding]:
    """Each script an SBOM describes is in the wheel: one that is not comes from another
    build, such as a command no longer built, and vouches for nothing here."""
    for sbom, document in documents:
        for component in document.get("components", []):
            if not isinstance(component, dict) or component.get("type") != "application":
                continue
            for location in _locations(component):
                if isinstance(location, str) and is_script(location) and location not in scripts:
                    yield Finding(
                        name,
                        "sbom",
                        f"{sbom} describes {location}, which the wheel does not hold: an SBOM "
                        f"of another build, or of a command no longer built; {_SBOM_FIX}",
                    )


def _check_described(
    name: str, info: zipfile.ZipInfo, data: bytes, documents: Sequence[tuple[str, dict]]
) -> Iterator[Finding]:
    script, digest = info.filename, hashlib.sha256(data).hexdigest()
    described = [
        (sbom, document, component)
        for sbom, document in documents
        for component in document.get("components", [])
        if _describes(component, script)
    ]
    if not described:
        yield Finding(
            name,
            "sbom",
            f"no SBOM component describes {script} (a component whose evidence names that "
            f"location): {_SBOM_FIX}",
        )
    for sbom, document, component in described:
        stated = _sha256_of(component)
        if stated != digest:
            yield Finding(
                name,
                "sbom",
                f"{sbom} gives {script} the SHA-256 {stated or 'none'}, but the script's is "
                f"{digest}: the SBOM describes another binary; {_SBOM_FIX}",
            )
            continue
        yield from check_sbom_modules(name, sbom, script, document, component, data)


def check_sdist_sboms(path: Path, folder: str) -> Iterator[Finding]:
    """The SBOMs an sdist carries in sboms/ (hatch-go-binary writes one from go.mod) are valid."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                inside = member.name.startswith(f"{folder}/{SBOM_FOLDER}/")
                if not (inside and member.isfile() and member.name.endswith(".json")):
                    continue
                stream = archive.extractfile(member)
                text = stream.read().decode("utf-8", "replace") if stream else ""
                for problem in sbom_problems(text)[1]:
                    yield Finding(
                        path.name, "sbom", f"{member.name} is not valid CycloneDX: {problem}"
                    )
    except (OSError, tarfile.TarError, EOFError) as error:
        yield Finding(path.name, "sdist", f"cannot read the sdist: {error}")
