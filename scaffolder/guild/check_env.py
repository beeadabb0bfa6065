"""Where a golden path's checks run: a virtual environment built from the generated project's own
declared dependencies (`pyproject.toml`: `[project] dependencies`, every optional-dependencies
extra and every `[dependency-groups]` group), so `scaffold template test` needs no pytest or ruff
of its own.

One environment per golden path, version and dependency list, cached under the user cache dir
(`<user cache dir>/scaffold/check-envs/NAME-VERSION-HASH`) and built once under a file lock; a
marker file written last says it is complete, so an interrupted build is rebuilt. A project with
no `pyproject.toml` needs no environment: its checks run as they are.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import threading
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.errors import Problem, TemplateError

READY = ".scaffold-ready"
PIP_TIMEOUT = 600


class CheckEnvError(TemplateError):
    """The environment for a golden path's checks cannot be built (offline, a bad requirement)."""


def cache_root() -> Path:
    """`<user cache dir>/scaffold/check-envs`."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("scaffold", appauthor=False)) / "check-envs"


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def declared_requirements(project: Path) -> list[str] | None:
    """Every requirement the project declares, sorted and unique; None without a pyproject.toml."""
    file = project / "pyproject.toml"
    if not file.is_file():
        return None
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CheckEnvError(f"cannot read the generated {file.name}", [Problem(str(file), str(exc))]) from None
    meta = data.get("project") if isinstance(data.get("project"), dict) else {}
    assert isinstance(meta, dict)
    found = _strings(meta.get("dependencies"))
    extras = meta.get("optional-dependencies")
    for group in extras.values() if isinstance(extras, dict) else ():
        found += _strings(group)
    groups = data.get("dependency-groups")
    for group in groups.values() if isinstance(groups, dict) else ():
        found += _strings(group)  # {include-group = …} entries name groups already listed
    return sorted(set(found))


def env_folder(name: str, version: str, requirements: list[str]) -> Path:
    """The cached environment for this golden path, version, Python and dependency list."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    digest = hashlib.sha256("\n".join([python, *requirements]).encode()).hexdigest()[:12]
    return cache_root() / f"{name}-{version}-{digest}"


def python_of(folder: Path) -> Path:
    return folder / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=PIP_TIMEOUT, check=False)


def _failed(name: str, version: str, what: str, output: str) -> CheckEnvError:
    tail = [line for line in output.strip().splitlines() if line.strip()][-3:]
    return CheckEnvError(
        f"cannot build the environment for the checks of {name} {version}: {what} (offline, or "
        f"an index that cannot be reached?); run `scaffold template test PATH --no-checks` to test "
        f"without the checks",
        [Problem("pip", line) for line in tail],
    )


def build(name: str, version: str, requirements: list[str]) -> Path:
    """The environment's Python, built first when it is not cached yet."""
    from filelock import FileLock

    folder = env_folder(name, version, requirements)
    if (folder / READY).is_file():
        return python_of(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        if (folder / READY).is_file():
            return python_of(folder)
        shutil.rmtree(folder, ignore_errors=True)
        made = _run([sys.executable, "-m", "venv", str(folder)])
        if made.returncode != 0:
            shutil.rmtree(folder, ignore_errors=True)
            raise _failed(name, version, "Python's venv module failed", made.stdout + made.stderr)
        if requirements:
            pip = [str(python_of(folder)), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
            installed = _run([*pip, *requirements])
            if installed.returncode != 0:
                shutil.rmtree(folder, ignore_errors=True)
                what = f"pip could not install {', '.join(requirements)}"
                raise _failed(name, version, what, installed.stdout + installed.stderr)
        (folder / READY).write_text(json.dumps(requirements) + "\n", encoding="utf-8")
    return python_of(folder)


@dataclass
class CheckEnvs:
    """The environments one `template test` run uses, each built at most once; a failure is kept
    and given again to every example that needs the same environment."""

    name: str
    version: str
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _built: dict[tuple[str, ...], Path | CheckEnvError] = field(default_factory=dict)

    def python_for(self, project: Path) -> Path | None:
        """The Python to run `project`'s checks with (None: scaffold's own, no pyproject.toml)."""
        requirements = declared_requirements(project)
        if requirements is None:
            return None
        key = tuple(requirements)
        with self._lock:
            if key not in self._built:
                try:
                    self._built[key] = build(self.name, self.version, requirements)
                except CheckEnvError as exc:
                    self._built[key] = exc
            found = self._built[key]
        if isinstance(found, CheckEnvError):
            raise found
        return found
