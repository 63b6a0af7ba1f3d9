"""The plugin as a package on an index: what a project that switches from its vendored
copy to the PyPI release gets. A pypiserver on loopback stands in for PyPI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run_nox, uv_build
from test_publish import Index

PLUGIN_SOURCE = ROOT / "plugin" / "src" / "hatch_go_binary"
PLUGIN_VERSION = re.search(r'^version = "(.+)"', (ROOT / "plugin" / "pyproject.toml").read_text(), re.M).group(1)
pytestmark = pytest.mark.xdist_group("plugin-index")


@pytest.fixture(scope="module")
def plugin_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Index]:
    """An index holding the plugin's wheel and sdist, built from plugin/."""
    built = tmp_path_factory.mktemp("plugin-dist")
    subprocess.run(["uv", "build", "--out-dir", str(built), str(ROOT / "plugin")], check=True, capture_output=True)
    server = Index(tmp_path_factory.mktemp("plugin-index"))
    for artifact in [*built.glob("*.whl"), *built.glob("*.tar.gz")]:
        shutil.copy(artifact, server.packages)
    yield server
    server.stop()


def test_the_release_holds_the_package_and_registers_the_hook(plugin_index: Index) -> None:
    (wheel,) = plugin_index.packages.glob("*.whl")
    assert wheel.name == f"hatch_go_binary-{PLUGIN_VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        for source in PLUGIN_SOURCE.glob("*.py"):
            assert archive.read(f"hatch_go_binary/{source.name}") == source.read_bytes(), source.name
        info = f"hatch_go_binary-{PLUGIN_VERSION}.dist-info"
        entry_points = archive.read(f"{info}/entry_points.txt").decode()
        metadata = archive.read(f"{info}/METADATA").decode()
    assert "[hatch]\ngo-binary = hatch_go_binary.hooks" in entry_points
    assert "Requires-Python: >=3.9" in metadata


def switch_to_the_release(project: Path, where: Path) -> Path:
    """A copy of PROJECT that builds with hatch-go-binary from an index, as
    build-plugin/README.md tells a user to switch."""
    switched = where / project.name
    shutil.copytree(project, switched, ignore=shutil.ignore_patterns(".nox", "build", "dist", ".git"))
    shutil.rmtree(switched / "build-plugin")
    pyproject = switched / "pyproject.toml"
    text = pyproject.read_text()
    text = text.replace(
        'requires = ["hatchling>=1.27"]', f'requires = ["hatchling>=1.27", "hatch-go-binary=={PLUGIN_VERSION}"]'
    )
    for target in ("wheel", "sdist"):
        text = text.replace(
            f"[tool.hatch.build.targets.{target}.hooks.custom]", f"[tool.hatch.build.targets.{target}.hooks.go-binary]"
        )
    text = text.replace('path = "build-plugin/hatch_go_binary/vendored.py"\n', "")
    pyproject.write_text(text)
    return switched


def test_one_line_switches_to_the_release(default_project: Path, plugin_index: Index, tmp_path: Path) -> None:
    """[build-system] requires alone picks the release; the copy in build-plugin/ is not run."""
    vendored = uv_build(default_project, tmp_path / "vendored")
    switched = tmp_path / default_project.name
    shutil.copytree(default_project, switched, ignore=shutil.ignore_patterns(".nox", "build", "dist", ".git"))
    pyproject = switched / "pyproject.toml"
    old = 'requires = ["hatchling>=1.27"]'
    assert old in pyproject.read_text()
    pyproject.write_text(
        pyproject.read_text().replace(old, f'requires = ["hatchling>=1.27", "hatch-go-binary=={PLUGIN_VERSION}"]')
    )
    # Were the copy imported, this would stop the build.
    (switched / "build-plugin" / "hatch_go_binary" / "hook.py").write_text("raise SystemExit('the copy ran')\n")
    out = tmp_path / "from-index"
    done = subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(out)],
        cwd=switched,
        env=index_env(plugin_index),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    assert wheel.name == vendored.name and wheel.read_bytes() == vendored.read_bytes()


def index_env(index: Index) -> dict[str, str]:
    """Let uv and pip look on the local index first, then where they look anyway."""
    return {**os.environ, "UV_INDEX": index.simple, "PIP_EXTRA_INDEX_URL": index.simple}


@pytest.mark.parametrize("target", ["linux/amd64", "linux/arm64", "darwin/arm64"])
def test_the_release_builds_the_same_wheel_as_the_vendored_copy(
    default_project: Path, plugin_index: Index, tmp_path: Path, target: str
) -> None:
    vendored = uv_build(default_project, tmp_path / "vendored", target=target)
    switched = switch_to_the_release(default_project, tmp_path)
    out = tmp_path / "from-index"
    env = {**index_env(plugin_index), "GO_WHEEL_TARGET": target}
    done = subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(out)], cwd=switched, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = out.glob("*.whl")
    assert wheel.name == vendored.name
    assert wheel.read_bytes() == vendored.read_bytes()


def test_pip_wheel_and_nox_wheels_build_with_the_release(
    default_project: Path, plugin_index: Index, tmp_path: Path
) -> None:
    switched = switch_to_the_release(default_project, tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path / "pip"), "."],
        cwd=switched,
        env=index_env(plugin_index),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = (tmp_path / "pip").glob("*.whl")
    vendored = uv_build(default_project, tmp_path / "vendored")
    assert wheel.name == vendored.name and wheel.read_bytes() == vendored.read_bytes()
    # the project's own session, with no Go on PATH: the plugin comes from the index, and
    # its pin and hashes into build.txt, as build-plugin/README.md says
    requirements = switched / ".github" / "requirements"
    with (requirements / "build.in").open("a") as build_in:
        build_in.write(f"hatch-go-binary=={PLUGIN_VERSION}\n")
    compile_build = (requirements / "build.txt").read_text().splitlines()[1].lstrip("# ").split()
    done = subprocess.run(compile_build, cwd=requirements, env=index_env(plugin_index), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    with pytest.MonkeyPatch.context() as patch:
        for name, value in index_env(plugin_index).items():
            patch.setenv(name, value)
        built = run_nox(switched, "-s", "wheels", "--", "linux/amd64", "windows/arm64")
        assert built.returncode == 0, built.stdout[-4000:] + built.stderr[-4000:]
        names = sorted(path.name for path in (switched / "dist").iterdir())
        assert len(names) == 3 and any("win_arm64" in name for name in names), names
        assert (switched / "dist-record" / "BUILD.json").is_file()
        # the release gate is the release's too, installed from build.txt into the session
        outputs = {}
        for args in (["checksums"], ["checksums", "--", "--check"], ["sboms"]):
            gate = run_nox(switched, "-s", *args)
            assert gate.returncode == 0, gate.stdout[-4000:] + gate.stderr[-4000:]
            outputs[args[-1]] = gate.stdout + gate.stderr
    assert "dist/ holds exactly the 4 files dist-record/SHA256SUMS lists, byte for byte" in outputs["--check"]
    assert "dist-record/sboms/: 3 SBOM files from 3 artifacts" in outputs["sboms"]
