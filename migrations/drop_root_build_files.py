"""Remove the build scripts that template v0.2.0 replaced with the hatch-go-binary plugin,
and the unhashed .github/ci-requirements.txt it replaced with hashed lock files.

`copier update --trust` runs this from the project folder as a `before` migration
(copier.yml `_migrations`; see migrations/README.md), for projects made before v0.2.0:

    drop_root_build_files.py

Up to v0.1.x a project carried hatch_build.py, wheel_audit.py and build_matrix.py at
its root; from v0.2.0 the plugin copy in build-plugin/ does their work, configured in
[tool.hatch-go-binary]; .github/ci-requirements.txt gave way to the hashed lock files of
.github/requirements/. Each of the four is removed with `git rm`. copier would delete
them too, but silently, edits and all, so this script first tells edited files from
untouched ones: it renders the file as the project's template version generated it
(from the template checkout's git history, with the recorded answers) and compares.
An edited file, or one it cannot check, is kept in build-plugin-migration/ as
NAME.edited (untracked; with NAME.diff, the edits, when known) and named in the
output. A file the project's template version never shipped is the project's own
and stays. A missing file is skipped, so running again is harmless.

Only the standard library and what copier itself depends on (jinja2, yaml): this runs
in the Python that runs copier.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import yaml
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

# This script runs from copier's checkout of the new template version, which has
# the template's git history: older versions are read from there.
TEMPLATE = Path(__file__).resolve().parent.parent
PROJECT_DIR = "{{cookiecutter.project_slug}}"  # the project folder inside the template
ANSWERS_FILE = Path(".copier-answers.yml")
KEPT = Path("build-plugin-migration")  # next to build-plugin/, outside every build input
# What does each file's work from v0.2.0 on, for the messages.
REPLACED_BY = {
    "hatch_build.py": "the plugin's build hook, build-plugin/hatch_go_binary/hook.py, set up in [tool.hatch-go-binary]",
    "wheel_audit.py": "`python -m hatch_go_binary audit` (build-plugin/hatch_go_binary/audit/)",
    "build_matrix.py": "`python -m hatch_go_binary build` (build-plugin/hatch_go_binary/matrix.py)",
    ".github/ci-requirements.txt": "the hashed lock .github/requirements/ci.txt: a changed pin goes into ci.in "
    "there, then ci.txt is compiled again (the command is in its header)",
}


def say(message: str) -> None:
    print(f"migration: {message}")


def warn(message: str) -> None:
    print(f"migration: warning: {message}", file=sys.stderr)


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def _recorded() -> tuple[str, dict, str]:
    """The template version the project comes from, its answers, and the template's address."""
    answers = yaml.safe_load(ANSWERS_FILE.read_text(encoding="utf-8")) if ANSWERS_FILE.is_file() else {}
    answers = answers if isinstance(answers, dict) else {}
    # copier sets VERSION_FROM for migrations; _commit is the same value, for a run by hand.
    version = os.environ.get("VERSION_FROM") or str(answers.get("_commit") or "")
    public = {name: value for name, value in answers.items() if not name.startswith("_")}
    return version, public, str(answers.get("_src_path") or "")


class Unknown(Exception):
    """What the template generated cannot be worked out; the message says why."""


def _generated(name: str, version: str, answers: dict) -> bytes | None:
    """NAME as template VERSION rendered it for ANSWERS; None if that version had no such file."""
    if not version or version.startswith("-"):
        raise Unknown("the project records no template version (_commit in .copier-answers.yml)")
    if _git("rev-parse", "--verify", "--quiet", f"{version}^{{commit}}", cwd=TEMPLATE).returncode:
        raise Unknown(f"the template's history at {TEMPLATE} has no version {version}")
    done = _git("show", f"{version}:{PROJECT_DIR}/{name}", cwd=TEMPLATE)
    if done.returncode:
        return None
    # copier.yml's _envops, and cookiecutter's own settings: the same bytes either way.
    env = SandboxedEnvironment(undefined=StrictUndefined, keep_trailing_newline=True)
    try:
        return env.from_string(done.stdout).render(cookiecutter=answers).encode("utf-8")
    except TemplateError as error:
        raise Unknown(f"rendering {name} of template {version} failed: {error}") from None


def _lines(content: bytes) -> list[str]:
    # CRLF from a Windows checkout (core.autocrlf) is not an edit.
    return content.decode("utf-8", errors="replace").replace("\r\n", "\n").splitlines(keepends=True)


def _free(stem: str, content: bytes) -> Path:
    """KEPT/STEM.edited, or STEM.2.edited and on if an earlier run left different bytes there."""
    number = 1
    while True:
        path = KEPT / (f"{stem}.edited" if number == 1 else f"{stem}.{number}.edited")
        if not path.exists() or path.read_bytes() == content:
            return path
        number += 1


def _keep(name: str, content: bytes, generated: bytes | None, version: str) -> list[str]:
    """Copy the project's NAME into KEPT, say so, and return the README lines about it."""
    KEPT.mkdir(exist_ok=True)
    copy = _free(Path(name).name, content)
    copy.write_bytes(content)
    lines = [f"- `{copy.name}`: the project's `{name}` as it was before the update."]
    where = f"the last version is kept, untracked, as {copy.as_posix()}"
    if generated is None:
        what = f"{name} could not be checked for edits"
    else:
        diff = copy.with_suffix(".diff")
        patch = difflib.unified_diff(
            _lines(generated), _lines(content), f"template {version}/{name}", f"project/{name}"
        )
        diff.write_text("".join(patch), encoding="utf-8")
        lines.append(f"  `{diff.name}`: its edits, against what template {version} generated.")
        what = f"{name} has edits (it differs from what template {version} generated for the recorded answers)"
        where += f", and the edits as {diff.as_posix()}"
    lines.append(f"  Replaced by {REPLACED_BY[name]}.")
    warn(f"{what}. It is removed and no longer used; {where}. Replaced by {REPLACED_BY[name]}.")
    return lines


def _readme(entries: list[str], source: str) -> str:
    where = f" ({source})" if source else ""
    return (
        "# build-plugin-migration/: edited files that a template update removed\n\n"
        "Template v0.2.0 moved the build into the hatch-go-binary plugin in build-plugin/ and\n"
        "removed hatch_build.py, wheel_audit.py and build_matrix.py from the project root, and\n"
        ".github/ci-requirements.txt for the hashed lock files in .github/requirements/.\n"
        "These files were edited (or could not be checked), so their last versions are kept\n"
        "here. Nothing builds, packages, imports or lints them.\n\n"
        + "\n".join(entries)
        + "\n\nCarry over what you still need, then delete this folder:\n\n"
        "- a setting (targets, the Linux C library, linker flags, the version variable) goes in\n"
        "  `[tool.hatch-go-binary]` in pyproject.toml; build-plugin/README.md lists the keys;\n"
        f"- a change to how the build works goes to the plugin in the template repository{where}:\n"
        "  `copier update` replaces build-plugin/ whole, so an edit there would not last.\n"
    )


def main() -> int:
    if not ANSWERS_FILE.is_file():  # not a project of this template: its files are its own
        print(
            f"error: no {ANSWERS_FILE} here, so this is not a project made from the template; nothing done",
            file=sys.stderr,
        )
        return 1
    version, answers, source = _recorded()
    entries, kept = [], []
    for name in REPLACED_BY:
        path = Path(name)
        if not path.is_file():
            say(f"{name} is not there; nothing to remove")
            continue
        content = path.read_bytes()
        try:
            generated = _generated(name, version, answers)
        except Unknown as why:
            warn(f"cannot tell whether {name} was edited: {why}; keeping a copy to be safe")
            generated, edited = None, True
        else:
            if generated is None:
                say(f"{name} is the project's own (template {version} had none); left as it is")
                continue
            edited = _lines(content) != _lines(generated)
        if edited:
            entries += _keep(name, content, generated, version)
            kept.append(name)
        if _git("ls-files", "--error-unmatch", "--", name).returncode == 0:
            if subprocess.run(["git", "rm", "-q", "--", name], check=False).returncode:
                print(f"error: `git rm {name}` failed (git says why, above); commit or stash first", file=sys.stderr)
                return 1
        else:
            path.unlink()
        say(f"removed {name} (replaced by {REPLACED_BY[name]})")
    if kept:
        (KEPT / "README.md").write_text(_readme(entries, source), encoding="utf-8")
        warn(
            f"what to do with {', '.join(kept)}: move a changed setting to [tool.hatch-go-binary] in "
            "pyproject.toml (build-plugin/README.md lists the keys), take a change to the build itself to "
            f"the plugin in the template repository, then delete {KEPT.as_posix()}/ "
            f"({KEPT.as_posix()}/README.md says the same)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
