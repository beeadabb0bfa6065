"""Backstage's own scaffolder engine, the reference renderer for Backstage templates in the tests.

`tests/servers/backstage_scaffolder/` pins `@backstage/plugin-scaffolder-backend` (its
`NunjucksWorkflowRunner` and built-in actions) and `render.js`, a CLI that renders a v1beta3
template into a folder (its header comment has the contract). The packages install with
`npm ci` into `$SCAFFOLD_TEST_CACHE/backstage-scaffolder-<hash>/` (or
`~/.cache/scaffold-tests/...`), keyed by a hash of `package.json` + `package-lock.json`, like the
catalog backend of `tests.servers.backstage_server`: nothing native builds, so a cold install is
the download alone.

Warm the cache ahead of the tests (CI)::

    python -m tests.servers.backstage_engine --install
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.servers.backstage_server import (
    BackstageUnavailableError,
    _die_with_parent,
    _require_tools,
    cache_root,
    fingerprint,
    npm_install,
)

SOURCE_DIR = Path(__file__).resolve().parent / "backstage_scaffolder"
RENDER_TIMEOUT = 120.0


class BackstageRenderError(RuntimeError):
    """Backstage's engine refused the template or a step failed (`render.js` said `ok: false`)."""


def install_dir() -> Path:
    return cache_root() / f"backstage-scaffolder-{fingerprint(SOURCE_DIR)}"


def ensure_installed(*, quiet: bool = True) -> Path:
    """Install the engine's npm packages into the cache (once) and return that directory."""
    return npm_install(SOURCE_DIR, install_dir(), "Backstage's scaffolder", quiet=quiet, npm_args=["--prefer-offline"])


def _json_arg(value: dict[str, Any], folder: Path, name: str) -> str:
    path = folder / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return str(path)


@dataclass
class BackstageEngine:
    """Backstage's engine kept loaded (`render.js --serve`): one request per template rendered."""

    process: subprocess.Popen[str]
    log_path: Path

    def render(
        self, template_yaml: Path, values: dict[str, Any], out: Path, *, context: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Render into `out`; return render.js's result (`output`, `steps`) or raise BackstageRenderError."""
        assert self.process.stdin is not None and self.process.stdout is not None
        request = {"template": str(Path(template_yaml).resolve()), "values": values, "out": str(out.resolve())}
        self.process.stdin.write(json.dumps({**request, "context": context or {}}) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], RENDER_TIMEOUT)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise BackstageUnavailableError(f"render.js --serve gave no answer (exit {self.process.poll()}):\n{tail}")
        return _result(line)

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _env() -> dict[str, str]:
    """The environment render.js runs in: the venv's `cookiecutter` first on PATH (fetch:cookiecutter)."""
    return {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}


def _result(line: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(line)
    if not result.get("ok"):
        raise BackstageRenderError(str(result.get("error")))
    return result


@contextlib.contextmanager
def serve_engine() -> Iterator[BackstageEngine]:
    """Install if needed and start `render.js --serve`; stop it on exit."""
    node, _ = _require_tools()
    ensure_installed()
    with tempfile.TemporaryDirectory(prefix="backstage-engine-") as tmp:
        log_path = Path(tmp) / "render.log"
        with log_path.open("w") as log:
            process = subprocess.Popen(
                [node, str(SOURCE_DIR / "render.js"), "--serve"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                env=_env(),
                preexec_fn=_die_with_parent,
            )
        engine = BackstageEngine(process, log_path)
        try:
            yield engine
        finally:
            engine.close()


def render(
    template_yaml: Path, values: dict[str, Any], out: Path, *, context: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Render `template_yaml` with `values` into `out` with Backstage's engine (one `node render.js`).

    `context` holds render.js's optional keys (`user`, `secrets`, `templateInfo`, `outputs`, `urls`).
    """
    node = _require_tools()[0]
    ensure_installed()
    with tempfile.TemporaryDirectory(prefix="backstage-render-args-") as tmp:
        args = [node, str(SOURCE_DIR / "render.js"), str(template_yaml), _json_arg(values, Path(tmp), "values.json")]
        args.append(str(out))
        if context:
            args.append(_json_arg(context, Path(tmp), "context.json"))
        proc = subprocess.run(args, capture_output=True, text=True, env=_env(), timeout=RENDER_TIMEOUT, check=False)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise BackstageRenderError(f"render.js exited {proc.returncode} without a result:\n{proc.stderr[-2000:]}")
    return _result(lines[-1])


@pytest.fixture(scope="session")
def backstage_engine() -> Iterator[BackstageEngine]:
    """Backstage's own scaffolder engine, installed once (cached across sessions)."""
    try:
        with serve_engine() as engine:
            yield engine
    except BackstageUnavailableError as exc:
        pytest.fail(str(exc), pytrace=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--install", action="store_true", help="install into the cache and exit")
    parser.parse_args(argv)
    try:
        started = time.monotonic()
        path = ensure_installed(quiet=False)
        print(f"{path} ({time.monotonic() - started:.1f} s)")
        return 0
    except BackstageUnavailableError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
