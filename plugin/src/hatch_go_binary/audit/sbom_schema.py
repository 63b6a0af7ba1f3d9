"""Whether an SBOM is valid CycloneDX JSON: against the CycloneDX schema with
cyclonedx-python-lib installed, a structural check by hand without it."""

from __future__ import annotations

import functools
import json
import re
from importlib import metadata
from importlib.util import find_spec
from types import SimpleNamespace

from hatch_go_binary.audit import lazy_iri

# What `python -m hatch_go_binary requirements --audit` adds so that SBOMs meet the schema.
SBOM_VALIDATOR = "cyclonedx-python-lib[json-validation]>=11"
CYCLONEDX_TYPES = frozenset(
    [
        "application",
        "framework",
        "library",
        "container",
        "platform",
        "operating-system",
        "device",
        "device-driver",
        "firmware",
        "file",
        "machine-learning-model",
        "data",
        "cryptographic-asset",
    ]
)
CYCLONEDX_HASHES = frozenset(
    [
        *("MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512"),
        *("BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3", "Streebog-256", "Streebog-512"),
    ]
)
_SERIAL = re.compile(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_VERSION = re.compile(r"[0-9]+\.[0-9]+")


def _cyclonedx_installed() -> bool:
    """Whether cyclonedx-python-lib and jsonschema are here, without importing them: the
    import takes seconds (jsonschema's format checkers), paid only when an SBOM is checked."""
    return find_spec("cyclonedx") is not None and find_spec("jsonschema") is not None


@functools.cache
def _cyclonedx() -> SimpleNamespace | None:
    """cyclonedx-python-lib with its json-validation extra, or None when it is not installed
    here: then SBOMs get a structural check only."""
    if not _cyclonedx_installed():
        return None
    try:
        lazy_iri.import_jsonschema()  # before cyclonedx imports it
        from cyclonedx.schema import SchemaVersion
        from cyclonedx.validation.json import JsonStrictValidator

        JsonStrictValidator(SchemaVersion.V1_6).validate_str("{}")  # needs jsonschema
    except ImportError:
        return None
    except Exception as error:
        if type(error).__name__ == "MissingOptionalDependencyException":
            return None
        raise
    return SimpleNamespace(SchemaVersion=SchemaVersion, JsonStrictValidator=JsonStrictValidator)


@functools.cache
def _sbom_validator(spec_version: str) -> object | None:
    """The library's strict JSON schema validator for SPEC_VERSION (additional properties
    refused); None without the library. ValueError for a version it does not know."""
    library = _cyclonedx()
    if library is None:
        return None
    if not _VERSION.fullmatch(spec_version):
        raise ValueError(spec_version)
    return library.JsonStrictValidator(library.SchemaVersion.from_version(spec_version))


def sbom_validator_identity() -> str:
    """Which validator judges SBOMs here, for the pass cache: a structural pass is no
    schema pass."""
    if not _cyclonedx_installed():
        return "cyclonedx-python-lib absent"
    versions = [
        f"{name} {metadata.version(name)}" for name in ("cyclonedx-python-lib", "jsonschema")
    ]
    return ", ".join(versions)


def _schema_problem(error: object) -> str:
    """One schema error in a line: where, and what (the library's str() quotes the schema)."""
    detail = getattr(error, "data", error)
    where = getattr(detail, "json_path", "$")
    return f"{where}: {getattr(detail, 'message', str(detail))}"


def _structure_problems(document: object) -> list[str]:
    """What a CycloneDX JSON document lacks, checked by hand where no schema validator is."""
    if not isinstance(document, dict):
        return ["the document is not a JSON object"]
    problems = []
    if document.get("bomFormat") != "CycloneDX":
        problems.append("bomFormat is not 'CycloneDX'")
    if not re.fullmatch(r"1\.[0-9]", str(document.get("specVersion", ""))):
        problems.append(f"specVersion {document.get('specVersion')!r} is not a CycloneDX 1.x")
    if "version" in document and not (
        isinstance(document["version"], int) and document["version"] >= 1
    ):
        problems.append("version must be an integer of at least 1")
    if "serialNumber" in document and not _SERIAL.fullmatch(str(document["serialNumber"])):
        problems.append("serialNumber is not a urn:uuid")
    metadata_ = document.get("metadata", {})
    components = list(document.get("components", []))
    if isinstance(metadata_, dict) and "component" in metadata_:
        components.append(metadata_["component"])
    refs: list[str] = []
    for index, component in enumerate(components):
        if not isinstance(component, dict):
            problems.append(f"component #{index + 1} is not an object")
            continue
        label = component.get("bom-ref") or component.get("name") or f"#{index + 1}"
        if component.get("type") not in CYCLONEDX_TYPES:
            problems.append(
                f"component {label}: type {component.get('type')!r} is not one of CycloneDX's"
            )
        if not isinstance(component.get("name"), str) or not component["name"]:
            problems.append(f"component {label} has no name")
        for entry in component.get("hashes", []):
            if not isinstance(entry, dict) or entry.get("alg") not in CYCLONEDX_HASHES:
                problems.append(f"component {label}: a hash with an unknown algorithm")
            elif not _HEX.fullmatch(str(entry.get("content", ""))):
                problems.append(f"component {label}: {entry['alg']} hash is not hexadecimal")
        if "bom-ref" in component:
            refs.append(str(component["bom-ref"]))
    for ref in sorted(set(ref for ref in refs if refs.count(ref) > 1)):
        problems.append(f"bom-ref {ref!r} is used twice")
    for entry in document.get("dependencies", []):
        if not isinstance(entry, dict) or "ref" not in entry:
            problems.append("a dependency entry has no ref")
            continue
        for ref in [entry["ref"], *entry.get("dependsOn", [])]:
            if ref not in refs:
                problems.append(f"dependency on {ref!r}, which no component has as bom-ref")
    return problems


def sbom_problems(text: str) -> tuple[dict | None, list[str]]:
    """(the parsed CycloneDX document, or None; why it is not valid CycloneDX JSON)."""
    try:
        document = json.loads(text)
    except ValueError as error:
        return None, [f"is not JSON: {error}"]
    if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
        return None, []  # another SBOM format (SPDX): PEP 770 takes any
    spec_version = str(document.get("specVersion", ""))
    try:
        validator = _sbom_validator(spec_version)
    except ValueError:
        return None, [f"specVersion {spec_version!r} is no CycloneDX version the validator knows"]
    if validator is None:
        problems = _structure_problems(document)
    else:
        errors = validator.validate_str(text, all_errors=True) or ()
        problems = sorted(set(_schema_problem(error) for error in errors))
    return (None if problems else document), problems
