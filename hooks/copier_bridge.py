"""What cookiecutter's checks and hooks share: copier.yml's rules and copier's answers file.

cookiecutter runs each hook as a rendered copy in the new project folder, so the
hooks import this module from the template's own hooks/ folder.
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from typing import Any

import yaml
from jinja2 import FileSystemLoader, StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

# Same header as the copier template of the answers file, so both tools write the same bytes.
ANSWERS_HEADER = (
    "# Written by the template for `copier update`: the template version and your answers.\n"
    "# Do not edit by hand; change an answer with `copier update --data NAME=VALUE`.\n"
)


def _regex_search(value: str, pattern: str) -> str | None:
    # copier's regex_search filter (jinja2-ansible-filters), for the validators.
    match = re.search(pattern, value)
    return match.group(0) if match else None


def rules_environment(template: str) -> SandboxedEnvironment:
    """A Jinja environment like copier's, as far as the validators use it: rooted at the
    template (they import hooks/answer_rules.jinja), StrictUndefined, and two of copier's
    filters (jinja2-ansible-filters): regex_search, and from_json for the plugin's name lists."""
    env = SandboxedEnvironment(loader=FileSystemLoader(template), undefined=StrictUndefined)
    env.filters["regex_search"] = _regex_search
    env.filters["from_json"] = json.loads
    return env


@functools.cache
def _questions(template: str) -> dict[str, Any]:
    with open(os.path.join(template, "copier.yml"), encoding="utf-8") as file:
        return yaml.safe_load(file)


@functools.cache
def _validators(template: str) -> list[tuple[str, Template]]:
    questions = _questions(template)
    env = rules_environment(template)
    return [
        (name, env.from_string(question["validator"]))
        for name, question in questions.items()
        # Hidden questions (`when: false`) are copier's own; cookiecutter has no such answer.
        if not name.startswith("_")
        and isinstance(question, dict)
        and "validator" in question
        and question.get("when") is not False
    ]


def _hidden_questions(answers: dict[str, Any], template: str) -> set[str]:
    """The questions whose `when` is false for these answers: copier leaves them out of its answers file."""
    env = rules_environment(template)
    public = {name: value for name, value in answers.items() if not name.startswith("_")}
    hidden = set()
    for name, question in _questions(template).items():
        when = question.get("when", True) if isinstance(question, dict) else True
        if isinstance(when, str):
            when = env.from_string(when).render(public).strip().lower() not in ("false", "")
        if when is False:
            hidden.add(name)
    return hidden


def answer_errors(answers: dict[str, Any], template: str) -> list[str]:
    """Render every validator of copier.yml with cookiecutter's answers; each non-empty result is an error."""
    public = {name: value for name, value in answers.items() if not name.startswith("_")}
    errors = []
    for _, validator in _validators(template):
        message = validator.render(public).strip()
        if message:
            errors.append(message)
    return errors


def refusal(errors: list[str]) -> str:
    """What cookiecutter prints for refused answers: the first error, as copier stops at the first.

    A lone surrogate in an answer is shown as an escape, never written raw: no stream
    could encode it.
    """
    text = f"error: {errors[0]}\nNothing was generated. Run cookiecutter again with corrected answers."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _git(template: str, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", template, *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _source_path(answers: dict[str, Any], template: str) -> str:
    """Where copier should fetch the template again: the address given, or the local folder."""
    from cookiecutter.config import get_user_config
    from cookiecutter.repository import expand_abbreviations, is_repo_url

    given = answers["_template"]
    if given.startswith(("gh:", "gl:")):  # copier reads these two abbreviations itself
        return given
    expanded = expand_abbreviations(given, get_user_config()["abbreviations"])
    return expanded if is_repo_url(expanded) else os.path.abspath(template)


def copier_answers(answers: dict[str, Any], template: str) -> tuple[str, list[str]]:
    """The text of .copier-answers.yml, and warnings about what `copier update` will lack."""
    hidden = _hidden_questions(answers, template)
    recorded = {name: value for name, value in answers.items() if not name.startswith("_") and name not in hidden}
    recorded["_src_path"] = _source_path(answers, template)
    warnings = []
    commit = _git(template, "describe", "--tags", "--always")
    if commit is None:
        warnings.append(f"{template} is not a git checkout, so `copier update` cannot find this version later.")
    else:
        recorded["_commit"] = commit
        if _git(template, "status", "--porcelain"):
            warnings.append(f"{template} has uncommitted changes; `copier update` will start from {commit}.")
    body = yaml.safe_dump(recorded, indent=4, allow_unicode=True, default_flow_style=False)
    return ANSWERS_HEADER + body, warnings


def closing_message(answers: dict[str, Any], template: str, project: str) -> str:
    """What copier prints after copying (copier.yml's _message_after_copy), for cookiecutter's
    PROJECT folder: named from where cookiecutter ran (the shell's PWD) when it is inside."""
    ran_in = os.environ.get("PWD", "")
    inside = ran_in and os.path.isabs(ran_in) and project.startswith(os.path.join(ran_in, ""))
    destination = os.path.relpath(project, ran_in) if inside else project
    macros = rules_environment(template).get_template("hooks/closing_message.jinja").module
    chosen = (answers["project_slug"], answers["starter_code"], answers["main_package"])
    return macros.closing_message(*chosen, destination, "cookiecutter")


def fail(messages: list[str]) -> None:
    print(refusal(messages), file=sys.stderr)
    sys.exit(1)
