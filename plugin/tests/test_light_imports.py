"""The release gate and `requirements` run on nox's own Python, which has packaging (and
tomli before 3.11) and nothing else of the build's: their modules must import without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
# What the builds and the audit use, and the gate's Python lacks.
ABSENT = (
    "hatchling",
    "requests",
    "twine",
    "deflate",
    "elftools",
    "macholib",
    "pefile",
    "cyclonedx",
)
GATE_MODULES = ("__main__", "release", "matrix", "shards")


def test_the_gates_modules_import_with_packaging_alone() -> None:
    # A None in sys.modules makes `import NAME` (and NAME.sub) fail, as on that Python.
    program = "\n".join(
        [
            "import sys",
            *(f"sys.modules[{name!r}] = None" for name in ABSENT),
            *(f"import hatch_go_binary.{module}" for module in GATE_MODULES),
        ]
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=SRC,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC)},
    )
    assert done.returncode == 0, done.stderr
