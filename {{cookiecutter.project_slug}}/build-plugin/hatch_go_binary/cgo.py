"""The C flags of a cgo build, and the one-sentence answer to a header zig does not ship.

Go reads CGO_CPPFLAGS, CGO_CFLAGS and CGO_LDFLAGS from the environment, and an exported
value REPLACES its default (`-O2 -g`); zig cc without -O compiles in debug mode with
UBSan, whose runtime a static link then lacks. So every value here starts from Go's own
default and adds to it: what the user exported, what the target's C library needs, then
[tool.hatch-go-binary]'s cgo flags.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Mapping
from pathlib import Path

from hatch_go_binary import tags
from hatch_go_binary.config import Settings
from hatch_go_binary.errors import BuildError

FLAG_VARIABLES = ("CGO_CPPFLAGS", "CGO_CFLAGS", "CGO_LDFLAGS")
# musl >= 1.2.4 declares pread64, off64_t and the other *64 names only under
# _LARGEFILE64_SOURCE (as macros for the plain names); glibc-era C such as SQLite
# calls them without it. CPPFLAGS: C, C++ and Objective-C all see it.
MUSL_CPPFLAGS = ("-D_LARGEFILE64_SOURCE",)
MACOS_SDK_VARIABLE = "GO_WHEEL_MACOS_SDK"
FRAMEWORKS = "System/Library/Frameworks"
# Frameworks Go dependencies include most; any `Name.framework/` path counts as well.
APPLE_FRAMEWORKS = frozenset(
    {
        "Accelerate",
        "AppKit",
        "ApplicationServices",
        "AudioToolbox",
        "AVFoundation",
        "Carbon",
        "CFNetwork",
        "Cocoa",
        "CoreAudio",
        "CoreBluetooth",
        "CoreFoundation",
        "CoreGraphics",
        "CoreImage",
        "CoreLocation",
        "CoreMedia",
        "CoreMIDI",
        "CoreServices",
        "CoreText",
        "CoreVideo",
        "CoreWLAN",
        "DiskArbitration",
        "Foundation",
        "GameController",
        "GSS",
        "ImageIO",
        "IOKit",
        "IOSurface",
        "LocalAuthentication",
        "Metal",
        "MetalKit",
        "Network",
        "OpenCL",
        "OpenGL",
        "QuartzCore",
        "ScreenCaptureKit",
        "Security",
        "ServiceManagement",
        "SystemConfiguration",
        "UniformTypeIdentifiers",
        "UserNotifications",
        "WebKit",
    }
)
_NOT_FOUND = re.compile(
    r"fatal error: '([^']+)' file not found|fatal error: ([^:\s]+): No such file"
)
# zig 0.17: unable to find system framework "CFNetwork"; ld64: framework not found CFNetwork
_FRAMEWORK_NOT_FOUND = re.compile(
    r"unable to find (?:system )?framework ['\"]([^'\"]+)['\"]|framework not found (\S+)"
)
_PACKAGE_LINE = re.compile(r"^# (\S+)", re.M)


def go_defaults(go: str) -> dict[str, str]:
    """Go's own value of each flag variable: `go env` with none of them exported (a
    value set with `go env -w` counts as the default, as it does for Go)."""
    env = {key: value for key, value in os.environ.items() if key not in FLAG_VARIABLES}
    done = subprocess.run(
        [go, "env", "-json", *FLAG_VARIABLES],
        env={**env, "GOTOOLCHAIN": "local"},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise BuildError(f"`{go} env -json` failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout)


def macos_sdk() -> Path | None:
    """The macOS SDK folder $GO_WHEEL_MACOS_SDK names, checked; None when it is unset."""
    given = os.environ.get(MACOS_SDK_VARIABLE, "")
    if not given:
        return None
    sdk = Path(given).expanduser()
    if not (sdk / FRAMEWORKS).is_dir():
        raise BuildError(
            f"{MACOS_SDK_VARIABLE}={given} is not a macOS SDK: it has no {FRAMEWORKS} folder. "
            "Point it at a MacOSX<version>.sdk folder (such as the one `xcrun --show-sdk-path` "
            "prints on a Mac), or unset it"
        )
    return sdk.resolve()


def added_flags(
    settings: Settings, target: str, stubs: Path | None, sdk: Path | None
) -> dict[str, list[tuple[str, str]]]:
    """(flag, the setting it comes from) per variable, in the order they are added."""
    goos, _goarch = tags.split_target(target)
    added: dict[str, list[tuple[str, str]]] = {variable: [] for variable in FLAG_VARIABLES}
    if goos == "linux" and settings.glibc is None:
        added["CGO_CPPFLAGS"] += [(flag, "musl") for flag in MUSL_CPPFLAGS]
    if stubs is not None:  # -trimpath keeps absolute paths out of the build information
        added["CGO_LDFLAGS"].append((f"-L{stubs}", "stubs"))
    if sdk is not None and goos == "darwin":
        # zig finds framework headers and .tbd stubs only where it is told
        sdk_flags = [f"--sysroot={sdk}", f"-F{sdk / FRAMEWORKS}"]
        added["CGO_CFLAGS"] += [(flag, MACOS_SDK_VARIABLE) for flag in sdk_flags]
        sdk_flags.append(f"-L{sdk / 'usr' / 'lib'}")
        added["CGO_LDFLAGS"] += [(flag, MACOS_SDK_VARIABLE) for flag in sdk_flags]
    for key, flags in settings.cgo_flags_for(target):
        variable = "CGO_CFLAGS" if key.endswith("cflags") else "CGO_LDFLAGS"
        added[variable] += [(flag, key) for flag in flags]
    return added


def flags_environment(
    settings: Settings,
    target: str,
    defaults: Mapping[str, str],
    environ: Mapping[str, str],
    stubs: Path | None = None,
    sdk: Path | None = None,
) -> dict[str, str]:
    """CGO_CPPFLAGS, CGO_CFLAGS and CGO_LDFLAGS for TARGET: Go's default, then the
    exported value, then what the plugin and the project add."""
    from hatch_go_binary.build import go_quote  # build imports this module

    env = {}
    for variable, flags in added_flags(settings, target, stubs, sdk).items():
        quoted = [go_quote(flag, key) for flag, key in flags]
        parts = [defaults.get(variable, ""), environ.get(variable, ""), *quoted]
        env[variable] = " ".join(part for part in parts if part.strip())
    return env


def _include_line(stderr: str, header: str) -> bool:
    """Whether the failing line includes HEADER with quotes: a file of the package's own."""
    return f'#include "{header}"' in stderr or f'#import "{header}"' in stderr


def _framework(header: str) -> str | None:
    first = header.split("/", 1)[0]
    if first.endswith(".framework"):
        return first[: -len(".framework")]
    return first if "/" in header and first in APPLE_FRAMEWORKS else None


def _package_before(stderr: str, position: int) -> str | None:
    """The `# import/path` line Go prints before the errors of one package."""
    found = [match.group(1) for match in _PACKAGE_LINE.finditer(stderr, 0, position)]
    return found[-1] if found else None


def _targets_edit(settings: Settings, left_out: list[str]) -> str:
    kept = [target for target in settings.targets if target not in left_out]
    return "targets = [" + ", ".join(json.dumps(target) for target in kept) + "]"


def missing_header_message(stderr: str, target: str, settings: Settings) -> str | None:
    """One sentence for a build that stopped on a system header or Apple framework zig
    does not ship: what is missing, and the two ways out; None for any other failure."""
    goos, _goarch = tags.split_target(target)
    header = framework = None
    match = _NOT_FOUND.search(stderr)
    if match:
        header = match.group(1) or match.group(2)
        if _include_line(stderr, header):
            return None  # the package's own header is missing: the compiler's words say it
        framework = _framework(header)
    else:
        match = _FRAMEWORK_NOT_FOUND.search(stderr)
        if not match:
            return None
        framework = match.group(1) or match.group(2)
    package = _package_before(stderr, match.start())
    who = f"the C code of {package}" if package else "the C code"
    if header:
        what = f"{who} includes <{header}>,"
        if framework:
            what += f" a header of Apple's {framework} framework,"
    else:
        what = f"{who} links Apple's {framework} framework,"
    if goos == "darwin":
        darwin = [known for known in settings.targets if known.startswith("darwin/")]
        sdk = os.environ.get(MACOS_SDK_VARIABLE)
        found_in = f"the SDK at {MACOS_SDK_VARIABLE}={sdk} lacks it" if sdk else "zig has none"
        return (
            f"go build for {target} stopped: {what} which only a macOS SDK has and {found_in}; "
            f"either leave macOS out with `{_targets_edit(settings, darwin or [target])}` in "
            f"[tool.hatch-go-binary], or set {MACOS_SDK_VARIABLE} to the folder of a macOS SDK "
            "you may use (a MacOSX<version>.sdk, such as `xcrun --show-sdk-path` prints on a "
            "Mac) and build again."
        )
    return (
        f"go build for {target} stopped: {what} which zig does not ship for {target} (it "
        "comes with a C library that must be there for that target); either leave the target "
        f"out with `{_targets_edit(settings, [target])}` in [tool.hatch-go-binary], or point "
        f'the build at that library with [tool.hatch-go-binary.cgo-per-target] "{target}" = '
        '{ cflags = ["-I/path/to/include"], ldflags = ["-L/path/to/lib"] } and build again.'
    )
