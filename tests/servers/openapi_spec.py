"""GitHub's official OpenAPI description, fetched from npm and cached, loaded with openapi-core.

The description is the `@octokit/openapi` npm package (GitHub publishes the same file in
github/rest-api-description; this machine reaches npm, not github.com). It is 13 MB, so it is
downloaded once into a cache directory (`$SCAFFOLD_TEST_CACHE`, else `~/.cache/scaffold-tests/`)
and never committed. Loading skips openapi-core's self-check of the spec (15 s) and is cached
per process.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import threading
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = "@octokit/openapi"
VERSION = "23.0.2"
# The descriptions the package ships: GitHub.com, GitHub Enterprise Cloud, GitHub Enterprise Server.
PLANS = ("api.github.com", "ghec", "ghes-3.19")
DEFAULT_PLAN = "api.github.com"

_lock = threading.Lock()


class SpecUnavailable(RuntimeError):
    """The spec is not cached and cannot be fetched (npm missing or the registry unreachable)."""


def cache_dir() -> Path:
    """Where downloaded test assets live between runs."""
    env = os.environ.get("SCAFFOLD_TEST_CACHE")
    base = Path(env) if env else Path.home() / ".cache" / "scaffold-tests"
    return base / "github-openapi"


def spec_path(plan: str = DEFAULT_PLAN) -> Path:
    """The cached description for `plan`, downloading the npm package first when needed."""
    if plan not in PLANS:
        raise ValueError(f"unknown plan {plan!r}; choose one of {', '.join(PLANS)}")
    target = cache_dir() / VERSION / f"{plan}.json"
    if target.is_file():
        return target
    with _lock:
        if not target.is_file():
            _extract(_tarball(), f"package/generated/{plan}.json", target)
    return target


def _tarball() -> Path:
    tarball = cache_dir() / VERSION / f"octokit-openapi-{VERSION}.tgz"
    if tarball.is_file():
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise SpecUnavailable(
            "the GitHub test server needs GitHub's OpenAPI description from the npm package "
            f"{PACKAGE}@{VERSION}, and `npm` is not on PATH: install Node.js 18+ with npm "
            "(Debian/Ubuntu: `sudo apt-get install nodejs npm`; others: https://nodejs.org/), "
            f"or place the package tarball at {tarball}"
        )
    tarball.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=tarball.parent) as tmp:
        proc = subprocess.run(
            [npm, "pack", f"{PACKAGE}@{VERSION}", "--silent"],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        packed = sorted(Path(tmp).glob("*.tgz"))
        if proc.returncode != 0 or not packed:
            raise SpecUnavailable(
                f"`npm pack {PACKAGE}@{VERSION}` failed (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}"
            )
        packed[0].replace(tarball)
    return tarball


def _extract(tarball: Path, member: str, target: Path) -> None:
    with tarfile.open(tarball) as tar:
        handle = tar.extractfile(member)
        if handle is None:
            raise SpecUnavailable(f"{member} is missing from {tarball}")
        data = handle.read()
    json.loads(data)  # refuse to cache a truncated file
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    partial.write_bytes(data)
    partial.replace(target)


@cache
def spec_dict(plan: str = DEFAULT_PLAN) -> dict[str, Any]:
    """The parsed description (shared between callers: do not mutate)."""
    data: dict[str, Any] = json.loads(spec_path(plan).read_text())
    return data


@cache
def openapi(plan: str = DEFAULT_PLAN) -> Any:
    """The openapi-core `OpenAPI` object for `plan` (built once per process).

    `spec_validator_cls=None` skips openapi-core's 15 s self-check of the 13 MB description.
    """
    from openapi_core import OpenAPI
    from openapi_core.configurations import Config

    return OpenAPI.from_dict(spec_dict(plan), config=Config(spec_validator_cls=None))
