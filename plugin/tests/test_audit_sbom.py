"""The audit's SBOM rules (PEP 770) on hand-made wheels whose script carries crafted Go build
information: each rule beside a passing case, with cyclonedx-python-lib's schema validator
and with the structural check that stands in for it when the library is missing."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import crafted
import pytest

import hatch_go_binary.audit as audit

X86_64 = "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64"
SCRIPT = "demo-1.0.data/scripts/demo"
SBOM = "sboms/demo.cyclonedx.json"
SBOM_ENTRY = f"demo-1.0.dist-info/{SBOM}"


@pytest.fixture(params=["schema", "structure"])
def validation(request, monkeypatch) -> str:
    """Each test that takes this runs with the schema validator and with the fallback."""
    if request.param == "schema":
        pytest.importorskip("cyclonedx.validation.json")
        pytest.importorskip("jsonschema")
        assert audit.sbom_schema._cyclonedx() is not None
    else:
        for module in (audit.sbom_schema, audit.runner):
            monkeypatch.setattr(module, "_cyclonedx_installed", lambda: False)
        monkeypatch.setattr(audit.sbom_schema, "_cyclonedx", lambda: None)
        monkeypatch.setattr(audit.sbom_schema, "_sbom_validator", lambda version: None)
    return request.param


def checks(findings: list[audit.Finding]) -> list[str]:
    return sorted(finding.check for finding in findings)


def messages(findings: list[audit.Finding], check: str = "sbom") -> str:
    return "\n".join(str(finding) for finding in findings if finding.check == check)


def go_sbom(data: bytes | None = None) -> dict:
    """The plugin's SBOM for a Go binary, parsed, for a test to edit."""
    (document,) = crafted.sboms_for("demo", "1.0", {"demo": data or crafted.go_elf()}).values()
    return json.loads(document)


def audited(tmp_path: Path, scripts=None, sboms=None, **options) -> list[audit.Finding]:
    scripts = {"demo": crafted.go_elf()} if scripts is None else scripts
    wheel = crafted.make_wheel(tmp_path, X86_64, scripts, sboms=sboms, **options)
    return audit.audit_wheel(wheel, ["demo"])


def encoded(document: dict) -> dict[str, bytes]:
    return {SBOM: json.dumps(document, indent=2).encode()}


def component(document: dict, ref: str) -> dict:
    (found,) = [entry for entry in document["components"] if entry["bom-ref"] == ref]
    return found


# --- the passing cases ---------------------------------------------------------------------------


def test_a_go_binary_with_the_plugins_sbom_passes(tmp_path: Path, validation: str) -> None:
    assert [str(finding) for finding in audited(tmp_path)] == []


def test_a_binary_without_go_build_information_needs_only_its_hash(
    tmp_path: Path, validation: str
) -> None:
    assert [str(finding) for finding in audited(tmp_path, {"demo": crafted.elf()})] == []


def test_a_wheel_without_native_scripts_needs_no_sbom(tmp_path: Path, validation: str) -> None:
    wheel = crafted.make_wheel(tmp_path, "any", {"demo": b"#!/bin/sh\necho hi\n"}, sboms={})
    assert [str(finding) for finding in audit.audit_wheel(wheel)] == []


def test_each_of_several_binaries_needs_its_own_sbom(tmp_path: Path, validation: str) -> None:
    scripts = {"demo": crafted.go_elf(), "helper": crafted.elf()}
    assert audited(tmp_path / "both", scripts) == []
    only_one = crafted.sboms_for("demo", "1.0", {"demo": scripts["demo"]})
    findings = audited(tmp_path / "one", scripts, only_one)
    assert checks(findings) == ["sbom"]
    assert "no SBOM component describes demo-1.0.data/scripts/helper" in messages(findings)


HELPER = crafted.go_elf(crafted.MODINFO.replace("cmd/demo", "cmd/helper"))


def test_two_go_commands_each_need_an_sbom_of_their_own_binary(
    tmp_path: Path, validation: str
) -> None:
    scripts = {"demo": crafted.go_elf(), "helper": HELPER}
    wheel = crafted.make_wheel(tmp_path / "both", X86_64, scripts)
    assert audit.audit_wheel(wheel, ["demo", "helper"]) == []
    findings = audit.audit_wheel(wheel, ["demo", "helper", "gamma"])
    assert [str(finding) for finding in findings] == [
        f"{wheel.name}: [scripts] no gamma under demo-1.0.data/scripts/ (--command gamma); "
        "found demo, helper"
    ]
    only_demo = crafted.sboms_for("demo", "1.0", {"demo": scripts["demo"]})
    findings = audited(tmp_path / "one", scripts, only_demo)
    assert checks(findings) == ["sbom"]
    assert "no SBOM component describes demo-1.0.data/scripts/helper" in messages(findings)
    # helper's SBOM made from demo's binary: present, but it describes another binary
    crossed = crafted.sboms_for("demo", "1.0", {"demo": scripts["demo"], "helper": scripts["demo"]})
    findings = audited(tmp_path / "crossed", scripts, crossed)
    assert checks(findings) == ["sbom"]
    assert "sboms/helper.cyclonedx.json gives demo-1.0.data/scripts/helper the SHA-256" in (
        messages(findings)
    )


def test_an_sbom_of_a_script_the_wheel_lacks_is_caught(tmp_path: Path, validation: str) -> None:
    """Left over from a command no longer built: it vouches for nothing in this wheel."""
    scripts = {"demo": crafted.go_elf()}
    sboms = crafted.sboms_for("demo", "1.0", {**scripts, "gone": HELPER})
    findings = audited(tmp_path, scripts, sboms)
    assert checks(findings) == ["sbom"]
    assert (
        "sboms/gone.cyclonedx.json describes demo-1.0.data/scripts/gone, which the wheel does "
        "not hold: an SBOM of another build, or of a command no longer built"
    ) in messages(findings)


def test_spdx_and_other_formats_beside_it_are_left_alone(tmp_path: Path, validation: str) -> None:
    sboms = crafted.sboms_for("demo", "1.0", {"demo": crafted.go_elf()})
    sboms["sboms/extra.spdx.json"] = b'{"spdxVersion": "SPDX-2.3"}'
    sboms["sboms/extra.spdx"] = b"SPDXVersion: SPDX-2.3\n"
    assert audited(tmp_path, sboms=sboms) == []


# --- missing, unlisted, invalid ----------------------------------------------------------------


def test_a_wheel_without_an_sbom_is_refused_with_the_fix(tmp_path: Path, validation: str) -> None:
    findings = audited(tmp_path, sboms={})
    assert checks(findings) == ["sbom"]
    text = messages(findings)
    assert f"no CycloneDX SBOM in demo-1.0.dist-info/sboms/ describes {SCRIPT} (PEP 770)" in text
    assert "rebuild the wheel with hatch-go-binary (python -m hatch_go_binary build)" in text
    assert "demo-1.0.dist-info/sboms/<command>.cyclonedx.json" in text


def test_an_sbom_missing_from_record_is_caught(tmp_path: Path, validation: str) -> None:
    contents = crafted.wheel_contents(
        "demo", "1.0", [f"py3-none-{tag}" for tag in X86_64.split(".")], {"demo": crafted.go_elf()}
    )
    record = "demo-1.0.dist-info/RECORD"
    contents[record] = b"".join(
        line + b"\n" for line in contents[record].splitlines() if b"/sboms/" not in line
    )
    path = crafted.write_zip(tmp_path / f"demo-1.0-py3-none-{X86_64}.whl", contents)
    findings = audit.audit_wheel(path)
    assert checks(findings) == ["record", "sbom"]
    assert f"{SBOM_ENTRY} is not listed in RECORD" in messages(findings)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"{not json", "is not JSON", id="not-json"),
        pytest.param(
            b'{"bomFormat": "CycloneDX", "specVersion": "9.9"}', "specVersion", id="unknown-version"
        ),
    ],
)
def test_an_unreadable_sbom_is_caught(
    tmp_path: Path, validation: str, data: bytes, expected: str
) -> None:
    findings = audited(tmp_path, sboms={SBOM: data})
    assert checks(findings) == ["sbom", "sbom"]  # invalid, and so the binary is undescribed
    assert f"{SBOM_ENTRY} is not valid CycloneDX" in messages(findings) and expected in messages(
        findings
    )


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        pytest.param(lambda doc: doc["components"][1].update(type="module"), "type", id="bad-type"),
        pytest.param(
            lambda doc: doc["components"][0]["hashes"][0].update(alg="SHA256"), "alg", id="bad-alg"
        ),
        pytest.param(lambda doc: doc.update(serialNumber="12345"), "serialNumber", id="bad-serial"),
        pytest.param(lambda doc: doc["components"][1].pop("name"), "name", id="no-name"),
        pytest.param(lambda doc: doc.update(version=0), "version", id="version-0"),
    ],
)
def test_an_sbom_against_the_schema_is_caught(
    tmp_path: Path, validation: str, damage, expected: str
) -> None:
    document = go_sbom()
    damage(document)
    findings = audited(tmp_path, sboms=encoded(document))
    assert "sbom" in checks(findings)
    assert f"{SBOM_ENTRY} is not valid CycloneDX" in messages(findings)
    assert expected in messages(findings)


def test_the_schema_refuses_what_the_structure_lets_by(tmp_path: Path) -> None:
    """With the validator, strict: a property CycloneDX does not define is an error."""
    pytest.importorskip("cyclonedx.validation.json")
    pytest.importorskip("jsonschema")
    document = go_sbom()
    document["metadata"]["generatedBy"] = "me"
    findings = audited(tmp_path, sboms=encoded(document))
    assert "Additional properties are not allowed ('generatedBy' was unexpected)" in messages(
        findings
    )
    assert len(messages(findings)) < 1000  # one line per error, not the schema


# --- the SBOM must describe the binary ----------------------------------------------------------


def test_an_sbom_of_another_binary_is_caught(tmp_path: Path, validation: str) -> None:
    other = crafted.go_elf(machine=crafted.EM_AARCH64)
    findings = audited(tmp_path, sboms=crafted.sboms_for("demo", "1.0", {"demo": other}))
    assert checks(findings) == ["sbom"]
    assert f"gives {SCRIPT} the SHA-256" in messages(findings)
    assert "the SBOM describes another binary" in messages(findings)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(
            lambda doc: component(doc, "pkg:golang/github.com/spf13/pflag@v1.0.5").update(
                version="v1.0.6"
            ),
            "lists modules the binary does not hold: github.com/spf13/pflag@v1.0.6",
            id="version",
        ),
        pytest.param(
            lambda doc: component(doc, "pkg:golang/github.com/spf13/pflag@v1.0.5")["hashes"][
                0
            ].update(content="0" * 64),
            "lacks modules the binary holds: github.com/spf13/pflag@v1.0.5 (h1:iy+VFUOCP1a",
            id="hash",
        ),
        pytest.param(
            lambda doc: component(doc, "pkg:golang/github.com/spf13/pflag@v1.0.5")["properties"][
                0
            ].update(value="h1:x"),
            "hatch-go-binary:go:sum h1:x but SHA-256 h1:iy+",
            id="sum-property",
        ),
        pytest.param(
            lambda doc: doc["dependencies"][1]["dependsOn"].remove(
                "pkg:golang/example.com/new@v1.3.0"
            ),
            "lacks modules the binary holds: example.com/new@v1.3.0",
            id="module-left-out",
        ),
        pytest.param(
            lambda doc: component(doc, "pkg:golang/stdlib@1.27.3").update(version="go1.26.0"),
            "names the Go standard library go1.26.0, but the binary was linked by go1.27.3",
            id="stdlib",
        ),
        pytest.param(
            lambda doc: doc["dependencies"][1]["dependsOn"].remove("pkg:golang/stdlib@1.27.3"),
            "names the Go standard library nowhere",
            id="no-stdlib",
        ),
    ],
)
def test_modules_that_differ_from_the_build_information_are_caught(
    tmp_path: Path, validation: str, edit, expected: str
) -> None:
    document = go_sbom()
    edit(document)
    findings = audited(tmp_path, sboms=encoded(document))
    assert checks(findings) == ["sbom"]
    text = messages(findings)
    assert f"{SBOM_ENTRY} does not match the build information in {SCRIPT}" in text
    assert expected in text


def test_go_modules_for_a_binary_without_build_information_are_caught(
    tmp_path: Path, validation: str
) -> None:
    plain = crafted.elf()
    document = go_sbom()
    binary = component(document, SCRIPT)
    binary["hashes"][0]["content"] = hashlib.sha256(plain).hexdigest()
    findings = audited(tmp_path, {"demo": plain}, encoded(document))
    assert checks(findings) == ["sbom"]
    assert "lists Go modules for" in messages(
        findings
    ) and "holds no Go build information" in messages(findings)


def test_an_sbom_whose_binary_component_names_no_location_is_caught(
    tmp_path: Path, validation: str
) -> None:
    document = go_sbom()
    binary = component(document, SCRIPT)
    binary.pop("evidence")
    binary["bom-ref"] = "elsewhere"
    document["dependencies"][0]["dependsOn"] = ["elsewhere"]
    document["dependencies"][1]["ref"] = "elsewhere"
    findings = audited(tmp_path, sboms=encoded(document))
    assert checks(findings) == ["sbom"]
    assert f"no SBOM component describes {SCRIPT}" in messages(findings)


# --- the sdist's SBOM, the pass cache, the command line ------------------------------------------


def test_an_sdists_sbom_must_be_valid(tmp_path: Path, validation: str) -> None:
    from hatch_go_binary import sbom

    good = sbom.sdist_sbom(
        name="demo", version="1.0", license_expression=None, go_mod="module x\n", go_sum=""
    )
    for label, data, failing in (
        ("good", good, False),
        ("bad", b'{"bomFormat": "CycloneDX"}', True),
    ):
        path = crafted.make_sdist(tmp_path / label, pkg_info=crafted.pkg_info())
        with tarfile.open(path, "r:gz") as archive:
            members = [
                (member, archive.extractfile(member).read()) for member in archive.getmembers()
            ]
        with tarfile.open(path, "w:gz") as archive:
            for member, content in [
                *members,
                (tarfile.TarInfo("demo-1.0/sboms/demo.cyclonedx.json"), data),
            ]:
                member.size = len(content)
                archive.addfile(member, io.BytesIO(content))
        findings = audit.audit_sdist(path)
        assert (checks(findings) == ["sbom"]) is failing, findings


def test_the_pass_cache_knows_which_validator_passed_a_file(monkeypatch) -> None:
    """A pass with the structural check only is no pass once the schema can be checked."""
    pytest.importorskip("cyclonedx.validation.json")
    pytest.importorskip("jsonschema")
    with_schema = audit.checker_identity([], False)
    assert "cyclonedx-python-lib 1" in with_schema
    monkeypatch.setattr(audit.sbom_schema, "_cyclonedx_installed", lambda: False)
    assert "cyclonedx-python-lib absent" in audit.checker_identity([], False)


def test_without_the_validator_the_command_line_says_how_to_get_it(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(audit.runner, "_cyclonedx_installed", lambda: False)
    monkeypatch.setattr(audit.sbom_schema, "_sbom_validator", lambda version: None)
    assert audit.main([str(crafted.make_wheel(tmp_path, X86_64, {"demo": crafted.go_elf()}))]) == 0
    captured = capsys.readouterr()
    assert "SBOMs get a structural check only" in captured.err
    assert 'pip install "cyclonedx-python-lib[json-validation]>=11"' in captured.err
