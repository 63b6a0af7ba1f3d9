"""Which Go string variable receives [project] version through the linker's -X, proven.

The linker's -X silently does nothing when the variable does not exist, is a constant,
sits in a package the command does not link, or is set by code at run time (which
overwrites it); it refuses only a variable of another type. So before each build the
variable is looked up in the Go files of the packages the command links, as `go list`
sees them for the target (build constraints applied). Measured on actionlint (16
packages): `go list` 0.1 to 0.25 s warm and the lookup 0.02 s, per command and target;
an unstripped second link for `go tool nm` took 1.4 s (and 12 s to build nm the first
time), and a symbol table cannot tell a constant from a variable set at run time.
A variable the linker drops as unused is not caught, but then nothing prints it.
The lookup errs towards refusing: an initializer other than string literals, or an
assignment to the name inside any function of the package (even to a local of that
name), counts as set at run time: a local so named is renamed, or a constant's name
written out as the string.

Without a setting, the variable is found: the one the repository's GoReleaser config
sets to GoReleaser's .Version with -X (where several builds set several, the first that
this command links as a string variable: that is its build's), then `version` or
`Version` in the main package.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hatch_go_binary.errors import BuildError
from hatch_go_binary.toolchain import go_list_deps, json_stream

GORELEASER_FILES = (
    ".goreleaser.yaml",
    ".goreleaser.yml",
    "goreleaser.yaml",
    "goreleaser.yml",
)
# -X pkg.var=, -X=pkg.var= or -X "pkg.var= followed by GoReleaser's .Version in double braces.
# (No double braces in this file: copier renders the vendored copy as a template.)
# A reader of these strings alone, not a YAML parser: the plugin depends on hatchling and
# packaging only (a build hook's dependencies are installed into every build), and the
# strings read the same whether they sit in a list, a folded string or a YAML anchor.
_GORELEASER_X = re.compile(
    r"""-X[=\s]+["']?([A-Za-z0-9_./~+-]*[A-Za-z0-9_]\.[A-Za-z_]\w*)=\{\{\s*\.Version\s*\}\}"""
)
_VERSION_FIELD = "{" * 2 + ".Version" + "}" * 2  # GoReleaser's template field
_NAMES = ("version", "Version")  # what a program calls its version, for the default
_TOKEN = re.compile(
    r"""//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|`[^`]*`|'(?:\\.|[^'\\\n])*'|\n|\w+|\S""",
    re.S,
)
_OPEN, _CLOSE = "([{", ")]}"
# After these, a newline ends a declaration (Go's automatic semicolons).
_ENDS_LINE = re.compile(r"""\w+|".*|`.*|'.*|[)\]}]""", re.S)


@dataclass(frozen=True)
class Declared:
    """A package-level declaration named like a version: what -X would make of it."""

    variable: str  # as -X names it: main.version, example.com/tool/internal/build.Version
    kind: str  # "string variable", "constant", "variable of type int", ...
    file: str  # where, relative to the project, for messages

    @property
    def settable(self) -> bool:
        return self.kind == "string variable"

    def described(self) -> str:
        return f"{self.variable} ({self.kind}, {self.file})"


@dataclass(frozen=True)
class Package:
    """One package the command links, as `go list` reports it."""

    import_path: str
    name: str
    files: tuple[Path, ...]
    in_module: bool  # a package of the project's own module


@dataclass(frozen=True)
class Choice:
    variable: str  # "" links none
    reason: str


def _without_yaml_comments(text: str) -> str:
    """TEXT less YAML's comments: from a `#` at a line's start or after a space or tab,
    outside quotes, to the line's end (a commented-out ldflags line sets nothing)."""
    lines = []
    for line in text.splitlines():
        quote, at = "", 0
        while at < len(line):
            char = line[at]
            if quote == '"' and char == "\\":
                at += 1  # an escaped character, perhaps a quote
            elif quote and char == quote:
                quote = ""
            elif not quote and char in "'\"":
                quote = char
            elif not quote and char == "#" and (at == 0 or line[at - 1] in " \t"):
                line = line[:at]
                break
            at += 1
        lines.append(line)
    return "\n".join(lines)


def goreleaser_variables(root: Path) -> tuple[list[str], str]:
    """The variables the repository's GoReleaser config sets to the version with -X, in
    the order written, and the config's file name ("" without one)."""
    for name in GORELEASER_FILES:
        path = root / name
        if path.is_file():
            text = _without_yaml_comments(path.read_text(encoding="utf-8", errors="replace"))
            found = _GORELEASER_X.findall(text)
            return list(dict.fromkeys(found)), name
    return [], ""


def _tokens(source: str) -> list[str]:
    """Go tokens, comments dropped (one that spans lines counts as a newline, as in Go)."""
    tokens = []
    for token in _TOKEN.findall(source):
        if token.startswith("//"):
            continue
        if token.startswith("/*"):
            if "\n" in token:
                tokens.append("\n")
            continue
        tokens.append(token)
    return tokens


def _specs(tokens: list[str], start: int) -> tuple[list[list[str]], int]:
    """The specs of the declaration whose keyword is at START (one, or a group in
    parentheses), each a list of tokens; and the index after the declaration."""
    grouped = start + 1 < len(tokens) and tokens[start + 1] == "("
    at = start + 2 if grouped else start + 1
    base = 1 if grouped else 0
    depth, specs, spec = base, [], []
    while at < len(tokens):
        token = tokens[at]
        at += 1
        if token in _OPEN:
            depth += 1
        elif token in _CLOSE:
            depth -= 1
            if grouped and depth == 0:
                break
        ends = token == ";" or (token == "\n" and spec and _ENDS_LINE.fullmatch(spec[-1]))
        if depth == base and ends:
            if spec:
                specs.append(spec)
            spec = []
            if not grouped:
                return specs, at
        elif token != "\n" and token != ";":
            spec.append(token)
    if spec:
        specs.append(spec)
    return specs, at


_RUN_TIME = "string variable assigned at run time (after -X)"
_INT = re.compile(r"[+-]?(?:0[xX][0-9a-fA-F_]+|0[oObB][0-9_]+|[0-9][0-9_]*)")
_FLOAT = re.compile(r"[+-]?[0-9_]*\.?[0-9_]*(?:[eEpP][+-]?[0-9_]+)?")


def _value_kind(value: list[str]) -> str:
    """What an initializer without a type makes of its variable: string literals (joined
    with +) leave a string variable -X can set; another literal gives another type;
    anything else (a call, another variable, a constant's name) is counted, to be safe,
    as set at run time, where it would overwrite what -X wrote."""
    if not value:
        return "string variable"
    if all(token[0] in '"`' or token in "+()" for token in value):
        return "string variable"
    joined = "".join(value)
    if joined in ("true", "false"):
        return "variable of type bool"
    if joined.startswith("'"):
        return "variable of type rune"
    if _INT.fullmatch(joined):
        return "variable of type int"
    if _FLOAT.fullmatch(joined) and any(char.isdigit() for char in joined):
        return "variable of type float64"
    return _RUN_TIME


def _split_values(value: list[str]) -> list[list[str]]:
    """An initializer list's expressions, split at its top-level commas."""
    parts, part, depth = [], [], 0
    for token in value:
        depth += (token in _OPEN) - (token in _CLOSE)
        if token == "," and depth == 0:
            parts.append(part)
            part = []
        else:
            part.append(token)
    return [*parts, part]


def _kind(keyword: str, spec: list[str]) -> dict[str, str]:
    """{name: what -X would make of it} for the names a spec declares."""
    names, at = [spec[0]], 1
    while at + 1 < len(spec) and spec[at] == ",":
        names.append(spec[at + 1])
        at += 2
    if keyword == "const":
        return dict.fromkeys(names, "constant")
    rest = spec[at:]
    type_tokens = rest[: rest.index("=")] if "=" in rest else rest
    value = rest[rest.index("=") + 1 :] if "=" in rest else []
    if type_tokens and type_tokens != ["string"]:
        return dict.fromkeys(names, f"variable of type {''.join(type_tokens)}")
    values = _split_values(value) if value else [[] for _ in names]
    if len(values) != len(names):  # var a, b = f(): one call for both
        return dict.fromkeys(names, _RUN_TIME)
    kinds = {name: _value_kind(part) for name, part in zip(names, values)}
    if type_tokens:  # var version string = ...: no other type, whatever the value
        kinds = {
            name: _RUN_TIME if kind == _RUN_TIME else "string variable"
            for name, kind in kinds.items()
        }
    return kinds


_COMPOUND = "+-*/%&|^"  # version += "x" assigns too


def assigned_in_functions(source: str, wanted: Iterable[str]) -> set[str]:
    """The names in WANTED that SOURCE assigns inside braces (a function body, a function
    literal): `name =`, `name += `, `a, name =`, not after `.`, `var` or `const`.
    Conservative: a parameter or local variable of that name, or a local `var (...)`
    group, counts too, and the package variable is then refused rather than trusted."""
    wanted, found = set(wanted), set()
    tokens, depth = _tokens(source), 0
    for at, token in enumerate(tokens):
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        if depth == 0 or token not in wanted or token in found:
            continue
        if at > 0 and tokens[at - 1] in (".", "var", "const"):
            continue
        after = at + 1
        while after + 1 < len(tokens) and tokens[after] == "," and tokens[after + 1][0].isalpha():
            after += 2
        operator = tokens[after : after + 2]
        plain = operator[:1] == ["="] and operator[1:] != ["="]  # not ==
        compound = len(operator) == 2 and operator[0] in _COMPOUND and operator[1] == "="
        if plain or compound:
            found.add(token)
    return found


def declarations(source: str, wanted: Iterable[str]) -> dict[str, str]:
    """{name: kind} of SOURCE's package-level var and const declarations named in WANTED."""
    wanted, found = set(wanted), {}
    tokens, at, depth = _tokens(source), 0, 0
    while at < len(tokens):
        token = tokens[at]
        if depth == 0 and token in ("var", "const"):
            specs, at = _specs(tokens, at)
            for spec in specs:
                kinds = _kind(token, spec)
                found.update({name: kind for name, kind in kinds.items() if name in wanted})
            continue
        depth += (token in _OPEN) - (token in _CLOSE)
        at += 1
    return found


def linked_packages(go: str, root: Path, env: dict[str, str], package: str) -> list[Package]:
    """The packages PACKAGE links, outside the standard library, for the target ENV names."""
    fields = ("ImportPath", "Name", "Dir", "GoFiles", "CgoFiles", "Module", "Standard")
    done = go_list_deps(go, root, env, package, fields)
    if done.returncode != 0:
        return []  # go build, next, says what is wrong with the package
    packages = []
    for listed in json_stream(done.stdout):
        if listed.get("Standard"):
            continue
        files = [*(listed.get("GoFiles") or ()), *(listed.get("CgoFiles") or ())]
        folder = Path(listed.get("Dir", ""))
        packages.append(
            Package(
                listed["ImportPath"],
                listed.get("Name", ""),
                tuple(folder / name for name in files),
                bool((listed.get("Module") or {}).get("Main")),
            )
        )
    return packages


def _symbol(package: Package, name: str) -> str:
    """The name -X gives a variable: main packages are `main` to the linker."""
    return f"main.{name}" if package.name == "main" else f"{package.import_path}.{name}"


def _mentions(source: str, names: Sequence[str]) -> bool:
    """Whether SOURCE holds one of NAMES as a word (a cheap test before tokenizing)."""
    alternatives = "|".join(map(re.escape, names))
    return re.search(rf"\b(?:{alternatives})\b", source) is not None


def declared_in(package: Package, names: Iterable[str], root: Path) -> list[Declared]:
    """PACKAGE's package-level declarations of NAMES; a string variable that a function
    of the package assigns (in any of its files) is set at run time, after -X."""
    names = tuple(names)
    found: list[Declared] = []
    assigned: set[str] = set()
    for path in package.files:
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if not _mentions(source, names):
            continue  # most files never name it: skip the tokenizer
        try:
            shown = path.relative_to(root).as_posix()
        except ValueError:
            shown = f"{package.import_path}/{path.name}"
        for name, kind in declarations(source, names).items():
            found.append(Declared(_symbol(package, name), kind, shown))
        assigned |= assigned_in_functions(source, names)
    return [
        Declared(declared.variable, "string variable a function assigns (after -X)", declared.file)
        if declared.settable and declared.variable.rpartition(".")[2] in assigned
        else declared
        for declared in found
    ]


def candidates(packages: Sequence[Package], root: Path) -> list[Declared]:
    """Everything named version/Version in the main package and the module's packages."""
    return [
        declared
        for package in packages
        if package.in_module or package.name == "main"
        for declared in declared_in(package, _NAMES, root)
    ]


def find(variable: str, packages: Sequence[Package], root: Path) -> Declared | None:
    """VARIABLE's declaration in the packages the command links; None when there is none."""
    path, _, name = variable.rpartition(".")
    for package in packages:
        if package.import_path == path or (path == "main" and package.name == "main"):
            for declared in declared_in(package, [name], root):
                return declared
    return None


def _refusal(command: str, main_package: str, problem: str, found: Sequence[Declared]) -> str:
    listed = "; ".join(declared.described() for declared in found) or "none"
    return (
        f"{problem}. Candidates in {command} ({main_package}) and the packages it links from "
        f"the module: {listed}. Set [tool.hatch-go-binary] version-variable to the string "
        'variable the program prints its version from (such as "main.version" or '
        '"example.com/tool/internal/build.Version"), or to "" to link none'
    )


def choose(
    configured: str | None,
    command: str,
    main_package: str,
    packages: Sequence[Package],
    root: Path,
    buildvcs: bool,
) -> Choice:
    """The variable for COMMAND: CONFIGURED proven, or (None) the one found; BuildError
    names the candidates when there is none that -X can set."""
    if configured == "":
        return Choice("", 'version-variable is "": no variable is set')
    if configured is not None:
        declared = find(configured, packages, root)
        if declared is not None and declared.settable:
            return Choice(configured, f"version-variable names it: {declared.described()}")
        problem = (
            f"version-variable = {configured!r} is a {declared.kind} ({declared.file}): "
            "-X cannot set it"
            if declared is not None
            else f"version-variable = {configured!r} is not declared in {command} "
            f"({main_package}) or any package it links"
        )
        raise BuildError(_refusal(command, main_package, problem, candidates(packages, root)))
    named, config = goreleaser_variables(root)
    for variable in named:
        declared = find(variable, packages, root)
        if declared is not None and declared.settable:
            return Choice(variable, f"{config} sets it to {_VERSION_FIELD} with -X")
    mains = [package for package in packages if package.name == "main"]
    for package in mains:
        for declared in declared_in(package, _NAMES, root):
            if declared.settable:
                return Choice(
                    declared.variable, f"a string variable of the main package ({declared.file})"
                )
    if buildvcs:
        return Choice("", "no version variable found; the version is Go's, from the git tag")
    problem = f"no version variable found for {command}" + (
        f" ({config} sets {', '.join(named)}, which {command} does not link as a string variable)"
        if named
        else ""
    )
    raise BuildError(
        _refusal(command, main_package, problem, candidates(packages, root))
        + "; or, for a program that prints debug.ReadBuildInfo()'s version, set buildvcs = true"
    )
