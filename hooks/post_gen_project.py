"""Give a cookiecutter-made project the .copier-answers.yml that `copier update` needs.

With starter_code "no", also remove the starter Go code that copier leaves out
(hooks/starter_files.txt): the project is the packaging for a module that exists.
Then say what was made and what to run next, in copier's closing words.
"""

import json
import os
import shutil
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

if ANSWERS["starter_code"] == "no":
    with open(os.path.join(TEMPLATE, "hooks", "starter_files.txt"), encoding="utf-8") as listing:
        starter = [line.strip() for line in listing if line.strip() and not line.startswith("#")]
    for entry in starter:
        path = os.path.join(os.getcwd(), *entry.strip("/").split("/"))
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.remove(path)

print(copier_bridge.closing_message(ANSWERS, TEMPLATE, os.getcwd()))
