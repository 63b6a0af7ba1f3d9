"""`python -m hatch_go_binary upload`: twine check, then twine upload what the index lacks.

dist/'s wheels and sdist, after `twine check --strict`, are compared with the files the
index already lists for the project (its simple API, PEP 691 JSON or PEP 503 links):
a file it holds with other bytes stops everything, since an index never replaces a
file; one it holds byte for byte is not sent again, so a run that was interrupted
resumes. twine does the upload (options it does not know here pass on to it), with
PEP 740 attestations from pypi-attestations if asked. Afterwards the index is read
again: what it holds then, not what twine said, decides the outcome.

twine and pypi-attestations run as `python -m` of this Python: install them beside
the plugin. Run `verify --strict` first: this takes dist/ as it finds it.

Exit status: 0 when dist/ is on the index, 1 with a message saying what is wrong, 2 for
a usage error.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

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
# Where twine uploads, as twine itself resolves it: -r/--repository-url, TWINE_REPOSITORY
# and TWINE_REPOSITORY_URL, ~/.pypirc (or --config-file).
TWINE_UPLOAD_URL = """
import argparse, sys
from twine import exceptions, settings
parser = argparse.ArgumentParser()
settings.Settings.register_argparse_arguments(parser)
try:
    upload = settings.Settings.from_argparse(parser.parse_known_args()[0])
    print(upload.repository_config["repository"])
except exceptions.TwineException as error:
    print("error:", error)
"""


class UploadError(Exception):
    """What stops an upload; the message says what is wrong and what to do."""


def tool(module: str, *args: str) -> list[str]:
    """MODULE's command line as this Python's environment has it (the console scripts
    `twine` and `pypi-attestations` are their modules' main)."""
    return [sys.executable, "-m", module, *args]


class _SameHostCredentials(urllib.request.HTTPRedirectHandler):
    """Redirects as urllib follows them, but the Authorization header stays with the host
    it was meant for: a redirect to another host must not carry the index's password."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if (
            new is not None
            and urllib.parse.urlsplit(newurl).netloc != urllib.parse.urlsplit(req.full_url).netloc
        ):
            new.remove_header("Authorization")
        return new


_OPENER = urllib.request.build_opener(_SameHostCredentials)


def fetch(url: str, accept: str = "*/*") -> tuple[bytes, str, str]:
    """GET url; on 401/403 again with TWINE_USERNAME/TWINE_PASSWORD (a private index)."""
    request = urllib.request.Request(url, headers={"Accept": accept})
    login = (os.environ.get("TWINE_USERNAME", ""), os.environ.get("TWINE_PASSWORD", ""))
    for attempt in range(2):
        try:
            with _OPENER.open(request, timeout=60) as response:
                return response.read(), response.headers.get("Content-Type", ""), response.geturl()
        except urllib.error.HTTPError as error:
            if attempt or error.code not in (401, 403) or not all(login):
                raise
            basic = base64.b64encode(":".join(login).encode()).decode()
            request.add_header("Authorization", f"Basic {basic}")
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise UploadError(
                f"Cannot reach the package index at {url}: {getattr(error, 'reason', error)}. "
                "Check the address (--repository, --repository-url, --index-url) and the "
                "network. Nothing was uploaded"
            ) from None
    raise AssertionError  # the second attempt returns or raises


def index_hashes(simple: str, project: str) -> dict[str, str]:
    """filename -> sha256 of each file the index lists for PROJECT (a normalized name),
    from its simple API. No packaging tool reports these, and twine's --skip-existing
    takes a used file name for "already uploaded", whatever its bytes."""
    simple = simple.rstrip("/") + "/"
    page = urllib.parse.urljoin(simple, project + "/")
    try:
        body, kind, final = fetch(page, "application/vnd.pypi.simple.v1+json, text/html;q=0.1")
    except urllib.error.HTTPError as error:
        if error.code == 404 and simple in SIMPLE_APIS.values():
            return {}  # a project PyPI does not have yet
        if error.code == 404:  # a new project, or no simple API there at all?
            try:
                fetch(simple)
                return {}
            except urllib.error.HTTPError:
                pass
        raise UploadError(
            f"The package index answered HTTP {error.code} {error.reason} for {page}: if "
            f"{simple} is not its simple API, pass that with --index-url. Nothing was uploaded"
        ) from None
    if "json" in kind:
        try:
            files = json.loads(body).get("files", [])
        except (ValueError, AttributeError):
            raise UploadError(
                f"{page} answered JSON that is no PEP 691 project page: if {simple} is not "
                "the index's simple API, pass that with --index-url. Nothing was uploaded"
            ) from None
        # PEP 691 names each file; its URL may carry a query (a signed download link)
        links = [(file["url"], file.get("hashes") or {}, file.get("filename")) for file in files]
    else:
        links = [
            (href, {}, None)
            for href in re.findall(r"""href=["']([^"']+)""", body.decode(errors="replace"))
        ]
    listed = {}
    for href, hashes, filename in links:
        url, _, fragment = urllib.parse.urljoin(final, href).partition("#")
        path = urllib.parse.urlsplit(url).path
        name = filename or urllib.parse.unquote(path.rsplit("/", 1)[-1])
        digest = hashes.get("sha256") or fragment.partition("sha256=")[2]
        if not digest:  # an index that lists no hash: the file itself says
            try:
                digest = hashlib.sha256(fetch(url)[0]).hexdigest()
            except urllib.error.HTTPError as error:
                raise UploadError(
                    f"The package index lists {name} without its sha256, and answered HTTP "
                    f"{error.code} {error.reason} for {url}. Nothing was uploaded"
                ) from None
        listed[name] = digest.lower()
    return listed


def compare_with_index(
    simple: str, project: str, files: list[Path]
) -> tuple[list[Path], list[str]]:
    """FILES the index lacks, and a line for each it has with other bytes."""
    listed = index_hashes(simple, project)
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
            "workflow file release.yml, environment) against this repository (in a project "
            "made from go-pypi-template: PACKAGING.md, Releasing)."
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


def upload_url(twine_args: list[str]) -> str:
    """The upload URL twine would use with TWINE_ARGS."""
    done = subprocess.run(
        [sys.executable, "-c", TWINE_UPLOAD_URL, *twine_args], capture_output=True, text=True
    )
    url = done.stdout.strip()
    if done.returncode:
        said = (done.stderr.strip().splitlines() or ["no message"])[-1]
        if done.returncode == 2 and "error:" in said:  # argparse: twine runs, refused an option
            raise UploadError(f"twine refused the options: {said.split('error:', 1)[1].strip()}")
        raise UploadError(
            f"twine does not run with {sys.executable} ({said}): install "
            "twine 6.1 or newer beside hatch-go-binary. Nothing was uploaded"
        )
    if url.startswith("error:"):
        raise UploadError(
            f"twine cannot tell where to upload: {url[7:]}\nName an index it knows (pypi, "
            "testpypi, or a ~/.pypirc entry: [NAME] with repository = URL) or pass "
            "--repository-url URL"
        )
    return url


def masked(arguments: list[str]) -> list[str]:
    """ARGUMENTS as they may be printed: a password given on the command line is not."""
    shown, hide = [], False
    for argument in arguments:
        if hide:
            shown.append("***")
        elif argument.startswith("--password="):
            shown.append("--password=***")
        elif argument.startswith("-p") and len(argument) > 2 and not argument.startswith("--"):
            shown.append("-p***")
        else:
            shown.append(argument)
        hide = argument in ("-p", "--password")
    return shown


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
            "job with `permissions: id-token: write` has (release.yml's publish job). Leave "
            "it out elsewhere; PyPI takes attestations only from trusted publishing"
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
    url = upload_url(twine_args)
    simple = index_url or SIMPLE_APIS.get(url) or url.rstrip("/") + "/simple/"
    missing, conflicts = compare_with_index(simple, project, files)
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
    print(f"twine {' '.join(masked(command))} {' '.join(uploads)}", flush=True)
    # rich wraps at 80 columns; unbuffered, twine's lines come as it writes them
    env = {**os.environ, "COLUMNS": os.environ.get("COLUMNS", "160"), "PYTHONUNBUFFERED": "1"}
    status, output = run_shown(tool("twine", *command, *uploads), env)
    try:  # what is on the index now, whatever twine said
        left, conflicts = compare_with_index(simple, project, files)
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
