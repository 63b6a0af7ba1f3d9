"""The build record `python -m hatch_go_binary build` writes beside the artifacts
(BUILD.json): the source it names in and out of git, and how it replaces an older one."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hatch_go_binary import matrix

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env.update(GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A project committed to git, with build/ and dist/ ignored as the template's are."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "tool"\nversion = "1.0"\n')
    (project / ".gitignore").write_text("/build/\n/dist/\n")
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "first")
    return project


@needs_git
def test_a_clean_checkout_is_named_by_its_commit(checkout: Path) -> None:
    (checkout / "build").mkdir()
    (checkout / "build" / "anything").write_text("ignored")
    head = git(checkout, "rev-parse", "HEAD")
    assert matrix.git_source(checkout) == {"git-commit": head, "dirty": False, "changed": []}


@needs_git
def test_build_outputs_are_no_change_even_where_git_does_not_ignore_them(checkout: Path) -> None:
    # A Go repository adopting the plugin: its .gitignore knows nothing of these.
    (checkout / ".gitignore").write_text("")
    git(checkout, "add", ".gitignore")
    git(checkout, "commit", "-q", "-m", "empty .gitignore")
    outputs = ("build/go/linux_amd64/tool", "build/audit/ab12", "build/matrix-x1/a.whl")
    for output in (*outputs, "dist/a.whl", "dist-record/BUILD.json", ".nox/x/y"):
        (checkout / output).parent.mkdir(parents=True, exist_ok=True)
        (checkout / output).write_text("made by a build")
    (checkout / "build" / "package").mkdir()
    (checkout / "build" / "package" / "Dockerfile").write_text("FROM scratch\n")  # source
    source = matrix.git_source(checkout)
    assert source is not None and source["changed"] == ["build/package/Dockerfile"]


@needs_git
def test_edits_and_new_files_make_the_checkout_dirty(checkout: Path) -> None:
    (checkout / "pyproject.toml").write_text('[project]\nname = "tool"\nversion = "2.0"\n')
    (checkout / "new.go").write_text("package main\n")
    source = matrix.git_source(checkout)
    assert source is not None and source["dirty"] is True
    assert source["changed"] == ["new.go", "pyproject.toml"]


@needs_git
def test_a_project_git_does_not_track_is_no_checkout(checkout: Path) -> None:
    inner = checkout / "dist" / "copy"  # inside the repository, but ignored there
    inner.mkdir(parents=True)
    (inner / "pyproject.toml").write_text((checkout / "pyproject.toml").read_text())
    assert matrix.git_source(inner) is None
    assert matrix.git_source(checkout.parent) is None  # no repository at all


def test_git_missing_means_no_checkout(checkout: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(checkout / "nowhere"))
    assert matrix.git_source(checkout) is None


def staged_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    wheel, sdist = folder / "tool-1.0-py3-none-any.whl", folder / "tool-1.0.tar.gz"
    wheel.write_bytes(b"wheel bytes")
    sdist.write_bytes(b"sdist bytes")
    return {"linux/amd64": wheel, matrix.SDIST: sdist}


def test_outside_git_the_sdist_digest_names_the_source(tmp_path: Path) -> None:
    staged = staged_files(tmp_path / "staged")
    record = matrix.build_record(staged, None, None, no_git="git is not installed here")
    digests = {path.name: matrix.sha256_of(path) for path in staged.values()}
    assert record["source"] == {
        "git-commit": None,
        "sdist-sha256": digests["tool-1.0.tar.gz"],
        "no-git": "git is not installed here",  # verify --strict says why it is unknown
    }
    assert [(entry["file"], entry["sha256"], entry["target"]) for entry in record["artifacts"]] == [
        ("tool-1.0-py3-none-any.whl", digests["tool-1.0-py3-none-any.whl"], "linux/amd64"),
        ("tool-1.0.tar.gz", digests["tool-1.0.tar.gz"], "sdist"),
    ]
    # the same files always give the same record: no time, no folder in it
    elsewhere = staged_files(tmp_path / "elsewhere")
    assert matrix.build_record(elsewhere, None, None, no_git="git is not installed here") == record


def test_a_tree_that_changed_during_the_build_counts_as_dirty(tmp_path: Path) -> None:
    staged = staged_files(tmp_path / "staged")
    clean = {"git-commit": "a" * 40, "dirty": False, "changed": []}
    assert matrix.build_record(staged, clean, clean)["source"] == clean
    moved = {"git-commit": "b" * 40, "dirty": False, "changed": []}
    assert matrix.build_record(staged, clean, moved)["source"] == {**moved, "dirty": True}


def test_the_new_record_replaces_the_old_one_last(tmp_path: Path) -> None:
    out, records = tmp_path / "dist", tmp_path / "dist-record"
    out.mkdir()
    records.mkdir()
    (out / "tool-0.9.tar.gz").write_bytes(b"old")
    (records / matrix.RECORD).write_text('{"old": true}')
    (records / matrix.SUMS).write_text("sums of the old set\n")
    (out / "notes.txt").write_text("kept")
    staged = staged_files(tmp_path / "staged")
    record = matrix.build_record(staged, None, None)
    matrix.replace_artifacts(out, staged, record)
    # dist/ holds distributions only (and what was there before): twine takes all of it
    assert sorted(path.name for path in out.iterdir()) == [
        "notes.txt",
        "tool-1.0-py3-none-any.whl",
        "tool-1.0.tar.gz",
    ]
    assert [path.name for path in records.iterdir()] == [matrix.RECORD]
    assert json.loads((records / matrix.RECORD).read_text()) == record
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dist", "dist-record", "staged"]
    # what an earlier hatch-go-binary wrote into dist/ goes: twine would take it
    for earlier in (matrix.RECORD, matrix.SUMS, "sboms/tool.cyclonedx.json"):
        (out / earlier).parent.mkdir(exist_ok=True)
        (out / earlier).write_text("written into dist/ by a development build")
    matrix.replace_artifacts(out, staged_files(tmp_path / "later"), record)
    assert sorted(path.name for path in out.iterdir()) == [
        "notes.txt",
        "tool-1.0-py3-none-any.whl",
        "tool-1.0.tar.gz",
    ]
    # artifacts without a record (an unaudited build) leave none behind
    matrix.replace_artifacts(out, staged_files(tmp_path / "again"))
    assert not (records / matrix.RECORD).exists()


def test_a_full_disk_while_copying_leaves_the_old_set_whole(tmp_path: Path, monkeypatch) -> None:
    """The staging folder on another file system than dist/: the artifacts are copied, and
    the disk fills up half-way through. dist/ and its record stay as they were."""
    out, records = tmp_path / "dist", tmp_path / "dist-record"
    old = staged_files(out)
    old_record = matrix.build_record(old, None, None)
    records.mkdir()
    (records / matrix.RECORD).write_text(json.dumps(old_record))
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    staged = staged_files(tmp_path / "staged")
    for path in staged.values():
        path.write_bytes(b"new " + path.read_bytes())
    copies, copyfile = [], shutil.copyfile

    def cross_device(source, destination):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    def copy_until_full(source, destination, **kwargs):
        copies.append(source)
        if len(copies) == 2:
            Path(destination).write_bytes(b"trunc")  # what a full disk leaves
            raise OSError(errno.ENOSPC, "No space left on device")
        return copyfile(source, destination, **kwargs)

    monkeypatch.setattr(os, "rename", cross_device)  # shutil.move then copies
    monkeypatch.setattr(shutil, "copyfile", copy_until_full)
    with pytest.raises(OSError, match="No space left"):
        matrix.replace_artifacts(out, staged, matrix.build_record(staged, None, None))
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert json.loads((records / matrix.RECORD).read_text()) == old_record
    # nothing half-copied is left beside dist/
    assert sorted(path.name for path in tmp_path.iterdir()) == ["dist", "dist-record", "staged"]


def test_only_this_distributions_files_are_replaced(tmp_path: Path) -> None:
    """--out may be a shared wheelhouse: another project's files, and other files, stay."""
    out, staging = tmp_path / "out", tmp_path / "staging"
    out.mkdir()
    staging.mkdir()
    for name in ("other_pkg-1.0-py3-none-any.whl", "my_backup.tar.gz.keep", "my_tool-0.9.tar.gz"):
        (out / name).write_bytes(b"x")
    (out / "My_Tool-0.9-py3-none-win_amd64.whl").write_bytes(b"x")
    new = staging / "my_tool-1.0-py3-none-win_amd64.whl"
    new.write_bytes(b"new")
    matrix.replace_artifacts(out, {"windows/amd64": new})
    assert sorted(path.name for path in out.iterdir()) == [
        "my_backup.tar.gz.keep",
        "my_tool-1.0-py3-none-win_amd64.whl",
        "other_pkg-1.0-py3-none-any.whl",
    ]
