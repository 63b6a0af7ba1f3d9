"""Install a wheel in each way a user may install it, for the template's tests.

Every scheme installs into its own folder under a temporary directory and
describes how to reach the result::

    installed = install("pip-target", wheel, tmp_path)
    installed.run([*installed.command, "--version"])        # the installed command
    installed.run(installed.module("--version"))            # python -m <package>
    installed.run(installed.binary_path_snippet())          # get_binary_path()

The Python that runs the tests is the base for every environment, and ``uv``
comes from PATH. Nothing is downloaded: pip runs with ``--no-index`` and uv
with ``UV_OFFLINE``, which is enough for a wheel without dependencies.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

WINDOWS = os.name == "nt"
EXE_SUFFIX = ".exe" if WINDOWS else ""

# Variables that would make an install or an import look somewhere else.
_LEAKY_VARIABLES = (
    "VIRTUAL_ENV",
    "CONDA_PREFIX",
    "PYTHONHOME",
    "PYTHONPATH",
    "PYTHONUSERBASE",
    "PYTHONNOUSERSITE",
    "PYTHONSAFEPATH",
)
_LEAKY_PREFIXES = ("PIP_", "UV_")

_PIP_OPTIONS = ("--no-index", "--no-deps", "--disable-pip-version-check", "--no-input")
_pip_runner: list[str] = []  # the shared pip venv's python, once made


@dataclass(frozen=True)
class WheelInfo:
    """What a wheel installs: its import package and its command."""

    path: Path
    package: str
    command: str


@dataclass(frozen=True)
class Installed:
    """One installation of the wheel, and how to run what it installed."""

    scheme: str
    command: list[str]
    """argv that starts the installed command; append its arguments."""
    python: list[str]
    """argv that starts a Python which imports the installed package."""
    env: dict[str, str]
    """The environment to run both with."""
    package: str

    def module(self, *args: str) -> list[str]:
        """argv for ``python -m <package> ARGS``."""
        return [*self.python, "-m", self.package, *args]

    def snippet(self, code: str) -> list[str]:
        """argv for ``python -c CODE``."""
        return [*self.python, "-c", code]

    def binary_path_snippet(self) -> list[str]:
        """argv that prints ``get_binary_path()``."""
        return self.snippet(f"import {self.package}; print({self.package}.get_binary_path())")

    def run(self, argv: list[str], stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
        """Run argv in this installation's environment; capture text output."""
        result = subprocess.run(argv, input=stdin, env=self.env, capture_output=True, check=False)
        return subprocess.CompletedProcess(argv, result.returncode, _text(result.stdout), _text(result.stderr))


# --- the schemes ---


def install_venv_pip(wheel: WheelInfo, tmp: Path) -> Installed:
    """`python -m venv` and the venv's own pip."""
    env = isolated_env(tmp)
    venv = tmp / "venv"
    _call([sys.executable, "-m", "venv", str(venv)], env)
    python = venv_python(venv)
    _call([python, "-m", "pip", "install", *_PIP_OPTIONS, str(wheel.path)], env)
    return _in_venv("venv-pip", venv, wheel, env)


def install_venv_uv(wheel: WheelInfo, tmp: Path) -> Installed:
    """`uv venv` and `uv pip install`."""
    env = isolated_env(tmp)
    venv = tmp / "venv"
    _call([uv(), "venv", "--python", sys.executable, str(venv)], env)
    _call([uv(), "pip", "install", "--python", venv_python(venv), str(wheel.path)], env)
    return _in_venv("venv-uv", venv, wheel, env)


def install_pip_user(wheel: WheelInfo, tmp: Path) -> Installed:
    """`pip install --user` with PYTHONUSERBASE in tmp.

    The interpreter is a venv made with --system-site-packages, the one kind
    of venv that has a user site; that spares the base Python itself, which
    may be externally managed (PEP 668) or be the test run's own venv.
    """
    env = isolated_env(tmp)
    userbase = tmp / "userbase"
    env["PYTHONUSERBASE"] = str(userbase)
    venv = tmp / "user-python"
    _call(
        [
            sys.executable,
            "-m",
            "venv",
            "--without-pip",
            "--system-site-packages",
            str(venv),
        ],
        env,
    )
    python = venv_python(venv)
    _call(
        [
            *pip(tmp),
            "--python",
            python,
            "install",
            *_PIP_OPTIONS,
            "--user",
            str(wheel.path),
        ],
        env,
    )
    command = _only_file_named(userbase, wheel.command + EXE_SUFFIX)
    return Installed("pip-user", [str(command)], [python], env, wheel.package)


def install_pip_target(wheel: WheelInfo, tmp: Path) -> Installed:
    """`pip install --target T`, imported through PYTHONPATH=T."""
    env = isolated_env(tmp)
    target = tmp / "target"
    python = _bare_python(tmp / "target-python", env)
    _call(
        [
            *pip(tmp),
            "--python",
            python,
            "install",
            *_PIP_OPTIONS,
            "--target",
            str(target),
            str(wheel.path),
        ],
        env,
    )
    env["PYTHONPATH"] = str(target)
    command = _only_file_named(target, wheel.command + EXE_SUFFIX)
    return Installed("pip-target", [str(command)], [python], env, wheel.package)


def install_pip_prefix(wheel: WheelInfo, tmp: Path) -> Installed:
    """`pip install --prefix P`, imported through PYTHONPATH=<P's site-packages>."""
    env = isolated_env(tmp)
    prefix = tmp / "prefix"
    python = _bare_python(tmp / "prefix-python", env)
    _call(
        [
            *pip(tmp),
            "--python",
            python,
            "install",
            *_PIP_OPTIONS,
            "--prefix",
            str(prefix),
            str(wheel.path),
        ],
        env,
    )
    init = _only_file_named(prefix, "__init__.py", parent=wheel.package)
    env["PYTHONPATH"] = str(init.parent.parent)
    command = _only_file_named(prefix, wheel.command + EXE_SUFFIX)
    return Installed("pip-prefix", [str(command)], [python], env, wheel.package)


def install_uv_tool(wheel: WheelInfo, tmp: Path) -> Installed:
    """`uv tool install`, with its tool and bin folders in tmp."""
    env = isolated_env(tmp)
    tools, bin_dir = tmp / "uv-tools", tmp / "uv-tool-bin"
    env.update(UV_TOOL_DIR=str(tools), UV_TOOL_BIN_DIR=str(bin_dir))
    _call([uv(), "tool", "install", "--python", sys.executable, str(wheel.path)], env)
    tool_venv = _only_file_named(tools, "pyvenv.cfg").parent
    command = bin_dir / (wheel.command + EXE_SUFFIX)
    return Installed("uv-tool", [str(command)], [venv_python(tool_venv)], env, wheel.package)


def install_uvx(wheel: WheelInfo, tmp: Path) -> Installed:
    """`uvx --from WHEEL` (`uv tool run`): a throwaway environment per run.

    Nothing is installed up front; both argv prefixes make uv build (or
    reuse from its cache) the environment. `uv tool run --from WHEEL python`
    is how to get a Python inside that environment.
    """
    env = isolated_env(tmp)
    # An empty tool folder, so that uvx cannot pick up a `uv tool install`.
    env["UV_TOOL_DIR"] = str(tmp / "uvx-tools")
    run = [uv(), "tool", "run", "--python", sys.executable, "--from", str(wheel.path)]
    return Installed("uvx", [*run, wheel.command], [*run, "python"], env, wheel.package)


def install_uv_run_with(wheel: WheelInfo, tmp: Path) -> Installed:
    """`uv run --with WHEEL` over an empty venv, as in a project that lacks it.

    uv puts the package in a layer of its own over that venv, so the running
    interpreter's scripts folder is not the one holding the command: only
    the package's own location leads to it. The venv is a new one because
    uv would skip the layer if the package were already there.
    """
    env = isolated_env(tmp)
    venv = tmp / "venv"
    _call([uv(), "venv", "--python", sys.executable, str(venv)], env)
    run = [
        uv(),
        "run",
        "--no-project",
        "--python",
        venv_python(venv),
        "--with",
        str(wheel.path),
    ]
    return Installed("uv-run-with", [*run, wheel.command], [*run, "python"], env, wheel.package)


INSTALLERS: dict[str, Callable[[WheelInfo, Path], Installed]] = {
    "venv-pip": install_venv_pip,
    "venv-uv": install_venv_uv,
    "pip-user": install_pip_user,
    "pip-target": install_pip_target,
    "pip-prefix": install_pip_prefix,
    "uv-tool": install_uv_tool,
    "uvx": install_uvx,
    "uv-run-with": install_uv_run_with,
}
SCHEMES = tuple(INSTALLERS)


def install(scheme: str, wheel: Path, tmp: Path) -> Installed:
    """Install wheel under scheme (one of SCHEMES) in a fresh folder of tmp."""
    folder = tmp / scheme
    folder.mkdir(parents=True, exist_ok=False)
    return INSTALLERS[scheme](inspect_wheel(wheel), folder)


def install_all(wheel: Path, tmp: Path) -> list[Installed]:
    """Install wheel under every scheme."""
    return [install(scheme, wheel, tmp) for scheme in SCHEMES]


# --- helpers ---


def inspect_wheel(wheel: Path) -> WheelInfo:
    """Read the import package and the command name out of a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    packages = {name.split("/")[0] for name in names if name.endswith("/__init__.py")}
    scripts = [name for name in names if ".data/scripts/" in name]
    if len(packages) != 1 or len(scripts) != 1:
        raise ValueError(f"{wheel}: expected one package and one script, got {packages} {scripts}")
    command = scripts[0].rsplit("/", 1)[1].removesuffix(".exe")
    return WheelInfo(Path(wheel).resolve(), packages.pop(), command)


def isolated_env(tmp: Path) -> dict[str, str]:
    """The test run's environment without what steers pip, uv or imports."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in _LEAKY_VARIABLES and not key.startswith(_LEAKY_PREFIXES)
    }
    env.update(
        PIP_CONFIG_FILE=os.devnull,  # no pip.conf: it could say --user or --target
        UV_NO_CONFIG="1",
        UV_OFFLINE="1",
        UV_PYTHON_DOWNLOADS="never",
        UV_CACHE_DIR=str(tmp.parent / "uv-cache"),
    )
    return env


def uv() -> str:
    path = shutil.which("uv")
    if path is None:
        raise FileNotFoundError("uv is not on PATH; install it with: pip install uv")
    return path


def pip(tmp: Path) -> list[str]:
    """argv of a pip that the schemes share, run with --python to pick the target.

    The test run's own Python may have no pip (a uv-made venv), so pip comes
    from a venv of its own, made once per test run beside tmp (ensurepip is
    offline but takes seconds).
    """
    if not _pip_runner or not os.path.exists(_pip_runner[0]):
        venv = tmp.parent / "pip-runner"
        _call([sys.executable, "-m", "venv", "--clear", str(venv)], isolated_env(tmp))
        _pip_runner[:] = [venv_python(venv)]
    return [_pip_runner[0], "-m", "pip"]


def venv_python(venv: Path) -> str:
    return str(venv / ("Scripts" if WINDOWS else "bin") / ("python" + EXE_SUFFIX))


def _in_venv(scheme: str, venv: Path, wheel: WheelInfo, env: dict[str, str]) -> Installed:
    scripts = Path(venv_python(venv)).parent
    command = scripts / (wheel.command + EXE_SUFFIX)
    return Installed(scheme, [str(command)], [venv_python(venv)], env, wheel.package)


def _bare_python(venv: Path, env: dict[str, str]) -> str:
    """A venv with nothing installed, to import from PYTHONPATH."""
    _call([sys.executable, "-m", "venv", "--without-pip", str(venv)], env)
    return venv_python(venv)


def _only_file_named(root: Path, name: str, parent: str | None = None) -> Path:
    """The one file called name under root (in a folder called parent, if given)."""
    found = [path for path in root.rglob(name) if path.is_file() and (parent is None or path.parent.name == parent)]
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {name} under {root}, found {found}")
    return found[0]


def _call(argv: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv)} exited with {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )


def _text(output: bytes) -> str:
    return output.decode("utf-8", errors="replace").replace("\r\n", "\n")
