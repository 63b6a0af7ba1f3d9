"""`python -m hatch_go_binary upload`: twine check, then twine upload what the index lacks.

dist/'s wheels and sdist, after `twine check --strict`, are compared with the files the
index lists for the project (its simple API: PEP 691 JSON or PEP 503 links). A file it
holds with other bytes stops everything before twine runs (PyPI refuses such a file
only when its turn comes, after the others went up; twine's --skip-existing takes any
used name for "uploaded"); one it holds byte for byte is not sent again, so an
interrupted run resumes. twine uploads (options not known here pass on to it), with
PEP 740 attestations from pypi-attestations if asked; then what the index holds, not
what twine said, decides the outcome.

The index is read with requests, twine's own client. twine's login (-u/-p,
TWINE_USERNAME/TWINE_PASSWORD, ~/.pypirc) is the upload URL's: it goes to the simple API
only on that same origin (scheme, host, port), and only once it asks: not to an
--index-url elsewhere (a mirror), not to PyPI's (which needs none), not to a file linked
elsewhere, not along a redirect to another origin or to plain http.

twine and pypi-attestations must be installed beside the plugin (they run on this
Python). Run `verify --strict` first: this takes dist/ as it finds it. Exit status: 0
when dist/ is on the index, 1 with a message saying what is wrong, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from packaging.utils import parse_sdist_filename, parse_wheel_filename

from hatch_go_binary.audit import sha256_of
from hatch_go_binary.release import UNREADABLE, dist_files, warn

PROG = "python -m hatch_go_binary upload"
DESCRIPTION = "twine check dist/, then twine upload what the index lacks."
DIST = Path("dist")
# Where the indexes twine knows by name list their files (the simple API).
SIMPLE_APIS = {
    "https://upload.pypi.org/legacy/": "https://pypi.org/simple/",
    "https://test.pypi.org/legacy/": "https://test.pypi.org/simple/",
}


# The release workflow of a project made from go-pypi-template, which PyPI's trusted
# publisher names by file.
RELEASE_WORKFLOWS = (
    "in a project made from go-pypi-template: release.yml, or pypi-release.yml when it "
    "packages an existing Go module"
)


class UploadError(Exception):
    """What stops an upload; the message says what is wrong and what to do."""


def tool(module: str, *args: str) -> list[str]:
    """MODULE's command line on this Python (`twine` and `pypi-attestations` are mains)."""
    return [sys.executable, "-m", module, *args]


class _TwineOptions(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UploadError(f"twine refused the options: {message}")


def twine_settings(twine_args: list[str]) -> tuple[str, tuple[str, str] | None]:
    """Where twine uploads with TWINE_ARGS (as twine resolves -r, --repository-url, its
    environment and ~/.pypirc), and the login it has for there without asking."""
    try:
        from twine import exceptions, settings
    except ImportError as error:
        raise UploadError(
            f"twine does not run with {sys.executable} ({type(error).__name__}: {error}): "
            "install twine 6.1 or newer beside hatch-go-binary. Nothing was uploaded"
        ) from None
    parser = _TwineOptions(add_help=False)
    settings.Settings.register_argparse_arguments(parser)
    options = parser.parse_known_args(twine_args)[0]
    try:
        config = settings.Settings.from_argparse(options).repository_config
    except exceptions.TwineException as error:
        raise UploadError(
            f"twine cannot tell where to upload: {error}\nName an index it knows (pypi, "
            "testpypi, or a ~/.pypirc entry: [NAME] with repository = URL) or pass "
            "--repository-url URL"
        ) from None
    login = (options.username or config.get("username"), options.password or config.get("password"))
    return config["repository"], login if all(login) else None


def origin(url: str) -> tuple[str, str | None, int | None]:
    """What a login belongs to: scheme, host and port (the scheme's own if unsaid)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, parts.hostname, parts.port or {"http": 80, "https": 443}.get(scheme)


def first_cause(error: BaseException) -> BaseException:
    """What went wrong first: requests wraps urllib3's error, which wraps the socket's."""
    while error.__cause__ or error.__context__:
        error = error.__cause__ or error.__context__
    return error


class IndexReader:
    """GETs from the simple API at SIMPLE, with LOGIN (twine's, for UPLOAD_URL) for its
    origin alone, and only when that is the upload URL's."""

    def __init__(self, simple: str, login: tuple[str, str] | None, upload_url: str) -> None:
        import requests  # twine's client: beside twine, not needed by the other commands

        home = origin(simple)
        # a login for the upload is not the --index-url's to have (a mirror's, say)
        self.elsewhere = upload_url if home != origin(upload_url) else None
        if self.elsewhere or upload_url in SIMPLE_APIS:  # PyPI's simple API needs none
            login = None

        class Session(requests.Session):
            def should_strip_auth(self, old_url: str, new_url: str) -> bool:
                return origin(new_url) != home  # requests keeps it on http -> https

        self.simple, self.home, self.login, self.session = simple, home, login, Session()
        self.unreachable, self.unreadable = requests.ConnectionError, requests.RequestException

    def get(self, url: str, accept: str = "*/*"):
        """URL's answer; on 401/403 from the index's origin, asked again with the login."""
        try:
            asking = {"headers": {"Accept": accept}, "timeout": 60}
            answer = self.session.get(url, **asking)
            if answer.status_code in (401, 403) and self.login and origin(url) == self.home:
                answer = self.session.get(url, auth=self.login, **asking)
            return answer
        except self.unreachable as error:
            raise UploadError(
                f"Cannot reach the package index at {url}: {first_cause(error)}. Check the address "
                "(--repository, --repository-url, --index-url) and the network. Nothing was "
                "uploaded"
            ) from None
        except (self.unreadable, ValueError) as error:  # ValueError: a link's bad port
            raise UploadError(
                f"The package index's answer for {url} was cut short or unreadable "
                f"({first_cause(error)}). Try again. Nothing was uploaded"
            ) from None

    def refusal(self, answer) -> str:
        """What a status other than 200 means, and what to do about it."""
        said = f"HTTP {answer.status_code} {answer.reason} for {answer.url}"
        if answer.status_code not in (401, 403):
            return (
                f"The package index answered {said}: if {self.simple} is not its simple API, "
                "pass that with --index-url. Nothing was uploaded"
            )
        if origin(answer.url) != self.home:
            return (
                f"The package index answered {said}: a login goes to the index's own "
                "scheme, host and port alone. Nothing was uploaded"
            )
        if self.elsewhere:
            return (
                f"The package index answered {said}: twine's login is not sent to "
                f"{self.simple}, which is on another origin (scheme, host, port) than the "
                f"upload URL {self.elsewhere}. Pass an --index-url on the upload URL's "
                "origin, or none. Nothing was uploaded"
            )
        return (
            f"The package index {'refused the credentials' if self.login else 'wants a login'}"
            f" ({said}): set TWINE_USERNAME and TWINE_PASSWORD (or twine's -u/-p, or username "
            "and password in ~/.pypirc) to a login that may read this index; a password in "
            "the keyring serves twine's upload, not this read. Nothing was uploaded"
        )

    def hashes(self, project: str) -> dict[str, str]:
        """filename -> sha256 of each file the index lists for PROJECT (a normalized
        name). No packaging tool reports these, and twine's --skip-existing takes a used
        file name for "already uploaded", whatever its bytes."""
        page = urljoin(self.simple, project + "/")
        answer = self.get(page, "application/vnd.pypi.simple.v1+json, text/html;q=0.1")
        if answer.status_code == 404 and (
            self.simple in SIMPLE_APIS.values() or self.get(self.simple).ok
        ):
            return {}  # a new project, on a simple API that is there
        if not answer.ok:
            raise UploadError(self.refusal(answer))
        if "json" in answer.headers.get("Content-Type", ""):
            try:  # PEP 691; a file's URL may carry a query (a signed download link)
                links = [
                    (file["filename"], file["url"], (file.get("hashes") or {}).get("sha256"))
                    for file in json.loads(answer.content)["files"]
                ]
            except (ValueError, LookupError, TypeError, AttributeError):
                raise UploadError(
                    f"{page} answered JSON that is no PEP 691 project page (a list of files, "
                    f"each file with a filename and a url): if {self.simple} is not the "
                    "index's simple API, pass that with --index-url. Nothing was uploaded"
                ) from None
        else:  # PEP 503: <a href="URL#sha256=DIGEST">, the hash optional
            links = []
            for href in re.findall(r"""href=["']([^"']+)""", answer.text):
                link, _, fragment = html.unescape(href).partition("#")
                name = unquote(urlsplit(link).path.rsplit("/", 1)[-1])
                links.append((name, link, fragment.partition("sha256=")[2]))
        listed = {}
        for name, link, digest in links:
            if not digest:  # an index that lists no hash: the file itself says
                url = urljoin(answer.url, link)
                file = self.get(url)
                if not file.ok:
                    raise UploadError(
                        f"The package index lists {name} without its sha256, so it was "
                        f"fetched: {self.refusal(file)}"
                    )
                digest = hashlib.sha256(file.content).hexdigest()
            listed[name] = digest.lower()
        return listed


def compare_with_index(
    index: IndexReader, project: str, files: list[Path]
) -> tuple[list[Path], list[str]]:
    """FILES the index lacks, and a line for each it has with other bytes."""
    listed = index.hashes(project)
    held = {path.name: sha256_of(path) for path in files}
    conflicts = [
        f"  {name}: the index has sha256 {listed[name]}, dist/ has {digest}"
        for name, digest in held.items()
        if listed.get(name, digest) != digest
    ]
    return [path for path in files if path.name not in listed], conflicts


def upload_hint(output: str) -> str:
    """What to do about twine's failure, from what twine printed."""
    if "trustedpublishing" in output.lower().replace(" ", ""):
        return (
            "Trusted publishing was refused: check the publisher on PyPI (owner, repository, "
            "the release workflow's file name, environment) against this repository "
            f"({RELEASE_WORKFLOWS}; PACKAGING.md, Releasing)."
        )
    if re.search(r"\b(401|403)\b", output):
        return (
            "The index refused the credentials. Locally, set TWINE_USERNAME and "
            "TWINE_PASSWORD (for PyPI: __token__ and an API token) or a ~/.pypirc entry; in "
            "GitHub Actions, check the trusted publisher settings on PyPI (in a project made "
            "from go-pypi-template: PACKAGING.md, Releasing)."
        )
    if re.search(r"\b(400|409)\b", output):
        return (
            "The index refused a file. If it says the file name was used before: an index "
            "never takes a name twice, even after a deletion. Bump `version` in pyproject.toml."
        )
    return "Fix what twine reports above."


def release_of(files: list[Path]) -> tuple[str, str]:
    """The normalized project name and the version FILES are of: one release."""
    found = {
        parse_wheel_filename(path.name)[:2]
        if path.name.endswith(".whl")
        else parse_sdist_filename(path.name)
        for path in files
    }
    if len(found) > 1:
        releases = ", ".join(sorted(f"{name} {version}" for name, version in found))
        raise UploadError(
            f"dist/ holds files of several releases ({releases}): `verify` says which "
            "belong to the build. Nothing was uploaded"
        )
    ((name, version),) = found
    return name, str(version)


def run_shown(argv: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    """ARGV's (twine upload's) exit status and output, the output shown as it comes: a
    prompt such as twine's "Enter your username: " ends no line, and must not wait."""
    kept = bytearray()
    with subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as twine:
        try:
            for chunk in iter(lambda: twine.stdout.read1(1 << 16), b""):
                kept += chunk
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
        except BaseException:  # Ctrl-C, a closed stdout: no upload goes on unwatched
            twine.kill()
            raise
    return twine.returncode, bytes(kept)


def run(command: list[str], failed: str) -> None:
    """Run COMMAND, its output as it comes; UploadError(FAILED) if it fails."""
    sys.stdout.flush()
    if subprocess.run(command).returncode:
        raise UploadError(failed)


def upload(
    twine_args: list[str], index_url: str | None, attestations: bool, prog: str = PROG
) -> None:
    """Check dist/, then upload to the index what it lacks (the module's docstring)."""
    ambient = "ACTIONS_ID_TOKEN_REQUEST_URL" in os.environ or "SIGSTORE_ID_TOKEN" in os.environ
    if attestations and not ambient:
        raise UploadError(
            "--attestations signs with the CI's OIDC identity, which only a GitHub Actions "
            "job with `permissions: id-token: write` has (the release workflow's publish "
            "job). Leave it out elsewhere; PyPI takes attestations only from trusted publishing"
        )
    files = dist_files(DIST)
    if not files:
        raise UploadError("dist/ holds no wheel or sdist: build them with `nox -s wheels` first")
    project, version = release_of(files)
    print(f"twine check --strict {' '.join(map(str, files))}")
    run(
        tool("twine", "check", "--strict", *map(str, files)),
        "twine check refused dist/ (above). Nothing was uploaded",
    )
    url, login = twine_settings(twine_args)
    simple = (index_url or SIMPLE_APIS.get(url) or url.rstrip("/") + "/simple/").rstrip("/") + "/"
    index = IndexReader(simple, login, url)
    missing, conflicts = compare_with_index(index, project, files)
    if conflicts:
        raise UploadError(
            f"{project} {version} is already on {url} with different files:\n"
            + "\n".join(conflicts)
            + "\nAn index never replaces a file, so dist/ cannot become that release. Release "
            "a new version: bump `version` in pyproject.toml, commit, tag. Nothing was uploaded"
        )
    for path in [path for path in files if path not in missing]:
        print(f"already on the index, identical: {path.name}")
    if not missing:
        print(f"Every file of {project} {version} is already on {url}.")
        return
    uploads = [str(path) for path in missing]
    command = ["upload", *twine_args, "--disable-progress-bar"]
    interactive = sys.stdin is not None and sys.stdin.isatty()
    if not interactive and "--non-interactive" not in twine_args:
        command.append("--non-interactive")
    # On PyPI (the only index twine allows it for) a re-run may meet a file that arrived
    # meanwhile; the comparison above and below still checks its bytes.
    command += ["--skip-existing"] if url in SIMPLE_APIS else []
    if attestations:
        for path in missing:  # left by an earlier try; signing refuses to overwrite them
            Path(f"{path}.publish.attestation").unlink(missing_ok=True)
        print(f"pypi-attestations sign {' '.join(uploads)}")
        run(tool("pypi_attestations", "sign", *uploads), "pypi-attestations sign failed (above)")
        command.append("--attestations")
        uploads += [f"{path}.publish.attestation" for path in missing]
    print(f"twine upload {' '.join(uploads)}", flush=True)  # its options may hold a password
    # rich wraps at 80 columns; unbuffered, twine's lines come as it writes them
    env = {**os.environ, "COLUMNS": os.environ.get("COLUMNS", "160"), "PYTHONUNBUFFERED": "1"}
    status, output = run_shown(tool("twine", *command, *uploads), env)
    try:  # what is on the index now, whatever twine said
        left, conflicts = compare_with_index(index, project, files)
    except UploadError:
        left, conflicts = missing, []
    if conflicts:
        raise UploadError(
            f"Other files of {project} {version} are on {url} now:\n"
            + "\n".join(conflicts)
            + "\nRelease a new version: bump `version` in pyproject.toml, commit, tag"
        )
    if status == 0:
        print(f"Uploaded to {url}: {', '.join(path.name for path in missing)}")
    elif not left:
        warn("twine reported an error, but every file is now on the index, identical.")
    else:
        raise UploadError(
            f"twine upload to {url} failed. {upload_hint(output.decode(errors='replace'))}"
            f"\nOn the index now: {len(files) - len(left)} of {len(files)} files. "
            f"`{prog}` is safe to run again once that is fixed: it uploads only what is "
            "missing"
        )


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message}\n")


def main(argv: list[str] | None = None) -> int:
    """`python -m hatch_go_binary upload [OPTIONS] [TWINE OPTIONS]`."""
    args = sys.argv[1:] if argv is None else list(argv)
    named = _Parser(prog=PROG, add_help=False, allow_abbrev=False)
    named.add_argument("--prog", default=PROG)
    prog = named.parse_known_args(args)[0].prog
    parser = _Parser(prog=prog, allow_abbrev=False, description=DESCRIPTION)
    parser.add_argument("--index-url", help="the index's simple API, if not <upload URL>/simple/")
    parser.add_argument("--attestations", action="store_true", help="sign and upload PEP 740")
    parser.add_argument("--prog", default=PROG, help="the command the messages name")
    parser.epilog = "Any other option goes to twine (upload, and where it uploads: -r NAME)."
    options, twine_args = parser.parse_known_args(args)
    try:
        upload(twine_args, options.index_url, options.attestations, prog)
    except UploadError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return 1
    except UNREADABLE as error:  # a file in dist/ that is not what its name says
        print(f"{prog}: {error} ({type(error).__name__})", file=sys.stderr)
        return 1
    return 0
