"""vendored.py as hatchling's custom hook loads it: a lone script, in a fresh interpreter
each time, so this session's sys.modules never holds a second hatch_go_binary."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "hatch_go_binary"
VENDORED = PACKAGE / "vendored.py"

# What hatchling's custom build hook does with `path`, and what it amounts to.
LOADERS = {
    "hatchling": """
        from hatchling.builders.hooks.plugin.interface import BuildHookInterface
        from hatchling.plugin.utils import load_plugin_from_script

        hook = load_plugin_from_script(script, "hatch_build", BuildHookInterface, "build_hook")
    """,
    "importlib": """
        from importlib.util import module_from_spec, spec_from_file_location

        spec = spec_from_file_location("hatch_build", script)
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
        hook = module.get_build_hook()
    """,
}


def load(loader: str, cwd: Path, first: str = "") -> subprocess.CompletedProcess:
    """Run FIRST, then load vendored.py with LOADER; print the hook and the package's place."""
    code = (
        "import sys\nscript = sys.argv[1]\n"
        + textwrap.dedent(first)
        + textwrap.dedent(LOADERS[loader])
        + textwrap.dedent(
            """
        import hatch_go_binary
        print(f"{hook.__module__}.{hook.__qualname__} {hook.PLUGIN_NAME}")
        print(hatch_go_binary.__file__)
        """
        )
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-c", code, str(VENDORED)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_vendored_gives_the_hook(tmp_path: Path, loader: str) -> None:
    done = load(loader, tmp_path)
    assert done.returncode == 0, done.stderr
    hook, where = done.stdout.splitlines()
    assert hook == "hatch_go_binary.hook.GoBinaryBuildHook go-binary"
    assert Path(where).resolve().parent == PACKAGE  # the copy beside vendored.py


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_vendored_after_the_same_copy_was_imported(tmp_path: Path, loader: str) -> None:
    first = f"sys.path.insert(0, {str(PACKAGE.parent)!r})\nimport hatch_go_binary.config\n"
    done = load(loader, tmp_path, first)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.splitlines()[1]).resolve().parent == PACKAGE


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_vendored_refuses_another_copy_imported_first(tmp_path: Path, loader: str) -> None:
    other = tmp_path / "site" / "hatch_go_binary"
    shutil.copytree(PACKAGE, other, ignore=shutil.ignore_patterns("__pycache__"))
    first = f"sys.path.insert(0, {str(other.parent)!r})\nimport hatch_go_binary\n"
    done = load(loader, tmp_path, first)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: hatch_go_binary was already imported from ")
    assert str(other) in last
    assert f"builds with the copy in {PACKAGE}" in last
    assert "Uninstall the other copy" in last


# --- the one-line switch: [build-system] requires names the release ---------------------------


def project_requiring(tmp_path: Path, requires: list[str]) -> Path:
    """A project folder with this package in build-plugin/; return its vendored.py."""
    project = tmp_path / "project"
    copy = project / "build-plugin" / "hatch_go_binary"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    quoted = ", ".join(f'"{requirement}"' for requirement in requires)
    (project / "pyproject.toml").write_text(f"[build-system]\nrequires = [{quoted}]\n")
    return project / "build-plugin" / "hatch_go_binary" / "vendored.py"


def install_release(tmp_path: Path, version: str) -> Path:
    """Another copy of the package with its dist-info, as pip installs the release."""
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "hatch_go_binary", ignore=shutil.ignore_patterns("__pycache__"))
    info = site / f"hatch_go_binary-{version}.dist-info"
    info.mkdir()
    metadata = f"Metadata-Version: 2.4\nName: hatch-go-binary\nVersion: {version}\n"
    (info / "METADATA").write_text(metadata)
    return site


def load_script(script: Path, site: Path | None) -> subprocess.CompletedProcess:
    code = "import sys\nscript = sys.argv[1]\n" + textwrap.dedent(LOADERS["hatchling"])
    code += "import hatch_go_binary\nprint(hatch_go_binary.__file__)\n"
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    if site is not None:
        env["PYTHONPATH"] = str(site)
    argv = [sys.executable, "-c", code, str(script)]
    return subprocess.run(argv, env=env, capture_output=True, text=True)


def test_a_required_release_is_used_instead_of_the_copy(tmp_path: Path) -> None:
    script = project_requiring(tmp_path, ["hatchling>=1.27", "hatch-go-binary==0.2.0"])
    site = install_release(tmp_path, "0.2.0")
    done = load_script(script, site)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve().parent == site / "hatch_go_binary"


def test_a_required_release_that_is_missing_is_named(tmp_path: Path) -> None:
    script = project_requiring(tmp_path, ["hatchling>=1.27", "Hatch_Go_Binary==0.2.0"])
    done = load_script(script, None)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert "requires Hatch_Go_Binary==0.2.0 in [build-system]" in last
    assert "does not have it installed" in last and "pip install 'Hatch_Go_Binary==0.2.0'" in last


def test_a_required_release_of_another_version_is_refused(tmp_path: Path) -> None:
    script = project_requiring(tmp_path, ["hatchling>=1.27", "hatch-go-binary==0.2.0"])
    done = load_script(script, install_release(tmp_path, "0.1.0"))
    assert done.returncode == 1
    assert "has hatch-go-binary 0.1.0. Install the required version" in done.stderr


def test_without_the_requirement_the_copy_answers_over_a_release(tmp_path: Path) -> None:
    script = project_requiring(tmp_path, ["hatchling>=1.27"])
    done = load_script(script, install_release(tmp_path, "0.2.0"))
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()).resolve().parent == script.parent
