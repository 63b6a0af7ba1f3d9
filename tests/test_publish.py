"""The release sessions of the generated project, against a real package index on loopback.

pypiserver serves an index on 127.0.0.1 with upload passwords; the default project's
linux/amd64 wheel and sdist go up with `nox -s publish`, then come back down through
pip, uvx, and a second package that depends on the tool, each in a fresh environment.
The build record (dist-record/BUILD.json) and the hand-over of dist/ between the release
jobs (SHA256SUMS and the build job's output) are checked by running the workflows' own
steps. dist/ holds distributions only: real `twine check dist/*` takes all of it.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
import yaml
from conftest import BIN, git, make_copier, run_nox

VERSION_LINE = "my-go-tool 0.1.0"
WHEEL = "my_go_tool-0.1.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64.whl"
SDIST = "my_go_tool-0.1.0.tar.gz"
RECORD = "BUILD.json"
USER, PASSWORD = "uploader", "correct horse battery staple"
# One worker builds the project once and runs every test against it, in order.
pytestmark = pytest.mark.xdist_group("publish")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Index:
    """A pypiserver on 127.0.0.1 that takes uploads from USER (and, if told, wants USER's
    login for AUTHENTICATE's other actions too: list, download), and the files it holds."""

    def __init__(self, root: Path, authenticate: str = "update") -> None:
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
        command += ["--passwords", str(root / "htpasswd"), "--authenticate", authenticate, "--disable-fallback"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen([*command, str(self.packages)], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(self.simple, timeout=2):
                    return
            except urllib.error.HTTPError:  # 401: it is up, and wants a login
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


def only_targets(project: Path, *targets: str) -> None:
    """Configure TARGETS alone: a release of them is complete (the gate wants every one)."""
    pyproject = project / "pyproject.toml"
    listed = ", ".join(f'"{target}"' for target in targets)
    text = re.sub(r"(?ms)^targets = \[.*?\]$", f"targets = [{listed}]", pyproject.read_text(), count=1)
    pyproject.write_text(text)


@pytest.fixture(scope="module")
def project(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default project, its targets cut to linux/amd64, committed and tagged v0.1.0
    (the strict gate compares the build with the tag), with dist/ holding its linux/amd64
    wheel and its sdist, and dist-record/ their build record."""
    project = make_copier(template, tmp_path_factory.mktemp("publish"))
    only_targets(project, "linux/amd64")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "release")
    git(project, "tag", "v0.1.0")
    nox_ok(project, "-s", "wheels", "--", "linux/amd64")
    assert sorted(path.name for path in (project / "dist").iterdir()) == [WHEEL, SDIST]
    assert [path.name for path in (project / "dist-record").iterdir()] == [RECORD]
    # built with Go's defaults (a GOFLAGS=-buildvcs=false here, as in CI, is what the build passes anyway)
    assert json.loads((project / "dist-record" / RECORD).read_text())["go-environment"]["changed"] == {}
    return project


def test_twine_takes_every_file_in_dist(project: Path) -> None:
    """`twine check dist/*`, as the packaging guides write it: only distributions there."""
    env = {**os.environ, "PATH": os.pathsep.join([str(BIN), os.environ["PATH"]])}
    done = subprocess.run(
        ["bash", "-c", "twine check --strict dist/*"], cwd=project, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("PASSED") == 2, done.stdout


def copy_of(project: Path, where: Path) -> Path:
    """The project with its dist/, without its nox environments."""
    shutil.copytree(project, where, ignore=shutil.ignore_patterns(".nox"))
    return where


def rerecord(project: Path) -> None:
    """Make dist-record/BUILD.json list dist/'s files as they are: a build that made these
    bytes (the wheel for linux/amd64, whatever its name)."""
    path = project / "dist-record" / RECORD
    record = json.loads(path.read_text())
    dist = sorted(project / "dist" / name for name in os.listdir(project / "dist"))
    targets = {".whl": "linux/amd64", ".tar.gz": "sdist"}
    record["artifacts"] = [
        {"file": item.name, "sha256": sha256(item), "target": targets[suffix]}
        for item in dist
        for suffix in targets
        if item.name.endswith(suffix)
    ]
    path.write_text(json.dumps(record))


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
    rebuilt = copy_of(project, tmp_path / "rebuilt")
    sdist = rebuilt / "dist" / SDIST
    sdist.write_bytes(gzip.compress(gzip.decompress(sdist.read_bytes()), mtime=1))
    rerecord(rebuilt)  # a whole rebuild that happened to give other bytes
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


def test_an_index_that_guards_reading_says_the_credentials_are_wrong(project: Path, tmp_path: Path) -> None:
    """Issue 20: wrong credentials on an index that wants a login to list its files are
    named as such (not the URL), and the right ones read it and upload."""
    guarded = Index(tmp_path / "index", authenticate="list,download,update")
    try:
        args = ["-s", "publish", "--", "--repository-url", guarded.url]
        output = nox_fails(project, *args, **credentials("not the password"))
        assert "The package index refused the credentials (HTTP 403 Forbidden" in output  # pypiserver
        assert f"for {guarded.simple}my-go-tool/): set TWINE_USERNAME and TWINE_PASSWORD" in output
        assert "--index-url" not in output
        assert guarded.digests() == {}
        assert f"Uploaded to {guarded.url}: {WHEEL}, {SDIST}" in nox_ok(project, *args, **credentials())
    finally:
        guarded.stop()


def test_an_unreachable_index_is_named(project: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    output = nox_fails(project, "-s", "publish", "--", "--repository-url", closed, **credentials())
    assert f"Cannot reach the package index at {closed}simple/my-go-tool/" in output
    assert "Connection refused" in output
    assert "Nothing was uploaded" in output


def test_an_unknown_repository_name_is_refused(project: Path) -> None:
    output = nox_fails(project, "-s", "publish", "--", "--repository", "no-such-index")
    # twine's own reading of ~/.pypirc, and what to do
    assert "twine cannot tell where to upload: Missing 'no-such-index' section from ~/.pypirc" in output
    assert "--repository-url" in output


def test_attestations_need_the_ci_identity(project: Path) -> None:
    output = nox_fails(project, "-s", "publish", "--", "--attestations")
    assert "--attestations signs with the CI's OIDC identity" in output


def test_smoke_installs_the_host_wheel_and_runs_the_tests(project: Path) -> None:
    output = nox_ok(project, "-s", "smoke")
    assert f"{WHEEL} fits this machine" in output
    assert " passed" in output


def test_smoke_names_the_platform_when_no_wheel_fits(project: Path, tmp_path: Path) -> None:
    elsewhere = copy_of(project, tmp_path / "project")
    foreign = WHEEL.replace("manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64", "win_amd64")
    (elsewhere / "dist" / WHEEL).rename(elsewhere / "dist" / foreign)
    rerecord(elsewhere)  # as if only windows/amd64 had been built
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


def test_a_version_in_another_spelling_can_be_released(project: Path, tmp_path: Path) -> None:
    """hatchling names the files and links the binary with PEP 440's normal form
    (1.0.0-RC1 is 1.0.0rc1): check-version compares in that form, and takes either tag."""
    work = copy_of(project, tmp_path / "work")
    pyproject = work / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'version = "1.0.0-RC1"', 1))
    git(work, "commit", "-q", "-am", "1.0.0-RC1")  # the strict gate wants a committed, tagged build
    for tag in ("v1.0.0-RC1", "v1.0.0rc1"):
        git(work, "tag", tag)
    nox_ok(work, "-s", "wheels", "--", "linux/amd64")
    for tag in ("v1.0.0-RC1", "v1.0.0rc1"):
        assert f"{tag}, pyproject.toml, the 2 files in dist/ and `my-go-tool --version` all say 1.0.0rc1" in (
            nox_ok(work, "-s", "check-version", "--", tag)
        )
    refused = nox_fails(work, "-s", "check-version", "--", "v1.0.0")
    assert 'the tag is v1.0.0, but pyproject.toml says version = "1.0.0-RC1", whose tag is v1.0.0rc1' in refused


def test_a_dynamic_version_is_refused_where_it_is_needed(project: Path, tmp_path: Path) -> None:
    """`nox -l` and the other sessions still work; the release sessions say what to do."""
    work = copy_of(project, tmp_path / "work")
    pyproject = work / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "0.1.0"', 'dynamic = ["version"]', 1))
    assert "check-version" in nox_ok(work, "-l")
    refused = nox_fails(work, "-s", "check-version", "--", "v0.1.0")
    assert "pyproject.toml's [project] version is dynamic" in refused
    assert 'set version = "X.Y.Z" in [project] and take "version" out of dynamic' in refused


def test_a_release_lacking_a_configured_target_is_refused(project: Path, tmp_path: Path) -> None:
    """One target built of two: check-version and publish refuse it, naming PyPI's 14 days,
    unless told to leave it out (the sessions pass --allow-missing to the gate only)."""
    work = copy_of(project, tmp_path / "work")
    only_targets(work, "linux/amd64", "windows/arm64")
    output = nox_fails(work, "-s", "check-version", "--", "v0.1.0")
    assert "Not releasing: dist/ lacks windows/arm64, of the targets configured in pyproject.toml" in output
    assert "PyPI takes no new file for a release older than 14 days" in output
    allowed = ["--allow-missing", "windows/arm64"]
    assert "all say 0.1.0" in nox_ok(work, "-s", "check-version", "--", "v0.1.0", *allowed)
    closed = f"http://127.0.0.1:{free_port()}/"
    assert "lacks windows/arm64" in nox_fails(work, "-s", "publish", "--", "--repository-url", closed)
    output = nox_fails(work, "-s", "publish", "--", "--repository-url", closed, *allowed, **credentials())
    assert f"Cannot reach the package index at {closed}simple/my-go-tool/" in output  # past the gate


def test_checksums_are_what_sha256sum_checks(project: Path) -> None:
    nox_ok(project, "-s", "checksums")
    sums = project / "dist-record" / "SHA256SUMS"
    listed = (project / "dist" / WHEEL, project / "dist" / SDIST, project / "dist-record" / RECORD)
    assert sums.read_text() == "".join(f"{sha256(path)}  {path.name}\n" for path in listed)
    if shutil.which("sha256sum"):  # as a GitHub release holds them: all in one folder
        release = project.parent / "release"
        release.mkdir()
        for path in (*listed, sums):
            shutil.copy(path, release)
        done = subprocess.run(["sha256sum", "--check", sums.name], cwd=release, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
        shutil.rmtree(release)
    sums.unlink()  # leave dist-record/ as the build made it


def workflow_steps(project: Path, name: str, job: str) -> list[dict]:
    return yaml.safe_load((project / ".github" / "workflows" / name).read_text())["jobs"][job]["steps"]


def run_step(project: Path, step: dict, **env: str) -> subprocess.CompletedProcess[str]:
    """A workflow's `run:` step as a runner runs it (bash -e, pipefail), with ENV for its
    `env:` (whose ${{ }} only GitHub fills in); nox, and a stand-in gh, from BIN."""
    env = {**os.environ, **env, "PATH": os.pathsep.join([str(BIN), os.environ["PATH"]])}
    command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]]
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def test_the_release_jobs_take_over_only_what_the_build_made(project: Path, tmp_path: Path) -> None:
    """build.yml's checksums step hands the digest of SHA256SUMS over as its output; each
    release job's first step after the download refuses a dist/ that differs, by name."""
    work = copy_of(project, tmp_path / "work")
    (checksums,) = [step for step in workflow_steps(work, "build.yml", "wheels") if step.get("id") == "checksums"]
    output = tmp_path / "github-output"
    done = run_step(work, checksums, GITHUB_OUTPUT=str(output))
    assert done.returncode == 0, done.stdout + done.stderr
    (handed,) = re.findall(r"^sha256sums=([0-9a-f]{64})$", output.read_text(), re.MULTILINE)
    # what the artifact upload takes is exactly what SHA256SUMS lists, and SHA256SUMS
    (upload,) = [
        step for step in workflow_steps(work, "build.yml", "wheels") if "upload-artifact" in step.get("uses", "")
    ]
    uploaded = {
        path.relative_to(work).as_posix() for pattern in upload["with"]["path"].split() for path in work.glob(pattern)
    }
    assert uploaded == {f"dist/{WHEEL}", f"dist/{SDIST}", f"dist-record/{RECORD}", "dist-record/SHA256SUMS"}
    # each job downloads it where the upload took it from: dist/ and dist-record/ at the top
    downloads = [
        step["with"]
        for name in ("build.yml", "release.yml")
        for job in yaml.safe_load((work / ".github" / "workflows" / name).read_text())["jobs"].values()
        for step in job.get("steps", [])
        if "download-artifact" in step.get("uses", "")
    ]
    whole = [download for download in downloads if download.get("name") == "dist"]
    assert whole and all(download == {"name": "dist", "path": "."} for download in whole)
    # the one other download: the gather job takes the shard jobs' folders (fan-out)
    assert [download for download in downloads if download not in whole] == [{"pattern": "shard-*", "path": "shards"}]
    checks = [
        step
        for job in ("check-version", "publish", "github-release")
        for step in workflow_steps(work, "release.yml", job)
        if step.get("run") == "nox -s checksums -- --check"
    ]
    assert len(checks) == 3
    check, dist = checks[0], work / "dist"
    for step in checks:
        done = run_step(work, step, SHA256SUMS_SHA256=handed)
        assert done.returncode == 0, done.stdout + done.stderr

    def refused(expect: str) -> None:
        done = run_step(work, check, SHA256SUMS_SHA256=handed)
        message = " ".join((done.stdout + done.stderr).split())
        assert done.returncode != 0 and expect in message, message
        assert "Nothing was signed or uploaded" in message

    wheel = (dist / WHEEL).read_bytes()
    (dist / WHEEL).write_bytes(wheel + b"\0")
    refused(f"{WHEEL}: sha256 {sha256(dist / WHEEL)}, SHA256SUMS has {hashlib.sha256(wheel).hexdigest()}")
    (dist / WHEEL).write_bytes(wheel)
    (dist / SDIST).rename(tmp_path / SDIST)
    refused(f"{SDIST}: listed, missing from dist/")
    (tmp_path / SDIST).rename(dist / SDIST)
    (dist / "my_go_tool-0.1.0-py3-none-any.whl").write_bytes(b"not from the build")
    refused("my_go_tool-0.1.0-py3-none-any.whl: in dist/, not listed")
    # SHA256SUMS rewritten to match: the build job's output still tells
    sums = work / "dist-record" / "SHA256SUMS"
    sums.write_text(sums.read_text() + f"{'0' * 64}  extra\n")
    refused(f"but the build job wrote one with {handed}")
    (dist / "my_go_tool-0.1.0-py3-none-any.whl").unlink()

    # the GitHub release step, with a stand-in gh: the SBOMs out of the wheel, then everything
    steps = workflow_steps(work, "release.yml", "github-release")
    (sboms,) = [step for step in steps if step.get("run") == "nox -s sboms"]
    assert run_step(work, sboms).returncode == 0
    with zipfile.ZipFile(dist / WHEEL) as archive:
        inside = [name for name in archive.namelist() if "/sboms/" in name]
        assert inside, "the wheel carries no SBOM"
        for name in inside:
            extracted = work / "dist-record" / "sboms" / f"{WHEEL[:-4]}.{name.rsplit('/', 1)[1]}"
            assert extracted.read_bytes() == archive.read(name)
    fake = tmp_path / "gh"
    fake.write_text('#!/bin/sh\n[ "$2" = view ] && exit 1\necho "$@" >> "$GH_LOG"\n')
    fake.chmod(0o755)
    (release,) = [step for step in steps if "gh release upload" in step.get("run", "")]
    env = {"GH_LOG": str(tmp_path / "gh.log"), "TAG": "v0.1.0", "PATH": f"{tmp_path}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", release["run"]], cwd=work, env={**os.environ, **env})
    assert done.returncode == 0
    create, upload_call = (tmp_path / "gh.log").read_text().splitlines()
    assert create.startswith("release create v0.1.0 --verify-tag")
    attached = upload_call.split()[4:]
    assert sorted(Path(name).name for name in attached) == sorted(
        [WHEEL, SDIST, RECORD, "SHA256SUMS", *(path.name for path in (work / "dist-record" / "sboms").iterdir())]
    )
    assert all((work / name).is_file() for name in attached)


def test_publish_refuses_a_dist_the_build_did_not_make(project: Path, tmp_path: Path) -> None:
    """A changed, missing or extra file stops publish, by name, before twine runs."""
    work = copy_of(project, tmp_path / "work")
    dist, closed = work / "dist", f"http://127.0.0.1:{free_port()}/"
    publish = ["-s", "publish", "--", "--repository-url", closed]
    wheel = (dist / WHEEL).read_bytes()
    (dist / WHEEL).write_bytes(wheel[:-1] + bytes([wheel[-1] ^ 1]))
    output = nox_fails(work, *publish, **credentials())
    assert f"dist/ is not the one build recorded in dist-record/{RECORD}: {WHEEL}: changed since that build" in output
    (dist / WHEEL).write_bytes(wheel)
    (dist / SDIST).unlink()
    assert f"{SDIST}: in the record, missing from dist/" in nox_fails(work, *publish, **credentials())
    shutil.copy(project / "dist" / SDIST, dist / SDIST)
    (dist / "my_go_tool-0.1.0-py3-none-any.whl").write_bytes(wheel)
    output = nox_fails(work, *publish, **credentials())
    assert "my_go_tool-0.1.0-py3-none-any.whl: not made by that build" in output
    assert "twine check" not in output  # refused before twine ran
    (dist / "my_go_tool-0.1.0-py3-none-any.whl").unlink()
    (work / "dist-record" / RECORD).unlink()
    assert "dist/ has no build record (dist-record/BUILD.json)" in nox_fails(work, *publish, **credentials())


def test_check_version_refuses_what_a_failed_uv_build_left(project: Path, tmp_path: Path) -> None:
    """Issue 11: a syntax error, then `uv build --sdist -o dist` put the broken code's sdist
    beside the good build's wheel, and check-version, comparing versions only, passed."""
    work = copy_of(project, tmp_path / "work")
    broken = work / "internal" / "cli" / "broken.go"
    broken.write_text("package cli\n\nfunc broken( {\n")
    built = subprocess.run(["uv", "build", "--sdist", "-o", "dist"], cwd=work, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr  # an sdist does not compile Go
    assert (work / "dist" / WHEEL).read_bytes() == (project / "dist" / WHEEL).read_bytes()
    output = nox_fails(work, "-s", "check-version", "--", "v0.1.0")
    assert f"{SDIST}: changed since that build" in output
    assert "Rebuild with `nox -s wheels`" in output
    broken.unlink()
    nox_ok(work, "-s", "wheels", "--", "linux/amd64")
    assert "all say 0.1.0" in nox_ok(work, "-s", "check-version", "--", "v0.1.0")


def test_the_record_names_the_commit_and_check_version_wants_it(project: Path, tmp_path: Path) -> None:
    """In git: a build of HEAD passes; a new commit, a tag elsewhere, or uncommitted changes
    in the build are refused by check-version (and publish)."""
    work = copy_of(project, tmp_path / "work")
    shutil.rmtree(work / "dist")
    shutil.rmtree(work / ".git")  # a repository of its own, tagged below
    git(work, "init", "-q", "-b", "main")
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "release")
    first = git(work, "rev-parse", "HEAD")
    built = nox_ok(work, "-s", "wheels", "--", "linux/amd64")
    assert f"dist-record/{RECORD}: 2 artifacts, built from commit {first}, nothing uncommitted" in built
    assert json.loads((work / "dist-record" / RECORD).read_text())["source"]["git-commit"] == first
    git(work, "tag", "v0.1.0")
    assert "all say 0.1.0" in nox_ok(work, "-s", "check-version", "--", "v0.1.0")
    (work / "README.md").write_text((work / "README.md").read_text() + "\nMore.\n")
    git(work, "commit", "-q", "-am", "after the build")
    second = git(work, "rev-parse", "HEAD")
    output = nox_fails(work, "-s", "check-version", "--", "v0.1.0")
    assert f"Not releasing: dist/ was built from commit {first}, but HEAD is {second}" in output
    output = nox_fails(work, "-s", "publish", "--", "--repository-url", f"http://127.0.0.1:{free_port()}/")
    assert f"dist/ was built from commit {first}, but HEAD is {second}" in output
    nox_ok(work, "-s", "wheels", "--", "linux/amd64")  # HEAD now, but v0.1.0 is the first commit
    output = nox_fails(work, "-s", "check-version", "--", "v0.1.0")
    assert f"the tag v0.1.0 is commit {first}, but dist/ was built from {second}" in output
    (work / "README.md").write_text("edited, not committed\n")
    nox_ok(work, "-s", "wheels", "--", "linux/amd64")
    output = nox_fails(work, "-s", "check-version")
    assert f"dist/ was built from commit {second} with uncommitted changes: README.md" in output
    # a Go setting that changes the binary, committed tree or not, is named
    git(work, "checkout", "README.md")
    nox_ok(work, "-s", "wheels", "--", "linux/amd64", GOFLAGS="-tags=extra")
    output = nox_fails(work, "-s", "check-version")
    assert "dist/ was built with Go settings that change the binary: GOFLAGS='-tags=extra'" in output
