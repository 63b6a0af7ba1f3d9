"""Refuse bad answers before cookiecutter writes any file (rules: copier.yml's validators)."""

import json
import os
import sys

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
TEMPLATE = os.path.join(os.environ.get("PWD", os.getcwd()), ANSWERS["_repo_dir"])
if not os.path.isfile(os.path.join(TEMPLATE, "copier.yml")):
    sys.exit(f"error: cannot find the template at {TEMPLATE}; run cookiecutter with the template's absolute path.")
sys.path.insert(0, os.path.join(TEMPLATE, "hooks"))

import copier_bridge  # noqa: E402

errors = copier_bridge.answer_errors(ANSWERS, TEMPLATE)
if errors:
    copier_bridge.fail(errors)
