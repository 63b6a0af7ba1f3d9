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
    validator = jsonschema.Draft7Validator(
        {{"format": format_name}}, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )
    verdicts[format_name] = [validator.is_valid(value) for value in json.loads(sys.argv[1])]
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


def test_the_same_verdicts_without_the_import_cost() -> None:
    pytest.importorskip("rfc3987_syntax")
    plain = verdicts("")
    deferred = verdicts(
        "from hatch_go_binary.audit import lazy_iri; lazy_iri.import_jsonschema()\n"
        "assert 'rfc3987_syntax' not in sys.modules"
    )
    assert plain["imported before checking"] is True
    assert deferred["imported before checking"] is False
    assert deferred["verdicts"] == plain["verdicts"]
    assert plain["verdicts"]["iri"][:2] == [True, True]
    assert False in plain["verdicts"]["iri-reference"]  # the checks do refuse something


def test_a_jsonschema_imported_already_is_left_alone() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    from hatch_go_binary.audit import lazy_iri

    checkers = dict(jsonschema.Draft7Validator.FORMAT_CHECKER.checkers)
    lazy_iri.import_jsonschema()
    assert jsonschema.Draft7Validator.FORMAT_CHECKER.checkers == checkers
