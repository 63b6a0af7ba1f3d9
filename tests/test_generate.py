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
from conftest import DEFAULTS, git, make_cookie, make_copier, run_cookiecutter, run_copier

LICENSES = json.loads((Path(__file__).parent.parent / "cookiecutter.json").read_text())["license"]
COMBOS = [{"use_cgo": cgo, "license": license} for cgo, license in itertools.product(["no", "yes"], LICENSES)]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def assert_same_tree(left: Path, right: Path) -> None:
    left_files, right_files = tree(left), tree(right)
    assert sorted(left_files) == sorted(right_files)
    differing = [name for name in left_files if left_files[name] != right_files[name]]
    assert not differing, f"files differ between {left} and {right}: {differing}"


@pytest.mark.parametrize("answers", COMBOS, ids=lambda a: f"cgo-{a['use_cgo']}-{a['license']}")
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


def cookiecutter_literal(text: str) -> str:
    """cookiecutter renders command-line answers as Jinja; escape them to stay literal."""
    return "".join("{{ '{' }}" if char == "{" else char for char in text)


def test_free_text_survives_every_file_format(template: Path, tmp_path: Path) -> None:
    answers = {"project_name": TRICKY, "project_slug": "tricky", "description": TRICKY, "author_name": TRICKY}
    from_copier = make_copier(template, tmp_path / "copier", **answers)
    escaped = {name: cookiecutter_literal(value) for name, value in answers.items()}
    from_cookiecutter = make_cookie(template, tmp_path / "cc", **escaped)
    assert_same_tree(from_cookiecutter, from_copier)

    project = tomllib.loads((from_copier / "pyproject.toml").read_text())["project"]
    assert project["description"] == TRICKY
    assert project["authors"][0]["name"] == TRICKY
    assert yaml.safe_load((from_copier / ".copier-answers.yml").read_text())["description"] == TRICKY
    readme = (from_copier / "README.md").read_text()
    assert readme.startswith(f"# {TRICKY}\n\n{TRICKY}\n")
    assert f"Copyright (c) {TRICKY}\n" in (from_copier / "LICENSE").read_text()
    # The Go usage text carries the description: it must compile and print it back.
    done = subprocess.run(
        ["go", "run", "./cmd/tricky", "-h"], cwd=from_copier, capture_output=True, text=True, env=go_env()
    )
    assert done.returncode == 0, done.stderr
    assert TRICKY in done.stdout + done.stderr


def go_env() -> dict[str, str]:
    return {**os.environ, "GOTOOLCHAIN": "local", "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod"}


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
