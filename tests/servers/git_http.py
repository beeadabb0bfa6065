"""A smart-HTTP git server for tests: `git http-backend` behind a threaded WSGI server on loopback.

Repositories live under `root` as `<owner>/<name>.git` and are served at
`http://127.0.0.1:<port>/<owner>/<name>.git`. Every request is passed to an `authorize` callback
(owner, name, write, token) that answers like GitHub does (404 unknown repo, 401 missing or bad
credentials, 403 no permission or archived), so a client's token handling is really exercised.
Credentials are read from `Authorization: Basic base64(user:token)` (any user name, as GitHub
accepts `x-access-token`) or `Authorization: Bearer token`.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

StartResponse = Callable[..., Any]


@dataclass(frozen=True)
class Denial:
    """Why a git request is refused: an HTTP status and the text git shows as `remote: ...`."""

    status: int
    message: str


# (owner, name, write, token or None) -> None to allow, or a Denial.
Authorizer = Callable[[str, str, bool, "str | None"], "Denial | None"]

_REPO_PATH = re.compile(r"^/(?P<owner>[A-Za-z0-9_.-]+)/(?P<name>[A-Za-z0-9_.-]+?)(?:\.git)?(?P<rest>/.*)$")
_REASONS = {401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 400: "Bad Request"}


def hermetic_git_env(home: Path) -> dict[str, str]:
    """An environment for server-side git: no user or system config, fixed identity."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "GitHub",
        "GIT_AUTHOR_EMAIL": "noreply@github.com",
        "GIT_COMMITTER_NAME": "GitHub",
        "GIT_COMMITTER_EMAIL": "noreply@github.com",
        "LC_ALL": "C",
    }


def token_from_authorization(header: str | None) -> str | None:
    """The token in an `Authorization` header (Basic user:token, Bearer or token), else None."""
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    scheme = scheme.lower()
    value = value.strip()
    if scheme in ("bearer", "token"):
        return value or None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        _, _, password = decoded.partition(":")
        return password
    return ""


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ["wsgi.input"]
    if environ.get("HTTP_TRANSFER_ENCODING", "").lower() == "chunked":
        out = bytearray()
        while True:
            size = int(stream.readline().split(b";")[0].strip(), 16)
            if size == 0:
                stream.readline()
                return bytes(out)
            out += stream.read(size)
            stream.readline()
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return stream.read(length) if length else b""


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class GitHttpServer:
    """Serves the bare repositories under `root` over git's smart HTTP protocol."""

    def __init__(self, root: Path, authorize: Authorizer | None = None) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.authorize = authorize
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.pushes: list[tuple[str, str]] = []  # (owner, name) of each successful receive-pack

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> GitHttpServer:
        httpd = make_server("127.0.0.1", 0, self._app, server_class=_Server, handler_class=_QuietHandler)
        assert isinstance(httpd, _Server)
        self._httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, name="git-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> GitHttpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, owner: str, name: str) -> str:
        """The clone URL of a repository (no credentials)."""
        return f"{self.base_url}/{owner}/{name}.git"

    # -- repositories --------------------------------------------------------------------------

    def repo_path(self, owner: str, name: str) -> Path:
        return self.root / owner.lower() / f"{name.lower()}.git"

    def init_repo(self, owner: str, name: str, default_branch: str = "main") -> Path:
        """Create an empty bare repository whose HEAD names `default_branch`."""
        path = self.repo_path(owner, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--bare", f"--initial-branch={default_branch}", str(path))
        self.git("config", "http.receivepack", "true", cwd=path)
        return path

    def git(self, *args: str, cwd: Path | None = None, input: bytes | None = None) -> bytes:
        """Run server-side git hermetically; raise on failure, return stdout."""
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=input,
            env=hermetic_git_env(self.root),
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, ["git", *args], proc.stdout, proc.stderr)
        return proc.stdout

    # -- WSGI ----------------------------------------------------------------------------------

    def _deny(self, start_response: StartResponse, denial: Denial) -> Iterable[bytes]:
        body = (denial.message.rstrip("\n") + "\n").encode()
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))]
        if denial.status == 401:
            headers.append(("WWW-Authenticate", 'Basic realm="GitHub"'))
        start_response(f"{denial.status} {_REASONS.get(denial.status, 'Error')}", headers)
        return [body]

    def _app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = _read_body(environ)
        path = environ.get("PATH_INFO", "")
        match = _REPO_PATH.match(path)
        if match is None:
            return self._deny(start_response, Denial(404, "Not Found"))
        owner, name, rest = match["owner"], match["name"], match["rest"]
        query = environ.get("QUERY_STRING", "")
        write = rest.endswith("/git-receive-pack") or "service=git-receive-pack" in query
        token = token_from_authorization(environ.get("HTTP_AUTHORIZATION"))
        if self.authorize is not None:
            denial = self.authorize(owner, name, write, token)
            if denial is not None:
                return self._deny(start_response, denial)
        repo = self.repo_path(owner, name)
        if not repo.is_dir():
            return self._deny(start_response, Denial(404, "Repository not found."))

        env = {k: v for k, v in environ.items() if isinstance(v, str)}
        env.pop("HTTP_TRANSFER_ENCODING", None)
        env.pop("HTTP_AUTHORIZATION", None)
        env.update(hermetic_git_env(self.root))
        env.update(
            GIT_PROJECT_ROOT=str(repo.parent),
            GIT_HTTP_EXPORT_ALL="1",
            PATH_INFO=f"/{repo.name}{rest}",
            REMOTE_USER="token-user",  # authorised above; enables receive-pack
            CONTENT_LENGTH=str(len(body)),
        )
        proc = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=False)
        sep = b"\r\n\r\n" if b"\r\n\r\n" in proc.stdout else b"\n\n"
        head, _, payload = proc.stdout.partition(sep)
        status, headers = "200 OK", []
        for line in head.decode("latin-1").splitlines():
            if not line.strip():
                continue
            key, _, value = line.partition(":")
            if key.lower() == "status":
                status = value.strip()
            else:
                headers.append((key.strip(), value.strip()))
        headers.append(("Content-Length", str(len(payload))))
        if write and rest.endswith("/git-receive-pack") and status.startswith("200"):
            self.pushes.append((owner, name))
        start_response(status, headers)
        return [payload]
