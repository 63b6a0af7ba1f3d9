"""SBOMs of a project with a real third-party module (fetched from the Go module proxy): the
host wheel's SBOM names it with the version and h1: hash go.sum holds, as the binary's build
information does; the sdist's SBOM names it from go.mod and go.sum; the audit passes both.

The default project has no module of its own to list; tests/test_matrix.py checks its SBOMs
on every target."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, make_copier, uv_build

PFLAG = "github.com/spf13/pflag"
PFLAG_VERSION = "v1.0.5"
# go.sum's lines for it: the module's files, and its go.mod
PFLAG_SUM = "h1:iy+VFUOCP1a+8yFto/drg2CJ5u0yRoB7fZw3DKv/JXA="
GO_MOD_SUM = "h1:McXfInJRrz4CZXVZOBLb0bTZqETkiAhM9Iw0y3An2Bg="
GO_SUM = f"{PFLAG} {PFLAG_VERSION} {PFLAG_SUM}\n{PFLAG} {PFLAG_VERSION}/go.mod {GO_MOD_SUM}\n"


@pytest.fixture(scope="module")
def with_pflag(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project, its command linking github.com/spf13/pflag."""
    project = make_copier(template, tmp_path_factory.mktemp("pflag"))
    go_mod = project / "go.mod"
    go_mod.write_text(go_mod.read_text() + f"\nrequire {PFLAG} {PFLAG_VERSION}\n")
    (project / "go.sum").write_text(GO_SUM)
    (project / "cmd" / "my-go-tool" / "flags.go").write_text(f'package main\n\nimport _ "{PFLAG}"\n')
    return project


@pytest.fixture(scope="module")
def built(with_pflag: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pflag-dist")
    return {"wheel": uv_build(with_pflag, out / "wheel"), "sdist": uv_build(with_pflag, out / "sdist", "--sdist")}


def record_row(data: bytes) -> bytes:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return b"sha256=" + digest + b"," + str(len(data)).encode()


def validated(text: str) -> dict:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    return json.loads(text)


def pflag_component(document: dict) -> dict:
    (found,) = [c for c in document["components"] if c.get("purl") == f"pkg:golang/{PFLAG}@{PFLAG_VERSION}"]
    return found


def test_the_wheels_sbom_lists_the_module_with_go_sums_hash(built: dict[str, Path]) -> None:
    with zipfile.ZipFile(built["wheel"]) as archive:
        document = validated(archive.read("my_go_tool-0.1.0.dist-info/sboms/my-go-tool.cyclonedx.json").decode())
    pflag = pflag_component(document)
    assert (pflag["name"], pflag["version"]) == (PFLAG, PFLAG_VERSION)
    assert pflag["hashes"] == [{"alg": "SHA-256", "content": base64.b64decode(PFLAG_SUM[3:]).hex()}]
    assert {"name": "hatch-go-binary:go:sum", "value": PFLAG_SUM} in pflag["properties"]
    (binary_graph,) = [entry for entry in document["dependencies"] if entry["ref"].endswith("/scripts/my-go-tool")]
    assert pflag["bom-ref"] in binary_graph["dependsOn"]


def test_the_sdists_sbom_lists_what_go_mod_requires(built: dict[str, Path]) -> None:
    with tarfile.open(built["sdist"]) as archive:
        text = archive.extractfile("my_go_tool-0.1.0/sboms/my-go-tool.cyclonedx.json").read().decode()
    pflag = pflag_component(validated(text))
    assert {"name": "hatch-go-binary:go:sum", "value": PFLAG_SUM} in pflag["properties"]


def test_the_audit_passes_both_and_refuses_a_wheel_whose_module_changed(built: dict[str, Path], tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugin" / "src")}
    audit = [sys.executable, "-m", "hatch_go_binary.audit", "--command", "my-go-tool"]
    done = subprocess.run([*audit, str(built["wheel"]), str(built["sdist"])], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "structural check only" not in done.stderr  # the schema validator is installed
    # the SBOM says v1.0.6: the binary's build information says otherwise
    changed = tmp_path / built["wheel"].name
    sbom = "my_go_tool-0.1.0.dist-info/sboms/my-go-tool.cyclonedx.json"
    with zipfile.ZipFile(built["wheel"]) as source, zipfile.ZipFile(changed, "w") as copy:
        old = source.read(sbom)
        new = old.replace(b'"version": "v1.0.5"', b'"version": "v1.0.6"')
        assert new != old
        for info in source.infolist():
            data = {sbom: new}.get(info.filename) or source.read(info)
            if info.filename.endswith("/RECORD"):  # still consistent: only the SBOM lies
                data = data.replace(record_row(old), record_row(new))
            copy.writestr(info, data)
    done = subprocess.run([*audit, str(changed)], capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert f"lists modules the binary does not hold: {PFLAG}@v1.0.6" in done.stdout
    assert f"lacks modules the binary holds: {PFLAG}@{PFLAG_VERSION} ({PFLAG_SUM})" in done.stdout
