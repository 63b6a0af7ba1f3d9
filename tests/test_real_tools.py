"""Issue 21: real Go tools from the Go module proxy, at released versions, packaged with way 2
(`copier copy --data starter_code=no`) and the default settings, get the right `--version`.

- actionlint keeps its version in a library package variable that its .goreleaser.yaml
  sets with -X: the build finds it there.
- shfmt prints debug.ReadBuildInfo().Main.Version: with stamp_vcs_version=yes, Go
  stamps the git tag.

Each is built for the host and linux/arm64 only, installed with pip and uv, run for real,
and its arm64 binary run under qemu. Modules come from the shared module cache.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import BIN, git, run_nox
from test_existing_tool import go, only, run_ok, venv_with
from test_matrix import run_binary

HOST_TAGS = "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64"
TARGETS = ("linux/amd64", "linux/arm64")


def released_module(module: str, version: str, repository: Path) -> Path:
    """MODULE@VERSION from the Go module proxy, as its repository would be at the release:
    a writable copy of the source, committed and tagged vVERSION."""
    env = {**os.environ, "GOFLAGS": "-mod=mod", "GOTOOLCHAIN": "local"}
    done = run_ok([go(), "mod", "download", "-json", f"{module}@{version}"], env=env)
    source = Path(json.loads(done.stdout)["Dir"])
    shutil.copytree(source, repository)
    for path in [repository, *repository.rglob("*")]:  # the module cache is read-only
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    git(repository, "init", "-q", "-b", "main")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", f"{module} {version}")
    return repository


def package_with_copier(template: Path, repository: Path, tag: str, **answers: str) -> str:
    """Way 2 with the default settings; the packaging committed and the commit tagged TAG.
    Return copier's output."""
    args = [str(BIN / "copier"), "copy", "--defaults", "--data", "starter_code=no"]
    for name, value in answers.items():
        args += ["--data", f"{name}={value}"]
    done = run_ok([*args, str(template), str(repository)], stdin=subprocess.DEVNULL)
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "packaging for PyPI")
    git(repository, "tag", tag)
    return done.stdout + done.stderr


def wheels(repository: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    shutil.rmtree(repository / "dist", ignore_errors=True)
    done = run_nox(repository, "-s", "wheels", "--", *targets)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done


def installed_output(wheel: Path, tmp_path: Path, command: str, *args: str, stdin: str = "") -> list[str]:
    """COMMAND's output when installed from WHEEL by pip and by uv (each into a fresh venv)."""
    outputs = []
    tmp_path.mkdir(parents=True, exist_ok=True)
    for installer in ("pip", "uv"):
        (tmp_path / installer).mkdir()
        python = venv_with(installer, tmp_path / installer, str(wheel))
        done = run_ok([str(Path(python).parent / command), *args], input=stdin)
        outputs.append(done.stdout)
    return outputs


def arm64_output(wheel: Path, tmp_path: Path, command: str, *args: str) -> str:
    assert wheel.name.endswith("manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl"), wheel
    with zipfile.ZipFile(wheel) as archive:
        (script,) = [name for name in archive.namelist() if name.endswith(f".data/scripts/{command}")]
        binary = Path(archive.extract(script, tmp_path / "arm64"))
    binary.chmod(0o755)
    done = run_binary("linux/arm64", binary, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


WORKFLOW = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "
GOOD_WORKFLOW, BAD_WORKFLOW = WORKFLOW + "hi\n", WORKFLOW + "${{ github.nope }}\n"


def test_a_goreleaser_version_variable_in_a_library_package(template: Path, tmp_path: Path) -> None:
    """actionlint: `-X github.com/rhysd/actionlint.version={{.Version}}` in .goreleaser.yaml."""
    repository = released_module("github.com/rhysd/actionlint", "v1.7.12", tmp_path / "actionlint")
    answers = {"project_name": "actionlint", "command_name": "actionlint", "version": "1.7.12"}
    answers |= {"go_module": "github.com/rhysd/actionlint", "main_package": "./cmd/actionlint"}
    package_with_copier(template, repository, "v1.7.12", **answers)
    done = wheels(repository, *TARGETS)
    chosen = "version of actionlint: -X github.com/rhysd/actionlint.version: .goreleaser.yaml sets it to {{.Version}}"
    assert chosen in done.stdout + done.stderr
    host = only(repository / "dist", f"actionlint-1.7.12-*{HOST_TAGS}.whl")
    for output in installed_output(host, tmp_path / "host", "actionlint", "-version"):
        assert output.splitlines()[0] == "1.7.12"
    assert arm64_output(only(repository / "dist", "*aarch64*.whl"), tmp_path, "actionlint", "-version").startswith(
        "1.7.12\n"
    )
    # a real run: a good workflow passes, a bad one is reported
    (tmp_path / "good.yml").write_text(GOOD_WORKFLOW)
    (tmp_path / "bad.yml").write_text(BAD_WORKFLOW)
    (tmp_path / "run").mkdir()
    python = venv_with("uv", tmp_path / "run", str(host))
    actionlint = str(Path(python).parent / "actionlint")
    run_ok([actionlint, str(tmp_path / "good.yml")])
    bad = subprocess.run([actionlint, "-no-color", str(tmp_path / "bad.yml")], capture_output=True, text=True)
    assert bad.returncode == 1 and 'property "nope" is not defined' in bad.stdout, bad.stdout + bad.stderr

    # A .post1 of the wrapper: the variable is really set, so --version follows it.
    pyproject = repository / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "1.7.12"', 'version = "1.7.12.post1"', 1))
    wheels(repository, "linux/amd64")
    bumped = only(repository / "dist", f"actionlint-1.7.12.post1-*{HOST_TAGS}.whl")
    for output in installed_output(bumped, tmp_path / "post1", "actionlint", "-version"):
        assert output.splitlines()[0] == "1.7.12.post1"


UNFORMATTED = "if true;then echo hi;fi\n"


def test_a_version_from_the_build_information(template: Path, tmp_path: Path) -> None:
    """shfmt prints debug.ReadBuildInfo().Main.Version: Go stamps the repository's tag."""
    repository = released_module("mvdan.cc/sh/v3", "v3.14.1", tmp_path / "sh")
    answers = {"project_name": "shfmt", "command_name": "shfmt", "version": "3.14.1"}
    answers |= {"go_module": "mvdan.cc/sh/v3", "main_package": "./cmd/shfmt", "stamp_vcs_version": "yes"}
    package_with_copier(template, repository, "v3.14.1", **answers)
    assert "buildvcs = true" in (repository / "pyproject.toml").read_text()
    done = wheels(repository, *TARGETS)
    said = done.stdout + done.stderr
    assert "version of shfmt: -X (none): no version variable found; the version is Go's, from the git tag" in said
    assert "Go's build information says v3.14.1 (commit" in said and "+dirty" not in said
    host = only(repository / "dist", f"shfmt-3.14.1-*{HOST_TAGS}.whl")
    assert installed_output(host, tmp_path / "host", "shfmt", "--version") == ["v3.14.1\n"] * 2
    assert arm64_output(only(repository / "dist", "*aarch64*.whl"), tmp_path, "shfmt", "--version") == "v3.14.1\n"
    formatted = installed_output(host, tmp_path / "run", "shfmt", stdin=UNFORMATTED)
    assert formatted == ["if true; then echo hi; fi\n"] * 2

    # The next release is a tag: the binary follows it.
    pyproject = repository / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('version = "3.14.1"', 'version = "3.14.2"', 1))
    git(repository, "commit", "-q", "-am", "3.14.2")
    git(repository, "tag", "v3.14.2")
    wheels(repository, "linux/amd64")
    bumped = only(repository / "dist", f"shfmt-3.14.2-*{HOST_TAGS}.whl")
    assert installed_output(bumped, tmp_path / "next", "shfmt", "--version") == ["v3.14.2\n"] * 2


@pytest.fixture(autouse=True)
def _go_on_path() -> None:
    go()  # the tests fetch modules with the Go on PATH, as test_existing_tool.py does


YQ_VERSION = "github.com/mikefarah/yq/v4/cmd.Version"


def test_a_version_no_config_sets_stops_the_build_naming_it(template: Path, tmp_path: Path) -> None:
    """yq keeps `Version = "v4.54.3"` in its library package cmd, and neither its
    .goreleaser.yaml nor its main package names it: the default build stops before
    compiling, naming the candidate (the variable a library package holds is proven set
    by actionlint's test; yq's build, at two minutes, is left out to keep CI short)."""
    repository = released_module("github.com/mikefarah/yq/v4", "v4.54.3", tmp_path / "yq")
    answers = {"project_name": "yq", "command_name": "yq", "version": "4.54.3"}
    answers |= {"go_module": "github.com/mikefarah/yq/v4", "main_package": "."}
    package_with_copier(template, repository, "v4.54.3", **answers)
    refused = run_nox(repository, "-s", "wheels", "--", "linux/amd64")
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "no version variable found for yq. Candidates in yq (.) and the packages it links from the module: " in said
    assert f"{YQ_VERSION} (string variable, cmd/version.go)" in said
    assert "go build linux/amd64" not in said  # refused before compiling
