"""What in Go's environment differs from Go's defaults, for the build record.

`go env -changed` (Go 1.23 and later) lists every Go and C variable whose value is not
Go's default, from the shell and from `go env -w` alike (the latter invisible in the
shell). Some of them the plugin sets itself for every build, whatever they were; some
only say where Go finds modules or keeps its caches (go.sum pins every module's bytes).
The rest can change the binary: `GOFLAGS=-cover`, `-tags`, `-gcflags`, `-overlay`,
GOEXPERIMENT, GOFIPS140, CGO_CFLAGS, ... The record names them with their values, and
`verify --strict` refuses a build made with any of them. With cgo on, so do the variables
the C side reads that Go does not list (CPATH, PKG_CONFIG_PATH, ZIG_*, ...).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path

# Set by build.go_environment and toolchain.find_go for every build: the user's value
# never reaches Go. GOWORK=off: a go.work in a parent folder must not swap modules.
SET_BY_THE_PLUGIN = frozenset(
    {
        "GOOS",
        "GOARCH",
        "GOARM",
        "GOAMD64",
        "GOARM64",
        "GO386",
        "GOPPC64",
        "GORISCV64",
        "CGO_ENABLED",
        "GOTOOLCHAIN",
        "GOWORK",
    }
)
# Set by the plugin when cgo is on (zig); with cgo off no C compiler runs at all.
SET_FOR_CGO = frozenset({"CC", "CXX"})
C_VARIABLES = frozenset(
    {
        "CC",
        "CXX",
        "FC",
        "AR",
        "PKG_CONFIG",
        "CGO_CFLAGS",
        "CGO_CPPFLAGS",
        "CGO_CXXFLAGS",
        "CGO_FFLAGS",
        "CGO_LDFLAGS",
    }
)
# Read from the environment by the C side of a cgo build, and unseen by `go env -changed`:
# clang's (zig cc's) header and library search paths, pkg-config's (for `#cgo pkg-config:`),
# and zig's own ZIG_* settings (ZIG_LIB_DIR swaps its libc). With cgo on, a set one counts
# as changed; the build keeps it (a cgo dependency may need PKG_CONFIG_PATH).
C_TOOL_VARIABLES = frozenset(
    {
        "CPATH",
        "C_INCLUDE_PATH",
        "CPLUS_INCLUDE_PATH",
        "OBJC_INCLUDE_PATH",
        "LIBRARY_PATH",
        "PKG_CONFIG_PATH",
        "PKG_CONFIG_LIBDIR",
        "PKG_CONFIG_SYSROOT_DIR",
    }
)
ZIG_PREFIX = "ZIG_"
# Where modules come from and where caches live: go.sum checks every module's bytes, and
# GOROOT only picks the Go whose version each binary's build information names. Recorded
# by name only (GOPROXY and GOAUTH may hold credentials).
NO_EFFECT_ON_THE_BINARY = frozenset(
    {
        "GOPROXY",
        "GONOPROXY",
        "GOPRIVATE",
        "GONOSUMDB",
        "GOSUMDB",
        "GOINSECURE",
        "GOAUTH",
        "GOVCS",
        "GOCACHE",
        "GOMODCACHE",
        "GOPATH",
        "GOBIN",
        "GOENV",
        "GOTMPDIR",
        "GOTELEMETRY",
        "GOTELEMETRYDIR",
        "GOROOT",
        "ZIG_GLOBAL_CACHE_DIR",
        "ZIG_LOCAL_CACHE_DIR",
    }
)
# The flags every `go build` of the plugin passes anyway (build.go_command), without their
# dashes (Go takes - and --): the same in GOFLAGS changes nothing (CI images often set
# GOFLAGS=-buildvcs=false).
FLAGS_THE_PLUGIN_PASSES = frozenset({"trimpath", "trimpath=true", "buildvcs=false"})


def _user_goflags(value: str) -> str:
    """GOFLAGS without the flags the plugin passes itself."""
    return " ".join(
        flag for flag in value.split() if flag.lstrip("-") not in FLAGS_THE_PLUGIN_PASSES
    )


def _read_by_c_tools(name: str) -> bool:
    return name in C_TOOL_VARIABLES or name.startswith(ZIG_PREFIX)


def _c_tool_settings(env: Mapping[str, str]) -> dict[str, str]:
    """The C tools' variables set in ENV, which `go env -changed` does not list."""
    return {name: value for name, value in env.items() if _read_by_c_tools(name) and value}


def changed_environment(go: str, env: Mapping[str, str], root: Path, cgo: bool) -> dict:
    """What the build record says of Go's environment: "changed" {name: value} (can change
    the binary), "no-effect" [names], "set-by-hatch-go-binary" [names]; or "unknown" with
    why, when Go could not say."""
    try:
        done = subprocess.run(
            [go, "env", "-changed", "-json"],
            cwd=root,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return {"unknown": f"`go env -changed` could not run: {error}"}
    if done.returncode != 0:
        said = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        return {"unknown": f"`go env -changed` failed (it needs Go 1.23 or newer): {said}"}
    try:
        changed = json.loads(done.stdout or "{}")
    except ValueError:
        return {"unknown": f"`go env -changed -json` printed no JSON: {done.stdout[:200]!r}"}
    if cgo:  # with cgo off no C compiler runs at all
        changed.update(_c_tool_settings(env))
    set_by_us = SET_BY_THE_PLUGIN | (SET_FOR_CGO if cgo else frozenset())
    if "GOFLAGS" in changed:
        changed["GOFLAGS"] = _user_goflags(changed["GOFLAGS"])
    effective, no_effect, ours = {}, [], []
    for name, value in sorted(changed.items()):
        if name in set_by_us:
            ours.append(name)
        elif name in NO_EFFECT_ON_THE_BINARY or (name in C_VARIABLES and not cgo):
            no_effect.append(name)
        elif value:  # GOFLAGS that held only the plugin's own flags
            effective[name] = value
    return {"changed": effective, "no-effect": no_effect, "set-by-hatch-go-binary": ours}


def describe(environment: dict) -> str | None:
    """Why the build's environment is a doubt, said of the output folder ("dist/ " comes
    first), or None when Go's defaults built it."""
    if "unknown" in environment:
        why = environment["unknown"]
        return f"was built where Go could not say which of its settings changed: {why}"
    changed = environment.get("changed") or {}
    go_side = {name: value for name, value in changed.items() if not _read_by_c_tools(name)}
    c_side = {name: value for name, value in changed.items() if _read_by_c_tools(name)}
    said = []
    if go_side:
        said.append(
            f"with Go settings that change the binary: {_shown(go_side)} (from the shell, or "
            "from `go env -w`: `go env -changed` lists them; `go env -u NAME` removes one)"
        )
    if c_side:
        said.append(
            f"with settings of the C compiler (zig) or pkg-config that change the binary: "
            f"{_shown(c_side)} (from the shell: unset them for a release build)"
        )
    return f"was built {'; and '.join(said)}" if said else None


def _shown(settings: Mapping[str, str]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in settings.items())
