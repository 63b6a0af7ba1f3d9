"""Issue 21, point 3: cgo on real dependencies, with the default settings.

A small program on mattn/go-sqlite3 v1.14.18 (from the Go module proxy), the last
release before the binding's musl fix: against zig's musl it stops on `pread64` unless
the build defines _LARGEFILE64_SOURCE. Packaged with way 2 (copier into the module's
repository), built for the host and linux/arm64, installed with pip, it opens a
database. A program whose macOS build includes an Apple framework header stops on
one sentence that says what is missing and the two ways out.
"""

from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

from conftest import git, run_nox
from install_schemes import install
from test_existing_tool import COMMAND, VERSION, copier_copy, go, only
from test_matrix import run_binary

SQLITE3 = "github.com/mattn/go-sqlite3@v1.14.18"
HOST_TAGS = "manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64"

NOTES_GO = """\
package main

import (
	"database/sql"
	"fmt"
	"os"

	_ "github.com/mattn/go-sqlite3"
)

var version = "dev"

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sqlite-scan --version | FILE")
		os.Exit(2)
	}
	if os.Args[1] == "--version" {
		fmt.Println("sqlite-scan", version)
		return
	}
	db, err := sql.Open("sqlite3", os.Args[1])
	if err == nil {
		_, err = db.Exec("CREATE TABLE IF NOT EXISTS notes (body TEXT); INSERT INTO notes VALUES ('hi')")
	}
	var notes int
	var sqlite string
	if err == nil {
		err = db.QueryRow("SELECT count(*), sqlite_version() FROM notes").Scan(&notes, &sqlite)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d notes, SQLite %s\\n", notes, sqlite)
}
"""

# Built for macOS only: CFNetwork's headers come with Apple's SDK, which zig does not ship.
PROXY_DARWIN_GO = """\
//go:build darwin

package main

/*
#cgo LDFLAGS: -framework CFNetwork
#include <CFNetwork/CFNetwork.h>
*/
import "C"

func init() { _ = C.kCFErrorDomainCFNetwork }
"""
PROXY_GO = """\
package main

import "fmt"

var version = "dev"

func main() { fmt.Println("sqlite-scan", version) }
"""


def adopted_module(template: Path, where: Path, files: dict[str, str], *requirements: str) -> Path:
    """A Go module with FILES and REQUIREMENTS, after `copier copy` with cgo on."""
    module = where / "sqlite-scan"
    module.mkdir(parents=True)
    # way 2 keeps the repository's README and LICENSE, and the package's metadata uses them
    files = {"README.md": "# sqlite-scan\n", "LICENSE": "Our own terms.\n", **files}
    for name, text in files.items():
        (module / name).write_text(text)
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    steps = [["mod", "init", "example.com/sqlite-scan"], *(["get", needed] for needed in requirements)]
    for args in [*steps, ["mod", "tidy"]]:
        subprocess.run([go(), *args], cwd=module, env=env, check=True, capture_output=True)
    git(module, "init", "-q", "-b", "main")
    git(module, "add", "-A")
    git(module, "commit", "-q", "-m", "the tool")
    copier_copy(template, module, use_cgo="yes")
    return module


def test_sqlite_binding_builds_for_musl_and_opens_a_database(template: Path, tmp_path: Path) -> None:
    module = adopted_module(template, tmp_path / "notes", {"main.go": NOTES_GO}, SQLITE3)
    pyproject = (module / "pyproject.toml").read_text()
    assert "cgo = true" in pyproject and "cgo-cflags" not in pyproject  # the defaults, untouched
    done = run_nox(module, "-s", "wheels", "--", "linux/amd64", "linux/arm64")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    dist = module / "dist"

    installed = install("venv-pip", only(dist, f"*{HOST_TAGS}.whl"), tmp_path)
    database = tmp_path / "notes.db"
    for notes in (1, 2):  # the second run reads what the first one wrote
        opened = installed.run([*installed.command, str(database)])
        assert (opened.returncode, opened.stdout) == (0, f"{notes} notes, SQLite 3.44.0\n"), opened.stderr
    shown = installed.run([*installed.command, "--version"])
    assert shown.stdout == f"{COMMAND} {VERSION}\n", shown.stderr

    with zipfile.ZipFile(only(dist, "*aarch64*.whl")) as archive:
        (script,) = [name for name in archive.namelist() if ".data/scripts/" in name]
        binary = Path(archive.extract(script, tmp_path / "arm64"))
    binary.chmod(0o755)
    opened = run_binary("linux/arm64", binary, str(tmp_path / "arm64.db"))
    assert (opened.returncode, opened.stdout) == (0, "1 notes, SQLite 3.44.0\n"), opened.stderr


def test_a_macos_framework_zig_lacks_stops_the_build_in_one_sentence(template: Path, tmp_path: Path) -> None:
    files = {"main.go": PROXY_GO, "proxy_darwin.go": PROXY_DARWIN_GO}
    module = adopted_module(template, tmp_path / "proxy", files)
    done = run_nox(module, "-s", "wheels", "--", "darwin/arm64")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    sentence = (
        "go build for darwin/arm64 stopped: the C code of example.com/sqlite-scan includes "
        "<CFNetwork/CFNetwork.h>, a header of Apple's CFNetwork framework, which only a macOS SDK "
        "has and zig has none; either leave macOS out with `targets = ["
    )
    assert sentence in output, output[-4000:]
    assert "set GO_WHEEL_MACOS_SDK to the folder of a macOS SDK" in output
    assert "file not found" not in output  # not the compiler's dump
