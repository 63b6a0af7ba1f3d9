"""Every bad answer is refused by both engines, before anything is written, in words that help."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cookiecutter, run_copier

# (answer, bad value, a phrase of the message that says what is allowed)
BAD_ANSWERS = [
    ("project_name", "", "must not be empty"),
    ("project_name", "   ", "must not be empty"),
    ("project_name", "two\nlines", "one line of text"),
    ("project_slug", "my tool", "not a valid PyPI name"),
    ("project_slug", "-tool", "not a valid PyPI name"),
    ("project_slug", "tool_", "not a valid PyPI name"),
    ("project_slug", "", "not a valid PyPI name"),
    ("project_slug", "a/b", "not a valid PyPI name"),
    ("project_slug", "..", "not a valid PyPI name"),
    ("package_name", "", "must not be empty"),
    ("package_name", "class", "Python keyword"),
    ("package_name", "my-tool", "use underscores: 'my_tool'"),
    ("package_name", "1tool", "not starting with a digit"),
    ("package_name", "café", "ASCII letters"),
    ("command_name", "", "not a usable command name"),
    ("command_name", "bin/tool", "no spaces or slashes"),
    ("command_name", "my tool", "no spaces or slashes"),
    ("command_name", "tool.exe", "leave it out"),
    ("command_name", "Tool.EXE", "leave it out"),
    ("command_name", "con", "reserved file name on Windows"),
    ("github_owner", "-owner", "single hyphens"),
    ("go_module", "", "it is empty"),
    ("go_module", "github.com/a b/c", "character other than ASCII"),
    ("go_module", "github.com//c", "empty path element"),
    ("go_module", "github.com/x/con.v2", "reserved name on Windows"),
    ("go_module", "example.com/a./b", "ends with a dot"),
    ("go_module", "-x/y", "starts with a hyphen"),
    ("go_module", "github.com/é/x", "character other than ASCII"),
    ("go_module", "github.com/x/tool~1", "tilde and digits"),
    ("version", "1.0", "MAJOR.MINOR.PATCH"),
    ("version", "v1.0.0", "MAJOR.MINOR.PATCH"),
    ("version", "01.2.3", "without leading zeros"),
    ("version", "1.0.0-beta", "MAJOR.MINOR.PATCH"),
    ("author_email", "not-an-email", "name@example.com"),
    ("author_email", "a@b", "name@example.com"),
    ("author_email", "a b@example.com", "name@example.com"),
    ("author_name", "", "must not be empty"),
    ("description", "", "must not be empty"),
    ("license", "GPL-3.0", "MIT"),
    ("use_cgo", "maybe", "no"),
]
ENGINES = ["cookiecutter", "copier"]


def case_id(case: tuple[str, str, str]) -> str:
    answer, value, _ = case
    return f"{answer}={value!r}"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", BAD_ANSWERS, ids=case_id)
def test_bad_answer_is_refused_and_nothing_is_written(
    template: Path, tmp_path: Path, engine: str, case: tuple[str, str, str]
) -> None:
    answer, value, allowed = case
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("the user's own file")
    if engine == "cookiecutter":
        done = run_cookiecutter(template, out, {answer: value})
    else:
        done = run_copier(template, out / "project", {answer: value})
    message = done.stdout + done.stderr
    assert done.returncode != 0, message
    assert answer in message
    if value.strip() and "\n" not in value:
        assert value in message or repr(value)[1:-1] in message
    assert allowed in message, message
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert (out / "keep.txt").read_text() == "the user's own file"


def test_enough_bad_inputs_are_covered() -> None:
    assert len(BAD_ANSWERS) >= 20
