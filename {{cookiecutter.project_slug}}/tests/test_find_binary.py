"""Unit tests of how get_binary_path() searches, without the real executable.

Each test lays out an installation in a temporary directory, makes the
finder believe it was imported from there (by moving the module's
``__file__``), and points the interpreter-wide directories (candidates c, d
and e) at temporary directories too, so the real installation never leaks in.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import (
    BinaryNotFoundError,
    _find_binary,
    get_binary_path,
)

PACKAGE = "{{ cookiecutter.package_name }}"
DISTRIBUTION = "{{ cookiecutter.project_slug }}"
EXECUTABLE = "{{ cookiecutter.command_name }}" + (".exe" if os.name == "nt" else "")

ROOT_VARIABLES = ("base", "platbase", "installed_base", "installed_platbase", "userbase")


def scheme_paths(scheme: str, root: Path) -> dict[str, Path]:
    """Return the install paths of scheme when installing under root."""
    paths = sysconfig.get_paths(scheme, vars=dict.fromkeys(ROOT_VARIABLES, str(root)))
    return {name: Path(path) for name, path in paths.items()}


def default_scheme() -> str:
    if sys.version_info >= (3, 10):
        return sysconfig.get_default_scheme()
    return "nt" if os.name == "nt" else "posix_prefix"


def put_executable(directory: Path, *, executable: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / EXECUTABLE
    path.write_bytes(b"#!/bin/sh\nexit 0\n")
    path.chmod(0o755 if executable else 0o644)
    return path


class FakeInstall:
    """Controls where the finder thinks it is installed and what it may see."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp_path = tmp_path
        self._monkeypatch = monkeypatch
        self.interpreter_scripts = tmp_path / "interpreter" / "bin"
        self.base_interpreter_scripts = tmp_path / "base-interpreter" / "bin"
        self.user_scripts = tmp_path / "user-scheme" / "bin"
        monkeypatch.setattr(
            _find_binary, "_interpreter_scripts_dir", lambda: str(self.interpreter_scripts)
        )
        monkeypatch.setattr(
            _find_binary,
            "_base_interpreter_scripts_dir",
            lambda: str(self.base_interpreter_scripts),
        )
        monkeypatch.setattr(_find_binary, "_user_scripts_dir", lambda: str(self.user_scripts))
        self.import_from(tmp_path / "unrelated" / "site-packages")

    def import_from(self, site_dir: Path) -> None:
        """Pretend the package was imported from site_dir/<package>."""
        module_file = site_dir / PACKAGE / "_find_binary.py"
        self._monkeypatch.setattr(_find_binary, "__file__", str(module_file))


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeInstall:
    return FakeInstall(tmp_path, monkeypatch)


# --- a. the scripts directory of the installation the package came from ---


@pytest.mark.parametrize("root", [".venv", "opt/prefix", "stage/usr/local", "dir with spaces"])
@pytest.mark.parametrize("lib", ["purelib", "platlib"])
def test_prefix_layout_finds_its_scripts_dir(install: FakeInstall, root: str, lib: str) -> None:
    # A venv, `pip install --prefix`, `--root` and pip's build environments.
    paths = scheme_paths(default_scheme(), install.tmp_path / root)
    install.import_from(paths[lib])
    expected = put_executable(paths["scripts"])
    assert get_binary_path() == str(expected)


def test_native_prefix_layout_is_matched_too(install: FakeInstall) -> None:
    # What pip --prefix produces even when the default scheme differs (distros).
    native = "nt" if os.name == "nt" else "posix_prefix"
    paths = scheme_paths(native, install.tmp_path / "prefix")
    install.import_from(paths["purelib"])
    expected = put_executable(paths["scripts"])
    assert get_binary_path() == str(expected)


def test_user_layout_finds_the_user_scripts_dir(install: FakeInstall) -> None:
    # `pip install --user` with PYTHONUSERBASE=<tmp>/userbase.
    paths = scheme_paths(_find_binary._user_scheme(), install.tmp_path / "userbase")
    install.import_from(paths["purelib"])
    expected = put_executable(paths["scripts"])
    assert get_binary_path() == str(expected)


# --- b. pip install --target ---


def test_target_layout_finds_bin_next_to_the_package(install: FakeInstall) -> None:
    target = install.tmp_path / "target"
    install.import_from(target)
    expected = put_executable(target / "bin")
    assert get_binary_path() == str(expected)


# --- c, d, e. the interpreter's own directories ---


def test_interpreter_scripts_dir(install: FakeInstall) -> None:
    expected = put_executable(install.interpreter_scripts)
    assert get_binary_path() == str(expected)


def test_base_interpreter_scripts_dir(install: FakeInstall) -> None:
    expected = put_executable(install.base_interpreter_scripts)
    assert get_binary_path() == str(expected)


def test_user_scripts_dir(install: FakeInstall) -> None:
    expected = put_executable(install.user_scripts)
    assert get_binary_path() == str(expected)


# --- order, duplicates, failures ---


def prefix_install(install: FakeInstall) -> list[Path]:
    """Import from a prefix layout; return every candidate dir in search order."""
    paths = scheme_paths(default_scheme(), install.tmp_path / "prefix")
    install.import_from(paths["purelib"])
    return [
        paths["scripts"],
        paths["purelib"] / "bin",
        install.interpreter_scripts,
        install.base_interpreter_scripts,
        install.user_scripts,
    ]


@pytest.mark.parametrize("first", range(5), ids=["a", "b", "c", "d", "e"])
def test_search_order(install: FakeInstall, first: int) -> None:
    candidates = prefix_install(install)
    for directory in candidates[first:]:
        put_executable(directory)
    assert get_binary_path() == str(candidates[first] / EXECUTABLE)


def test_not_found_lists_every_searched_dir(install: FakeInstall) -> None:
    candidates = prefix_install(install)
    with pytest.raises(BinaryNotFoundError) as caught:
        get_binary_path()
    error = caught.value
    assert isinstance(error, FileNotFoundError)
    assert error.searched_dirs == tuple(str(directory) for directory in candidates)
    message = str(error)
    for directory in candidates:
        assert f"\n  - {directory}\n" in message
    assert message.endswith(f"Reinstall with: pip install --force-reinstall {DISTRIBUTION}")


def test_each_dir_is_searched_once(install: FakeInstall) -> None:
    candidates = prefix_install(install)
    install.interpreter_scripts = candidates[0]
    install.user_scripts = candidates[0]
    with pytest.raises(BinaryNotFoundError) as caught:
        get_binary_path()
    searched = caught.value.searched_dirs
    assert len(searched) == len(set(searched))
    assert searched[0] == str(candidates[0])


def test_a_directory_with_the_name_is_not_a_match(install: FakeInstall) -> None:
    (install.interpreter_scripts / EXECUTABLE).mkdir(parents=True)
    expected = put_executable(install.user_scripts)
    assert get_binary_path() == str(expected)


@pytest.mark.skipif(os.name == "nt", reason="Windows has no execute permission bit")
def test_a_file_that_is_not_executable_is_skipped_and_reported(install: FakeInstall) -> None:
    put_executable(install.interpreter_scripts, executable=False)
    with pytest.raises(BinaryNotFoundError) as caught:
        get_binary_path()
    note = f"  - {install.interpreter_scripts} ({EXECUTABLE} is there but is not executable)"
    assert note in str(caught.value)

    expected = put_executable(install.user_scripts)
    assert get_binary_path() == str(expected)


# --- the interpreter-wide directories come from sysconfig ---


def test_interpreter_scripts_dir_is_sysconfigs() -> None:
    assert _find_binary._interpreter_scripts_dir() == sysconfig.get_path("scripts")


def test_base_interpreter_scripts_dir_only_in_a_venv() -> None:
    base_dir = _find_binary._base_interpreter_scripts_dir()
    if sys.prefix == sys.base_prefix:
        assert base_dir is None
    else:
        assert base_dir is not None
        assert Path(base_dir).is_relative_to(sys.base_prefix)


def test_user_scripts_dir_is_the_user_schemes() -> None:
    if sys.version_info >= (3, 10):
        assert _find_binary._user_scheme() == sysconfig.get_preferred_scheme("user")
    expected = sysconfig.get_path("scripts", _find_binary._user_scheme())
    assert _find_binary._user_scripts_dir() == expected
