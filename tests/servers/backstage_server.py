"""A real Backstage catalog backend for the test suite, started once per session.

The npm packages in `tests/servers/backstage/` (catalog plugin only, SQLite in memory) are
installed with `npm ci` into a cache directory keyed by a hash of `package.json` and
`package-lock.json`: `$SCAFFOLD_TEST_CACHE/backstage-<hash>/`, or
`~/.cache/scaffold-tests/backstage-<hash>/`. A cold install takes about 100 s (mostly compiling
better-sqlite3); later runs reuse it. Install into a temporary sibling under a file lock, then
rename, so concurrent test processes never see a half-installed directory.

Each start copies `index.js` and the app-config files into a fresh run directory *inside* the
cache directory (so Node resolves the cached `node_modules` from there), picks a free loopback
port, starts `node index.js --config app-config.yaml --config app-config.token.yaml` (static
token auth), and polls until the catalog answers.

Backstage may read `url` locations from any loopback port (`backend.reading.allow` lists
`127.0.0.1` and `localhost` with ports 1-65535), so a forge test server can serve catalog files.
Beside the backend runs a small HTTP file server on loopback, so tests can register `url`
locations as well as `file` ones: write a file under `server.files_dir` and register
`server.file_url(name)`.

Warm the cache ahead of the tests (CI)::

    python -m tests.servers.backstage_server --install
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SOURCE_DIR = Path(__file__).resolve().parent / "backstage"
INSTALL_FILES = ("package.json", "package-lock.json")
RUN_FILES = ("index.js", "app-config.yaml", "app-config.token.yaml")
TOKEN = "test-token-0123456789"
READY_TIMEOUT = 60.0
LOOPBACK_READ_ALLOW = ("127.0.0.1:1-65535", "localhost:1-65535")
INSTALL_HINT = (
    "The Backstage test backend needs Node.js 20+ and npm (plus a C++ toolchain, make and "
    "python3 to build better-sqlite3). Install them, e.g. `apt-get install nodejs npm g++ make`, "
    "then warm the cache with `python -m tests.servers.backstage_server --install`."
)


class BackstageUnavailableError(RuntimeError):
    """Node/npm are missing, the install failed, or the backend did not start."""


def fingerprint(source: Path | None = None) -> str:
    """A short hash of package.json + package-lock.json in `source` (default: the catalog backend's):
    what the installed tree depends on."""
    digest = hashlib.sha256()
    for name in INSTALL_FILES:
        digest.update(name.encode() + b"\0" + ((source or SOURCE_DIR) / name).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cache_root() -> Path:
    env = os.environ.get("SCAFFOLD_TEST_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "scaffold-tests"


def install_dir() -> Path:
    return cache_root() / f"backstage-{fingerprint()}"


def _require_tools() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        missing = " and ".join(n for n, p in (("node", node), ("npm", npm)) if not p)
        raise BackstageUnavailableError(f"{missing} not found on PATH. {INSTALL_HINT}")
    return node, npm


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    import fcntl  # POSIX only, like the rest of the test servers

    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _is_installed(target: Path) -> bool:
    return (target / ".installed").is_file() and (target / "node_modules").is_dir()


def npm_install(source: Path, target: Path, what: str, *, quiet: bool = True, npm_args: Sequence[str] = ()) -> Path:
    """Install the npm packages `source`'s package.json + lock pin into the cache folder `target`,
    once: under a file lock, into a staging folder renamed into place, so that concurrent tests run
    npm once and never see a partial tree. `what` names the install in errors."""
    if _is_installed(target):
        return target
    _, npm = _require_tools()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(target.parent / f"{target.name}.lock"):
        if _is_installed(target):  # another process finished while we waited
            return target
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            for name in INSTALL_FILES:
                shutil.copy2(source / name, staging / name)
            started = time.monotonic()
            proc = subprocess.run(
                [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", *npm_args],
                cwd=staging,
                stdout=subprocess.PIPE if quiet else None,
                stderr=subprocess.STDOUT if quiet else None,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                tail = "\n".join((proc.stdout or "").splitlines()[-30:])
                raise BackstageUnavailableError(
                    f"`npm ci` for {what} failed (exit {proc.returncode}) in {staging}.\n{tail}\n{INSTALL_HINT}"
                )
            (staging / ".installed").write_text(json.dumps({"seconds": round(time.monotonic() - started, 1)}) + "\n")
            if target.exists():  # a stale, unfinished install: replace it
                shutil.rmtree(target)
            staging.rename(target)
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return target


def ensure_installed(*, quiet: bool = True) -> Path:
    """Install the backend's npm packages into the cache (once) and return that directory."""
    return npm_install(SOURCE_DIR, install_dir(), "the Backstage test backend", quiet=quiet)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class FileServer:
    """Serves a directory over HTTP on loopback, for Backstage `url` locations."""

    root: Path
    port: int = 0
    _server: http.server.ThreadingHTTPServer | None = field(default=None, repr=False)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> FileServer:
        handler = functools.partial(_QuietHandler, directory=str(self.root))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@dataclass
class BackstageServer:
    """A running backend: `base_url`, `token`, and a served directory for url locations."""

    base_url: str
    token: str
    files_dir: Path
    files_url: str
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def file_url(self, relative: str) -> str:
        """The URL Backstage may read for a file written at `files_dir / relative`."""
        return f"{self.files_url}/{relative.lstrip('/')}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test process dies, so no backend is left behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _remove_stale_runs(installed: Path, max_age: float = 86400.0) -> None:
    """Run directories left by killed sessions (a day old or more)."""
    now = time.time()
    for run in installed.glob("run-*"):
        with contextlib.suppress(OSError):
            if now - run.stat().st_mtime > max_age:
                shutil.rmtree(run, ignore_errors=True)


def _wait_ready(server: BackstageServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        f"{server.base_url}/api/catalog/entities?limit=1",
        headers={"Authorization": f"Bearer {server.token}"},
    )
    while True:
        code = server.process.poll()
        if code is not None:
            raise BackstageUnavailableError(
                f"the Backstage test backend exited with {code} before it was ready:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise BackstageUnavailableError(
                f"the Backstage test backend was not ready after {timeout:.0f} s:\n{server.log_tail()}"
            )
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextlib.contextmanager
def run_backstage(
    reading_allow: Sequence[str] = (),
    ready_timeout: float = READY_TIMEOUT,
    extra_config: dict[str, object] | None = None,
) -> Iterator[BackstageServer]:
    """Install if needed, start a backend (plus a file server) and stop both on exit.

    `reading_allow` adds hosts (`host`, `host:port`, `*.domain`) Backstage may read `url`
    locations from, besides loopback. `extra_config` sets more config keys, as
    `{"integrations_github": [...]}` (Backstage's `APP_CONFIG_<path>` variables, values as JSON).
    """
    node, _ = _require_tools()
    installed = ensure_installed()
    _remove_stale_runs(installed)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=installed))
    files = FileServer(run_dir / "files")
    files.root.mkdir()
    files.start()
    try:
        for name in RUN_FILES:
            shutil.copy2(SOURCE_DIR / name, run_dir / name)
        allow = [{"host": h} for h in (*LOOPBACK_READ_ALLOW, *reading_allow)]
        log_path = run_dir / "backend.log"
        for attempt in range(3):
            port = free_port()
            base_url = f"http://127.0.0.1:{port}"
            env = {
                **os.environ,
                "APP_CONFIG_backend_listen_port": str(port),
                "APP_CONFIG_backend_baseUrl": base_url,
                "APP_CONFIG_backend_reading_allow": json.dumps(allow),
                **{f"APP_CONFIG_{key}": json.dumps(value) for key, value in (extra_config or {}).items()},
                "NODE_ENV": "development",
            }
            with log_path.open("wb") as log:
                process = subprocess.Popen(
                    [node, "index.js", "--config", "app-config.yaml", "--config", "app-config.token.yaml"],
                    cwd=run_dir,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,
                )
            server = BackstageServer(
                base_url=base_url,
                token=TOKEN,
                files_dir=files.root,
                files_url=f"http://{files.host}",
                log_path=log_path,
                process=process,
            )
            try:
                _wait_ready(server, ready_timeout)
            except BackstageUnavailableError:
                _stop(process)
                if attempt < 2 and "EADDRINUSE" in server.log_tail():
                    continue  # lost the race for the port: pick another
                raise
            break
        try:
            yield server
        finally:
            _stop(server.process)
    finally:
        files.stop()
        shutil.rmtree(run_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def backstage() -> Iterator[BackstageServer]:
    """A real Backstage catalog backend (static token auth), shared by the whole session."""
    try:
        with run_backstage() as server:
            yield server
    except BackstageUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--install", action="store_true", help="install into the cache and exit")
    parser.add_argument("--serve", action="store_true", help="start a backend until Ctrl-C")
    args = parser.parse_args(argv)
    try:
        if args.serve:
            signal.signal(signal.SIGTERM, signal.default_int_handler)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            with run_backstage() as server:
                print(f"Backstage at {server.base_url} (token {server.token}); Ctrl-C stops it")
                with contextlib.suppress(KeyboardInterrupt):
                    server.process.wait()
            return 0
        started = time.monotonic()
        path = ensure_installed(quiet=False)
        print(f"{path} ({time.monotonic() - started:.1f} s)")
        return 0
    except BackstageUnavailableError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
