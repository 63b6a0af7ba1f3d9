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
