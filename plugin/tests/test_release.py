"""The release gate, `python -m hatch_go_binary verify`, `checksums` and `sboms`: what it
refuses in a dist/ folder of small hand-made wheels and an sdist, beside the build record
`build` would have written for them, in and out of git."""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile
import zipfile
from pathlib import Path

import pytest
from test_build_record import git, needs_git

from hatch_go_binary import matrix, release
from hatch_go_binary.__main__ import main

WHEEL = "tool-1.0-py3-none-manylinux_2_17_x86_64.whl"
OTHER_WHEEL = "tool-1.0-py3-none-win_amd64.whl"
SDIST = "tool-1.0.tar.gz"
SBOM = "tool-1.0.dist-info/sboms/tool.cyclonedx.json"
SDIST_SBOM = "tool-1.0/sboms/tool.cyclonedx.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_wheel(path: Path, sbom: bool = True) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("tool-1.0.data/scripts/tool", b"binary of " + path.name.encode())
        if sbom:
            archive.writestr(SBOM, b'{"for": "%s"}' % path.name.encode())


def write_sdist(path: Path) -> None:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in (("tool-1.0/go.mod", b"module tool\n"), (SDIST_SBOM, b'{"sdist": 1}')):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


TARGETS = {WHEEL: "linux/amd64", OTHER_WHEEL: "windows/amd64", SDIST: matrix.SDIST}
# what `go env -changed` says of a build with Go's defaults
DEFAULT_GO = {"changed": {}, "no-effect": [], "set-by-hatch-go-binary": ["GOTOOLCHAIN"]}


def record(
    dist: Path, source: dict | None = None, environment: dict = DEFAULT_GO, no_git: str = ""
) -> None:
    """BUILD.json for dist/'s wheels and sdist as they are: one build made them."""
    files = release.dist_files(dist)
    staged = {TARGETS.get(path.name, path.name): path for path in files}
    written = matrix.build_record(staged, source, source, environment, no_git or None)
    record_path = matrix.record_folder(dist) / matrix.RECORD
    record_path.parent.mkdir(exist_ok=True)
    record_path.write_text(json.dumps(written), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory: pyproject.toml of tool 1.0, and dist/ with two wheels, the
    sdist and their build record, made outside git."""
    root = tmp_path / "project"
    (root / "dist").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "tool"\nversion = "1.0"\n'
        '[tool.hatch-go-binary]\ntargets = ["linux/amd64", "windows/amd64"]\n'
    )
    (root / ".gitignore").write_text("/dist/\n/dist-record/\n")
    write_wheel(root / "dist" / WHEEL)
    write_wheel(root / "dist" / OTHER_WHEEL)
    write_sdist(root / "dist" / SDIST)
    record(root / "dist")
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    monkeypatch.delenv("SHA256SUMS_SHA256", raising=False)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`python -m hatch_go_binary ARGS`: its exit status, stdout, and stderr on one line."""
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, " ".join(err.split())


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    status, out, err = run(capsys, *args)
    assert status == 1, out + err
    assert err.startswith(f"python -m hatch_go_binary {args[0]}: "), err
    return err


# ------------------------------------------------------------------------------- verify


def test_a_recorded_build_passes(project: Path, capsys) -> None:
    status, out, err = run(capsys, "verify")
    digest = sha256(project / "dist" / SDIST)
    assert (status, err) == (0, "")
    assert out == (
        "dist/ is the build recorded in dist-record/BUILD.json: 3 files from the sdist with sha256 "
        f"{digest}\n"
    )


def test_an_empty_dist_is_refused(project: Path, capsys) -> None:
    shutil.rmtree(project / "dist")
    err = refused(capsys, "verify")
    assert "dist/ holds no wheel or sdist: build them with `nox -s wheels` first" in err


def test_a_missing_record_is_refused(project: Path, capsys) -> None:
    (project / "dist-record" / matrix.RECORD).unlink()
    err = refused(capsys, "verify")
    assert (
        "verify: dist/ has no build record (dist-record/BUILD.json), so nothing says its files"
        in err
    )
    assert (
        "other builds (`uv build`, `python -m build`) do not. Rebuild with `nox -s wheels`" in err
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        pytest.param("{not json", "JSONDecodeError", id="not-json"),
        pytest.param('{"artifacts": []}', "KeyError('source')", id="no-source"),
        pytest.param('{"source": "x", "artifacts": []}', "TypeError", id="source-not-a-table"),
        pytest.param(
            '{"source": {}, "artifacts": [{"file": "a"}]}', "KeyError('sha256')", id="entry"
        ),
    ],
)
def test_an_unreadable_record_is_refused(project: Path, capsys, text: str, error: str) -> None:
    (project / "dist-record" / matrix.RECORD).write_text(text)
    err = refused(capsys, "verify")
    assert f"dist-record/BUILD.json cannot be read ({error}" in err
    assert err.endswith("): rebuild with `nox -s wheels`")


@pytest.mark.parametrize(
    ("change", "error"),
    [
        pytest.param({"build-record": 99}, "build-record 99: written by another", id="format"),
        pytest.param({"source": {"git-commit": ["x"]}}, "git-commit is ['x']", id="commit"),
        pytest.param({"source": {"dirty": "yes"}}, "dirty is 'yes'", id="dirty"),
        pytest.param({"source": {"changed": "src/x.go"}}, "changed is 'src/x.go'", id="changed"),
    ],
)
def test_a_record_of_other_shape_is_refused(project: Path, capsys, change, error) -> None:
    path = project / "dist-record" / matrix.RECORD
    path.write_text(json.dumps({**json.loads(path.read_text()), **change}))
    err = refused(capsys, "verify")
    assert "dist-record/BUILD.json cannot be read (" in err and error in err


def test_another_projects_file_is_named_as_such(project: Path, capsys) -> None:
    """build keeps other distributions' files in the folder: a rebuild would not help."""
    write_wheel(project / "dist" / "other_pkg-2.0-py3-none-any.whl")
    err = refused(capsys, "verify")
    assert (
        "other_pkg-2.0-py3-none-any.whl: another project's file, which no rebuild removes: "
        "move it out of dist/"
    ) in err


def test_a_version_that_is_no_version_is_refused(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "tool"\nversion = "one"\n')
    err = refused(capsys, "verify")
    assert err.endswith("pyproject.toml: [project] version 'one' is no PEP 440 version")


def test_a_dynamic_version_is_refused_with_what_to_do(project: Path, capsys) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "tool"\ndynamic = ["version"]\n')
    err = refused(capsys, "verify")
    assert err.endswith(
        "pyproject.toml: [project] version is dynamic, and the release gate compares dist/ "
        '(and the tag, and --version) with the version written there: set version = "X.Y.Z" '
        'in [project] and take "version" out of dynamic'
    )


def test_a_version_in_another_spelling_is_the_same_version(project: Path, capsys) -> None:
    """hatchling names the files with PEP 440's normal form: 01.0 builds tool-1.0-*.whl."""
    (project / "pyproject.toml").write_text('[project]\nname = "tool"\nversion = "01.0"\n')
    status, _, err = run(capsys, "verify")
    assert status == 0, err


def test_a_file_the_build_did_not_make_is_refused(project: Path, capsys) -> None:
    write_wheel(project / "dist" / "tool-1.0-py3-none-any.whl")
    err = refused(capsys, "verify")
    assert "dist/ is not the one build recorded in dist-record/BUILD.json:" in err
    assert "tool-1.0-py3-none-any.whl: not made by that build (another build left it" in err
    assert "Rebuild with `nox -s wheels`: it replaces every wheel and sdist in dist/ at once" in err


def test_a_changed_file_is_refused(project: Path, capsys) -> None:
    sdist = project / "dist" / SDIST
    before = sha256(sdist)
    sdist.write_bytes(sdist.read_bytes() + b"\0")
    err = refused(capsys, "verify")
    assert (
        f"{SDIST}: changed since that build (sha256 {sha256(sdist)}, the record has {before})"
        in err
    )


def test_a_missing_file_is_refused(project: Path, capsys) -> None:
    (project / "dist" / OTHER_WHEEL).unlink()
    assert f"{OTHER_WHEEL}: in the record, missing from dist/" in refused(capsys, "verify")


def test_another_version_than_pyprojects_is_refused(project: Path, capsys) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"1.0"', '"1.0.1"'))
    err = refused(capsys, "verify")
    assert (
        "dist/ holds files of another version than pyproject.toml's 1.0.1: "
        f"{WHEEL}, {OTHER_WHEEL}, {SDIST}. Rebuild with `nox -s wheels`"
    ) in err


def test_another_folder_is_named_as_such(project: Path, capsys) -> None:
    (project / "dist").rename(project / "wheelhouse")
    (project / "dist-record").rename(project / "wheelhouse-record")
    status, out, _ = run(capsys, "verify", "--dist", "wheelhouse")
    assert status == 0 and out.startswith(
        "wheelhouse/ is the build recorded in wheelhouse-record/BUILD.json"
    )
    assert "dist/ holds no wheel or sdist" in refused(capsys, "verify")


def test_a_usage_error_exits_2(project: Path, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["verify", "--no-such-option"])
    assert stopped.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


@pytest.fixture
def checkout(project: Path) -> Path:
    """PROJECT committed to git (dist/ ignored), its record naming that commit."""
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "release")
    record(project / "dist", matrix.git_source(project))
    return project


@needs_git
def test_a_build_of_head_passes_strictly(checkout: Path, capsys) -> None:
    head = git(checkout, "rev-parse", "HEAD")
    git(checkout, "tag", "v1.0")
    status, out, err = run(capsys, "verify", "--strict", "--tag", "v1.0")
    assert (status, err) == (0, "")
    assert f"dist-record/BUILD.json: 3 files from commit {head}\n" in out
    assert out.endswith(
        "PyPI takes no new file for a release older than 14 days: what this release lacks "
        "now cannot be added after that\n"
    )
    # a tag that is not there (yet): a warning, and with --strict a refusal (unknown is no match)
    status, out, err = run(capsys, "verify", "--tag", "v9.9")
    assert status == 0
    assert (
        err == "warning: there is no tag v9.9 in this checkout, so dist/ was not compared with it"
    )
    assert refused(capsys, "verify", "--strict", "--tag", "v9.9") == (
        "python -m hatch_go_binary verify: Not releasing: there is no tag v9.9 in this checkout "
        "(a typo, or not fetched: `git fetch --tags`), so dist/ cannot be compared with it. A "
        "release is one build of the tagged commit: commit everything, check out that commit, "
        "then `nox -s wheels`"
    )


def doubt_head_moved(checkout: Path) -> str:
    first = git(checkout, "rev-parse", "HEAD")
    (checkout / "README.md").write_text("more\n")
    git(checkout, "add", "README.md")
    git(checkout, "commit", "-q", "-m", "after the build")
    return f"dist/ was built from commit {first}, but HEAD is {git(checkout, 'rev-parse', 'HEAD')}"


def doubt_dirty(checkout: Path) -> str:
    (checkout / "README.md").write_text("not committed\n")
    record(checkout / "dist", matrix.git_source(checkout))
    head = git(checkout, "rev-parse", "HEAD")
    return f"dist/ was built from commit {head} with uncommitted changes: README.md"


def doubt_tag_elsewhere(checkout: Path) -> str:
    built = git(checkout, "rev-parse", "HEAD")
    doubt_head_moved(checkout)
    record(checkout / "dist", matrix.git_source(checkout))  # rebuilt at HEAD, tag at the first
    git(checkout, "tag", "v1.0", built)
    head = git(checkout, "rev-parse", "HEAD")
    return f"the tag v1.0 is commit {built}, but dist/ was built from {head}"


def doubt_built_outside_git(checkout: Path) -> str:
    record(checkout / "dist")
    head = git(checkout, "rev-parse", "HEAD")
    return f"dist/ was built outside git, but this is a git checkout at {head}"


def doubt_no_git_here(checkout: Path) -> str:
    built = git(checkout, "rev-parse", "HEAD")
    shutil.rmtree(checkout / ".git")
    return f"dist/ was built from commit {built}, but {matrix.NO_REPOSITORY}, so HEAD is unknown"


@needs_git
@pytest.mark.parametrize(
    "doubt",
    [
        doubt_head_moved,
        doubt_dirty,
        doubt_tag_elsewhere,
        doubt_built_outside_git,
        doubt_no_git_here,
    ],
)
def test_doubts_about_the_source_warn_or_with_strict_refuse(checkout: Path, capsys, doubt) -> None:
    expected = doubt(checkout)
    tag = ["--tag", "v1.0"] if doubt is doubt_tag_elsewhere else []  # the one with a tag
    status, out, err = run(capsys, "verify", *tag)
    assert status == 0 and err == f"warning: {expected}", err
    assert "dist/ is the build recorded in dist-record/BUILD.json: 3 files" in out
    err = refused(capsys, "verify", "--strict", *tag)
    assert err == (
        f"python -m hatch_go_binary verify: Not releasing: {expected}. A release is one build of "
        "the tagged commit: commit everything, check out that commit, then `nox -s wheels`"
    )


@needs_git
def test_the_doubt_says_when_git_is_not_installed(checkout: Path, capsys, monkeypatch) -> None:
    built = git(checkout, "rev-parse", "HEAD")
    monkeypatch.setenv("PATH", str(checkout / "no-programs-here"))
    status, _, err = run(capsys, "verify")
    assert status == 0
    why = "git is not installed here, so HEAD is unknown"
    assert err == f"warning: dist/ was built from commit {built}, but {why}"


@needs_git
def test_the_doubt_says_when_pyproject_is_not_tracked(checkout: Path, capsys) -> None:
    built = git(checkout, "rev-parse", "HEAD")
    git(checkout, "rm", "-q", "--cached", "pyproject.toml")
    status, _, err = run(capsys, "verify")
    assert status == 0
    assert err == (
        f"warning: dist/ was built from commit {built}, but pyproject.toml is not tracked by git "
        "here (a project inside another repository?), so HEAD is unknown"
    )


def strictly_refused(capsys, *args: str) -> str:
    """The doubt `verify --strict ARGS` stops at, without the advice after it."""
    err = refused(capsys, "verify", "--strict", *args)
    prefix = "python -m hatch_go_binary verify: Not releasing: "
    assert err.startswith(prefix), err
    return err[len(prefix) :].split(". A release is one build of the tagged commit")[0]


def without_git(folder: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(folder / "no-programs-here"))


def test_strict_refuses_a_source_git_could_tell_on_neither_side(
    checkout: Path, capsys, monkeypatch
) -> None:
    """Built where git was missing, verified where it is missing: "unknown" on both sides
    is no match."""
    without_git(checkout, monkeypatch)
    record(
        checkout / "dist", matrix.git_source(checkout), no_git=matrix.why_git_is_unknown(checkout)
    )
    assert run(capsys, "verify")[0] == 0  # no commit is no doubt without --strict
    assert strictly_refused(capsys, "--tag", "v1.0") == (
        "neither the build's commit nor HEAD is known: at the build, git is not installed "
        "here; here, git is not installed here"
    )


def test_strict_takes_a_source_with_no_repository_named_by_its_sdist(
    project: Path, capsys, monkeypatch
) -> None:
    """No .git in any folder up from the project: git has nothing to tell, missing or not."""
    without_git(project, monkeypatch)
    record(project / "dist", matrix.git_source(project), no_git=matrix.why_git_is_unknown(project))
    assert run(capsys, "verify", "--strict")[:3:2] == (0, "")
    # but a tag to compare with cannot be found there
    assert strictly_refused(capsys, "--tag", "v1.0") == (
        f"the tag v1.0 cannot be looked up ({matrix.NO_REPOSITORY}), so dist/ cannot be "
        "compared with it"
    )


def fake_git(folder: Path, monkeypatch, said: str) -> None:
    """A git on PATH that refuses every command with SAID, as git does for a repository
    another user owns."""
    bin_dir = folder / "fake-bin"
    bin_dir.mkdir()
    script = bin_dir / "git"
    script.write_text(f'#!/bin/sh\necho "{said}" >&2\nexit 128\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


@pytest.mark.skipif(os.name == "nt", reason="a shell script stands in for git")
def test_strict_says_git_refused_for_dubious_ownership(checkout: Path, capsys, monkeypatch) -> None:
    said = "fatal: detected dubious ownership in repository at '/src'"
    fake_git(checkout, monkeypatch, said)
    record(
        checkout / "dist", matrix.git_source(checkout), no_git=matrix.why_git_is_unknown(checkout)
    )
    assert strictly_refused(capsys) == (
        f"neither the build's commit nor HEAD is known: at the build, git says: {said}; "
        f"here, git says: {said}"
    )


@needs_git
@pytest.mark.parametrize(
    ("environment", "said"),
    [
        (
            {"changed": {"GOFLAGS": "-cover", "CGO_CFLAGS": "-O1"}, "no-effect": ["GOPROXY"]},
            "was built with Go settings that change the binary: GOFLAGS='-cover', "
            "CGO_CFLAGS='-O1' (from the shell, or from `go env -w`: `go env -changed` lists "
            "them; `go env -u NAME` removes one)",
        ),
        (
            {"unknown": "`go env -changed` failed (it needs Go 1.23 or newer): flag -changed"},
            "was built where Go could not say which of its settings changed: `go env -changed` "
            "failed (it needs Go 1.23 or newer): flag -changed",
        ),
    ],
)
def test_strict_refuses_a_build_with_go_settings_changed(
    checkout: Path, capsys, environment: dict, said: str
) -> None:
    record(checkout / "dist", matrix.git_source(checkout), environment)
    status, _, err = run(capsys, "verify")
    assert (status, err) == (0, f"warning: dist/ {said}")
    assert strictly_refused(capsys) == f"dist/ {said}"


# ------------------------------------------------------------------------ missing targets


@needs_git
def test_strict_refuses_a_build_that_lacks_a_configured_target(checkout: Path, capsys) -> None:
    (checkout / "dist" / OTHER_WHEEL).unlink()  # `nox -s wheels -- linux/amd64`
    record(checkout / "dist", matrix.git_source(checkout))
    status, _, err = run(capsys, "verify")
    assert status == 0
    assert err == "warning: dist/ lacks windows/amd64, which pyproject.toml's targets list"
    err = refused(capsys, "verify", "--strict")
    assert err == (
        "python -m hatch_go_binary verify: Not releasing: dist/ lacks windows/amd64, of the "
        "targets configured in pyproject.toml ([tool.hatch-go-binary] targets). PyPI takes no "
        "new file for a release older than 14 days, so what is missing now may never be "
        "added. Build everything (`nox -s wheels`), or leave them out on purpose: "
        "--allow-missing windows/amd64"
    )
    # left out on purpose: the release goes on
    assert run(capsys, "verify", "--strict", "--allow-missing", "windows/amd64")[:3:2] == (0, "")
    # the sdist counts as a target too
    (checkout / "dist" / SDIST).unlink()
    record(checkout / "dist", matrix.git_source(checkout))
    assert "lacks windows/amd64, sdist, of the" in refused(capsys, "verify", "--strict")
    status, _, err = run(capsys, "verify", "--strict", "--allow-missing", "windows/amd64,sdist")
    assert (status, err) == (0, "")


def test_allow_missing_names_a_configured_target(project: Path, capsys) -> None:
    err = refused(capsys, "verify", "--allow-missing", "linux/386")
    assert err == (
        "python -m hatch_go_binary verify: --allow-missing linux/386: not a configured target; "
        "the targets are linux/amd64, windows/amd64, sdist ([tool.hatch-go-binary] targets in "
        "pyproject.toml)"
    )


# ---------------------------------------------------------------------------- checksums


def test_checksums_list_the_verified_files_and_the_record(
    project: Path, capsys, monkeypatch, tmp_path: Path
) -> None:
    output = tmp_path / "github-output"
    output.write_text("earlier=1\n")
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    status, out, err = run(capsys, "checksums")
    assert (status, err) == (0, "")
    dist, sums = project / "dist", project / "dist-record" / "SHA256SUMS"
    listed = (dist / WHEEL, dist / OTHER_WHEEL, dist / SDIST, sums.parent / matrix.RECORD)
    # without their folders, as the GitHub release holds them all in one
    assert sums.read_text() == "".join(f"{sha256(path)}  {path.name}\n" for path in listed)
    assert output.read_text() == f"earlier=1\nsha256sums={sha256(sums)}\n"
    assert out.splitlines()[-1] == (
        f"dist-record/SHA256SUMS: 4 files; its own sha256 is {sha256(sums)}"
    )
    # and by them, dist/ checks out, as the release jobs check it
    monkeypatch.setenv("SHA256SUMS_SHA256", sha256(sums).upper() + "\n")
    (dist / ".gitignore").write_text("*\n")  # what uv build leaves is no artifact
    status, out, err = run(capsys, "checksums", "--check")
    assert (status, err) == (0, "")
    assert out == "dist/ holds exactly the 4 files dist-record/SHA256SUMS lists, byte for byte\n"


def test_checksums_refuse_files_the_build_did_not_make(project: Path, capsys) -> None:
    """--check would refuse them later, and a rebuild would not remove them."""
    (project / "dist" / "notes.txt").write_text("mine\n")
    err = refused(capsys, "checksums")
    assert err.endswith(
        "dist/ also holds notes.txt, which the build did not make: move them out of dist/, "
        "then run this again"
    )
    assert not (project / "dist-record" / "SHA256SUMS").exists()


def test_checksums_refuse_a_github_output_they_cannot_write(
    project: Path, capsys, monkeypatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("GITHUB_OUTPUT", str(tmp_path / "no-such-folder" / "output"))
    err = refused(capsys, "checksums")
    assert "cannot hand SHA256SUMS's sha256 on: $GITHUB_OUTPUT (" in err
    assert not (
        project / "dist-record" / "SHA256SUMS"
    ).exists()  # nothing vouches for an unsent digest


def test_a_file_that_is_not_what_its_name_says_is_a_message(project: Path, capsys) -> None:
    (project / "dist" / OTHER_WHEEL).write_bytes(b"not a zip")
    err = refused(capsys, "sboms")
    assert "(BadZipFile). The folder holds a file that cannot be read as what its name says" in err


def test_checksums_need_a_verified_dist(project: Path, capsys) -> None:
    (project / "dist-record" / matrix.RECORD).unlink()
    assert "checksums: dist/ has no build record" in refused(capsys, "checksums")
    assert not (project / "dist-record" / "SHA256SUMS").exists()


@pytest.fixture
def summed(project: Path, capsys) -> Path:
    assert main(["checksums"]) == 0
    capsys.readouterr()
    return project / "dist"


def test_check_without_sha256sums_is_refused(project: Path, capsys) -> None:
    err = refused(capsys, "checksums", "--check")
    assert err.endswith(
        "dist-record/SHA256SUMS is missing: the build job writes it with `nox -s checksums`"
    )


@pytest.mark.parametrize("handed", ["0" * 64, ""])
def test_check_refuses_another_sha256sums_than_the_build_jobs(
    summed: Path, capsys, monkeypatch, handed: str
) -> None:
    monkeypatch.setenv("SHA256SUMS_SHA256", handed)
    err = refused(capsys, "checksums", "--check")
    shown = handed or "(nothing: its output did not arrive)"
    digest = sha256(summed.parent / "dist-record" / "SHA256SUMS")
    assert (
        f"dist-record/SHA256SUMS has sha256 {digest}, but the build job wrote one with {shown}."
        in err
    )
    assert err.endswith("What was built changed on the way here. Nothing was signed or uploaded")


@pytest.mark.parametrize(
    "line", ["abc  tool.whl", f"{'a' * 64}  ", f"{'a' * 64}  sub/tool.whl", f"{'a' * 64} tool"]
)
def test_check_refuses_a_line_that_is_no_checksum(summed: Path, capsys, line: str) -> None:
    sums = summed.parent / "dist-record" / "SHA256SUMS"
    sums.write_text(sums.read_text() + line + "\n")
    err = refused(capsys, "checksums", "--check")
    assert (
        " ".join(
            f"dist-record/SHA256SUMS, line 5, is not `<sha256>  <file name>`: {line!r}".split()
        )
        in err
    )


def test_check_refuses_a_sha256sums_that_is_not_text(summed: Path, capsys) -> None:
    (summed.parent / "dist-record" / "SHA256SUMS").write_bytes(b"\xff\n")
    err = refused(capsys, "checksums", "--check")
    assert err.endswith(
        "dist-record/SHA256SUMS is not UTF-8 text, so not the file `nox -s checksums` writes"
    )


def test_check_refuses_a_name_listed_twice(summed: Path, capsys) -> None:
    sums = summed.parent / "dist-record" / "SHA256SUMS"
    sums.write_text(sums.read_text() + sums.read_text().splitlines()[0] + "\n")
    assert "dist-record/SHA256SUMS, line 5, is not" in refused(capsys, "checksums", "--check")


def test_check_names_each_file_that_differs(summed: Path, capsys) -> None:
    wheel = summed / WHEEL
    before = sha256(wheel)
    wheel.write_bytes(wheel.read_bytes() + b"\0")
    (summed / SDIST).unlink()
    (summed / "tool-1.0-py3-none-any.whl").write_bytes(b"not from the build")
    err = refused(capsys, "checksums", "--check")
    assert "dist/ is not what the build made, by dist-record/SHA256SUMS:" in err
    assert f"{WHEEL}: sha256 {sha256(wheel)}, SHA256SUMS has {before}" in err
    assert f"{SDIST}: listed, missing from dist/" in err
    assert "tool-1.0-py3-none-any.whl: in dist/, not listed" in err
    assert err.endswith(
        "Nothing was signed or uploaded. In CI, run the whole workflow again; here, rebuild "
        "with `nox -s wheels`, then `nox -s checksums`"
    )


# -------------------------------------------------------------------------------- sboms


def test_sboms_are_copied_out_named_after_their_artifact(project: Path, capsys) -> None:
    (project / "dist-record" / "sboms").mkdir()
    (project / "dist-record" / "sboms" / "stale.json").write_text("from an earlier run")
    status, out, err = run(capsys, "sboms")
    assert (status, err) == (0, "")
    out_dir = project / "dist-record" / "sboms"
    assert sorted(path.name for path in out_dir.iterdir()) == [
        "tool-1.0-py3-none-manylinux_2_17_x86_64.tool.cyclonedx.json",
        "tool-1.0-py3-none-win_amd64.tool.cyclonedx.json",
        "tool-1.0.tool.cyclonedx.json",
    ]
    assert (out_dir / "tool-1.0-py3-none-win_amd64.tool.cyclonedx.json").read_bytes() == (
        b'{"for": "%s"}' % OTHER_WHEEL.encode()
    )
    assert (out_dir / "tool-1.0.tool.cyclonedx.json").read_bytes() == b'{"sdist": 1}'
    assert out == "dist-record/sboms/: 3 SBOM files from 3 artifacts\n"


def test_some_wheels_without_an_sbom_are_refused(project: Path, capsys) -> None:
    write_wheel(project / "dist" / OTHER_WHEEL, sbom=False)
    err = refused(capsys, "sboms")
    assert err.endswith(f"sboms: These wheels carry no SBOM, unlike the others: {OTHER_WHEEL}")


def test_wheels_that_all_lack_an_sbom_are_a_warning(project: Path, capsys) -> None:
    for name in (WHEEL, OTHER_WHEEL):
        write_wheel(project / "dist" / name, sbom=False)
    status, out, err = run(capsys, "sboms")
    assert status == 0
    assert err == "warning: The wheels carry no SBOM (*.dist-info/sboms/): the release gets none"
    assert out == "dist-record/sboms/: 1 SBOM files from 3 artifacts\n"


def test_sboms_need_artifacts(project: Path, capsys) -> None:
    shutil.rmtree(project / "dist")
    (project / "dist").mkdir()
    assert "sboms: dist/ holds no wheel or sdist" in refused(capsys, "sboms")
