"""What Go and libdeflate alone cost for the bench's figures: the floors under them.

Each floor runs the plugin's own `go build` command line and environment (imported
from the project's build-plugin/) for every target, as many at once as the plugin,
and leaves out everything else it does: hatchling, the SBOM, the zip, the audit,
the dist checks, the worker processes' start. A packaging figure can come near its
floor but not go below it, so a target under the floor cannot be met by packaging.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from packaging.version import Version


def _plugin(project: Path):
    """The project's vendored plugin modules, imported from its build-plugin/ folder."""
    if str(project / "build-plugin") not in sys.path:
        sys.path.insert(0, str(project / "build-plugin"))
    from hatch_go_binary import build, config, tags

    return build, config, tags


def workers(project: Path) -> int:
    """How many builds the plugin runs at once here: one per CPU this process may use."""
    _plugin(project)
    from hatch_go_binary.matrix import usable_cpus

    return usable_cpus()


def _go_build(project: str, go: str, target: str, folder: str, seed: str | None) -> str:
    """The plugin's go build of TARGET into FOLDER, after copying SEED there if given."""
    build, config, tags = _plugin(Path(project))
    root = Path(project)
    settings = config.read_settings(config.load_pyproject(root), root)
    # as hatchling hands it to the plugin: normalized (1.0.0-RC1 is 1.0.0rc1)
    version = str(Version(config.load_pyproject(root)["project"]["version"]))
    goos, _ = tags.split_target(target)
    (command,) = settings.commands
    output = Path(folder) / tags.executable_name(command.name, goos)
    if seed:
        shutil.copy2(seed, output)
    argv = build.go_command(go, settings, version, goos, output, command.package)
    env = {**os.environ, **build.go_environment(settings, target, go, root)}
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"floor: go build {target} failed:\n{done.stderr}")
    return str(output)


def _check(project: str, go: str, target: str, folder: str, seed: str) -> None:
    _go_build(project, go, target, folder, seed)


def _build_and_deflate(project: str, go: str, target: str, folder: str, seed: None) -> None:
    import deflate

    binary = Path(_go_build(project, go, target, folder, seed))
    deflate.deflate_compress(binary.read_bytes(), 12)  # the plugin's level


def _run(job, project: Path, go: str, targets: list[str], seeds: dict[str, str | None]) -> float:
    work = Path(tempfile.mkdtemp(prefix="floor-", dir=project.parent))
    folders = {target: work / target.replace("/", "_") for target in targets}
    for folder in folders.values():
        folder.mkdir()
    # fork: the workers inherit the imports; nothing runs threads at this point
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers(project), mp_context=context) as pool:
        pool.submit(int).result()  # the workers exist before the clock starts
        start = time.perf_counter()
        futures = [
            pool.submit(job, str(project), go, target, str(folders[target]), seeds[target]) for target in targets
        ]
        for future in futures:
            future.result()
        wall = time.perf_counter() - start
    shutil.rmtree(work)
    return wall


def up_to_date_checks(project: Path, go: str, targets: list[str]) -> float:
    """Wall seconds of Go's up-to-date check alone: each target's go build, starting from
    the binary the plugin kept for it (build/go/), with nothing changed since."""
    _, config, tags = _plugin(project)
    (command,) = config.read_settings(config.load_pyproject(project), project).commands
    seeds = {}
    for target in targets:
        goos, _ = tags.split_target(target)
        name = tags.executable_name(command.name, goos)
        seeds[target] = str(project / "build" / "go" / target.replace("/", "_") / name)
    return _run(_check, project, go, targets, seeds)


def edit_builds(project: Path, go: str, targets: list[str]) -> float:
    """Wall seconds of each target's go build after an edit, each binary then deflated at
    libdeflate's level 12, as the plugin does."""
    return _run(_build_and_deflate, project, go, targets, dict.fromkeys(targets))
