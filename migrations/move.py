"""Move files or folders of a generated project to where a newer template version keeps them.

`copier update` runs this from the project folder as a `before` migration (an entry
of `_migrations` in copier.yml; see migrations/README.md):

    move.py OLD NEW [OLD NEW ...]

Each OLD, a file or a folder relative to the project, is moved to NEW with `git mv`,
before copier renders the new version. The project's edits, and any files of its
own inside a moved folder, travel with it; copier then updates the files at their
new place as usual. An OLD that is missing is skipped (the project moved or deleted
it already), so running again is harmless. If a NEW exists already, nothing is
moved and the update stops, so that neither file is lost.

Only the standard library: this runs in the Python that runs copier.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath


def fail(message: str, status: int = 1) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(status)


def inside_project(name: str) -> Path:
    """NAME as a path below the working directory; anything that could leave it is refused."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts or "\\" in name:
        fail(f"{name!r} is not a path inside the project", 2)
    return Path(*path.parts)


def tracked(path: Path) -> bool:
    done = subprocess.run(["git", "ls-files", "--", str(path)], capture_output=True, text=True, check=False)
    return done.returncode == 0 and bool(done.stdout.strip())


def main(args: list[str]) -> None:
    if not args or len(args) % 2:
        fail("usage: move.py OLD NEW [OLD NEW ...]", 2)
    pairs = [(inside_project(args[i]), inside_project(args[i + 1])) for i in range(0, len(args), 2)]
    # Check every pair before moving anything: a refused update leaves the project as it was.
    todo = []
    for old, new in pairs:
        if not old.exists():
            print(f"migration: {old.as_posix()} is not there; nothing to move to {new.as_posix()}")
            continue
        if new.exists():
            fail(
                f"this template version moves {old.as_posix()} to {new.as_posix()}, but the project has both. "
                f"Merge them into {new.as_posix()} (or rename yours), commit, and run `copier update` again."
            )
        todo.append((old, new))
    for old, new in todo:
        new.parent.mkdir(parents=True, exist_ok=True)
        if tracked(old):
            subprocess.run(["git", "mv", "--", str(old), str(new)], check=True)
        else:
            shutil.move(str(old), str(new))
        print(f"migration: moved {old.as_posix()} to {new.as_posix()}")


if __name__ == "__main__":
    main(sys.argv[1:])
