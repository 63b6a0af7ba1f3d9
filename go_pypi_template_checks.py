"""cookiecutter's check of the answers, before anything is written.

cookiecutter creates the project folder, and only then runs hooks/pre_gen_project.py:
an answer that cannot be a folder name, or a file name inside it, would be written or
crash first, and a failing hook's folder is deleted but not the folders above it.
cookiecutter.json's last private variable calls refuse_bad_answers() from this Jinja
extension (cookiecutter puts the template's folder on sys.path for `_extensions`) once
every answer is known. The rules are copier.yml's validators, rendered by
hooks/copier_bridge.py, and the refusal is an exception cookiecutter prints as a plain
message, without a traceback. The pre-generation hook checks the same answers again,
for a replayed or hand-made context that skips this variable.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cookiecutter.exceptions import FailedHookException
from jinja2 import Environment
from jinja2.ext import Extension

TEMPLATE = Path(__file__).resolve().parent


class AnswersRefused(FailedHookException):
    """An answer broke one of copier.yml's rules; nothing was written."""


def _bridge() -> Any:
    # Loaded by path: another module named copier_bridge on sys.path must not stand in.
    spec = importlib.util.spec_from_file_location("go_pypi_template_bridge", TEMPLATE / "hooks" / "copier_bridge.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def refuse_bad_answers(answers: Mapping[str, Any]) -> str:
    bridge = _bridge()
    errors = bridge.answer_errors(dict(answers), str(TEMPLATE))
    if errors:
        raise AnswersRefused(bridge.refusal(errors))
    return "yes"


class CheckAnswers(Extension):
    """Gives cookiecutter.json the refuse_bad_answers() function."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.globals["refuse_bad_answers"] = refuse_bad_answers
