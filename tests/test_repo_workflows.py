"""This repository's own workflow, which publishes hatch-go-binary: clean for actionlint, zizmor
and GitHub's schemas like the generated ones, least privilege, and its build steps run here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import test_workflows  # for its actionlint fixture and pin pattern; none of its tests run from here
import yaml
from conftest import BIN, ROOT

GITHUB = ROOT / ".github"
RELEASE = GITHUB / "workflows" / "release.yml"
RELEASE_LOCK = GITHUB / "requirements" / "release.txt"
PLUGIN = ROOT / "plugin"
VERSION = tomllib.loads((PLUGIN / "pyproject.toml").read_text())["project"]["version"]
CHECK_TAG = "Check the tag is v + plugin/pyproject.toml's version"
# The same session fixture as test_workflows.py's: Go builds actionlint from the module proxy.
actionlint = test_workflows.actionlint
# The group that builds actionlint, so a worker builds it for both files.
pytestmark = pytest.mark.xdist_group("workflows")


def release() -> dict:
    return yaml.safe_load(RELEASE.read_text())


def step(job: str, name: str) -> dict:
    (found,) = [entry for entry in release()["jobs"][job]["steps"] if entry.get("name") == name]
    return found


def artifact_paths() -> list[str]:
    """The globs the build job uploads."""
    steps = release()["jobs"]["build"]["steps"]
    (upload,) = [entry for entry in steps if entry.get("uses", "").startswith("actions/upload-artifact@")]
    return upload["with"]["path"].split()


def run_step(entry: dict, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """A `run:` step as a runner runs it: bash with -e and pipefail, the job's env, tools on PATH."""
    env = {**os.environ, **release()["jobs"]["build"].get("env", {}), **env}
    env["PATH"] = os.pathsep.join([str(BIN), env["PATH"]])  # python (3.11+), uv and twine
    command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", entry["run"]]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def test_actionlint_finds_nothing(actionlint: Path) -> None:
    done = subprocess.run([str(actionlint), "-no-color", str(RELEASE)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_at_its_default_settings() -> None:
    # offline and without tokens, as for the generated workflows
    zizmor = [str(BIN / "zizmor"), "--offline", "."]
    done = subprocess.run(zizmor, capture_output=True, text=True, cwd=ROOT, env=test_workflows._no_tokens())
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "No findings to report" in output
    for audited in (".github/dependabot.yml", ".github/workflows/release.yml"):
        assert f"completed ./{audited}" in output


def test_github_json_schemas_accept_the_files() -> None:
    check = str(BIN / "check-jsonschema")
    for schema, path in (("vendor.github-workflows", RELEASE), ("vendor.dependabot", GITHUB / "dependabot.yml")):
        done = subprocess.run([check, "--builtin-schema", schema, str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version() -> None:
    lines = RELEASE.read_text().splitlines()
    uses = [line for line in lines if line.strip().startswith(("uses:", "- uses:"))]
    assert len(uses) == 5
    for line in uses:
        assert test_workflows.PINNED.match(line), line.strip()


def test_only_the_publish_job_may_mint_an_id_token() -> None:
    flow = release()
    assert flow["permissions"] == {}
    jobs = flow["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["publish"]["permissions"] == {"id-token": "write"}
    assert [name for name, job in jobs.items() if "id-token" in job["permissions"]] == ["publish"]


def test_a_tag_builds_checks_and_then_publishes() -> None:
    flow = release()
    assert flow[True]["push"] == {"tags": ["v*.*.*"]}  # YAML 1.1 reads the `on` key as True
    assert flow["concurrency"]["cancel-in-progress"] is False
    build, publish = flow["jobs"]["build"], flow["jobs"]["publish"]
    names = [entry.get("name") for entry in build["steps"]]
    # the tag is checked before anything is built, and only where there is a tag
    assert names.index(CHECK_TAG) < names.index("Build plugin/ into dist/") < names.index("twine check")
    assert step("build", CHECK_TAG)["if"] == "github.event_name == 'push'"
    assert step("build", "twine check")["run"].startswith("twine check --strict ")
    assert publish["needs"] == "build"
    assert publish["if"] == "github.event_name == 'push'"
    assert publish["environment"]["name"] == "pypi"
    upload = publish["steps"][-1]
    assert upload["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert upload["with"] == {"attestations": True}


def test_checkouts_keep_no_credentials_and_nothing_is_cached() -> None:
    text = RELEASE.read_text()
    assert "actions/cache" not in text
    for job in release()["jobs"].values():
        for entry in job["steps"]:
            if entry.get("uses", "").startswith("actions/checkout@"):
                assert entry["with"]["persist-credentials"] is False
            if entry.get("uses", "").startswith("actions/setup-python@"):
                assert "cache" not in entry["with"]
    assert release()["jobs"]["build"]["env"]["UV_NO_CACHE"] == "1"


def test_the_tools_the_workflow_installs_are_hashed_and_exist() -> None:
    command = step("build", "Install uv and twine")["run"]
    assert command == f"python -m pip install --require-hashes --only-binary :all: -r {RELEASE_LOCK.relative_to(ROOT)}"
    inputs = [line for line in (RELEASE_LOCK.with_suffix(".in")).read_text().splitlines() if line[:1].isalnum()]
    lock = RELEASE_LOCK.read_text()
    # each input pinned as the lock pins it; uv as in the generated projects
    assert all(f"\n{pin} \\\n" in f"\n{lock}" for pin in inputs), inputs
    generated = (test_workflows.LOCKS / "ci.in").read_text().splitlines()
    assert next(pin for pin in inputs if pin.startswith("uv==")) in generated
    assert "uv pip compile --universal --generate-hashes --python-version 3.13 release.in -o release.txt" in lock
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", *command.split()[4:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_dependabot_watches_the_actions() -> None:
    updates = yaml.safe_load((GITHUB / "dependabot.yml").read_text())["updates"]
    assert [(update["package-ecosystem"], update["directory"]) for update in updates] == [
        ("github-actions", "/"),
        ("pip", "/.github/requirements"),
    ]


def test_the_tag_check_passes_only_the_version_with_a_v() -> None:
    check = step("build", CHECK_TAG)
    done = run_step(check, ROOT, GITHUB_REF_NAME=f"v{VERSION}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"v{VERSION} releases hatch-go-binary {VERSION}" in done.stdout
    for tag in ("v99.0.0", VERSION, f"v{VERSION}.1"):
        done = run_step(check, ROOT, GITHUB_REF_NAME=tag)
        assert done.returncode == 1, tag
        # a GitHub error annotation that names both sides and the way out
        assert done.stderr.startswith(f"::error::The tag is {tag}, but plugin/pyproject.toml has version"), tag
        assert f'"{VERSION}"' in done.stderr
        assert f"git push --delete origin {tag}" in done.stderr


def test_the_build_steps_make_a_dist_that_twine_and_the_upload_accept(tmp_path: Path) -> None:
    """The workflow's own build and twine steps, on a copy of plugin/ (no dist/ in the work tree)."""
    skip = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ruff_cache", "build", "dist")
    shutil.copytree(PLUGIN, tmp_path / "plugin", ignore=skip)
    for name in ("Build plugin/ into dist/", "twine check"):
        done = run_step(step("build", name), tmp_path)
        assert done.returncode == 0, f"{name}:\n{done.stdout}{done.stderr}"
    dist = tmp_path / "dist"
    wheel, sdist = dist / f"hatch_go_binary-{VERSION}-py3-none-any.whl", dist / f"hatch_go_binary-{VERSION}.tar.gz"
    assert {path.name for path in dist.iterdir()} - {".gitignore"} == {sdist.name, wheel.name}
    # what the upload step collects is exactly these two
    collected = [path.name for pattern in artifact_paths() for path in tmp_path.glob(pattern)]
    assert sorted(collected) == sorted([sdist.name, wheel.name])
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"hatch_go_binary-{VERSION}.dist-info/METADATA").decode()
    assert "hatch_go_binary/hooks.py" in names
    assert f"\nVersion: {VERSION}\n" in metadata
    assert "Description-Content-Type: text/markdown" in metadata
    assert "[tool.hatch-go-binary]" in metadata  # plugin/README.md is the long description
    with tarfile.open(sdist) as archive:
        members = set(archive.getnames())
    assert {f"hatch_go_binary-{VERSION}/{name}" for name in ("README.md", "pyproject.toml")} <= members
