"""What in Go's environment changes the binary: GOWORK off for every build, and the build
record's go-environment as `go env -changed` reports it (a real Go, when one is on PATH)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from hatch_go_binary import build, goenv
from hatch_go_binary.config import read_settings

needs_go = pytest.mark.skipif(shutil.which("go") is None, reason="no go on PATH")


def plain_settings(tmp_path: Path, cgo: bool = False):
    table = {"cgo": cgo, "targets": ["linux/amd64"]}
    pyproject = {"project": {"name": "tool"}, "tool": {"hatch-go-binary": table}}
    return read_settings(pyproject, tmp_path)


def test_builds_ignore_a_go_work_in_a_parent_folder(tmp_path: Path) -> None:
    env = build.go_environment(plain_settings(tmp_path), "linux/arm", "/usr/bin/go", tmp_path)
    assert env["GOWORK"] == "off"
    # every variable the plugin sets is one the record counts as the plugin's, not the user's
    assert set(env) <= goenv.SET_BY_THE_PLUGIN


def go_env_without_user_settings(tmp_path: Path) -> dict[str, str]:
    """This process's environment without its Go and C settings, and a `go env -w` file of
    the test's own."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GO", "CGO_", goenv.ZIG_PREFIX))
        and name not in goenv.C_VARIABLES | goenv.C_TOOL_VARIABLES
    }
    return {**kept, "GOENV": str(tmp_path / "go-env"), "GOTOOLCHAIN": "local"}


def go(env: dict[str, str], *args: str) -> None:
    subprocess.run(["go", *args], env=env, check=True, capture_output=True)


@needs_go
@pytest.mark.parametrize("cgo", [False, True])
def test_the_record_names_what_changes_the_binary(tmp_path: Path, cgo: bool) -> None:
    env = go_env_without_user_settings(tmp_path)
    go(env, "env", "-w", "GOEXPERIMENT=nojsonv2")  # invisible in the shell
    env.update(
        GOFLAGS="-buildvcs=false -cover -tags=extra",  # the first flag the plugin passes anyway
        GOFIPS140="latest",
        CGO_CFLAGS="-O1",
        GOOS="windows",  # the plugin sets it for each target
        GOPROXY="https://user:secret@proxy.example",  # where modules come from: go.sum pins them
        PKG_CONFIG_PATH="/opt/ssl/lib/pkgconfig",  # read by cgo's pkg-config, unseen by Go
        ZIG_LIB_DIR="/opt/zig-lib",
        ZIG_GLOBAL_CACHE_DIR="/tmp/zig-cache",  # a cache only
        CPATH="",  # unset, as far as clang is concerned
    )
    found = goenv.changed_environment("go", env, tmp_path, cgo)
    changed = {"GOEXPERIMENT": "nojsonv2", "GOFIPS140": "latest", "GOFLAGS": "-cover -tags=extra"}
    if cgo:
        changed.update(
            CGO_CFLAGS="-O1", PKG_CONFIG_PATH="/opt/ssl/lib/pkgconfig", ZIG_LIB_DIR="/opt/zig-lib"
        )
    assert found["changed"] == changed
    assert "GOOS" in found["set-by-hatch-go-binary"]
    no_effect = ["GOENV", "GOPROXY"] if cgo else ["CGO_CFLAGS", "GOENV", "GOPROXY"]
    no_effect += ["ZIG_GLOBAL_CACHE_DIR"] if cgo else []
    assert found["no-effect"] == no_effect  # names only: GOPROXY may hold a password
    assert "secret" not in str(found)
    doubt = goenv.describe(found)
    assert doubt is not None and "GOFLAGS='-cover -tags=extra'" in doubt


def test_c_settings_are_a_doubt_with_cgo_only(tmp_path: Path, monkeypatch) -> None:
    """Go's `go env -changed` knows nothing of CPATH or PKG_CONFIG_PATH: they are recorded
    as changed all the same, and said apart from Go's own settings."""
    nothing_changed = subprocess.CompletedProcess([], 0, stdout="{}", stderr="")
    monkeypatch.setattr(goenv.subprocess, "run", lambda *args, **kwargs: nothing_changed)
    env = {"CPATH": "/opt/include", "PKG_CONFIG_SYSROOT_DIR": "/sysroot", "HOME": "/home/me"}
    assert goenv.changed_environment("go", env, tmp_path, cgo=False)["changed"] == {}
    found = goenv.changed_environment("go", env, tmp_path, cgo=True)
    assert found["changed"] == {"CPATH": "/opt/include", "PKG_CONFIG_SYSROOT_DIR": "/sysroot"}
    doubt = goenv.describe(found)
    assert doubt is not None and "C compiler (zig) or pkg-config" in doubt
    assert "CPATH='/opt/include'" in doubt and "go env -u" not in doubt


@needs_go
def test_go_defaults_are_no_doubt(tmp_path: Path) -> None:
    env = {**go_env_without_user_settings(tmp_path), "GOFLAGS": "-trimpath --buildvcs=false"}
    found = goenv.changed_environment("go", env, tmp_path, cgo=False)
    assert found["changed"] == {}
    assert goenv.describe(found) is None


def test_a_go_that_cannot_tell_is_unknown(tmp_path: Path) -> None:
    found = goenv.changed_environment(str(tmp_path / "no-go"), {}, tmp_path, cgo=False)
    assert found["unknown"].startswith("`go env -changed` could not run: ")
    assert goenv.describe(found).startswith("was built where Go could not say which of its ")


@needs_go
def test_go_finds_no_go_work_with_the_build_environment(tmp_path: Path) -> None:
    """A go.work in a parent folder (which could replace any module) is what Go uses unless
    GOWORK is off; the builds' environment turns it off."""
    module = tmp_path / "work" / "tool"
    module.mkdir(parents=True)
    (module / "go.mod").write_text("module example.com/tool\n\ngo 1.22\n")
    (tmp_path / "work" / "go.work").write_text("go 1.22\n\nuse ./tool\n")
    env = go_env_without_user_settings(tmp_path)

    def gowork(extra: dict[str, str]) -> str:
        done = subprocess.run(
            ["go", "env", "GOWORK"],
            cwd=module,
            env={**env, **extra},
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    assert gowork({}) == str(tmp_path / "work" / "go.work")
    build_env = build.go_environment(plain_settings(tmp_path), "linux/amd64", "go", module)
    assert gowork(build_env) == "off"
