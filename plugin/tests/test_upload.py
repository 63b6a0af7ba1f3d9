"""`python -m hatch_go_binary upload`: against a simple API served from a thread on
loopback (PEP 691 JSON or PEP 503 links, optionally behind a password), with stand-ins
for twine and pypi-attestations on PYTHONPATH that log their command lines and "upload"
by copying into the index's folder."""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import os
import select
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hatch_go_binary import upload
from hatch_go_binary.__main__ import main

WHEEL = "tool-1.0-py3-none-manylinux_2_17_x86_64.whl"
OTHER_WHEEL = "tool-1.0-py3-none-win_amd64.whl"
SDIST = "tool-1.0.tar.gz"
FILES = [WHEEL, OTHER_WHEEL, SDIST]  # dist_files' order: wheels, then the sdist
LOGIN = ("uploader", "secret")

# The stand-in twine: where it uploads (twine.settings), `check`, and `upload`, which
# copies each file into $FAKE_INDEX unless $FAKE_TWINE says otherwise.
FAKE_TWINE = {
    "__init__.py": "",
    "exceptions.py": "class TwineException(Exception):\n    pass\n",
    "settings.py": """
import os

from twine.exceptions import TwineException

class Settings:
    @staticmethod
    def register_argparse_arguments(parser):
        parser.add_argument("-r", "--repository")
        parser.add_argument("--repository-url")
        parser.add_argument("--non-interactive", action="store_true")
        parser.add_argument("-u", "--username", default=os.environ.get("TWINE_USERNAME"))
        parser.add_argument("-p", "--password", default=os.environ.get("TWINE_PASSWORD"))

    @classmethod
    def from_argparse(cls, args):
        if args.repository_url:
            settings = cls()
            settings.repository_config = {"repository": args.repository_url}
            return settings
        raise TwineException(f"Missing {args.repository or 'pypi'!r} section from ~/.pypirc")
""",
    "__main__.py": """
import os, shutil, sys
from pathlib import Path

with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(" ".join(["twine", *sys.argv[1:]]) + "\\n")
mode = os.environ.get("FAKE_TWINE", "")
if sys.argv[1] == "check":
    sys.exit(1 if mode == "check fails" else 0)
files = [Path(a) for a in sys.argv[2:] if Path(a).is_file() and "attestation" not in a]
if mode == "asks":  # as twine does without credentials, when it may ask
    print("Uploading as", input("Enter your username: "))
if mode == "refused":
    sys.exit(print("HTTPError: 403 Forbidden from http://index/") or 1)
for path in files[: 1 if mode == "one, then fails" else None]:
    data = path.read_bytes() + (b"other" if mode == "other bytes" else b"")
    Path(os.environ["FAKE_INDEX"], path.name).write_bytes(data)
print("Uploading", *(path.name for path in files))
sys.exit(1 if mode in ("one, then fails", "all, then fails") else 0)
""",
}
FAKE_ATTESTATIONS = """
import os, sys
from pathlib import Path

with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(" ".join(["pypi-attestations", *sys.argv[1:]]) + "\\n")
for name in sys.argv[2:]:
    signed = Path(name + ".publish.attestation")
    if signed.exists():
        sys.exit(f"{signed} exists")
    signed.write_text("{}")
"""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Index(http.server.ThreadingHTTPServer):
    """/simple/tool/ lists the files in FOLDER, served at /files/NAME (or at `files_at`): as
    PEP 691 JSON when the client takes it and `json` is set, else PEP 503 links (with
    #sha256= unless `hashless`). `login` asks for basic auth; `missing` pages answer 404;
    `cut` pages end before their Content-Length. With `tls`, a connection that starts a TLS
    handshake gets one, and `downgrade` sends each request that passed the login to the
    same place over plain http. `logins`: the requests that carried an Authorization."""

    def __init__(self, folder: Path, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None):
        super().__init__((host, 0), Handler)
        self.folder, self.json, self.hashless, self.tls = folder, True, False, tls
        self.login: tuple[str, str] | None = None
        self.missing: set[str] = set()
        self.cut: set[str] = set()
        self.files_at, self.urls, self.downgrade = "../../files/", True, False
        self.requests: list[str] = []
        self.logins: list[str] = []
        self.url = f"{'https' if tls else 'http'}://{host}:{self.server_address[1]}/"
        self.simple = f"{self.url}simple/"

    def get_request(self) -> tuple[socket.socket, object]:
        connection, address = super().get_request()
        if self.tls and connection.recv(1, socket.MSG_PEEK) == b"\x16":  # a ClientHello
            connection = self.tls.wrap_socket(connection, server_side=True)
        return connection, address

    def holds(self) -> dict[str, bytes]:
        return {path.name: path.read_bytes() for path in sorted(self.folder.iterdir())}


class Handler(http.server.BaseHTTPRequestHandler):
    server: Index

    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(self, status: int, kind: str = "text/plain", body: bytes = b"", **headers) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header(
            "Content-Length", str(len(body) + (100 if self.path in self.server.cut else 0))
        )
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="index"')
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        index = self.server
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        index.requests.append(self.path)
        if "Authorization" in self.headers:
            index.logins.append(f"{scheme}://{self.headers['Host']}{self.path}")
        if index.login:
            basic = base64.b64encode(":".join(index.login).encode()).decode()
            if self.headers.get("Authorization") != f"Basic {basic}":
                return self.answer(401)
        if index.downgrade and scheme == "https":
            return self.answer(302, Location=f"http://{self.headers['Host']}{self.path}")
        if self.path in index.missing:
            return self.answer(404)
        held = index.holds()
        if self.path == "/simple/":
            return self.answer(200, "text/html", b'<a href="tool/">tool</a>')
        file_name = self.path[7:].split("?")[0]
        if self.path.startswith("/files/") and file_name in held:
            return self.answer(200, "application/octet-stream", held[file_name])
        if self.path != "/simple/tool/":
            return self.answer(404)
        if index.json and "json" in self.headers.get("Accept", ""):
            files = [
                {"filename": n}
                | ({"url": f"{index.files_at}{n}?from=index"} if index.urls else {})
                | ({} if index.hashless else {"hashes": {"sha256": sha256(d)}})
                for n, d in held.items()
            ]
            page = json.dumps({"meta": {"api-version": "1.0"}, "name": "tool", "files": files})
            return self.answer(200, "application/vnd.pypi.simple.v1+json", page.encode())
        fragment = "" if index.hashless else "#sha256={}"
        links = "".join(
            f'<a href="/files/{n}{fragment.format(sha256(d).upper())}">{n}</a>'
            for n, d in held.items()
        )
        return self.answer(200, "text/html", f"<html><body>{links}</body></html>".encode())


def serve(server: Index) -> Iterator[Index]:
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    (tmp_path / "index").mkdir()
    yield from serve(Index(tmp_path / "index"))


@pytest.fixture
def other_host(index: Index) -> Iterator[Index]:
    """A second index on another loopback address, serving the same files."""
    try:
        server = Index(index.folder, host="127.0.0.2")
    except OSError:  # macOS configures 127.0.0.1 alone
        pytest.skip("127.0.0.2 is not a loopback address here")
    yield from serve(server)


@pytest.fixture
def tls_index(tmp_path: Path, index: Index, monkeypatch: pytest.MonkeyPatch) -> Iterator[Index]:
    """An index on https (a certificate for 127.0.0.1 that this test's clients trust) that
    also answers plain http on the same port, serving the same files."""
    if not shutil.which("openssl"):
        pytest.skip("openssl makes the test's certificate")
    pem = tmp_path / "index.pem"
    certificate = "req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext"
    certificate += " subjectAltName=IP:127.0.0.1"
    command = ["openssl", *certificate.split(), "-keyout", str(pem), "-out", str(pem)]
    subprocess.run(command, check=True, capture_output=True)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):  # urllib's and requests' trust
        monkeypatch.setenv(name, str(pem))
    yield from serve(Index(index.folder, tls=context))


@pytest.fixture
def project(tmp_path: Path, index: Index, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The working directory, dist/ holding tool 1.0's wheels and sdist; the stand-ins on
    PYTHONPATH, logging to FAKE_LOG and copying into the index's folder."""
    root = tmp_path / "project"
    (root / "dist").mkdir(parents=True)
    for name in FILES:
        (root / "dist" / name).write_bytes(b"the bytes of " + name.encode())
    fakes = tmp_path / "fakes"
    (fakes / "twine").mkdir(parents=True)
    for name, text in FAKE_TWINE.items():
        (fakes / "twine" / name).write_text(text)
    (fakes / "pypi_attestations").mkdir()
    (fakes / "pypi_attestations" / "__init__.py").write_text("")
    (fakes / "pypi_attestations" / "__main__.py").write_text(FAKE_ATTESTATIONS)
    path = [str(fakes), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))
    monkeypatch.syspath_prepend(str(fakes))  # upload reads twine's settings in-process
    for name in [name for name in sys.modules if name.split(".")[0] == "twine"]:
        monkeypatch.delitem(sys.modules, name)  # an earlier test's stand-in
    monkeypatch.setenv("FAKE_LOG", str(tmp_path / "log"))
    monkeypatch.setenv("FAKE_INDEX", str(index.folder))
    for name in ("FAKE_TWINE", "TWINE_USERNAME", "TWINE_PASSWORD", "SIGSTORE_ID_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ACTIONS_ID_TOKEN_REQUEST_URL", raising=False)
    (tmp_path / "log").write_text("")
    monkeypatch.chdir(root)
    return root


def dist_bytes(project: Path, *names: str) -> dict[str, bytes]:
    return {name: (project / "dist" / name).read_bytes() for name in names}


def calls(project: Path) -> list[str]:
    return (project.parent / "log").read_text().splitlines()


def run(capfd: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`python -m hatch_go_binary upload ARGS`: its status, stdout, and stderr on one line."""
    status = main(["upload", *args])
    out, err = capfd.readouterr()
    return status, out, " ".join(err.split())


def refused(capfd: pytest.CaptureFixture[str], *args: str, prog: str = upload.PROG) -> str:
    status, out, err = run(capfd, *args)
    assert status == 1, out + err
    assert err.startswith(f"{prog}: "), err
    return err


def test_the_index_gets_what_it_lacks(project: Path, index: Index, capfd) -> None:
    status, out, err = run(capfd, "--repository-url", index.url)
    assert (status, err) == (0, "")
    assert index.holds() == dist_bytes(project, *FILES)
    assert f"Uploaded to {index.url}: {WHEEL}, {OTHER_WHEEL}, {SDIST}" in out
    assert calls(project) == [
        f"twine check --strict dist/{WHEEL} dist/{OTHER_WHEEL} dist/{SDIST}",
        f"twine upload --repository-url {index.url} --disable-progress-bar --non-interactive "
        f"dist/{WHEEL} dist/{OTHER_WHEEL} dist/{SDIST}",
    ]
    assert "Uploading" in out  # twine's output, passed on


@pytest.mark.parametrize("page", ["json", "json without hashes", "html", "html without hashes"])
def test_an_interrupted_upload_resumes(project: Path, index: Index, capfd, page: str) -> None:
    index.json, index.hashless = page.startswith("json"), page.endswith("without hashes")
    (index.folder / SDIST).write_bytes((project / "dist" / SDIST).read_bytes())
    status, out, _ = run(capfd, "--repository-url", index.url)
    assert status == 0
    assert f"already on the index, identical: {SDIST}" in out
    assert f"Uploaded to {index.url}: {WHEEL}, {OTHER_WHEEL}\n" in out
    assert calls(project)[1].endswith(f"dist/{WHEEL} dist/{OTHER_WHEEL}")
    assert index.holds() == dist_bytes(project, *FILES)
    # links without a hash: the file itself is fetched and hashed (a URL's query aside)
    fetched = [request for request in index.requests if request.startswith(f"/files/{SDIST}")]
    assert bool(fetched) == page.endswith("without hashes")


def test_a_complete_release_is_left_alone(project: Path, index: Index, capfd) -> None:
    for name in FILES:
        (index.folder / name).write_bytes((project / "dist" / name).read_bytes())
    status, out, _ = run(capfd, "--repository-url", index.url)
    assert status == 0
    assert f"Every file of tool 1.0 is already on {index.url}." in out
    assert [call.split()[1] for call in calls(project)] == ["check"]


def test_a_file_the_index_holds_with_other_bytes_stops_everything(
    project: Path, index: Index, capfd
) -> None:
    (index.folder / SDIST).write_bytes(b"an earlier build")
    err = refused(capfd, "--repository-url", index.url)
    assert f"tool 1.0 is already on {index.url} with different files:" in err
    held = sha256((project / "dist" / SDIST).read_bytes())
    assert f"{SDIST}: the index has sha256 {sha256(b'an earlier build')}, dist/ has {held}" in err
    assert "bump `version` in pyproject.toml, commit, tag. Nothing was uploaded" in err
    assert [call.split()[1] for call in calls(project)] == ["check"]
    assert index.holds() == {SDIST: b"an earlier build"}


def test_a_private_index_is_read_with_twines_credentials(
    project: Path, index: Index, capfd, monkeypatch
) -> None:
    index.login = LOGIN
    err = refused(capfd, "--repository-url", index.url)
    assert f"The package index wants a login (HTTP 401 Unauthorized for {index.simple}tool/)" in err
    assert "set TWINE_USERNAME and TWINE_PASSWORD (or twine's -u/-p, or username and" in err
    login(monkeypatch)
    status, out, _ = run(capfd, "--repository-url", index.url)
    assert status == 0 and f"Uploaded to {index.url}" in out
    # and twine's -u/-p serve as well
    monkeypatch.delenv("TWINE_USERNAME")
    monkeypatch.delenv("TWINE_PASSWORD")
    index.folder.joinpath(WHEEL).unlink()
    status, out, _ = run(capfd, "--repository-url", index.url, "-u", LOGIN[0], "-p", LOGIN[1])
    assert status == 0 and f"Uploaded to {index.url}: {WHEEL}\n" in out


def test_a_new_project_is_a_404_on_a_simple_api_that_exists(
    project: Path, index: Index, capfd
) -> None:
    index.missing = {"/simple/tool/"}
    status, out, _ = run(capfd, "--repository-url", index.url)
    assert status == 0 and f"Uploaded to {index.url}: {WHEEL}" in out
    assert "/simple/" in index.requests


def test_a_404_without_a_simple_api_names_index_url(project: Path, index: Index, capfd) -> None:
    index.missing = {"/simple/tool/", "/simple/"}
    err = refused(capfd, "--repository-url", index.url)
    assert f"answered HTTP 404 Not Found for {index.simple}tool/: if {index.simple} is not" in err
    assert index.holds() == {}
    # --index-url says where the simple API is
    index.missing = {"/simple/tool/"}
    status, out, _ = run(
        capfd, "--repository-url", f"{index.url}legacy/", "--index-url", index.simple
    )
    assert status == 0 and f"Uploaded to {index.url}legacy/" in out


def test_pypi_is_a_404_for_a_new_project_and_may_skip_existing(
    project: Path, index: Index, capfd, monkeypatch
) -> None:
    """The indexes twine knows by name: their simple API is not asked twice, and
    --skip-existing lets a file that arrived meanwhile pass (its bytes are compared)."""
    monkeypatch.setattr(upload, "SIMPLE_APIS", {index.url: index.simple})
    index.missing = {"/simple/tool/", "/simple/"}
    status, out, _ = run(capfd, "--repository-url", index.url)
    assert status == 0 and f"Uploaded to {index.url}" in out
    assert calls(project)[1].startswith(
        f"twine upload --repository-url {index.url} --disable-progress-bar --non-interactive "
        "--skip-existing dist/"
    )


def test_an_unreachable_index_is_named(project: Path, capfd) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    err = refused(capfd, "--repository-url", closed)
    assert f"Cannot reach the package index at {closed}simple/tool/: " in err
    assert "(--repository, --repository-url, --index-url) and the network. Nothing was" in err


def test_an_unknown_repository_is_twines_own_message(project: Path, capfd) -> None:
    err = refused(capfd, "-r", "no-such-index")
    assert "twine cannot tell where to upload: Missing 'no-such-index' section from" in err
    assert "or pass --repository-url URL" in err


def test_a_python_without_twine_is_named(project: Path, index: Index, capfd, monkeypatch):
    (project.parent / "fakes" / "twine" / "settings.py").unlink()
    err = refused(capfd, "--repository-url", index.url)
    assert f"twine does not run with {sys.executable} (ImportError: cannot import name " in err
    assert "install twine 6.1 or newer beside hatch-go-binary. Nothing was uploaded" in err
    assert index.holds() == {}


def test_twine_check_refusing_stops_the_upload(project: Path, index: Index, capfd, monkeypatch):
    monkeypatch.setenv("FAKE_TWINE", "check fails")
    err = refused(capfd, "--repository-url", index.url)
    assert "twine check refused dist/ (above). Nothing was uploaded" in err
    assert len(calls(project)) == 1


@pytest.mark.parametrize("prog", [upload.PROG, "nox -s publish"])
def test_a_refused_upload_says_what_to_do(project: Path, index: Index, capfd, monkeypatch, prog):
    monkeypatch.setenv("FAKE_TWINE", "refused")
    err = refused(capfd, "--prog", prog, "--repository-url", index.url, prog=prog)
    assert f"twine upload to {index.url} failed. The index refused the credentials." in err
    assert "On the index now: 0 of 3 files." in err
    assert f"`{prog}` is safe to run again once that is fixed" in err


@pytest.mark.skipif(sys.platform == "win32", reason="select() on a pipe")
def test_twines_output_is_shown_as_it_comes(project: Path, index: Index, monkeypatch) -> None:
    """Its prompt for a username ends no line: it must reach the terminal while twine
    waits for the answer, not after twine exits."""
    monkeypatch.setenv("FAKE_TWINE", "asks")
    argv = [sys.executable, "-m", "hatch_go_binary", "upload", "--repository-url", index.url]
    pipe = subprocess.PIPE
    uploading = subprocess.Popen(argv, stdin=pipe, stdout=pipe, stderr=pipe)
    try:
        shown, deadline = b"", time.monotonic() + 60
        while not shown.endswith(b"Enter your username: "):
            wait = max(0.0, deadline - time.monotonic())
            assert select.select([uploading.stdout], [], [], wait)[0], f"not shown: {shown!r}"
            chunk = os.read(uploading.stdout.fileno(), 1 << 16)
            assert chunk, f"stopped without asking: {shown!r}"
            shown += chunk
        out, err = uploading.communicate(b"someone\n", timeout=60)
    finally:
        uploading.kill()
    assert uploading.wait() == 0, err
    assert b"Uploading as someone" in out
    assert index.holds() == dist_bytes(project, *FILES)


def test_twine_stops_when_showing_its_output_fails(tmp_path: Path, monkeypatch) -> None:
    """Our stdout gone (or Ctrl-C on our side only): twine must not upload on unwatched."""
    finished = tmp_path / "finished"
    script = "import pathlib, time; print('starting', flush=True); time.sleep(2); "
    script += f"pathlib.Path({str(finished)!r}).touch()"

    class ClosedStdout:
        class buffer:  # as sys.stdout.buffer
            @staticmethod
            def write(data: bytes) -> None:
                raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", ClosedStdout())
    with pytest.raises(BrokenPipeError):
        upload.run_shown([sys.executable, "-c", script], dict(os.environ))
    time.sleep(3)
    assert not finished.exists()


def test_a_partial_upload_counts_what_arrived(project: Path, index: Index, capfd, monkeypatch):
    monkeypatch.setenv("FAKE_TWINE", "one, then fails")
    err = refused(capfd, "--repository-url", index.url)
    assert "failed. Fix what twine reports above. On the index now: 1 of 3 files." in err


def test_twines_error_is_a_warning_when_everything_arrived(
    project: Path, index: Index, capfd, monkeypatch
) -> None:
    monkeypatch.setenv("FAKE_TWINE", "all, then fails")
    status, _, err = run(capfd, "--repository-url", index.url)
    assert status == 0
    assert err == "warning: twine reported an error, but every file is now on the index, identical."


def test_other_bytes_arriving_meanwhile_are_named(project: Path, index: Index, capfd, monkeypatch):
    monkeypatch.setenv("FAKE_TWINE", "other bytes")
    err = refused(capfd, "--repository-url", index.url)
    assert f"Other files of tool 1.0 are on {index.url} now:" in err
    assert f"{WHEEL}: the index has sha256 " in err
    assert err.endswith("Release a new version: bump `version` in pyproject.toml, commit, tag")


def test_attestations_need_the_ci_identity(project: Path, index: Index, capfd) -> None:
    err = refused(capfd, "--attestations", "--repository-url", index.url)
    assert "--attestations signs with the CI's OIDC identity, which only a GitHub Actions" in err
    assert "(the release workflow's publish job)" in err and "release.yml" not in err
    assert calls(project) == []


def test_attestations_are_signed_and_uploaded(project: Path, index: Index, capfd, monkeypatch):
    monkeypatch.setenv("SIGSTORE_ID_TOKEN", "token")
    (index.folder / SDIST).write_bytes((project / "dist" / SDIST).read_bytes())
    (project / "dist" / f"{WHEEL}.publish.attestation").write_text("an earlier try's")
    status, out, _ = run(capfd, "--attestations", "--repository-url", index.url)
    assert status == 0, out
    wheels = f"dist/{WHEEL} dist/{OTHER_WHEEL}"
    signed = f"dist/{WHEEL}.publish.attestation dist/{OTHER_WHEEL}.publish.attestation"
    assert calls(project)[1:] == [
        f"pypi-attestations sign {wheels}",
        f"twine upload --repository-url {index.url} --disable-progress-bar --non-interactive "
        f"--attestations {wheels} {signed}",
    ]


@pytest.mark.parametrize(
    ("prog", "shown"), [(None, upload.PROG), ("nox -s publish", "nox -s publish")]
)
def test_a_usage_error_exits_2(project: Path, capfd, prog: str | None, shown: str) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["upload", *(["--prog", prog] if prog else []), "--index-url"])
    assert exited.value.code == 2
    assert capfd.readouterr().err == f"{shown}: argument --index-url: expected one argument\n"


def test_an_empty_dist_is_refused(project: Path, capfd) -> None:
    for name in FILES:
        (project / "dist" / name).unlink()
    assert "dist/ holds no wheel or sdist: build them with `nox -s wheels` first" in refused(capfd)


def test_files_of_two_releases_are_refused(project: Path, capfd) -> None:
    (project / "dist" / "tool-0.9.tar.gz").write_bytes(b"old")
    err = refused(capfd)
    assert "dist/ holds files of several releases (tool 0.9, tool 1.0)" in err


@pytest.mark.parametrize(
    ("output", "hint"),
    [
        (
            "Trusted Publishing exchange failure: invalid-publisher",
            "Trusted publishing was refused",
        ),
        (
            "HTTPError: 403 Forbidden from https://upload.pypi.org/legacy/",
            "refused the credentials",
        ),
        ("HTTPError: 401 Unauthorized", "refused the credentials"),
        ("HTTPError: 400 Bad Request: File already exists", "never takes a name twice"),
        ("HTTPError: 409 Conflict", "never takes a name twice"),
        ("HTTPError: 4031 nonsense", "Fix what twine reports above."),
        ("ConnectionError: reset", "Fix what twine reports above."),
    ],
)
def test_upload_hint(output: str, hint: str) -> None:
    assert hint in upload.upload_hint(output)


def test_trusted_publishing_names_both_release_workflows() -> None:
    """A project packaging an existing module releases with pypi-release.yml."""
    hint = upload.upload_hint("Trusted Publishing exchange failure: invalid-publisher")
    assert "file name" in hint and "release.yml, or pypi-release.yml when it packages" in hint


def test_the_stand_ins_run_on_this_python() -> None:
    assert upload.tool("twine", "check") == [sys.executable, "-m", "twine", "check"]


def test_a_password_on_the_command_line_is_not_printed(project: Path, index: Index, capfd):
    status, out, err = run(capfd, "--repository-url", index.url, "-p", "hunter2", "--password=x")
    assert status == 0 and f"twine upload dist/{WHEEL} " in out
    assert "hunter2" not in out + err and "--password=x" not in out + err


def test_an_option_twine_refuses_is_said_as_such(project: Path, index: Index, capfd) -> None:
    err = refused(capfd, "--repository-url")
    assert "twine refused the options: argument --repository-url: expected one argument" in err
    assert "install twine" not in err


def login(monkeypatch: pytest.MonkeyPatch, password: str = LOGIN[1]) -> None:
    monkeypatch.setenv("TWINE_USERNAME", LOGIN[0])
    monkeypatch.setenv("TWINE_PASSWORD", password)


def test_a_file_linked_on_another_host_gets_no_login(
    project: Path, index: Index, other_host: Index, capfd, monkeypatch
) -> None:
    """Issue 20: the index's page links a file on another host, which asks for a login
    too: the index's is not its to have."""
    index.login = other_host.login = LOGIN
    index.hashless, index.files_at = True, other_host.url + "files/"
    (index.folder / SDIST).write_bytes(b"an earlier build")
    login(monkeypatch)
    status, _, err = run(capfd, "--repository-url", index.url)
    assert other_host.logins == []
    assert index.logins == [f"{index.simple}tool/"]
    assert other_host.requests == [f"/files/{SDIST}?from=index"]
    assert status == 1
    assert f"The package index lists {SDIST} without its sha256, so it was fetched: The " in err
    assert f"package index answered HTTP 401 Unauthorized for {other_host.url}files/{SDIST}?" in err
    assert "a login goes to the index's own scheme, host and port alone" in err


def test_a_redirect_to_plain_http_gets_no_login(
    project: Path, tls_index: Index, capfd, monkeypatch
) -> None:
    """Issue 20: the https index sends its reader to the same host and port over http."""
    tls_index.login, tls_index.downgrade = LOGIN, True
    login(monkeypatch)
    status, _, err = run(capfd, "--repository-url", tls_index.url)
    page = f"{tls_index.simple}tool/"
    assert tls_index.logins == [page]  # the index itself, over https
    assert status == 1
    assert tls_index.requests == ["/simple/tool/", "/simple/tool/", "/simple/tool/"]
    plain = "http" + page[5:]
    assert f"The package index answered HTTP 401 Unauthorized for {plain}" in err
    assert "a login goes to the index's own scheme, host and port alone" in err


def test_wrong_credentials_are_said_to_be_wrong(
    project: Path, index: Index, capfd, monkeypatch
) -> None:
    """Issue 20, point 11: not a word about the URL, which is right."""
    index.login = LOGIN
    login(monkeypatch, "not the password")
    err = refused(capfd, "--repository-url", index.url)
    said = f"(HTTP 401 Unauthorized for {index.simple}tool/)"
    assert f"The package index refused the credentials {said}: set TWINE_USERNAME and " in err
    assert "a password in the keyring serves twine's upload, not this read" in err
    assert "--index-url" not in err
    assert index.holds() == {}


def test_a_cut_short_page_is_said_so(project: Path, index: Index, capfd) -> None:
    index.cut = {"/simple/tool/"}
    err = refused(capfd, "--repository-url", index.url)
    assert f"The package index's answer for {index.simple}tool/ was cut short" in err
    assert "(IncompleteRead(61 bytes read, 100 more expected)). Try again. Nothing was" in err


def test_pep_691_json_without_urls_is_said_so(project: Path, index: Index, capfd) -> None:
    index.urls = False
    (index.folder / SDIST).write_bytes((project / "dist" / SDIST).read_bytes())
    err = refused(capfd, "--repository-url", index.url)
    assert f"{index.simple}tool/ answered JSON that is no PEP 691 project page" in err
    assert "each file with a filename and a url" in err


def test_an_index_url_on_another_origin_gets_no_login(
    project: Path, index: Index, other_host: Index, capfd, monkeypatch
) -> None:
    """twine's login is the upload URL's: a mirror given as --index-url never sees it."""
    other_host.login = LOGIN
    login(monkeypatch)
    err = refused(capfd, "--repository-url", index.url, "--index-url", other_host.simple)
    assert other_host.logins == [] and other_host.requests == ["/simple/tool/"]
    assert f"twine's login is not sent to {other_host.simple}, which is on another origin" in err
    assert f"than the upload URL {index.url}. Pass an --index-url on the upload URL's" in err
    assert index.holds() == {}


def test_pypis_simple_api_gets_no_login(project: Path, index: Index, capfd, monkeypatch) -> None:
    """PyPI and TestPyPI list files to anyone: twine's token stays with the upload."""
    monkeypatch.setattr(upload, "SIMPLE_APIS", {index.url: index.simple})  # as test.pypi.org
    index.login = LOGIN
    login(monkeypatch)
    refused(capfd, "--repository-url", index.url)
    assert index.logins == []
