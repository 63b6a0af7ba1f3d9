"""Give a cookiecutter-made project the .copier-answers.yml that `copier update` needs."""

import json
import os
import sys

ANSWERS = json.loads(r"""{{ cookiecutter | tojson }}""")
TEMPLATE = os.path.join(os.environ.get("PWD", os.getcwd()), ANSWERS["_repo_dir"])
sys.path.insert(0, os.path.join(TEMPLATE, "hooks"))

import copier_bridge  # noqa: E402

text, warnings = copier_bridge.copier_answers(ANSWERS, TEMPLATE)
with open(".copier-answers.yml", "w", encoding="utf-8", newline="\n") as file:
    file.write(text)
for warning in warnings:
    print(f"warning: {warning}", file=sys.stderr)
