"""Unit tests of how get_binary_path() searches, without the real executable.

Each test lays out an installation in a temporary directory, makes the
finder believe it was imported from there (by moving the module's
``__file__``), and points the interpreter-wide directories (candidates c, d
and e) at temporary directories too, so the real installation never leaks in.
A copy in c, d or e counts only if the installation's RECORD names it, so
those tests write a RECORD beside the package as an installer would.
"""

from __future__ import annotations

import base64
import csv
import hashlib
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


def put_executable(
    directory: Path, *, executable: bool = True, content: bytes = b"#!/bin/sh\nexit 0\n"
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / EXECUTABLE
    path.write_bytes(content)
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
        self.site_dir = site_dir
        module_file = site_dir / PACKAGE / "_find_binary.py"
        self._monkeypatch.setattr(_find_binary, "__file__", str(module_file))

    def record(self, *executables: Path) -> Path:
        """Write the RECORD an installer leaves beside the package, naming the executables."""
        dist_info = self.site_dir / f"{DISTRIBUTION.replace('-', '_')}-0.1.0.dist-info"
        dist_info.mkdir(parents=True, exist_ok=True)
        with open(dist_info / "RECORD", "w", newline="", encoding="utf-8") as record:
            writer = csv.writer(record)
            writer.writerow([f"{PACKAGE}/_find_binary.py", "", ""])
            for executable in executables:
                data = executable.read_bytes()
                digest = hashlib.sha256(data).digest()
                encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
                relative = os.path.relpath(executable, self.site_dir).replace(os.sep, "/")
                writer.writerow([relative, f"sha256={encoded}", str(len(data))])
            writer.writerow([f"{dist_info.name}/RECORD", "", ""])
        return dist_info / "RECORD"


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
    install.record(expected)  # the .dist-info beside the package marks the installation
    assert get_binary_path() == str(expected)


def test_a_bin_folder_beside_an_editable_source_is_not_trusted(
    install: FakeInstall, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pip install -e .` imports from the project's src/; its RECORD is elsewhere.
    monkeypatch.setattr(sys, "path", [])
    source = install.tmp_path / "project" / "src"
    install.import_from(source)
    put_executable(source / "bin")
    with pytest.raises(BinaryNotFoundError) as caught:
        get_binary_path()
    assert f"  - {source / 'bin'} ({EXECUTABLE} is there, but no RECORD" in str(caught.value)


# --- c, d, e. the interpreter's own directories ---


def test_interpreter_scripts_dir(install: FakeInstall) -> None:
    expected = put_executable(install.interpreter_scripts)
    install.record(expected)
    assert get_binary_path() == str(expected)


def test_base_interpreter_scripts_dir(install: FakeInstall) -> None:
    expected = put_executable(install.base_interpreter_scripts)
    install.record(expected)
    assert get_binary_path() == str(expected)


def test_user_scripts_dir(install: FakeInstall) -> None:
    expected = put_executable(install.user_scripts)
    install.record(expected)
    assert get_binary_path() == str(expected)


def test_another_build_outside_the_installation_is_skipped(install: FakeInstall) -> None:
    # The package's own copy is gone; the user scheme holds another version's.
    record = install.record(put_executable(install.interpreter_scripts))
    (install.interpreter_scripts / EXECUTABLE).unlink()
    put_executable(install.user_scripts, content=b"#!/bin/sh\necho 0.2.0\n")
    with pytest.raises(BinaryNotFoundError) as caught:
        get_binary_path()
    note = (
        f"  - {install.user_scripts} ({EXECUTABLE} is there, but it is not the one"
        f" {DISTRIBUTION} 0.1.0 installed: its size or sha256 differs from {record})"
    )
    assert note in str(caught.value)


def test_a_copy_outside_the_installation_needs_a_record(
    install: FakeInstall, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", [])  # no installed distribution to fall back on
    put_executable(install.user_scripts)
    with pytest.raises(BinaryNotFoundError) as caught:
        get_binary_path()
    note = f"({EXECUTABLE} is there, but no RECORD of {DISTRIBUTION} was found to check it against)"
    assert f"  - {install.user_scripts} {note}" in str(caught.value)


def test_the_installations_own_scripts_need_no_record(install: FakeInstall) -> None:
    # Where the installer itself put it (a and b), no hashing: this call stays cheap.
    paths = scheme_paths(default_scheme(), install.tmp_path / "venv")
    install.import_from(paths["purelib"])
    expected = put_executable(paths["scripts"], content=b"#!/bin/sh\nexit 1\n")
    assert get_binary_path() == str(expected)


# --- a distribution with several commands ---


def test_another_command_is_found_by_name(install: FakeInstall) -> None:
    paths = scheme_paths(default_scheme(), install.tmp_path / "venv")
    install.import_from(paths["purelib"])
    default = put_executable(paths["scripts"])
    other = paths["scripts"] / ("other-tool" + (".exe" if os.name == "nt" else ""))
    other.write_bytes(b"#!/bin/sh\nexit 0\n")
    other.chmod(0o755)
    install.record(default, other)
    assert get_binary_path("other-tool") == str(other)
    assert get_binary_path() == get_binary_path("{{ cookiecutter.command_name }}") == str(default)


def test_a_name_the_distribution_does_not_install_is_refused(install: FakeInstall) -> None:
    # The venv's own python sits where the commands go; it is not one of them.
    paths = scheme_paths(default_scheme(), install.tmp_path / "venv")
    install.import_from(paths["purelib"])
    record = install.record(put_executable(paths["scripts"]))
    python = paths["scripts"] / ("python" + (".exe" if os.name == "nt" else ""))
    python.write_bytes(b"")
    with pytest.raises(BinaryNotFoundError) as caught:
        get_binary_path("python")
    expected = f"{DISTRIBUTION} installs no command called {python.name}; the commands its {record}"
    assert str(caught.value) == f"{expected} lists: {EXECUTABLE}"


def test_another_name_needs_the_record_to_tell(
    install: FakeInstall, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", [])
    paths = scheme_paths(default_scheme(), install.tmp_path / "venv")
    install.import_from(paths["purelib"])
    put_executable(paths["scripts"])
    with pytest.raises(BinaryNotFoundError, match=r"no RECORD of .* was found to list"):
        get_binary_path("python")


@pytest.mark.parametrize("command", ["", "bin/tool", "..\\tool"])
def test_a_command_must_be_a_name(command: str) -> None:
    with pytest.raises(ValueError, match="give a command's name, not a path"):
        get_binary_path(command)


def test_a_name_with_repeated_separators_is_folded_as_installers_fold_it() -> None:
    # Each run of "-", "_" and "." becomes one "_": my--tool installs my_tool-1.0.dist-info
    assert _find_binary._normalized("My--Tool") == _find_binary._normalized("my_tool") == "my_tool"


def test_uvs_target_rows_count_as_scripts() -> None:
    rows = [["bin/other", "sha256=abc", "3"], ["pkg/x.py", "sha256=def", "1"]]
    assert _find_binary._script_rows(rows) == {"other": ("abc", "3")}


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
        install.record(put_executable(directory))
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
    install.record(expected)
    assert get_binary_path() == str(expected)


@pytest.mark.skipif(os.name == "nt", reason="Windows has no execute permission bit")
def test_a_file_that_is_not_executable_is_skipped_and_reported(install: FakeInstall) -> None:
    put_executable(install.interpreter_scripts, executable=False)
    with pytest.raises(BinaryNotFoundError) as caught:
        get_binary_path()
    note = f"  - {install.interpreter_scripts} ({EXECUTABLE} is there but is not executable)"
    assert note in str(caught.value)

    expected = put_executable(install.user_scripts)
    install.record(expected)
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
