"""Every path in the template can be checked out on Windows, and renders to one that can."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import make_copier

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f]')
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def windows_problems(root: Path) -> list[str]:
    problems = []
    for path in root.rglob("*"):
        if ".git" in path.parts or ".nox" in path.parts:
            continue
        name = path.name
        if FORBIDDEN.search(name) or name.endswith((".", " ")) or name.split(".")[0].lower() in RESERVED:
            problems.append(str(path.relative_to(root)))
    return problems


def test_template_file_names_are_valid_on_windows() -> None:
    assert windows_problems(ROOT) == []


def test_generated_file_names_are_valid_on_windows(template: Path, tmp_path: Path) -> None:
    for use_cgo in ("no", "yes"):
        assert windows_problems(make_copier(template, tmp_path / use_cgo, use_cgo=use_cgo)) == []
