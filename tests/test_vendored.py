"""Every generated project carries an exact, unrendered copy of the plugin in build-plugin/."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, make_copier

PLUGIN = ROOT / "plugin" / "src" / "hatch_go_binary"
IN_TEMPLATE = ROOT / "{{cookiecutter.project_slug}}" / "build-plugin" / "hatch_go_binary"
JINJA_OPENERS = ("{{", "{%", "{#")


def package_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_templates_copy_is_the_plugins_source() -> None:
    """After editing plugin/src, `nox -s vendor` copies it into the template."""
    assert package_files(IN_TEMPLATE) == package_files(PLUGIN), "run `nox -s vendor`"


def test_the_plugin_has_nothing_jinja_would_read() -> None:
    """copier renders every file of the template: the copy stays exact only if it holds no
    Jinja syntax (cookiecutter copies it unrendered through _copy_without_render)."""
    found = [
        f"{name}: {opener}"
        for name, data in package_files(PLUGIN).items()
        for opener in JINJA_OPENERS
        if opener.encode() in data
    ]
    assert not found


@pytest.mark.parametrize("engine", ["cookiecutter", "copier"])
def test_each_engine_writes_the_copy_byte_for_byte(
    engine: str, default_project: Path, template: Path, tmp_path: Path
) -> None:
    project = default_project if engine == "cookiecutter" else make_copier(template, tmp_path)
    assert package_files(project / "build-plugin" / "hatch_go_binary") == package_files(PLUGIN)


def test_every_mention_of_the_plugins_version_agrees() -> None:
    """The package, its pyproject.toml, and what a project's files tell the user to pin."""
    import re

    version = re.search(r'^version = "(.+)"', (ROOT / "plugin" / "pyproject.toml").read_text(), re.M).group(1)
    assert f'__version__ = "{version}"' in (PLUGIN / "__init__.py").read_text()
    project = ROOT / "{{cookiecutter.project_slug}}"
    for path in (project / "pyproject.toml", project / "build-plugin" / "README.md", ROOT / "plugin" / "README.md"):
        pins = set(re.findall(r"hatch-go-binary(?:\[audit\])?==([0-9.]+)", path.read_text()))
        assert pins == {version}, path
