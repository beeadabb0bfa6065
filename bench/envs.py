"""The virtual environments the suite runs: scaffold as a user installs it, and the peers.

- `bench/.work/scaffold/`: scaffold installed from this working tree with pip (not editable, so
  its modules are byte-compiled as in any user's install), reinstalled on every run; or, with
  `--scaffold-ref REF`, from that git commit into `bench/.work/scaffold-REF/` (before/after).
- `bench/.work/peers/`: cookiecutter, copier and cruft from PyPI, pinned only when asked.

Everything runs with the Python the suite runs on (`python bench/run.py`).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"
PEERS = ("cookiecutter", "copier", "cruft")


@dataclass(frozen=True)
class Tools:
    """Executables of one run of the suite."""

    scaffold: Path
    scaffold_python: Path
    cookiecutter: Path | None = None
    copier: Path | None = None
    cruft: Path | None = None


def _pip(venv: Path, *args: str) -> None:
    cmd = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"pip failed: {' '.join(cmd)}\n{done.stderr[-2000:]}")


def _venv(path: Path) -> Path:
    if not (path / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path


def _source(ref: str | None) -> Path:
    """The tree to install: the working tree, or commit `ref` exported under bench/.work/."""
    if ref is None:
        return ROOT
    sha = resolve(ref)
    dest = WORK / f"src-{sha[:12]}"
    if not dest.is_dir():
        data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", sha], capture_output=True, check=True)
        tmp = dest.with_suffix(".tmp")
        with tarfile.open(fileobj=io.BytesIO(data.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        tmp.rename(dest)
    return dest


def resolve(ref: str) -> str:
    """The commit `ref` names (so a run keeps testing it while HEAD moves)."""
    return subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--verify", f"{ref}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def install_scaffold(ref: str | None = None) -> tuple[Path, Path]:
    """(scaffold executable, its python), installed fresh from the working tree or commit `ref`."""
    src = _source(ref)
    venv = _venv(WORK / ("scaffold" if ref is None else f"scaffold-{src.name.removeprefix('src-')}"))
    if ref is None or not (venv / "bin" / "scaffold").exists():
        _pip(venv, "--no-deps", "--force-reinstall", str(src))
        _pip(venv, str(src))  # dependencies the tree added since (already satisfied: a quick check)
    return venv / "bin" / "scaffold", venv / "bin" / "python"


def install_peers() -> dict[str, Path]:
    venv = _venv(WORK / "peers")
    missing = [p for p in PEERS if not (venv / "bin" / p).exists()]
    if missing:
        _pip(venv, *PEERS)
    return {p: venv / "bin" / p for p in PEERS}


def versions(tools: Tools) -> dict[str, str]:
    """Installed versions of scaffold and the peers, for the results."""
    out = {}
    pythons = [("scaffold", tools.scaffold_python)]
    if tools.cookiecutter is not None:
        pythons += [(p, tools.cookiecutter.parent / "python") for p in PEERS]
    for name, python in pythons:
        dist = {"scaffold": "scaffold-golden-paths"}.get(name, name)
        done = subprocess.run(
            [str(python), "-c", f"import importlib.metadata as m; print(m.version({dist!r}))"],
            capture_output=True,
            text=True,
            check=False,
        )
        out[name] = done.stdout.strip() or "?"
    return out
