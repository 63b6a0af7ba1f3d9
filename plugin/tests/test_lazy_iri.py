"""jsonschema imported with its IRI checks deferred: rfc3987-syntax stays unimported
until an IRI is checked, and every value gets the verdict the plain import gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
VALUES = [
    "https://example.com/a?b=c#d",
    "https://例え.jp/パス",
    "relative/path",
    "http://exa mple.com/",
    "http://[::1",
    "#fragment",
    "",
    7,
]
VERDICTS = """
import json, sys
{prepare}
import jsonschema
verdicts = {{}}
before = "rfc3987_syntax" in sys.modules
for format_name in ("iri", "iri-reference"):
    for name, checker in (
        ("draft 7", jsonschema.Draft7Validator.FORMAT_CHECKER),
        ("2020-12", jsonschema.Draft202012Validator.FORMAT_CHECKER),
        ("a new FormatChecker()", jsonschema.FormatChecker()),
    ):
        validator = jsonschema.Draft7Validator({{"format": format_name}}, format_checker=checker)
        values = json.loads(sys.argv[1])
        verdicts[f"{{format_name}}, {{name}}"] = [validator.is_valid(value) for value in values]
print(json.dumps({{"imported before checking": before, "verdicts": verdicts}}))
"""


def verdicts(prepare: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    code = VERDICTS.format(prepare=prepare)
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(VALUES)], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


DEFER = (
    "from hatch_go_binary.audit import lazy_iri; lazy_iri.import_jsonschema()\n"
    "assert 'rfc3987_syntax' not in sys.modules"
)


def test_the_same_verdicts_without_the_import_cost() -> None:
    pytest.importorskip("rfc3987_syntax")
    plain, deferred = verdicts(""), verdicts(DEFER)
    assert plain["imported before checking"] is True
    assert deferred["imported before checking"] is False
    assert deferred["verdicts"] == plain["verdicts"]
    assert plain["verdicts"]["iri, draft 7"][:2] == [True, True]
    assert False in plain["verdicts"]["iri-reference, a new FormatChecker()"]  # it does refuse


def test_an_rfc3987_syntax_that_cannot_import_checks_nothing_as_before() -> None:
    """Without lark, jsonschema registers no IRI check; the deferred one then passes all."""
    pytest.importorskip("rfc3987_syntax")
    no_lark = "sys.modules['lark'] = None\n"
    plain, deferred = verdicts(no_lark), verdicts(no_lark + DEFER)
    assert deferred["verdicts"] == plain["verdicts"]
    assert all(all(found) for found in plain["verdicts"].values())


def test_a_jsonschema_imported_already_is_left_alone() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from hatch_go_binary.audit import lazy_iri

    checkers = dict(jsonschema.Draft7Validator.FORMAT_CHECKER.checkers)
    lazy_iri.import_jsonschema()
    assert jsonschema.Draft7Validator.FORMAT_CHECKER.checkers == checkers
