"""Find the native {{ cookiecutter.command_name }} executable installed with this package.

The wheel ships the compiled program as a script
(``<dist>-<version>.data/scripts/``), so the installer copies it into a
scripts directory (``bin/`` or ``Scripts\\``) rather than next to this file.
Which directory depends on how the package was installed, so several
places are tried, most specific first.

The first places belong to the installation this package was imported from.
A copy found anywhere else (the running interpreter's scripts, its base
interpreter's, the user scheme's) may come from another installation of
another version, so it is returned only if it is the very file this package
installed: the one its RECORD names, by size and sha256.

Only ``os``, ``sys`` and ``sysconfig`` are imported up front: this module is
imported by other tools at start-up and must stay cheap.
"""

from __future__ import annotations

import os
import sys
import sysconfig

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

COMMAND_NAME = "{{ cookiecutter.command_name }}"
DISTRIBUTION_NAME = "{{ cookiecutter.project_slug }}"

# Stands in for an install root while a sysconfig scheme is expanded, so that
# each of its paths can be read relative to that root.
_PLACEHOLDER_ROOT = os.path.abspath(os.path.join(os.sep, "__install_root__"))
_ROOT_VARIABLES = ("base", "platbase", "installed_base", "installed_platbase", "userbase")


class BinaryNotFoundError(FileNotFoundError):
    """The {{ cookiecutter.command_name }} executable is not where it was installed."""

    def __init__(self, message: str, searched_dirs: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        #: The directories that were searched, in search order.
        self.searched_dirs = searched_dirs


def get_binary_path(command: str | None = None) -> str:
    """Return the absolute path of an executable this package installs.

    Args:
        command: which one, for a distribution that installs several
            (the names in pyproject.toml's [tool.hatch-go-binary]);
            by default {{ cookiecutter.command_name }}.

    Raises:
        BinaryNotFoundError: the executable is in none of the directories
            an installer could have put it in, or the distribution does not
            install a command of that name.
        ValueError: command is empty or a path.
    """
    if command is not None and (not command or "/" in command or "\\" in command):
        raise ValueError(f"get_binary_path({command!r}): give a command's name, not a path")
    name = _executable_name(command or COMMAND_NAME)
    searched: list[str] = []
    notes: dict[str, str] = {}
    record: _Record | None = None
    if command is not None and command != COMMAND_NAME:
        # Only a command of this distribution, never just any program of that name.
        record = _Record.find()
        unknown = record.unknown_command(name)
        if unknown:
            raise BinaryNotFoundError(unknown)
    for directory, own in _candidate_dirs():
        if directory in searched:
            continue
        searched.append(directory)
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        if not _is_executable(path):
            notes[directory] = f"{name} is there but is not executable"
            continue
        if own:
            return os.path.abspath(path)
        if record is None:
            record = _Record.find()
        mismatch = record.mismatch(path)
        if mismatch is None:
            return os.path.abspath(path)
        notes[directory] = mismatch
    raise BinaryNotFoundError(_not_found_message(name, searched, notes), tuple(searched))


def _executable_name(command: str) -> str:
    return command + (".exe" if os.name == "nt" else "")


def _is_executable(path: str) -> bool:
    # Windows has no execute bit: any regular file will do.
    return os.name == "nt" or os.access(path, os.X_OK)


def _candidate_dirs() -> Iterator[tuple[str, bool]]:
    """Yield (directory, whether it is this installation's own), best first."""
    site_dir = _site_packages_dir()
    # a. The scripts directory of the installation this package belongs to,
    #    found by matching this package's location against each install
    #    scheme. A venv (pip or uv):
    #      .venv/lib/python3.12/site-packages -> .venv/bin
    #    `pip install --prefix /opt/x` or a pip isolated build environment:
    #      /opt/x/lib/python3.12/site-packages -> /opt/x/bin
    #    `pip install --user`: ~/.local/lib/python3.12/site-packages -> ~/.local/bin
    #    `pip install --root /stage`, Windows and distro layouts alike:
    #      /stage/usr/lib/python3/dist-packages -> /stage/usr/bin
    #      C:\Python312\Lib\site-packages -> C:\Python312\Scripts
    for relative_lib, relative_scripts in _scheme_layouts():
        root = _root_above(site_dir, relative_lib)
        if root is not None:
            yield os.path.normpath(os.path.join(root, relative_scripts)), True
    # b. `pip install --target /opt/t` puts packages in /opt/t and the
    #    scripts in /opt/t/bin, on Windows too (pip installs into a "home"
    #    scheme, then moves its contents up): /opt/t/bin. Only where the
    #    distribution's .dist-info sits beside the package: an editable
    #    install imports from the project's src/, whose bin/ is nobody's.
    yield os.path.join(site_dir, "bin"), bool(_dist_infos_in(site_dir))
    # The rest may belong to other installations.
    # c. The running interpreter's scripts directory: the venv it runs in,
    #    the environment of `uv tool install` or `uvx`: .venv/bin
    #    and the one an editable install (`pip install -e .`) put it in,
    #    since this module is then imported from the project's src/.
    yield _interpreter_scripts_dir(), False
    # d. When running in a venv, the scripts directory of the interpreter it
    #    was made from, for a package installed there and seen through
    #    --system-site-packages or PYTHONPATH: /usr/local/bin
    base_dir = _base_interpreter_scripts_dir()
    if base_dir is not None:
        yield base_dir, False
    # e. The user scheme's scripts directory (`pip install --user`):
    #    ~/.local/bin, %APPDATA%\Python\Python312\Scripts
    yield _user_scripts_dir(), False


def _site_packages_dir() -> str:
    """Return the directory this package was imported from."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _scheme_layouts() -> Iterator[tuple[str, str]]:
    """Yield (library dir, scripts dir) pairs, relative to an install root.

    One pair for the purelib and one for the platlib of each scheme that an
    installer may have used, in the order the schemes are tried.
    """
    known = sysconfig.get_scheme_names()
    for scheme in dict.fromkeys(_scheme_names()):
        if scheme not in known:
            continue
        paths = sysconfig.get_paths(scheme, vars=dict.fromkeys(_ROOT_VARIABLES, _PLACEHOLDER_ROOT))
        scripts = _relative_to_placeholder(paths["scripts"])
        if scripts is None:
            continue
        for key in ("purelib", "platlib"):
            lib = _relative_to_placeholder(paths[key])
            if lib is not None:
                yield lib, scripts


def _scheme_names() -> list[str]:
    """Return the install schemes to match against, most likely first.

    The interpreter's default, prefix and user schemes come first; then every
    other scheme of this platform, such as Debian's "deb_system" for
    packages installed by apt (/usr/lib/python3/dist-packages -> /usr/bin).
    """
    native = "nt" if os.name == "nt" else "posix_prefix"
    likely = [native, _user_scheme()]
    if sys.version_info >= (3, 10):
        # Inside a venv both are "venv"; pip's --prefix and build environments
        # use the prefix one.
        likely[:0] = [sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("prefix")]
    foreign = ("posix", "osx") if os.name == "nt" else ("nt", "osx")
    others = [name for name in sysconfig.get_scheme_names() if not name.startswith(foreign)]
    return likely + others


def _user_scheme() -> str:
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if sys.platform == "darwin" and getattr(sys, "_framework", ""):
        return "osx_framework_user"
    return f"{os.name}_user"


def _relative_to_placeholder(path: str) -> str | None:
    prefix = _PLACEHOLDER_ROOT + os.sep
    if os.path.normcase(path).startswith(os.path.normcase(prefix)):
        return path[len(prefix) :]
    return None


def _root_above(site_dir: str, relative_lib: str) -> str | None:
    """Return the install root if site_dir is relative_lib under it, else None."""
    tail = os.sep + relative_lib
    if not os.path.normcase(site_dir).endswith(os.path.normcase(tail)):
        return None
    # Keep the separator, so that a root like "C:\" or "/" stays absolute.
    return site_dir[: len(site_dir) - len(tail) + 1]


def _interpreter_scripts_dir() -> str:
    return sysconfig.get_path("scripts")


def _base_interpreter_scripts_dir() -> str | None:
    if sys.prefix == sys.base_prefix:
        return None
    roots = dict.fromkeys(("base", "installed_base"), sys.base_prefix)
    roots.update(dict.fromkeys(("platbase", "installed_platbase"), sys.base_exec_prefix))
    return sysconfig.get_path("scripts", vars=roots)


def _user_scripts_dir() -> str:
    return sysconfig.get_path("scripts", _user_scheme())


class _Record:
    """The files this package's distribution installed, from its RECORD.

    Read only when a copy outside this installation turns up, so that the
    usual call stays a few stat() calls.
    """

    def __init__(self, dist_info: str | None, scripts: dict[str, tuple[str, str]]) -> None:
        self.dist_info = dist_info
        #: Each installed script's file name: (sha256 as RECORD writes it, size).
        self.scripts = scripts

    @classmethod
    def find(cls) -> _Record:
        for dist_info, rows in _own_records():
            return cls(dist_info, _script_rows(rows))
        return cls(None, {})

    def unknown_command(self, name: str) -> str | None:
        """Say why name is not a command of this distribution, or None if it is."""
        if self.dist_info is None:
            return (
                f"cannot tell whether {DISTRIBUTION_NAME} installs a command called {name}:"
                f" no RECORD of {DISTRIBUTION_NAME} was found to list its commands"
            )
        if name in self.scripts:
            return None
        listed = ", ".join(sorted(self.scripts)) or "none"
        return (
            f"{DISTRIBUTION_NAME} installs no command called {name}; the commands its"
            f" {os.path.join(self.dist_info, 'RECORD')} lists: {listed}"
        )

    def mismatch(self, path: str) -> str | None:
        """Say why path is not the executable this distribution installed, or None if it is."""
        there = f"{os.path.basename(path)} is there, but"
        if self.dist_info is None:
            return f"{there} no RECORD of {DISTRIBUTION_NAME} was found to check it against"
        record = os.path.join(self.dist_info, "RECORD")
        entry = self.scripts.get(os.path.basename(path))
        if entry is None:
            return f"{there} {record} gives no sha256 to check it against"
        digest, size = entry
        if str(os.path.getsize(path)) != size or _record_digest(path) != digest:
            version = _stem(self.dist_info).partition("-")[2]
            return (
                f"{there} it is not the one {DISTRIBUTION_NAME} {version} installed:"
                f" its size or sha256 differs from {record}"
            )
        return None


def _own_records() -> Iterator[tuple[str, list[list[str]]]]:
    """Yield (.dist-info folder, its RECORD's rows) that may describe this installation,
    best first.

    First the ones beside this package that list this very file; then, for an
    editable install whose code lives in the project's src/, the first one of
    this distribution on sys.path, as importlib.metadata would pick.
    """
    site_dir = _site_packages_dir()
    this_file = os.path.relpath(os.path.abspath(__file__), site_dir).replace(os.sep, "/")
    for dist_info in _dist_infos_in(site_dir):
        rows = _read_record(dist_info)
        if rows is not None and any(row[0] == this_file for row in rows):
            yield dist_info, rows
    for entry in sys.path:
        for dist_info in _dist_infos_in(os.path.abspath(entry or os.curdir)):
            rows = _read_record(dist_info)
            if rows is not None:
                yield dist_info, rows
            return


def _dist_infos_in(directory: str) -> list[str]:
    wanted = _normalized(DISTRIBUTION_NAME)
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [
        os.path.join(directory, folder)
        for folder in names
        if folder.endswith(".dist-info") and _normalized(_stem(folder).partition("-")[0]) == wanted
    ]


def _stem(dist_info: str) -> str:
    """The name-version part of a .dist-info folder."""
    return os.path.basename(dist_info)[: -len(".dist-info")]


def _normalized(name: str) -> str:
    # Installers write the name with "_" for each run of "-", "_" and "."; case varies.
    import re

    return re.sub(r"[-_.]+", "_", name).lower()


def _read_record(dist_info: str) -> list[list[str]] | None:
    import csv

    try:
        with open(os.path.join(dist_info, "RECORD"), newline="", encoding="utf-8") as record:
            return [row for row in csv.reader(record) if row]
    except (OSError, UnicodeDecodeError, csv.Error):
        return None


_SCRIPT_DIRS = ("bin", "Scripts")


def _script_rows(rows: list[list[str]]) -> dict[str, tuple[str, str]]:
    """{file name: (sha256, size)} of the scripts: the paths outside the site folder, or
    in its bin/ or Scripts/ (uv's `--target` records them there)."""
    scripts = {}
    for row in rows:
        if len(row) == 3 and (row[0].startswith("../") or row[0].split("/")[0] in _SCRIPT_DIRS):
            algorithm, _, digest = row[1].partition("=")
            if algorithm == "sha256" and digest:
                scripts[row[0].rsplit("/", 1)[-1]] = (digest, row[2])
    return scripts


def _record_digest(path: str) -> str:
    import base64
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as binary:
        for block in iter(lambda: binary.read(1 << 20), b""):
            digest.update(block)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode("ascii")


def _not_found_message(name: str, searched: list[str], notes: dict[str, str]) -> str:
    lines = [f"Could not find {name}, the executable that {DISTRIBUTION_NAME} installs. Searched:"]
    for directory in searched:
        note = f" ({notes[directory]})" if directory in notes else ""
        lines.append(f"  - {directory}{note}")
    lines.append(f"Reinstall with: pip install --force-reinstall {DISTRIBUTION_NAME}")
    return "\n".join(lines)
