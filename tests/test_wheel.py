"""The default project's host wheel: what it holds, and that it works however it is installed."""

from __future__ import annotations

import functools
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import uv_build
from install_schemes import SCHEMES, install, uv, venv_python
from packaging.tags import sys_tags
from packaging.utils import parse_wheel_filename

VERSION_LINE = "my-go-tool 0.1.0"


@pytest.fixture(scope="session")
def host_wheel(default_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return uv_build(default_project, tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def next_version_wheel(default_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same project at version 0.2.0: another installation's build."""
    source = tmp_path_factory.mktemp("next-version") / "project"
    shutil.copytree(default_project, source)
    pyproject = source / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert 'version = "0.1.0"' in text
    pyproject.write_text(text.replace('version = "0.1.0"', 'version = "0.2.0"', 1), encoding="utf-8")
    return uv_build(source, tmp_path_factory.mktemp("next-version-wheel"))


def test_wheel_carries_the_binary_as_its_one_script(host_wheel: Path) -> None:
    name, version, _, tags = parse_wheel_filename(host_wheel.name)
    assert (name, str(version)) == ("my-go-tool", "0.1.0")
    # installable here, and one wheel for glibc and musl alike
    assert tags & set(sys_tags())
    assert {tag.platform for tag in tags} == {
        "manylinux_2_17_x86_64",
        "manylinux2014_x86_64",
        "musllinux_1_1_x86_64",
    }
    with zipfile.ZipFile(host_wheel) as wheel:
        entries = {info.filename: info for info in wheel.infolist()}
    scripts = [name for name in entries if ".data/scripts/" in name]
    assert scripts == ["my_go_tool-0.1.0.data/scripts/my-go-tool"]
    binary = entries[scripts[0]]
    assert binary.external_attr >> 16 == stat.S_IFREG | 0o755
    assert binary.compress_type == zipfile.ZIP_DEFLATED
    assert binary.compress_size < binary.file_size * 0.6
    assert "my_go_tool/py.typed" in entries


@pytest.mark.parametrize("scheme", SCHEMES)
def test_installed_wheel_runs_every_way(host_wheel: Path, tmp_path: Path, scheme: str) -> None:
    installed = install(scheme, host_wheel, tmp_path)

    command = installed.run([*installed.command, "--version"])
    assert (command.returncode, command.stdout.strip()) == (0, VERSION_LINE), command.stderr

    module = installed.run(installed.module("--json", "-"), stdin=b"one two\nthree\n")
    assert module.returncode == 0, module.stderr
    assert '"words":3' in module.stdout

    found = installed.run(installed.binary_path_snippet())
    assert found.returncode == 0, found.stderr
    binary = Path(found.stdout.strip())
    assert binary.is_absolute()
    assert os.access(binary, os.X_OK)
    assert subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip() == VERSION_LINE


def test_exit_status_and_stderr_pass_through_python_m(host_wheel: Path, tmp_path: Path) -> None:
    installed = install("venv-pip", host_wheel, tmp_path)
    for args, status in ((["no-such-file"], 1), (["--no-such-flag"], 2)):
        direct = installed.run([*installed.command, *args])
        through_python = installed.run(installed.module(*args))
        assert direct.returncode == through_python.returncode == status
        assert direct.stderr == through_python.stderr != ""


def test_missing_binary_names_every_place_searched(host_wheel: Path, tmp_path: Path) -> None:
    installed = install("venv-pip", host_wheel, tmp_path)
    binary = Path(installed.run(installed.binary_path_snippet()).stdout.strip())
    binary.unlink()
    done = installed.run(installed.snippet("import my_go_tool; my_go_tool.get_binary_path()"))
    assert done.returncode != 0
    assert "FileNotFoundError" in done.stderr or "BinaryNotFoundError" in done.stderr
    assert str(binary.parent) in done.stderr
    module = installed.run(installed.module("--version"))
    assert module.returncode == 1
    assert "Traceback" not in module.stderr


def test_pip_install_from_source_builds_the_binary(default_project: Path, tmp_path: Path) -> None:
    """`pip install .` on the developer's machine: the build hook compiles for the host."""
    venv = tmp_path / "venv"
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}  # pip fetches hatchling
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    source = tmp_path / "source"
    shutil.copytree(default_project, source)
    done = subprocess.run(
        [venv_python(venv), "-m", "pip", "install", "-q", str(source)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    command = Path(venv_python(venv)).parent / "my-go-tool"
    assert subprocess.run([command, "--version"], capture_output=True, text=True).stdout.strip() == VERSION_LINE


def test_installer_keeps_the_executable_bit(host_wheel: Path, tmp_path: Path) -> None:
    """pypa/installer, the reference installer that distro packagers use, as well as pip and uv."""
    venv = tmp_path / "venv"
    subprocess.run([uv(), "venv", "-q", str(venv)], check=True)
    python = venv_python(venv)
    subprocess.run([uv(), "pip", "install", "-q", "--python", python, "installer"], check=True)
    subprocess.run([python, "-m", "installer", str(host_wheel)], check=True)
    command = Path(python).parent / "my-go-tool"
    assert command.stat().st_mode & 0o111 == 0o111
    assert subprocess.run([command, "--version"], capture_output=True, text=True).stdout.strip() == VERSION_LINE


def test_a_copy_outside_the_environment_must_be_the_installed_build(
    host_wheel: Path, next_version_wheel: Path, tmp_path: Path
) -> None:
    """Issue 11: with the venv's own copy gone, a user-scheme copy of 0.2.0 is refused."""
    installed = install("venv-pip", host_wheel, tmp_path)
    other = install("pip-user", next_version_wheel, tmp_path)
    assert other.run([*other.command, "--version"]).stdout.strip() == "my-go-tool 0.2.0"
    user_copy = Path(other.command[0])
    env = {**installed.env, "PYTHONUSERBASE": other.env["PYTHONUSERBASE"]}
    run = functools.partial(subprocess.run, env=env, capture_output=True, text=True, check=False)

    own = Path(installed.run(installed.binary_path_snippet()).stdout.strip())
    assert own.parent == Path(installed.python[0]).parent
    own_build = own.read_bytes()
    own.unlink()

    refused = run(installed.binary_path_snippet())
    assert refused.returncode == 1
    note = "(my-go-tool is there, but it is not the one my-go-tool 0.1.0 installed"
    assert f"{user_copy.parent} {note}" in refused.stderr
    assert "my_go_tool-0.1.0.dist-info" in refused.stderr
    assert str(own.parent) in refused.stderr
    module = run(installed.module("--version"))
    assert (module.returncode, module.stdout) == (1, "")
    assert "0.2.0" not in module.stderr

    # The very file this installation's RECORD names is accepted wherever it is.
    user_copy.write_bytes(own_build)
    accepted = run(installed.binary_path_snippet())
    assert (accepted.returncode, accepted.stdout.strip()) == (0, str(user_copy)), accepted.stderr
    assert run(installed.module("--version")).stdout.strip() == VERSION_LINE


def test_editable_install_finds_its_binary_and_checks_it(
    default_project: Path, next_version_wheel: Path, tmp_path: Path
) -> None:
    """`pip install -e .`: the code stays in src/, the binary goes to the venv, RECORD ties them."""
    venv = tmp_path / "venv"
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}  # pip fetches hatchling
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env)
    source = tmp_path / "source"
    shutil.copytree(default_project, source)
    python = venv_python(venv)
    install_editable = [python, "-m", "pip", "install", "-q", "-e", str(source)]
    done = subprocess.run(install_editable, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    code = "import my_go_tool; print(my_go_tool.__file__); print(my_go_tool.get_binary_path())"
    found = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env)
    assert found.returncode == 0, found.stderr
    module_file, binary = found.stdout.split()
    assert Path(module_file).is_relative_to(source)
    assert Path(binary) == Path(python).parent / "my-go-tool"

    # Swapped for another version's build, it no longer passes.
    with zipfile.ZipFile(next_version_wheel) as wheel:
        Path(binary).write_bytes(wheel.read("my_go_tool-0.2.0.data/scripts/my-go-tool"))
    refused = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env)
    assert refused.returncode == 1
    assert "it is not the one my-go-tool 0.1.0 installed" in refused.stderr
