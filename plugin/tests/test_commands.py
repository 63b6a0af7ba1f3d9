"""Several commands in one distribution, built by the Go on PATH: each command is its own
`go build`, its own script in the wheel and its own SBOM; a failure names the command.
Skipped without a Go new enough for the module's go line."""

from __future__ import annotations

import json
import subprocess
import tarfile
import zipfile
from pathlib import Path

import crafted
import pytest

from hatch_go_binary import audit, build, buildinfo, matrix, toolchain
from hatch_go_binary.config import Settings, load_pyproject, read_settings
from hatch_go_binary.errors import BuildError

MAIN = """package main

import "fmt"

var version = "dev"

func main() { fmt.Println("%s", version) }
"""
GO_MOD = "module example.com/pair\n\ngo 1.22\n"
PYPROJECT = crafted.hooked_pyproject(
    'name = "Pair_Tools"\nversion = "1.0"\n',
    '[tool.hatch-go-binary]\ntargets = ["linux/amd64"]\n\n[tool.hatch-go-binary.commands]\n',
)
SCRIPTS = "pair_tools-1.0.data/scripts"
SBOMS = "pair_tools-1.0.dist-info/sboms"
LINUX = "linux/amd64"


def write_project(root: Path, commands: dict[str, str]) -> Path:
    """A module with cmd/alpha and cmd/beta (each printing its name and version), a
    library package, and COMMANDS as [tool.hatch-go-binary.commands]."""
    root.mkdir(parents=True, exist_ok=True)
    table = "".join(f'{name} = "{package}"\n' for name, package in commands.items())
    (root / "pyproject.toml").write_text(PYPROJECT + table, encoding="utf-8")
    (root / "go.mod").write_text(GO_MOD, encoding="utf-8")
    for name in ("alpha", "beta"):
        (root / "cmd" / name).mkdir(parents=True)
        (root / "cmd" / name / "main.go").write_text(MAIN % name, encoding="utf-8")
    (root / "lib").mkdir()
    (root / "lib" / "lib.go").write_text("package lib\n\nconst X = 1\n", encoding="utf-8")
    return root


@pytest.fixture
def go(monkeypatch, tmp_path: Path) -> None:
    """The Go on PATH, if it can build the module; nothing from PyPI."""
    write_project(tmp_path / "probe", {})
    if toolchain.system_go(tmp_path / "probe") is None:
        pytest.skip("no Go on PATH new enough for go 1.22")
    monkeypatch.setenv("GO_WHEEL_TOOLCHAIN", "system")
    monkeypatch.setattr(toolchain, "has_a_wheel_here", lambda platforms: False)


def settings_of(root: Path) -> Settings:
    return read_settings(load_pyproject(root), root)


PAIR = {"alpha": "./cmd/alpha", "beta": "./cmd/beta"}


def test_each_command_is_a_script_with_its_own_sbom(go, tmp_path: Path, monkeypatch) -> None:
    root = write_project(tmp_path / "pair", PAIR)
    monkeypatch.setenv("GO_WHEEL_TARGET", LINUX)
    wheel = crafted.hatchling_build(root, "wheel", tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        binaries = {name: archive.read(f"{SCRIPTS}/{name}") for name in PAIR}
        documents = {
            name: json.loads(archive.read(f"{SBOMS}/{name}.cyclonedx.json")) for name in PAIR
        }
    assert [name for name in names if "/scripts/" in name or "/sboms/" in name] == [
        f"{SCRIPTS}/alpha",
        f"{SCRIPTS}/beta",
        f"{SBOMS}/alpha.cyclonedx.json",
        f"{SBOMS}/beta.cyclonedx.json",
    ]
    for name, document in documents.items():
        (binary,) = [c for c in document["components"] if c["type"] == "application"]
        assert binary["bom-ref"] == f"{SCRIPTS}/{name}"  # each describes its own binary
    # both ran through -X main.version, and each is its own program
    for name in PAIR:
        script = tmp_path / name
        script.write_bytes(binaries[name])
        script.chmod(0o755)
        done = subprocess.run([str(script)], capture_output=True, text=True, check=True)
        assert done.stdout.strip() == f"{name} 1.0"
    assert audit.audit_wheel(wheel, list(PAIR)) == []
    findings = audit.audit_wheel(wheel, [*PAIR, "gamma"])
    assert [finding.check for finding in findings] == ["scripts"]
    assert "no gamma under pair_tools-1.0.data/scripts/" in str(findings[0])


def test_every_command_keeps_its_own_last_binary(go, tmp_path: Path) -> None:
    root = write_project(tmp_path / "pair", PAIR)
    settings, log = settings_of(root), []
    first = build.build_binaries(root, settings, LINUX, "1.0", log.append)
    assert [(binary.command, binary.path.name, binary.changed) for binary in first.binaries] == [
        ("alpha", "alpha", True),
        ("beta", "beta", True),
    ]
    place = root / "build" / "go" / "linux_amd64"
    for binary in first.binaries:
        assert (place / binary.command).read_bytes() == binary.path.read_bytes()
        assert (place / f"{binary.command}.sha256").read_text() == build.sha256_of(binary.path)
    again = build.build_binaries(root, settings, LINUX, "1.0", log.append)
    assert [binary.changed for binary in again.binaries] == [False, False]
    assert "go build linux/amd64 beta: binary unchanged" in log
    for built in (first, again):
        assert built.binaries[0].path.parent == built.folder
        build.shutil.rmtree(built.folder)


@pytest.mark.parametrize(
    ("beta", "expected"),
    [
        pytest.param(
            "./cmd/gamma",
            "[tool.hatch-go-binary] commands.beta = './cmd/gamma' is not a buildable `package "
            "main`. The module's main packages: ./cmd/alpha, ./cmd/beta",
            id="no-such-package",
        ),
        pytest.param(
            "./lib",
            "[tool.hatch-go-binary] commands.beta = './lib' is not a buildable `package main`",
            id="not-package-main",
        ),
    ],
)
def test_a_failing_command_is_named(go, tmp_path: Path, beta: str, expected: str) -> None:
    root = write_project(tmp_path / "pair", {"alpha": "./cmd/alpha", "beta": beta})
    with pytest.raises(BuildError) as caught:
        build.build_binaries(root, settings_of(root), LINUX, "1.0", lambda line: None)
    message = str(caught.value)
    assert message.startswith(f"go build for linux/amd64 failed (command beta, package {beta}):")
    assert expected in message
    assert not list((root / "build" / "go" / "linux_amd64").glob("build-*"))  # folder removed


def test_a_command_without_the_version_variable_is_named(go, tmp_path: Path) -> None:
    root = write_project(tmp_path / "pair", PAIR)
    (root / "cmd" / "beta" / "main.go").write_text("package main\n\nfunc main() {}\n")
    with pytest.raises(BuildError) as caught:
        build.build_binaries(root, settings_of(root), LINUX, "1.0", lambda line: None)
    assert str(caught.value).startswith(
        "no version variable found for beta. Candidates in beta (./cmd/beta) and the packages "
        "it links from the module: none."
    )


CONSTANT_MAIN = """package main

import "fmt"

const version = "2.0"

func main() { fmt.Println(version) }
"""
EMBEDDING_MAIN = """package main

import (
	"fmt"

	"example.com/pair/lib"
)

func main() { fmt.Println(lib.Version) }
"""
EMBEDDED_LIB = """package lib

import _ "embed"

//go:embed version.txt
var Version string
"""


@pytest.mark.parametrize(
    ("main", "candidate"),
    [
        (CONSTANT_MAIN, "main.version (constant, cmd/alpha/main.go)"),
        (EMBEDDING_MAIN, "example.com/pair/lib.Version (string variable, lib/lib.go)"),
    ],
    ids=["constant", "embedded-file"],
)
def test_a_binary_that_holds_the_version_elsewhere_is_refused(
    go, tmp_path: Path, main: str, candidate: str
) -> None:
    """Issue 21: the version string is in the binary (a constant, an embedded file), but
    no variable receives it; the byte search of old passed both."""
    root = write_project(tmp_path / "pair", {"alpha": "./cmd/alpha"})
    (root / "cmd" / "alpha" / "main.go").write_text(main, encoding="utf-8")
    (root / "lib" / "lib.go").write_text(EMBEDDED_LIB, encoding="utf-8")
    (root / "lib" / "version.txt").write_text("2.0", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build.build_binaries(root, settings_of(root), LINUX, "2.0", lambda line: None)
    assert str(caught.value).startswith("no version variable found for alpha. Candidates")
    assert candidate in str(caught.value)


BUILD_INFO_MAIN = """package main

import (
	"fmt"
	"runtime/debug"
)

func main() {
	info, _ := debug.ReadBuildInfo()
	fmt.Println(info.Main.Version)
}
"""


def git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def test_buildvcs_stamps_the_tag_and_the_builds_own_files_keep_the_checkout_clean(
    go, tmp_path: Path
) -> None:
    """Issue 21: a program that prints its build information's version, with buildvcs on,
    in a repository whose .gitignore lists none of the build's outputs."""
    root = write_project(tmp_path / "pair", {"alpha": "./cmd/alpha"})
    (root / "cmd" / "alpha" / "main.go").write_text(BUILD_INFO_MAIN, encoding="utf-8")
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("[tool.hatch-go-binary]\n", "[tool.hatch-go-binary]\nbuildvcs = true\n")
    )
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "v1"], ["tag", "v1.4.0"]):
        git(root, *args)
    (root / "dist").mkdir()
    (root / "dist" / "tool-1.3.0.tar.gz").write_bytes(b"an earlier build")
    said: list[str] = []
    built = build.build_binaries(root, settings_of(root), LINUX, "1.4.0", said.append)
    info = buildinfo.read(built.binaries[0].path.read_bytes())
    assert (info.main.version, info.setting("vcs.modified")) == ("v1.4.0", "false")
    assert "version of alpha: -X (none): no version variable found; the version is Go's" in said[0]
    assert "-buildvcs=true" in said[1]
    assert said[2].startswith(
        "go build linux/amd64 alpha: Go's build information says v1.4.0 (commit"
    )
    (root / "cmd" / "alpha" / "extra.go").write_text("package main\n", encoding="utf-8")
    said.clear()
    build.build_binaries(root, settings_of(root), LINUX, "1.4.0", said.append)
    assert "v1.4.0+dirty" in said[2] and "the checkout differs from that commit" in said[2]


NATIVE = {
    "native/native.go": 'package native\n\nfunc Name() string { return "native" }\n',
    # cgo builds it; without cgo Go leaves it out, and nothing says so
    "native/fast.go": 'package native\n\n// int twice(int x) { return 2 * x; }\nimport "C"\n\n'
    "func Twice(x int) int { return int(C.twice(C.int(x))) }\n",
    # left out on purpose: its constraint names cgo (the starter project's words_cgo.go)
    "native/guarded.go": '//go:build cgo\n\npackage native\n\nimport "C"\n\nconst Guarded = 1\n',
    "unused/unused.go": 'package unused\n\nimport "C"\n',  # not a dependency of the command
}


def with_native(root: Path) -> Path:
    """cmd/alpha imports native, which has a cgo file without a cgo constraint."""
    for name, text in NATIVE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    main = root / "cmd" / "alpha" / "main.go"
    text = main.read_text().replace(
        'import "fmt"', 'import (\n\t"fmt"\n\n\t"example.com/pair/native"\n)'
    )
    main.write_text(text.replace("func main() {", "func main() {\n\t_ = native.Name()\n"))
    return root


def test_a_cgo_file_left_out_without_cgo_is_named(go, tmp_path: Path) -> None:
    root = with_native(write_project(tmp_path / "pair", PAIR))
    built = build.build_binaries(root, settings_of(root), LINUX, "1.0", lambda line: None)
    assert built.warnings == (build.cgo_warning(["native/fast.go"]),)
    assert built.warnings[0].startswith(
        'cgo = false, so Go leaves out native/fast.go: it builds a file that imports "C" only '
        "with cgo, and this binary lacks its code"
    )
    build.shutil.rmtree(built.folder)


def test_the_hook_shows_the_warning_and_a_failure_carries_it(
    go, tmp_path: Path, monkeypatch, capsys
) -> None:
    root = with_native(write_project(tmp_path / "pair", PAIR))
    monkeypatch.setenv("GO_WHEEL_TARGET", LINUX)
    crafted.hatchling_build(root, "wheel", tmp_path / "dist")
    assert "warning: cgo = false, so Go leaves out native/fast.go" in capsys.readouterr().err
    # the command uses what only the left-out file has: go build fails, and the warning says why
    main = root / "cmd" / "alpha" / "main.go"
    main.write_text(main.read_text().replace("native.Name()", "native.Twice(2)"))
    with pytest.raises(BuildError) as caught:
        build.build_binaries(root, settings_of(root), LINUX, "1.0", lambda line: None)
    assert "undefined: native.Twice" in str(caught.value)
    assert str(caught.value).endswith(build.cgo_warning(["native/fast.go"]))


def test_a_build_without_such_files_warns_of_nothing(go, tmp_path: Path) -> None:
    root = write_project(tmp_path / "pair", PAIR)
    (root / "cmd" / "alpha" / "words_cgo.go").write_text(
        NATIVE["native/guarded.go"].replace("native", "main")
    )
    built = build.build_binaries(root, settings_of(root), LINUX, "1.0", lambda line: None)
    assert built.warnings == ()
    build.shutil.rmtree(built.folder)


def test_the_sdist_has_one_sbom_named_after_the_distribution(tmp_path: Path) -> None:
    """The sdist needs no Go: its SBOM is go.mod's, shared by every command."""
    root = write_project(tmp_path / "pair", PAIR)
    sdist = crafted.hatchling_build(root, "sdist", tmp_path / "dist")
    with tarfile.open(sdist) as archive:
        sboms = [name for name in archive.getnames() if "/sboms/" in name]
    assert sboms == ["pair_tools-1.0/sboms/pair-tools.cyclonedx.json"]
    assert audit.audit_sdist(sdist) == []


def test_the_matrix_audits_every_command(go, tmp_path: Path, monkeypatch, capsys) -> None:
    root = write_project(tmp_path / "pair", PAIR)
    monkeypatch.chdir(root)
    audited, real_audit = [], audit.Audit

    def recorded(commands, dist_checks, cache):
        audited.append(list(commands))
        return real_audit(commands, dist_checks, cache)

    monkeypatch.setattr(audit, "Audit", recorded)
    # the sdist check is plugin/tests/test_sdist.py's: its isolated build would fetch hatchling
    assert matrix.main(["--jobs", "1", "--no-sdist-check", LINUX]) == 0, capsys.readouterr().err
    assert audited == [["alpha", "beta"]]
    wheel = next((root / "dist").glob("*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert {f"{SCRIPTS}/alpha", f"{SCRIPTS}/beta"} <= set(archive.namelist())
