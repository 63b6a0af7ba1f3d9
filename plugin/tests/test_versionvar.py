"""Issue 21: which Go variable gets the version, found and proven from the sources (no Go)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hatch_go_binary import versionvar
from hatch_go_binary.errors import BuildError
from hatch_go_binary.versionvar import Package

MODULE = "example.com/tool"
RUN_TIME = "string variable assigned at run time (after -X)"
VAR = "example.com/tool/internal/build.Version"


def package(root: Path, folder: str, name: str, source: str, in_module: bool = True) -> Package:
    """A package of one file, as linked_packages() reports it."""
    (root / folder).mkdir(parents=True, exist_ok=True)
    path = root / folder / f"{folder.rsplit('/', 1)[-1] or 'main'}.go"
    path.write_text(source, encoding="utf-8")
    import_path = MODULE if folder == "." else f"{MODULE}/{folder}"
    return Package(import_path, name, (path,), in_module)


def tool(root: Path, main: str, library: str = "package build\n") -> list[Package]:
    """A command in cmd/tool that links the module's internal/build package."""
    return [
        package(root, "internal/build", "build", library),
        package(root, "cmd/tool", "main", main),
    ]


def choose(
    root: Path, packages: list[Package], configured: str | None = None, buildvcs: bool = False
):
    return versionvar.choose(configured, "tool", "./cmd/tool", packages, root, buildvcs)


@pytest.mark.parametrize(
    "ldflags",
    [
        f"ldflags: -s -w -X {VAR}={{{{.Version}}}}",
        f"ldflags:\n      - -s -w\n      - -X {VAR}={{{{ .Version }}}}",
        f'ldflags: -X "{VAR}={{{{.Version}}}}" -X main.commit={{{{.Commit}}}}',
        f"ldflags: -X={VAR}={{{{.Version}}}}",
        # an anchor in one build, merged into the others (as GoReleaser users write it)
        "- <<: &defaults\n      ldflags: -X example.com/tool/internal/build.Version={{.Version}}\n"
        "  - <<: *defaults\n    goos: [windows]",
    ],
)
def test_goreleaser_ldflags_are_read(tmp_path: Path, ldflags: str) -> None:
    (tmp_path / ".goreleaser.yaml").write_text(
        f"version: 2\nbuilds:\n  - main: ./cmd/tool\n    {ldflags}\n"
    )
    assert versionvar.goreleaser_variables(tmp_path) == (
        ["example.com/tool/internal/build.Version"],
        ".goreleaser.yaml",
    )


def test_goreleaser_variables_other_than_the_version_do_not_count(tmp_path: Path) -> None:
    (tmp_path / ".goreleaser.yml").write_text(
        "builds:\n  - ldflags: -X main.commit={{.ShortCommit}}\n"
    )
    assert versionvar.goreleaser_variables(tmp_path) == ([], ".goreleaser.yml")
    assert versionvar.goreleaser_variables(tmp_path / "none") == ([], "")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('var version = "dev"', {"version": "string variable"}),
        ("var version string", {"version": "string variable"}),
        (
            'var (\n\tcommit = "x"\n\tversion string = "dev" // set by -X\n)',
            {"version": "string variable"},
        ),
        ('var version, commit = "dev", "none"', {"version": "string variable"}),
        ('const version = "2.0"', {"version": "constant"}),
        ('const (\n\tname = "tool"\n\tversion = "2.0"\n)', {"version": "constant"}),
        ("var version int", {"version": "variable of type int"}),
        (
            'var version = fmt.Sprintf("%d", 2)',
            {"version": "string variable assigned at run time (after -X)"},
        ),
        (
            'var version = func() string {\n\treturn "x"\n}()',
            {"version": "string variable assigned at run time (after -X)"},
        ),
        ("//go:embed version.txt\nvar version string", {"version": "string variable"}),
        ('var version = "a" +\n\t"b"', {"version": "string variable"}),
        ('func f() {\n\tvar version = "local"\n\t_ = version\n}', {}),  # not package-level
        ('// var version = "commented out"\n/* const version = "2.0" */', {}),
        ('var text = "var version = 1"', {}),  # inside a string
        ('var verison = "dev"', {}),  # misspelt: not a version
        # (b) another variable in the initializer: set at run time
        ('var version = "dev" + suffix', {"version": RUN_TIME}),
        ('var version, commit = "dev", os.Getenv("C")', {"version": "string variable"}),
        ("var version, commit = pair()", {"version": RUN_TIME}),
        # (d) a literal of another type makes a variable of another type
        ("var version = 1", {"version": "variable of type int"}),
        ("var version = false", {"version": "variable of type bool"}),
        ("var version = 1.5", {"version": "variable of type float64"}),
        ("var version = `dev`", {"version": "string variable"}),  # a raw string
        # (e) valid Go that gofmt would spread over lines
        ('var ( version = "dev" )', {"version": "string variable"}),
    ],
)
def test_declarations(source: str, expected: dict[str, str]) -> None:
    assert versionvar.declarations(f"package main\n\n{source}\n", ["version"]) == expected


def test_the_goreleaser_variable_comes_first(tmp_path: Path) -> None:
    (tmp_path / ".goreleaser.yaml").write_text(
        "builds:\n  - ldflags: -X example.com/tool/internal/build.Version={{.Version}}\n"
    )
    packages = tool(
        tmp_path, 'package main\n\nvar version = "dev"\n', "package build\n\nvar Version string\n"
    )
    choice = choose(tmp_path, packages)
    assert choice == versionvar.Choice(
        "example.com/tool/internal/build.Version",
        ".goreleaser.yaml sets it to {{.Version}} with -X",
    )


@pytest.mark.parametrize("name", ["version", "Version"])
def test_then_the_main_package_variable(tmp_path: Path, name: str) -> None:
    packages = tool(tmp_path, f'package main\n\nvar {name} = "dev"\n')
    choice = choose(tmp_path, packages)
    assert choice == versionvar.Choice(
        f"main.{name}", "a string variable of the main package (cmd/tool/tool.go)"
    )


def test_a_goreleaser_variable_the_command_does_not_link_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / ".goreleaser.yaml").write_text(
        "builds:\n  - ldflags: -X example.com/other.version={{.Version}}\n"
    )
    packages = tool(tmp_path, 'package main\n\nvar version = "dev"\n')
    assert choose(tmp_path, packages).variable == "main.version"


@pytest.mark.parametrize(
    ("main", "problem"),
    [
        # the shapes the byte search let through: "2.0" occurs in most binaries
        ('package main\n\nconst version = "2.0"\n', "main.version (constant, cmd/tool/tool.go)"),
        ('package main\n\nvar verison = "dev"\n', "none"),
        ('package main\n\nimport _ "example.com/tool/internal/build"\n', "none"),
    ],
)
def test_no_variable_found_fails_with_the_candidates(
    tmp_path: Path, main: str, problem: str
) -> None:
    packages = tool(tmp_path, main)
    with pytest.raises(BuildError) as caught:
        choose(tmp_path, packages)
    message = str(caught.value)
    assert message.startswith("no version variable found for tool. Candidates in tool (./cmd/tool)")
    assert f"from the module: {problem}." in message
    assert 'or to "" to link none; or, for a program that prints debug.ReadBuildInfo()' in message


def test_an_embedded_version_in_an_internal_package_is_a_candidate_not_a_choice(
    tmp_path: Path,
) -> None:
    embedded = 'package build\n\nimport _ "embed"\n\n//go:embed version.txt\nvar Version string\n'
    packages = tool(tmp_path, "package main\n", embedded)
    with pytest.raises(BuildError) as caught:
        choose(tmp_path, packages)
    assert (
        "example.com/tool/internal/build.Version (string variable, internal/build/build.go)"
        in str(caught.value)
    )
    # named, it is proven and used
    choice = choose(tmp_path, packages, "example.com/tool/internal/build.Version")
    assert choice.variable == "example.com/tool/internal/build.Version"


def test_with_buildvcs_no_variable_is_fine(tmp_path: Path) -> None:
    choice = choose(tmp_path, tool(tmp_path, "package main\n"), buildvcs=True)
    assert choice == versionvar.Choice(
        "", "no version variable found; the version is Go's, from the git tag"
    )


@pytest.mark.parametrize(
    ("configured", "main", "problem"),
    [
        (
            "main.version",
            'package main\n\nconst version = "2.0"\n',
            "version-variable = 'main.version' is a constant (cmd/tool/tool.go): -X cannot set it",
        ),
        (
            "main.verison",
            'package main\n\nvar version = "dev"\n',
            "version-variable = 'main.verison' is not declared in tool (./cmd/tool) "
            "or any package it links",
        ),
        (
            "example.com/other.Version",
            'package main\n\nvar version = "dev"\n',
            "version-variable = 'example.com/other.Version' is not declared in tool",
        ),
        (
            "main.version",
            "package main\n\nvar version = time.Now().String()\n",
            "version-variable = 'main.version' is a string variable assigned at run time "
            "(after -X) (cmd/tool/tool.go): -X cannot set it",
        ),
    ],
)
def test_a_wrong_setting_fails_naming_the_candidates(
    tmp_path: Path, configured: str, main: str, problem: str
) -> None:
    packages = tool(tmp_path, main)
    with pytest.raises(BuildError) as caught:
        choose(tmp_path, packages, configured)
    message = str(caught.value)
    assert message.startswith(problem), message
    assert "Candidates in tool (./cmd/tool) and the packages it links from the module:" in message


def test_a_setting_is_proven_and_empty_links_none(tmp_path: Path) -> None:
    packages = tool(tmp_path, 'package main\n\nvar version = "dev"\n')
    assert choose(tmp_path, packages, "main.version").reason == (
        "version-variable names it: main.version (string variable, cmd/tool/tool.go)"
    )
    assert choose(tmp_path, packages, "") == versionvar.Choice(
        "", 'version-variable is "": no variable is set'
    )


def test_packages_of_other_modules_are_not_candidates(tmp_path: Path) -> None:
    packages = [
        package(tmp_path, "dep", "dep", 'package dep\n\nvar Version = "1"\n', in_module=False),
        package(tmp_path, "cmd/tool", "main", "package main\n"),
    ]
    assert versionvar.candidates(packages, tmp_path) == []


def test_with_several_goreleaser_builds_each_command_takes_the_variable_it_links(
    tmp_path: Path,
) -> None:
    (tmp_path / ".goreleaser.yaml").write_text(
        "builds:\n"
        f"  - main: ./cmd/other\n    ldflags: -X {MODULE}/internal/other.Version={{{{.Version}}}}\n"
        f"  - main: ./cmd/tool\n    ldflags: -X {VAR}={{{{.Version}}}}\n"
    )
    packages = tool(
        tmp_path, 'package main\n\nvar version = "dev"\n', "package build\n\nvar Version string\n"
    )
    assert choose(tmp_path, packages).variable == VAR


def test_a_commented_out_goreleaser_line_sets_nothing(tmp_path: Path) -> None:
    (tmp_path / ".goreleaser.yaml").write_text(
        "builds:\n  - ldflags:\n"
        "      # - -s -w -X main.buildDate={{.Version}}\n"
        "      - -s -w -X main.version={{.Version}} # the one\n"
        '      - "-X main.tag={{.Version}} # inside quotes"\n'
    )
    assert versionvar.goreleaser_variables(tmp_path) == (
        ["main.version", "main.tag"],
        ".goreleaser.yaml",
    )


@pytest.mark.parametrize(
    "assignment",
    [
        'func init() { version = "dev-from-init" }',
        'func main() {\n\tif len(os.Args) > 2 {\n\t\tversion, commit = "a", "b"\n\t}\n}',
        'var _ = func() bool { version += "-dirty"; return true }()',
    ],
)
def test_a_variable_a_function_assigns_is_refused(tmp_path: Path, assignment: str) -> None:
    main = package(tmp_path, "cmd/tool", "main", 'package main\n\nvar version = "dev"\n')
    other_file = tmp_path / "cmd/tool/init.go"  # the package's other file assigns it
    other_file.write_text(f"package main\n\n{assignment}\n")
    packages = [Package(main.import_path, "main", (*main.files, other_file), True)]
    with pytest.raises(BuildError) as caught:
        choose(tmp_path, packages)
    assert "main.version (string variable a function assigns (after -X), cmd/tool/tool.go)" in str(
        caught.value
    )


def test_reading_or_declaring_a_local_is_not_assigning() -> None:
    source = (
        'package main\n\nvar version = "dev"\n\nfunc main() {\n\tif version == "" '
        "|| version != x {\n\t}\n\tv, err := version, 1\n\tvar version = 2\n"
        '\tb.version = "x"\n}\n'
    )
    assert versionvar.assigned_in_functions(source, ["version"]) == set()


def test_a_one_line_group_is_found(tmp_path: Path) -> None:
    packages = tool(tmp_path, 'package main\n\nvar ( commit = "x"; version = "dev" )\n')
    assert choose(tmp_path, packages).variable == "main.version"
