"""Build the sdist and one wheel per Go target, several at once: `nox -s wheels` runs this.

    python build_matrix.py --out DIR --manifest FILE TARGET...

Each worker process imports hatchling once and builds one target after another
with hatch_build.py, which reads the target from $GO_WHEEL_TARGET. Go compiles
the runtime package on about one core for a long stretch, so a second target
at the same time keeps the other core busy. Every target is tried even when
one fails; the failures are reported together and the exit status is then 1.
FILE gets {"sdist" or target: file name} for the artifacts built into DIR.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

SDIST = "sdist"


def build(job: str, out: str) -> tuple[str, str, float]:
    """Build one artifact into out: (its file name, or "" and what went wrong; seconds)."""
    from hatchling.build import build_sdist, build_wheel

    start = time.perf_counter()
    try:
        if job == SDIST:
            name = build_sdist(out)
        else:
            os.environ["GO_WHEEL_TARGET"] = job
            name = build_wheel(out)
    except Exception as error:
        # hatch_build.py's BuildError explains itself; anything else is a bug to trace.
        explained = type(error).__name__ == "BuildError"
        return "", str(error) if explained else traceback.format_exc(), time.perf_counter() - start
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="+", help="Go targets, such as linux/arm64")
    parser.add_argument("--out", type=Path, required=True, help="folder for the sdist and wheels")
    parser.add_argument("--manifest", type=Path, required=True, help="JSON file: job -> file")
    parser.add_argument(
        "--jobs",
        default=os.environ.get("GO_WHEEL_JOBS", "0"),
        help="builds at once (default: $GO_WHEEL_JOBS, else 0: one per CPU)",
    )
    options = parser.parse_args(argv)
    if not options.jobs.isdigit():
        parser.error(
            f"--jobs or GO_WHEEL_JOBS is {options.jobs!r}: give the number of builds to run "
            "at once, such as 1, or 0 for one per CPU"
        )
    jobs = [*options.targets, SDIST]
    workers = int(options.jobs) or min(len(jobs), usable_cpus())
    options.out.mkdir(parents=True, exist_ok=True)
    built: dict[str, str] = {}
    failed: dict[str, str] = {}
    print(f"building {len(jobs)} artifacts, {workers} at a time", flush=True)
    # spawn, as on Windows and macOS: forking a process that runs threads is unsafe
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(build, job, str(options.out)): job for job in jobs}
        for future in as_completed(futures):
            job = futures[future]
            try:
                name, error, seconds = future.result()
            except BrokenProcessPool:  # the worker died: killed, or out of memory
                name, seconds = "", 0.0
                error = (
                    "the process building it stopped before it finished. If the machine ran "
                    "out of memory, build fewer at once: GO_WHEEL_JOBS=1 nox -s wheels"
                )
            (failed if error else built)[job] = error or name
            result = f"FAILED after {seconds:.1f} s" if error else f"{name} ({seconds:.1f} s)"
            print(f"[{len(built) + len(failed)}/{len(jobs)}] {job}: {result}", flush=True)
    failed = {job: failed[job] for job in jobs if job in failed}  # in the order asked, not done
    report_failures(failed)
    if failed:
        print(f"\n{len(failed)} of {len(jobs)} builds failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    options.manifest.write_text(json.dumps({job: built[job] for job in jobs}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
