"""Fan-out, as build.yml runs it: each shard built by its own process into its own folder,
then gathered, equals the single job's build byte for byte (wheels, record, SHA256SUMS)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import git, make_copier, run_nox
from test_matrix import artifact_hashes, nox_ok

# Few targets keep it cheap; Go's build cache is shared with the other tests.
TARGETS = ["linux/amd64", "linux/arm64", "windows/amd64"]
# With cgo, Linux only: zig's Windows link stamps the PE header, its debug directory and
# the CodeView GUID with a value that differs on every link (two builds of one commit
# differ there), so no two builds of a cgo windows/amd64 wheel are equal, sharded or not.
CGO_TARGETS = ["linux/amd64", "linux/arm64"]
pytestmark = pytest.mark.xdist_group("shards")


def project_with_few_targets(template: Path, where: Path, in_git: bool, targets: list[str]) -> Path:
    project = make_copier(template, where, use_cgo="yes" if targets == CGO_TARGETS else "no")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    start, end = text.index("targets = ["), text.index("]", text.index("targets = ["))
    listed = ", ".join(f'"{target}"' for target in targets)
    pyproject.write_text(text[:start] + f"targets = [{listed}" + text[end:])
    if in_git:  # as in CI: every job checks out one commit
        git(project, "init", "-q", "-b", "main")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", "project")
    return project


def build_shards(project: Path, folder: Path, count: int) -> list[Path]:
    """Each shard by its own `nox -s wheels -- --shard I/N`, into FOLDER/I/dist."""
    outs = []
    for index in range(1, count + 1):
        out = folder / str(index) / "dist"
        nox_ok(project, "-R", "-s", "wheels", "--", "--shard", f"{index}/{count}", "--out", str(out))
        outs.append(out)
    return outs


@pytest.mark.parametrize(
    ("count", "in_git", "targets"),
    [
        pytest.param(2, True, TARGETS, id="2-shards-in-git"),
        pytest.param(3, False, TARGETS, id="3-shards-outside-git"),
        pytest.param(2, True, CGO_TARGETS, id="2-shards-cgo"),  # zig: slow on a cold cache
    ],
)
def test_gathered_shards_equal_the_single_job_byte_for_byte(
    template: Path, tmp_path: Path, count: int, in_git: bool, targets: list[str]
) -> None:
    project = project_with_few_targets(template, tmp_path, in_git, targets)
    single = nox_ok(project, "-s", "wheels")
    # the build ends with the release's size against PyPI's project limit
    artifacts = len(targets) + 1
    assert single.index(f"BUILD.json: {artifacts} artifacts") < single.index(f"this release: {artifacts} files, ")
    assert "PyPI's 10 GiB project limit holds " in single
    nox_ok(project, "-R", "-s", "checksums")
    expected = artifact_hashes(project / "dist")
    assert len(expected) == artifacts + 2  # BUILD.json, SHA256SUMS

    shards = build_shards(project, tmp_path / "shards", count)
    built = [sorted(path.name for path in out.iterdir()) for out in shards]
    assert sorted(name for names in built for name in names) == sorted(
        name for name in expected if name.endswith((".whl", ".tar.gz"))
    )
    assert any(name.endswith(".tar.gz") for name in built[0])  # the sdist: shard 1's

    shutil.rmtree(project / "dist")
    shutil.rmtree(project / "dist-record")
    gathered = nox_ok(project, "-s", "gather", "--", "--out", "dist", *map(str, shards))
    assert f"dist-record: {artifacts} artifacts from {count} shards" in gathered
    assert artifact_hashes(project / "dist") == expected
    nox_ok(project, "-R", "-s", "checksums", "--", "--check")

    # a lost shard, and one gathered twice, are refused, naming the targets
    lost = run_nox(project, "-s", "gather", "--", "--out", "elsewhere", *map(str, shards[1:]))
    assert lost.returncode != 0
    assert "sdist: missing (a shard was lost?)" in lost.stdout + lost.stderr
    copy = tmp_path / "copy" / "dist"
    shutil.copytree(shards[-1], copy)
    shutil.copytree(shards[-1].with_name("dist-record"), copy.with_name("dist-record"))
    doubled = run_nox(project, "-s", "gather", "--", "--out", "elsewhere", *map(str, shards), str(copy))
    assert doubled.returncode != 0
    assert ": from 2 shards (" in doubled.stdout + doubled.stderr
    assert not (project / "elsewhere").exists()
