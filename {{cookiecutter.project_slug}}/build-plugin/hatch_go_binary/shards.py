"""Fan-out: `build --shard I/N` builds one share of the targets, `gather` merges the shares.

The split is a pure function of the configured targets, cgo and N, so every CI job
computes the same one on its own. Each target weighs what it costs to build: 1, or 3
with cgo (zig builds that target's C library first, 50 to 100 s against Go's 10 to 30).
Cross-compiling costs Go no more than building for the runner: since Go 1.20 every target
compiles the standard library from source alike, so a "foreign" target weighs as much as
the runner's own. The sdist (and the wheel built from it) weighs 1 and always goes to
shard 1. Targets are taken by name, each into the lightest shard so far (the first of
equals): a stable split that changes only when the targets do.

`gather` takes the shards' output folders, checks that every configured target arrived
exactly once from one source and one Go environment, and writes what a single `build`
would have: the same artifacts, the same record, byte for byte, then SHA256SUMS.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path

from hatch_go_binary.audit.upload_rules import describe_quota
from hatch_go_binary.config import Settings, load_pyproject, read_settings
from hatch_go_binary.errors import BuildError
from hatch_go_binary.matrix import (
    SDIST,
    build_record,
    print_table,
    record_folder,
    replace_artifacts,
)
from hatch_go_binary.release import (
    GateError,
    dist_files,
    read_matching_record,
    shown,
    write_sums,
)

PURE_GO_WEIGHT = 1
CGO_WEIGHT = 3
SDIST_WEIGHT = 1
# shards = "auto": one job per this much weight. The starter's twelve pure-Go targets
# (about 100 s) stay one job, each extra job costing a runner's start-up; twelve cgo
# targets (15 minutes or so) get three. The size of the program itself is unknown before
# it is built: a large one sets shards = N.
AUTO_WEIGHT_PER_SHARD = 16


def target_weight(cgo: bool) -> int:
    return CGO_WEIGHT if cgo else PURE_GO_WEIGHT


def shard_count(settings: Settings) -> int:
    """How many jobs share the targets: [tool.hatch-go-binary] shards, or from their weight."""
    if settings.shards != "auto":
        return int(settings.shards)
    total = len(settings.targets) * target_weight(settings.cgo) + SDIST_WEIGHT
    return min(len(settings.targets), math.ceil(total / AUTO_WEIGHT_PER_SHARD))


def split_targets(targets: tuple[str, ...] | list[str], cgo: bool, count: int) -> list[list[str]]:
    """TARGETS in COUNT shares of about equal weight, each in the configured order; the
    sdist's weight is on the first."""
    weight = target_weight(cgo)
    loads = [SDIST_WEIGHT] + [0] * (count - 1)
    chosen: dict[str, int] = {}
    for target in sorted(targets):  # all weigh the same: by name, for a stable split
        lightest = loads.index(min(loads))
        chosen[target] = lightest
        loads[lightest] += weight
    return [[target for target in targets if chosen[target] == index] for index in range(count)]


def parse_shard(spec: str, settings: Settings) -> tuple[int, int]:
    """(I, N) from "I/N"; a BuildError says what is wrong with it."""
    index, _, count = spec.partition("/")
    if not (index.isdecimal() and count.isdecimal() and 1 <= int(index) <= int(count)):
        raise BuildError(
            f"--shard {spec}: give I/N, shard I of N, such as 1/3 (I from 1 to N); "
            "`python -m hatch_go_binary shards` says how many this project uses"
        )
    if int(count) > len(settings.targets):
        raise BuildError(
            f"--shard {spec}: {count} shards for {len(settings.targets)} targets would leave "
            "one empty: use at most one per target"
        )
    return int(index), int(count)


def shard_jobs(spec: str, settings: Settings, sdist: bool) -> tuple[list[str], dict]:
    """The jobs `build --shard SPEC` runs (its targets, and the sdist on shard 1), and
    what its record says about the shard."""
    index, count = parse_shard(spec, settings)
    targets = split_targets(settings.targets, settings.cgo, count)[index - 1]
    jobs = [*targets, *([SDIST] if sdist and index == 1 else [])]
    print(f"shard {index} of {count}: {', '.join(jobs)}", flush=True)
    return jobs, {"index": index, "count": count, "jobs": jobs}


# --- gather ---


def _same_build(records: dict[Path, dict]) -> tuple[dict | None, dict]:
    """The shards' common source (None outside git: build_record names it by the sdist)
    and Go environment; a GateError when the shards disagree."""
    first_dir, first = next(iter(records.items()))

    def source_of(record: dict) -> dict:
        # outside git only shard 1 holds the sdist that names the source
        return {key: value for key, value in record["source"].items() if key != "sdist-sha256"}

    for folder, record in records.items():
        for part, what in ((source_of, "source"), (lambda r: r["go-environment"], "Go settings")):
            if part(record) != part(first):
                raise GateError(
                    f"{shown(folder)} and {shown(first_dir)} were built from different "
                    f"{what}: {json.dumps(part(record))} against {json.dumps(part(first))}. "
                    "Every shard must build the same commit the same way: run the whole "
                    "workflow again"
                )
    source = first["source"] if first["source"].get("git-commit") is not None else None
    return source, first["go-environment"]


def _check_arrivals(records: dict[Path, dict], configured: list[str]) -> None:
    """Every configured target (and the sdist) from exactly one shard; a GateError naming
    each that is missing, doubled or unknown."""
    arrived: dict[str, list[str]] = {}
    for folder, record in records.items():
        for entry in record["artifacts"]:
            arrived.setdefault(entry["target"], []).append(shown(folder))
    problems = [f"  {job}: missing (a shard was lost?)" for job in configured if job not in arrived]
    problems += [
        f"  {job}: from {len(folders)} shards ({', '.join(folders)})"
        for job, folders in arrived.items()
        if len(folders) > 1
    ]
    problems += [
        f"  {job}: not a configured target (pyproject.toml changed between the shards?)"
        for job in arrived
        if job not in configured
    ]
    if problems:
        raise GateError(
            "The shards do not hold every configured target exactly once:\n"
            + "\n".join(problems)
            + "\nGather the output folder of every shard of one run, each once"
        )


def gather(folders: list[Path], out: Path, root: Path) -> None:
    """Merge the shards' FOLDERS into OUT, as one `build` of every target would have
    written it, then write its SHA256SUMS."""
    try:
        settings = read_settings(load_pyproject(root), root)
    except BuildError as error:
        raise GateError(str(error)) from None
    records: dict[Path, dict] = {}
    for folder in folders:
        if folder.resolve() in {seen.resolve() for seen in records}:
            raise GateError(f"{shown(folder)} is named twice: name each shard's folder once")
        _, record, _ = read_matching_record(folder, dist_files(folder))
        if "shard" not in record:
            raise GateError(
                f'{shown(folder)} is no shard (its record has no "shard"): gather the '
                "folders `build --shard I/N --out FOLDER` wrote"
            )
        records[folder] = record
    _check_arrivals(records, [*settings.targets, SDIST])
    source, environment = _same_build(records)
    no_git = next(iter(records.values()))["source"].get("no-git")
    where = {
        entry["target"]: folder / entry["file"]
        for folder, record in records.items()
        for entry in record["artifacts"]
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    # copied (the shards stay as they were) beside OUT, from where replace_artifacts moves them
    staging = Path(tempfile.mkdtemp(prefix=f".{out.resolve().name}-gather-", dir=out.parent))
    try:
        staged = {}
        for job in [*settings.targets, SDIST]:  # the order a single build records
            staged[job] = Path(shutil.copy2(where[job], staging / where[job].name))
        record = build_record(staged, source, source, environment, no_git)
        replaced = replace_artifacts(out, staged, record)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print_table(replaced)
    print(f"{record_folder(out)}: {len(replaced)} artifacts from {len(folders)} shards")
    write_sums(out, root)
    print(describe_quota(list(replaced.values())))


def main(command: str, argv: list[str] | None = None) -> int:
    """`python -m hatch_go_binary shards` or `gather`."""
    parser = argparse.ArgumentParser(prog=f"python -m hatch_go_binary {command}")
    if command == "shards":
        parser.description = "Say how many jobs share the targets, and which builds which."
        parser.add_argument(
            "--json",
            action="store_true",
            help='print {"count": N, "shards": [1, ..., N]} (also to $GITHUB_OUTPUT as shards=)',
        )
    else:
        parser.description = "Merge the output folders of `build --shard` into one build."
        parser.add_argument("folders", nargs="+", type=Path, help="each shard's --out folder")
        parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder (dist)")
    options = parser.parse_args(argv)
    root = Path.cwd()
    try:
        if command == "gather":
            gather(options.folders, options.out, root)
            return 0
        settings = read_settings(load_pyproject(root), root)
    except (GateError, BuildError, OSError) as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return 1
    count = shard_count(settings)
    if not options.json:
        for index, targets in enumerate(split_targets(settings.targets, settings.cgo, count), 1):
            extra = [SDIST] if index == 1 else []
            print(f"{index}/{count}: {', '.join([*targets, *extra])}")
        return 0
    plan = json.dumps({"count": count, "shards": list(range(1, count + 1))})
    print(plan)
    if os.environ.get("GITHUB_OUTPUT"):
        with open(os.environ["GITHUB_OUTPUT"], "a", encoding="utf-8") as output:
            output.write(f"shards={plan}\n")
    return 0
