"""cookiecutter.json and copier.yml ask the same questions, in the same order, in the same words."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
COOKIECUTTER = json.loads((ROOT / "cookiecutter.json").read_text(encoding="utf-8"))
COPIER = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
# copier's hidden answer that rebuilds cookiecutter's namespace; not a question
QUESTIONS = [name for name in COPIER if not name.startswith("_") and name != "cookiecutter"]


def test_same_questions_in_the_same_order() -> None:
    assert [name for name in COOKIECUTTER if not name.startswith("_")] == QUESTIONS


def test_same_help_text() -> None:
    prompts = COOKIECUTTER["__prompts__"]
    for name in QUESTIONS:
        prompt = prompts[name]["__prompt__"] if isinstance(prompts[name], dict) else prompts[name]
        assert COPIER[name]["help"] == prompt, name


def test_same_choices_with_the_same_labels() -> None:
    for name in QUESTIONS:
        if "choices" not in COPIER[name]:
            assert not isinstance(COOKIECUTTER[name], list), name
            continue
        labels = COOKIECUTTER["__prompts__"][name]
        assert list(COPIER[name]["choices"].values()) == COOKIECUTTER[name], name
        assert {value: label for label, value in COPIER[name]["choices"].items()} == {
            value: labels[value] for value in COOKIECUTTER[name]
        }, name
        assert COPIER[name]["default"] == COOKIECUTTER[name][0], name


def test_same_literal_defaults() -> None:
    """Derived defaults are compared by rendering in test_generate.py; plain ones here."""
    for name in QUESTIONS:
        value = COOKIECUTTER[name]
        if isinstance(value, str) and "{" not in value:
            assert COPIER[name]["default"] == value, name


def test_copier_namespace_carries_every_answer() -> None:
    # its default builds it, and its validator checks a given one against the same
    for text in (COPIER["cookiecutter"]["default"], COPIER["cookiecutter"]["validator"]):
        for name in QUESTIONS:
            assert f"'{name}': {name}," in text, name


def test_cookiecutter_checks_the_answers_after_the_last_question() -> None:
    names = list(COOKIECUTTER)
    assert names.index("__answers_checked") > max(names.index(name) for name in QUESTIONS)
    assert COOKIECUTTER["_extensions"] == ["go_pypi_template_checks.CheckAnswers"]


def test_every_question_has_a_validator() -> None:
    assert [name for name in QUESTIONS if "validator" not in COPIER[name]] == []
