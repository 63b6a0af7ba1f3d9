"""Fan-out: how `build --shard I/N` splits the targets, `shards` says so, and `gather`
merges hand-made shard folders (or refuses them), with no Go build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_build_record import needs_git
from test_release import (
    DEFAULT_GO,
    OTHER_WHEEL,
    SDIST,
    TARGETS,
    WHEEL,
    checkout,  # noqa: F401  (a fixture)
    project,  # noqa: F401  (a fixture)
    refused,
    run,
    write_sdist,
    write_wheel,
)

from hatch_go_binary import matrix, shards
from hatch_go_binary.config import ConfigError, read_settings

TWELVE = (
    "linux/amd64",
    "linux/arm64",
    "linux/riscv64",
    "linux/arm",
    "linux/386",
    "linux/ppc64le",
    "linux/s390x",
    "darwin/amd64",
    "darwin/arm64",
    "windows/amd64",
    "windows/arm64",
    "windows/386",
)


def settings(**table):
    pyproject = {"project": {"name": "tool"}, "tool": {"hatch-go-binary": table}}
    return read_settings(pyproject, Path("."))


# ------------------------------------------------------------------------------ the split


@pytest.mark.parametrize("count", [1, 2, 3, 5, 12])
def test_every_target_goes_to_exactly_one_shard_in_the_configured_order(count: int) -> None:
    split = shards.split_targets(TWELVE, False, count)
    assert len(split) == count
    assert sorted(target for share in split for target in share) == sorted(TWELVE)
    for share in split:
        assert share == [target for target in TWELVE if target in share]


@pytest.mark.parametrize("count", [2, 3, 5])
def test_the_shares_weigh_about_the_same_counting_the_sdist_on_shard_1(count: int) -> None:
    split = shards.split_targets(TWELVE, True, count)
    loads = [len(share) * shards.CGO_WEIGHT for share in split]
    loads[0] += shards.SDIST_WEIGHT
    assert max(loads) - min(loads) <= shards.CGO_WEIGHT


def test_the_split_depends_on_the_targets_not_on_their_order() -> None:
    reordered = tuple(reversed(TWELVE))
    forward = [set(share) for share in shards.split_targets(TWELVE, False, 3)]
    backward = [set(share) for share in shards.split_targets(reordered, False, 3)]
    assert forward == backward


def test_shard_1_gets_the_sdist_and_says_what_it_builds(capsys) -> None:
    jobs, shard = shards.shard_jobs("1/2", settings(targets=list(TWELVE)), sdist=True)
    assert jobs[-1] == matrix.SDIST
    assert shard == {"index": 1, "count": 2, "jobs": jobs}
    assert capsys.readouterr().out == f"shard 1 of 2: {', '.join(jobs)}\n"
    jobs, _ = shards.shard_jobs("2/2", settings(targets=list(TWELVE)), sdist=True)
    assert matrix.SDIST not in jobs


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("3", "--shard 3: give I/N, shard I of N, such as 1/3"),
        ("0/2", "--shard 0/2: give I/N"),
        ("3/2", "--shard 3/2: give I/N"),
        ("1/13", "--shard 1/13: 13 shards for 12 targets would leave one empty"),
    ],
)
def test_a_bad_shard_is_refused(spec: str, says: str) -> None:
    with pytest.raises(shards.BuildError, match="^" + says.replace("/", "/")):
        shards.shard_jobs(spec, settings(targets=list(TWELVE)), sdist=True)


# ------------------------------------------------------------------------ shards setting


@pytest.mark.parametrize(
    ("table", "count"),
    [
        pytest.param({}, 1, id="twelve-pure-go-targets-one-job"),
        pytest.param({"cgo": True}, 3, id="twelve-cgo-targets-three-jobs"),
        pytest.param({"cgo": True, "targets": ["linux/amd64"]}, 1, id="never-more-than-targets"),
        pytest.param({"shards": 4}, 4, id="set"),
        pytest.param({"shards": "auto", "cgo": True}, 3, id="auto"),
    ],
)
def test_how_many_shards(table: dict, count: int) -> None:
    assert shards.shard_count(settings(**table)) == count


@pytest.mark.parametrize("value", [0, 13, "two", True, 1.5])
def test_a_bad_shards_setting_is_refused(value: object) -> None:
    with pytest.raises(ConfigError, match=r'shards = .*: must be "auto" or a number of CI jobs'):
        settings(shards=value)


def test_the_shards_command_prints_the_plan_and_hands_it_on(
    project: Path,  # noqa: F811
    capsys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "shards = 2\n")
    output = project / "github-output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(output))
    plan = '{"count": 2, "shards": [1, 2]}'
    assert run(capsys, "shards", "--json") == (0, plan + "\n", "")
    assert output.read_text() == f"shards={plan}\n"
    assert run(capsys, "shards") == (0, "1/2: windows/amd64, sdist\n2/2: linux/amd64\n", "")


# --------------------------------------------------------------------------------- gather


def shard_folder(
    root: Path, index: int, names: list[str], count: int = 2, source: dict | None = None
) -> Path:
    """A folder as `build --shard INDEX/COUNT --out shards/INDEX` leaves it."""
    folder = root / "shards" / str(index)
    folder.mkdir(parents=True)
    staged = {}
    for name in names:
        (write_sdist if name == SDIST else write_wheel)(folder / name)
        staged[TARGETS[name]] = folder / name
    written = matrix.build_record(staged, source, source, DEFAULT_GO, None)
    written["shard"] = {"index": index, "count": count, "jobs": list(staged)}
    matrix.replace_artifacts(folder, {}, None)  # makes the record folder
    (matrix.record_folder(folder) / matrix.RECORD).write_text(json.dumps(written))
    return folder


def test_gather_writes_what_one_build_would_have(project: Path, capsys) -> None:  # noqa: F811
    one = shard_folder(project, 1, [OTHER_WHEEL, SDIST])
    two = shard_folder(project, 2, [WHEEL])
    single = json.loads((project / "dist-record" / matrix.RECORD).read_text())
    single_files = {path.name: path.read_bytes() for path in (project / "dist").iterdir()}
    shutil.rmtree(project / "dist")
    shutil.rmtree(project / "dist-record")
    status, out, err = run(capsys, "gather", str(one), str(two), "--out", "dist")
    assert (status, err) == (0, ""), out
    assert json.loads((project / "dist-record" / matrix.RECORD).read_text()) == single
    assert {path.name: path.read_bytes() for path in (project / "dist").iterdir()} == single_files
    assert "dist-record/SHA256SUMS: 4 files" in out
    assert "dist-record: 3 artifacts from 2 shards" in out
    assert out.endswith("releases of this size (every release counts until deleted)\n")
    assert run(capsys, "checksums", "--check")[0] == 0
    assert one.joinpath(SDIST).is_file()  # the shards stay as they were


def test_a_lost_shard_is_refused_naming_its_targets(project: Path, capsys) -> None:  # noqa: F811
    one = shard_folder(project, 1, [OTHER_WHEEL, SDIST])
    err = refused(capsys, "gather", str(one), "--out", "merged")
    assert "do not hold every configured target exactly once: linux/amd64: missing" in err
    assert not (project / "merged").exists()


def test_a_doubled_shard_is_refused(project: Path, capsys) -> None:  # noqa: F811
    one = shard_folder(project, 1, [OTHER_WHEEL, SDIST])
    two = shard_folder(project, 2, [WHEEL])
    copy = shutil.copytree(two, project / "again" / "2")
    shutil.copytree(matrix.record_folder(two), matrix.record_folder(copy))
    err = refused(capsys, "gather", str(one), str(two), str(copy), "--out", "merged")
    assert "linux/amd64: from 2 shards (" in err
    err = refused(capsys, "gather", str(one), str(two), str(two), "--out", "merged")
    assert f"{two.as_posix()}/ is named twice" in err


def test_shards_of_different_sources_are_refused(project: Path, capsys) -> None:  # noqa: F811
    commit = {"git-commit": "a" * 40, "dirty": False, "changed": []}
    one = shard_folder(project, 1, [OTHER_WHEEL, SDIST], source=commit)
    two = shard_folder(project, 2, [WHEEL], source={**commit, "git-commit": "b" * 40})
    err = refused(capsys, "gather", str(one), str(two), "--out", "merged")
    assert "were built from different source" in err
    assert "Every shard must build the same commit the same way" in err


def test_a_shard_whose_file_changed_is_refused(project: Path, capsys) -> None:  # noqa: F811
    one = shard_folder(project, 1, [OTHER_WHEEL, SDIST])
    two = shard_folder(project, 2, [WHEEL])
    write_wheel(two / WHEEL, sbom=False)
    err = refused(capsys, "gather", str(one), str(two), "--out", "merged")
    assert f"{WHEEL}: changed since that build" in err


def test_a_whole_build_is_no_shard(project: Path, capsys) -> None:  # noqa: F811
    err = refused(capsys, "gather", "dist", "--out", "merged")
    assert 'dist/ is no shard (its record has no "shard")' in err


# ------------------------------------------------------------------------------ the quota


@needs_git
def test_the_release_gate_says_files_cannot_be_added_after_14_days(
    checkout: Path,  # noqa: F811
    capsys,
) -> None:
    status, out, _ = run(capsys, "verify", "--strict")
    assert status == 0, out
    assert "PyPI takes no new file for a release older than 14 days" in out
    assert "PyPI's 10 GiB project limit holds" in out
