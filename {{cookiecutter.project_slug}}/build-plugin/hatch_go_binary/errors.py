"""The errors the plugin raises for problems the user can act on."""

from __future__ import annotations

import errno
from pathlib import Path


class BuildError(Exception):
    """A build that cannot go on; the message says what was wrong and how to fix it."""


class ConfigError(BuildError):
    """A setting in [tool.hatch-go-binary] that is missing, mistyped or out of range."""


def file_in_the_way(path: Path) -> Path | None:
    """PATH, or a folder above it, where it exists as something else than a folder."""
    return next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)


def not_a_folder(path: Path, holds: str) -> BuildError:
    """PATH, or a folder above it, is something else than the folder that keeps HOLDS."""
    blocking = file_in_the_way(path) or path
    return BuildError(
        f"{blocking} is a file, where the build keeps {holds} in a folder: remove it "
        "(no source of the project belongs there), then build again"
    )


def not_a_file(path: Path, holds: str) -> BuildError:
    """PATH, which keeps HOLDS in a file, is a folder."""
    return BuildError(
        f"{path} is a folder, where the build keeps {holds} in a file: remove it, then build again"
    )


def cannot_write(path: Path, holds: str, error: OSError) -> BuildError:
    """BuildError for an OSError while writing PATH, which keeps HOLDS."""
    if isinstance(error, IsADirectoryError):
        return not_a_file(path, holds)
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return not_a_folder(path, holds)
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return BuildError(
            f"cannot write {path} ({error.strerror}): the build keeps {holds} there, inside "
            "the project. Make the project folder writable, or build from its sdist, which "
            "unpacks into a writable temporary folder (`uv build` and `python -m build` do "
            "that), then build again"
        )
    return BuildError(f"cannot write {path}, where the build keeps {holds}: {error}")


def writable_folder(path: Path, holds: str) -> Path:
    """PATH, made if missing; BuildError, saying what to do, when it cannot be."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise cannot_write(path, holds, error) from None
    return path
