"""The release sessions of the generated project, against a real package index on loopback.

pypiserver serves an index on 127.0.0.1 with upload passwords; the default project's
linux/amd64 wheel and sdist go up with `nox -s publish`, then come back down through
pip, uvx, and a second package that depends on the tool, each in a fresh environment.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from conftest import BIN, make_copier, run_nox

VERSION_LINE = "my-go-tool 0.1.0"
WHEEL = "my_go_tool-0.1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64.whl"
SDIST = "my_go_tool-0.1.0.tar.gz"
USER, PASSWORD = "uploader", "correct horse battery staple"
# One worker builds the project once and runs every test against it, in order.
pytestmark = pytest.mark.xdist_group("publish")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Index:
    """A pypiserver on 127.0.0.1 that takes uploads from USER, and the files it holds."""

    def __init__(self, root: Path) -> None:
        with warnings.catch_warnings():  # passlib still imports crypt, deprecated since 3.11
            warnings.simplefilter("ignore", DeprecationWarning)
            from passlib.apache import HtpasswdFile

        self.packages = root / "packages"
        self.packages.mkdir(parents=True)
        passwords = HtpasswdFile(str(root / "htpasswd"), new=True, default_scheme="sha256_crypt")
        passwords.set_password(USER, PASSWORD)
        passwords.save()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.simple = f"{self.url}simple/"
        self.log = root / "server.log"
        command = [sys.executable, "-m", "pypiserver", "run", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--passwords", str(root / "htpasswd"), "--authenticate", "update", "--disable-fallback"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([*command, str(self.packages)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.simple, timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    pytest.fail(f"pypiserver did not start:\n{self.log.read_text()}")
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def digests(self) -> dict[str, str]:
        return {path.name: sha256(path) for path in sorted(self.packages.iterdir())}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    server = Index(tmp_path_factory.mktemp("index"))
    yield server
    server.stop()


@pytest.fixture
def empty_index(tmp_path: Path) -> Iterator[Index]:
    server = Index(tmp_path / "index")
    yield server
    server.stop()


def nox(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The project's nox, with no Go on PATH (conftest.run_nox) and these variables set."""
    with mock.patch.dict(os.environ, env):
        return run_nox(project, *args)


def nox_ok(project: Path, *args: str, **env: str) -> str:
    done = nox(project, *args, **env)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-6000:]
    return done.stdout + done.stderr


def nox_fails(project: Path, *args: str, **env: str) -> str:
    done = nox(project, *args, **env)
    assert done.returncode != 0, done.stdout[-6000:] + done.stderr[-6000:]
    return " ".join((done.stdout + done.stderr).split())  # messages as one line, whatever the wrapping


def credentials(password: str = PASSWORD) -> dict[str, str]:
    return {"TWINE_USERNAME": USER, "TWINE_PASSWORD": password}


def twine_upload(index: Index, *files: Path) -> None:
    """Upload behind the session's back: what an interrupted or an earlier release left."""
    command = [str(BIN / "twine"), "upload", "--non-interactive", "--repository-url", index.url, *map(str, files)]
    done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **credentials()})
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def project(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project with dist/ holding its linux/amd64 wheel and its sdist."""
    project = make_copier(template, tmp_path_factory.mktemp("publish"))
    nox_ok(project, "-s", "wheels", "--", "linux/amd64")
    assert sorted(path.name for path in (project / "dist").iterdir()) == [WHEEL, SDIST]
    return project


@pytest.fixture(scope="module")
def published(project: Path, index: Index) -> list[str]:
    """An interrupted upload (the sdist made it), then `nox -s publish` twice; their outputs."""
    twine_upload(index, project / "dist" / SDIST)
    args = ["-s", "publish", "--", "--repository-url", index.url]
    return [nox_ok(project, *args, **credentials()), nox_ok(project, *args, **credentials())]


def fresh_venv(where: Path) -> Path:
    """A new virtual environment; returns its python."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    return where / ("Scripts" if os.name == "nt" else "bin") / "python"


def pip_from(index: Index, python: Path, *requirements: str) -> None:
    command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--index-url", index.simple]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    done = subprocess.run([*command, *requirements], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout + done.stderr


def test_publish_resumes_an_interrupted_upload(published: list[str], index: Index, project: Path) -> None:
    first, again = published
    assert f"already on the index, identical: {SDIST}" in first
    assert f"Uploaded to {index.url}: {WHEEL}" in first
    # the index now holds exactly dist/, byte for byte
    assert index.digests() == {name: sha256(project / "dist" / name) for name in (WHEEL, SDIST)}
    # and a third run, after a complete upload, changes nothing
    assert "Every file of my-go-tool 0.1.0 is already on" in again
    assert "Uploading" not in again


def test_pip_installs_the_tool_from_the_index(published: list[str], index: Index, tmp_path: Path) -> None:
    python = fresh_venv(tmp_path / "venv")
    pip_from(index, python, "my-go-tool")
    command = python.parent / "my-go-tool"
    assert subprocess.run([command, "--version"], capture_output=True, text=True).stdout.strip() == VERSION_LINE
    module = subprocess.run([python, "-m", "my_go_tool", "--version"], capture_output=True, text=True)
    assert module.stdout.strip() == VERSION_LINE
    found = subprocess.run(
        [python, "-c", "from my_go_tool import get_binary_path; print(get_binary_path())"],
        capture_output=True,
        text=True,
    )
    assert Path(found.stdout.strip()).samefile(command)


def test_uvx_runs_the_tool_from_the_index(published: list[str], index: Index, tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("UV_", "VIRTUAL_ENV"))}
    env |= {"UV_CACHE_DIR": str(tmp_path / "cache"), "UV_TOOL_DIR": str(tmp_path / "tools")}
    env |= {"UV_PYTHON": sys.executable, "UV_PYTHON_DOWNLOADS": "never", "UV_NO_CONFIG": "1"}
    uvx = shutil.which("uvx", path=str(BIN)) or shutil.which("uvx")
    assert uvx, "uvx is missing: the template's tests install uv"
    done = subprocess.run(
        [uvx, "--index-url", index.simple, "my-go-tool", "--version"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == VERSION_LINE


PLUGIN = '''\
"""Counts words with my-go-tool's binary, as a plugin of a Go-backed tool would."""

import json
import subprocess

from my_go_tool import get_binary_path


def count_words(text: str) -> int:
    done = subprocess.run(
        [get_binary_path(), "--json"], input=text.encode(), capture_output=True, check=True
    )
    return json.loads(done.stdout)["total"]["words"]
'''


def test_a_package_depending_on_the_tool_installs_and_works(published: list[str], index: Index, tmp_path: Path) -> None:
    source = tmp_path / "plugin"
    (source / "src" / "word_plugin").mkdir(parents=True)
    (source / "src" / "word_plugin" / "__init__.py").write_text(PLUGIN)
    (source / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling>=1.27"]\nbuild-backend = "hatchling.build"\n\n'
        '[project]\nname = "word-plugin"\nversion = "1.0.0"\ndependencies = ["my-go-tool>=0.1"]\n'
    )
    uv = shutil.which("uv", path=str(BIN)) or shutil.which("uv")
    assert uv, "uv is missing: the template's tests install uv"
    built = subprocess.run([uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(source)], text=True)
    assert built.returncode == 0
    twine_upload(index, *(tmp_path / "dist").glob("*.whl"))

    python = fresh_venv(tmp_path / "venv")
    pip_from(index, python, "word-plugin")  # my-go-tool comes along, from the same index
    counted = subprocess.run(
        [python, "-c", "import word_plugin; print(word_plugin.count_words('one two three'))"],
        capture_output=True,
        text=True,
    )
    assert counted.returncode == 0, counted.stderr
    assert counted.stdout.strip() == "3"


def test_a_release_with_other_files_is_refused(
    published: list[str], index: Index, project: Path, tmp_path: Path
) -> None:
    """The same version rebuilt (here: the sdist recompressed) cannot replace the one on the index."""
    rebuilt = tmp_path / "rebuilt"
    shutil.copytree(project, rebuilt, ignore=shutil.ignore_patterns(".nox"))
    sdist = rebuilt / "dist" / SDIST
    sdist.write_bytes(gzip.compress(gzip.decompress(sdist.read_bytes()), mtime=1))
    before = index.digests()
    output = nox_fails(rebuilt, "-s", "publish", "--", "--repository-url", index.url, **credentials())
    assert f"my-go-tool 0.1.0 is already on {index.url} with different files" in output
    assert f"{SDIST}: the index has sha256 {before[SDIST]}, dist/ has {sha256(sdist)}" in output
    assert "bump `version` in pyproject.toml" in output
    assert "Nothing was uploaded" in output
    assert index.digests() == before


def test_bad_credentials_are_refused_clearly(project: Path, empty_index: Index) -> None:
    args = ["-s", "publish", "--", "--repository-url", empty_index.url]
    output = nox_fails(project, *args, **credentials("not the password"))
    assert "403 Forbidden" in output  # twine's own report, shown as it came
    assert f"twine upload to {empty_index.url} failed. The index refused the credentials" in output
    assert "TWINE_USERNAME and TWINE_PASSWORD" in output
    assert "On the index now: 0 of 2 files" in output
    assert empty_index.digests() == {}


def test_an_unreachable_index_is_named(project: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    output = nox_fails(project, "-s", "publish", "--", "--repository-url", closed, **credentials())
    assert f"Cannot reach the package index at {closed}simple/my-go-tool/" in output
    assert "Connection refused" in output
    assert "Nothing was uploaded" in output


def test_an_unknown_repository_name_is_refused(project: Path) -> None:
    output = nox_fails(project, "-s", "publish", "--", "--repository", "no-such-index")
    assert "twine knows no repository named 'no-such-index'" in output
    assert "--repository-url" in output


def test_attestations_need_the_ci_identity(project: Path) -> None:
    output = nox_fails(project, "-s", "publish", "--", "--attestations")
    assert "--attestations signs with the CI's OIDC identity" in output


def test_smoke_installs_the_host_wheel_and_runs_the_tests(project: Path) -> None:
    output = nox_ok(project, "-s", "smoke")
    assert f"{WHEEL} fits this machine" in output
    assert " passed" in output


def test_smoke_names_the_platform_when_no_wheel_fits(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "project"
    shutil.copytree(project, elsewhere, ignore=shutil.ignore_patterns(".nox"))
    foreign = WHEEL.replace("manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64", "win_amd64")
    (elsewhere / "dist" / WHEEL).rename(elsewhere / "dist" / foreign)
    output = nox_fails(elsewhere, "-s", "smoke")
    assert "No wheel in dist/ fits this machine (linux-x86_64" in output
    assert foreign in output


def test_check_version_wants_the_tag_of_pyprojects_version(project: Path) -> None:
    output = nox_ok(project, "-s", "check-version", "--", "v0.1.0")
    assert "v0.1.0, pyproject.toml, the 2 files in dist/ and `my-go-tool --version` all say 0.1.0" in output
    # the release workflow passes the tag through GitHub's variables
    nox_ok(project, "-s", "check-version", GITHUB_REF_TYPE="tag", GITHUB_REF_NAME="v0.1.0")
    refused = nox_fails(project, "-s", "check-version", GITHUB_REF_TYPE="tag", GITHUB_REF_NAME="v0.1.1")
    assert 'Not releasing: the tag is v0.1.1, but pyproject.toml says version = "0.1.0"' in refused


def test_checksums_are_what_sha256sum_checks(project: Path) -> None:
    nox_ok(project, "-s", "checksums")
    sums = project / "dist" / "SHA256SUMS"
    assert sums.read_text() == "".join(f"{sha256(project / 'dist' / name)}  {name}\n" for name in (WHEEL, SDIST))
    if shutil.which("sha256sum"):
        done = subprocess.run(["sha256sum", "--check", sums.name], cwd=sums.parent, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    sums.unlink()  # publish takes only wheels and sdists, but leave dist/ as the build made it
