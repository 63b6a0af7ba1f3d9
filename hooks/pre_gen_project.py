"""Check the answers again, with copier.yml's validators, before cookiecutter writes a file.

go_pypi_template_checks.py refuses bad answers before the project folder exists; this
hook catches a context that skipped that check (a replay, an answer file made by hand),
and cookiecutter deletes the new folder when it fails.
"""

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
