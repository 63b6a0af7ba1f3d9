"""The CycloneDX SBOMs: the wheel's from crafted build information, the sdist's from go.mod
and go.sum text. Each document is checked against the CycloneDX 1.6 schema by
cyclonedx-python-lib's strict validator, and by the audit's own structural check."""

from __future__ import annotations

import base64
import json

import crafted
import pytest

from hatch_go_binary import __version__, audit, buildinfo, sbom
from hatch_go_binary.buildinfo import Module

LOCATION = "my_tool-1.0.data/scripts/my-tool"
BINARY = crafted.go_elf()
GO_MOD = """\
module example.com/tool // the main module

go 1.25.0

toolchain go1.27.3

require github.com/spf13/pflag v1.0.5

require (
	golang.org/x/sys v0.30.0 // indirect
	"example.com/quoted" v1.0.0
	example.com/old v1.2.0
	example.com/local v0.0.0
	example.com/pinned v1.0.0
)

replace (
	example.com/old => example.com/new v1.3.0
	example.com/local => ../local
)

replace example.com/pinned v1.0.0 => example.com/pinned v1.0.1

exclude example.com/never v0.1.0
"""
GO_SUM = f"""\
github.com/spf13/pflag v1.0.5 {crafted.PFLAG_SUM}
github.com/spf13/pflag v1.0.5/go.mod h1:McXfInJRrz4CZXVZOBLb0bTZqETkiAhM9Iw0y3An2Bg=
golang.org/x/sys v0.30.0 h1:QjkSwP/36a20jFYWkSue1YwXzLmsV5Gfq7Eiy72C1uc=
golang.org/x/sys v0.30.0/go.mod h1:/VUhepiaJMQUp4+oa/7Zr1D23ma6VTLIYjOOTFZPUcA=
example.com/new v1.3.0 h1:ZmFrZWZha2VmYWtlZmFrZWZha2VmYWtlZmFrZWZha2U=
"""


@pytest.fixture(scope="module")
def validator():
    """cyclonedx-python-lib's strict schema validator (the plugin test requirements hold it)."""
    pytest.importorskip("jsonschema", reason="cyclonedx-python-lib[json-validation]")
    validation = pytest.importorskip("cyclonedx.validation.json")
    schema = pytest.importorskip("cyclonedx.schema")
    return validation.JsonStrictValidator(schema.SchemaVersion.V1_6)


def assert_valid(validator, document: bytes) -> dict:
    errors = [
        str(error)[:300]
        for error in validator.validate_str(document.decode(), all_errors=True) or ()
    ]
    assert errors == []
    parsed = json.loads(document)
    assert audit.sbom_schema._structure_problems(parsed) == []  # the audit's fallback agrees
    return parsed


def wheel_document(data: bytes = BINARY, **toolchain) -> bytes:
    return sbom.wheel_sbom(
        name="My_Tool",
        version="1.0",
        license_expression="MIT",
        location=LOCATION,
        data=data,
        info=buildinfo.read(data),
        target="linux/amd64",
        toolchain=sbom.Toolchain(**toolchain),
    )


def by_ref(document: dict) -> dict[str, dict]:
    return {component["bom-ref"]: component for component in document["components"]}


def properties(component: dict) -> list[tuple[str, str]]:
    return [(entry["name"], entry["value"]) for entry in component.get("properties", [])]


# --- the wheel's SBOM --------------------------------------------------------------------------


def test_wheel_sbom_is_valid_cyclonedx_1_6(validator) -> None:
    document = assert_valid(validator, wheel_document())
    assert (document["bomFormat"], document["specVersion"], document["version"]) == (
        "CycloneDX",
        "1.6",
        1,
    )
    assert document["metadata"]["lifecycles"] == [{"phase": "build"}]


def test_the_distribution_is_the_primary_component() -> None:
    primary = json.loads(wheel_document())["metadata"]["component"]
    assert primary == {
        "type": "application",
        "bom-ref": "pkg:pypi/my-tool@1.0",
        "name": "My_Tool",
        "version": "1.0",
        "purl": "pkg:pypi/my-tool@1.0",
        "licenses": [{"expression": "MIT"}],
    }


def test_the_binary_with_its_sha256_where_it_ships() -> None:
    import hashlib

    binary = by_ref(json.loads(wheel_document()))[LOCATION]
    assert binary["type"] == "application" and binary["name"] == "my-tool"
    assert binary["hashes"] == [{"alg": "SHA-256", "content": hashlib.sha256(BINARY).hexdigest()}]
    assert binary["evidence"] == {"occurrences": [{"location": LOCATION}]}
    found = properties(binary)
    assert ("cdx:gomod:build:env:GOOS", "linux") in found  # CycloneDX's registered names
    assert ("cdx:gomod:build:env:GOARCH", "amd64") in found
    assert ("cdx:gomod:build:env:CGO_ENABLED", "0") in found
    assert ("hatch-go-binary:go:build:-trimpath", "true") in found
    assert ("hatch-go-binary:target", "linux/amd64") in found
    assert ("hatch-go-binary:go:main-package", "example.com/demo/cmd/demo") in found


def test_every_linked_module_as_the_binary_names_it() -> None:
    components = by_ref(json.loads(wheel_document()))
    pflag = components["pkg:golang/github.com/spf13/pflag@v1.0.5"]
    digest = base64.b64decode(crafted.PFLAG_SUM[3:]).hex()
    assert pflag["name"] == "github.com/spf13/pflag" and pflag["version"] == "v1.0.5"
    assert pflag["purl"] == "pkg:golang/github.com/spf13/pflag@v1.0.5"
    assert pflag["hashes"] == [{"alg": "SHA-256", "content": digest}]
    assert ("hatch-go-binary:go:sum", crafted.PFLAG_SUM) in properties(pflag)
    main = components["pkg:golang/example.com/demo"]  # (devel) is no version for a purl
    assert main["version"] == "(devel)" and "hashes" not in main
    assert ("hatch-go-binary:go:main-module", "true") in properties(main)


def test_a_replaced_module_appears_as_its_replacement() -> None:
    components = by_ref(json.loads(wheel_document()))
    assert not [ref for ref in components if "example.com/old" in ref]
    new = components["pkg:golang/example.com/new@v1.3.0"]
    assert ("hatch-go-binary:go:replaces", "example.com/old@v1.2.0") in properties(new)
    local = components["go-module-directory:../local"]  # a folder has no purl
    assert "purl" not in local and local["name"] == "../local"
    assert ("hatch-go-binary:go:replaces", "example.com/local@v0.0.0") in properties(local)


def test_the_standard_library_is_named_as_vulnerability_databases_name_it() -> None:
    stdlib = by_ref(json.loads(wheel_document()))["pkg:golang/stdlib@1.27.3"]
    assert (stdlib["name"], stdlib["version"], stdlib["type"]) == ("stdlib", "go1.27.3", "library")


def test_the_graph_goes_distribution_binary_modules() -> None:
    document = json.loads(wheel_document())
    assert document["dependencies"] == [
        {"ref": "pkg:pypi/my-tool@1.0", "dependsOn": [LOCATION]},
        {
            "ref": LOCATION,
            "dependsOn": [
                "pkg:golang/example.com/demo",
                "go-module-directory:../local",
                "pkg:golang/example.com/new@v1.3.0",
                "pkg:golang/github.com/spf13/pflag@v1.0.5",
                "pkg:golang/stdlib@1.27.3",
            ],
        },
    ]


def test_the_tools_that_made_it(validator) -> None:
    plain = json.loads(wheel_document())["metadata"]["tools"]["components"]
    assert plain == [
        {
            "type": "application",
            "name": "hatch-go-binary",
            "version": __version__,
            "purl": f"pkg:pypi/hatch-go-binary@{__version__}",
        },
        {"type": "application", "name": "go", "version": "go1.27.3"},
    ]
    document = wheel_document(zig="0.17.1", zig_target="x86_64-linux-musl")
    tools = assert_valid(validator, document)["metadata"]["tools"]["components"]
    assert tools[1] == {"type": "application", "name": "go", "version": "go1.27.3"}
    assert tools[2] == {
        "type": "application",
        "name": "ziglang",
        "version": "0.17.1",
        "purl": "pkg:pypi/ziglang@0.17.1",
    }
    binary = by_ref(json.loads(document))[LOCATION]
    assert ("hatch-go-binary:zig:target", "x86_64-linux-musl") in properties(binary)


def test_c_code_of_a_cgo_build_is_named_on_its_module(validator) -> None:
    c_code = {
        "example.com/demo": ["internal/words_cgo.go", "internal/count.c"],
        "example.com/new": ["x.h"],
    }
    document = assert_valid(validator, wheel_document(c_code=c_code))
    components = by_ref(document)
    main = properties(components["pkg:golang/example.com/demo"])
    assert [value for name, value in main if name == "hatch-go-binary:cgo:file"] == [
        "internal/count.c",
        "internal/words_cgo.go",
    ]
    # keyed by the module the code imports as; its replacement carries it
    assert ("hatch-go-binary:cgo:file", "x.h") in properties(
        components["pkg:golang/example.com/new@v1.3.0"]
    )


def test_the_same_inputs_give_the_same_bytes() -> None:
    assert wheel_document() == wheel_document()


def test_the_serial_number_follows_the_content() -> None:
    first = json.loads(wheel_document())["serialNumber"]
    other = json.loads(wheel_document(BINARY + b"\0"))["serialNumber"]
    assert first.startswith("urn:uuid:") and first != other


def test_the_timestamp_is_source_date_epoch(monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert json.loads(wheel_document())["metadata"]["timestamp"] == "2020-02-02T00:00:00Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert json.loads(wheel_document())["metadata"]["timestamp"] == "2023-11-14T22:13:20Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")  # zips start in 1980, and so does the SBOM
    assert sbom.timestamp() == "1980-01-01T00:00:00Z"


def test_the_timestamp_is_hatchlings(monkeypatch) -> None:
    utils = pytest.importorskip("hatchling.builders.utils")
    for epoch in (None, "1234567890"):
        if epoch is None:
            monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
        else:
            monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
        import time

        expected = time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(utils.get_reproducible_timestamp())
        )
        assert sbom.timestamp() == expected


def test_json_is_plain_utf8_with_a_final_newline() -> None:
    document = sbom.wheel_sbom(
        name="naïve-tool",
        version="1.0",
        license_expression=None,
        location="naive_tool-1.0.data/scripts/naïve",
        data=BINARY,
        info=buildinfo.read(BINARY),
        target="linux/amd64",
        toolchain=sbom.Toolchain(),
    )
    assert document.endswith(b"}\n") and "naïve".encode() in document
    assert "licenses" not in json.loads(document)["metadata"]["component"]


# --- purls and hashes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "version", "expected"),
    [
        ("github.com/spf13/pflag", "v1.0.5", "pkg:golang/github.com/spf13/pflag@v1.0.5"),
        ("github.com/BurntSushi/toml", "v1.3.2", "pkg:golang/github.com/BurntSushi/toml@v1.3.2"),
        ("example.com/x", "v2.0.0+incompatible", "pkg:golang/example.com/x@v2.0.0%2Bincompatible"),
        ("example.com/x", "", "pkg:golang/example.com/x"),
        ("example.com/a b", "v1", "pkg:golang/example.com/a%20b@v1"),
    ],
)
def test_golang_purl(path: str, version: str, expected: str) -> None:
    assert sbom.golang_purl(path, version) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("My_Go.Tool", "pkg:pypi/my-go-tool@1.0"), ("tool", "pkg:pypi/tool@1.0")],
)
def test_pypi_purl_uses_the_normalized_name(name: str, expected: str) -> None:
    assert sbom.pypi_purl(name, "1.0") == expected


@pytest.mark.parametrize(
    ("release", "expected"),
    [("go1.27.3", "pkg:golang/stdlib@1.27.3"), ("go1.28rc1", "pkg:golang/stdlib@1.28rc1")],
)
def test_stdlib_purl(release: str, expected: str) -> None:
    assert sbom.stdlib_purl(release) == expected


@pytest.mark.parametrize(
    ("h1", "expected"),
    [
        (crafted.PFLAG_SUM, "8b2f951543823f56bef3216da3f76b836089e6ed3246807b7d9c370cabff2570"),
        ("h1:short=", None),
        ("h1:not base64!", None),
        ("h2:" + crafted.PFLAG_SUM[3:], None),
        ("", None),
    ],
)
def test_h1_to_sha256(h1: str, expected: str | None) -> None:
    assert sbom.h1_to_sha256(h1) == expected


def test_two_modules_replaced_by_one_are_one_component(validator) -> None:
    modinfo = "mod\tx\t(devel)\t\ndep\ta\tv1\n=>\tc\tv3\th1:x\ndep\tb\tv2\n=>\tc\tv3\th1:x\n"
    data = crafted.go_buildinfo(modinfo)
    document = assert_valid(validator, wheel_document(data))
    assert [ref for ref in by_ref(document) if "/c@" in ref] == ["pkg:golang/c@v3"]


# --- the sdist's SBOM: go.mod and go.sum as text --------------------------------------------------


def test_parse_go_mod() -> None:
    parsed = sbom.parse_go_mod(GO_MOD)
    assert (parsed.module, parsed.go, parsed.toolchain) == (
        "example.com/tool",
        "1.25.0",
        "go1.27.3",
    )
    assert parsed.requires == (
        ("github.com/spf13/pflag", "v1.0.5", False),
        ("golang.org/x/sys", "v0.30.0", True),
        ("example.com/quoted", "v1.0.0", False),
        ("example.com/old", "v1.2.0", False),
        ("example.com/local", "v0.0.0", False),
        ("example.com/pinned", "v1.0.0", False),
    )
    assert parsed.replaces == (
        ("example.com/old", "", "example.com/new", "v1.3.0"),
        ("example.com/local", "", "../local", ""),
        ("example.com/pinned", "v1.0.0", "example.com/pinned", "v1.0.1"),
    )


def test_parse_go_sum_keeps_the_module_hashes_not_the_go_mod_ones() -> None:
    assert sbom.parse_go_sum(GO_SUM)[("github.com/spf13/pflag", "v1.0.5")] == crafted.PFLAG_SUM
    assert ("github.com/spf13/pflag", "v1.0.5/go.mod") not in sbom.parse_go_sum(GO_SUM)


def sdist_document(go_mod: str = GO_MOD, go_sum: str = GO_SUM) -> bytes:
    return sbom.sdist_sbom(
        name="My_Tool", version="1.0", license_expression="MIT", go_mod=go_mod, go_sum=go_sum
    )


def test_sdist_sbom_is_valid_cyclonedx_1_6(validator) -> None:
    document = assert_valid(validator, sdist_document())
    assert document["metadata"]["lifecycles"] == [{"phase": "pre-build"}]
    assert document["metadata"]["component"]["purl"] == "pkg:pypi/my-tool@1.0"


def test_sdist_sbom_lists_what_go_mod_requires() -> None:
    document = json.loads(sdist_document())
    components = by_ref(document)
    assert sorted(components) == [
        "go-module-directory:../local",
        "pkg:golang/example.com/new@v1.3.0",
        "pkg:golang/example.com/pinned@v1.0.1",
        "pkg:golang/example.com/quoted@v1.0.0",
        "pkg:golang/example.com/tool",
        "pkg:golang/github.com/spf13/pflag@v1.0.5",
        "pkg:golang/golang.org/x/sys@v0.30.0",
    ]
    pflag = components["pkg:golang/github.com/spf13/pflag@v1.0.5"]
    assert ("hatch-go-binary:go:sum", crafted.PFLAG_SUM) in properties(pflag)
    assert ("hatch-go-binary:go:indirect", "true") in properties(
        components["pkg:golang/golang.org/x/sys@v0.30.0"]
    )
    assert "hashes" not in components["pkg:golang/example.com/pinned@v1.0.1"]  # not in go.sum
    main = components["pkg:golang/example.com/tool"]
    assert ("hatch-go-binary:go:directive", "1.25.0") in properties(main)
    assert ("hatch-go-binary:go:toolchain", "go1.27.3") in properties(main)
    assert document["dependencies"][0] == {
        "ref": "pkg:pypi/my-tool@1.0",
        "dependsOn": ["pkg:golang/example.com/tool"],
    }
    assert document["dependencies"][1]["ref"] == "pkg:golang/example.com/tool"
    assert sorted(document["dependencies"][1]["dependsOn"]) == sorted(
        set(components) - {"pkg:golang/example.com/tool"}
    )


def test_sdist_sbom_of_a_module_without_requirements(validator) -> None:
    document = assert_valid(validator, sdist_document("module example.com/tool\n\ngo 1.25.0\n", ""))
    assert [component["name"] for component in document["components"]] == ["example.com/tool"]
    assert document["dependencies"][1] == {"ref": "pkg:golang/example.com/tool", "dependsOn": []}


def test_sdist_sbom_is_reproducible() -> None:
    assert sdist_document() == sdist_document()
    assert sdist_document() != sdist_document(GO_MOD.replace("v1.0.5", "v1.0.6"))


def test_module_component_without_a_sum_has_no_hash() -> None:
    component = sbom.module_component(Module("example.com/x", "v1.0.0"))
    assert "hashes" not in component and "properties" not in component
