"""Running the tools: a hermetic environment per run, timeouts, and one-line reasons from their output."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

GITCONFIG = '[init]\n\tdefaultBranch = main\n[protocol "file"]\n\tallow = always\n[advice]\n\tdetachedHead = false\n'


@dataclass
class Side:
    """What one tool did: the tree it generated, or why it gave none."""

    ok: bool
    tree: Path | None = None
    reason: str = ""
    seconds: float = 0.0


def environment(home: Path) -> dict[str, str]:
    """An environment isolating scaffold's state, git's and the tools' user config under `home`."""
    home = home.resolve()
    (home / "scaffold").mkdir(parents=True, exist_ok=True)
    (home / "scaffold" / "config.toml").touch()  # an empty config (a named config file must exist)
    (home / "gitconfig").write_text(GITCONFIG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCAFFOLD_", "GIT_", "COPIER_", "GITHUB_"))}
    env.setdefault(
        "SCAFFOLD_TEST_CACHE", os.environ.get("SCAFFOLD_TEST_CACHE", str(Path.home() / ".cache/scaffold-tests"))
    )
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),  # the venv's cookiecutter
        HOME=str(home),
        SCAFFOLD_HOME=str(home / "scaffold"),
        SCAFFOLD_CONFIG=str(home / "scaffold" / "config.toml"),
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Compat Suite",
        GIT_AUTHOR_EMAIL="compat@example.test",
        GIT_COMMITTER_NAME="Compat Suite",
        GIT_COMMITTER_EMAIL="compat@example.test",
        GIT_AUTHOR_DATE="2026-01-01T00:00:00+00:00",
        GIT_COMMITTER_DATE="2026-01-01T00:00:00+00:00",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def run(cmd: list[str], env: dict[str, str], cwd: Path, timeout: float) -> tuple[int, str, str, float]:
    """(exit code, stdout, stderr, seconds); a timeout is exit code -1 with the reason in stderr."""
    began = time.perf_counter()
    try:
        done = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return -1, "", f"timed out after {timeout:.0f} s", time.perf_counter() - began
    return done.returncode, done.stdout, done.stderr, time.perf_counter() - began


def one_line(text: str, limit: int = 600) -> str:
    """The first meaningful line of an error output (`error: ...` if there is one), shortened for a table cell."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    chosen = next((ln for ln in lines if ln.lower().startswith(("error", "scaffold:"))), None)
    chosen = chosen or next((ln for ln in reversed(lines) if "Error" in ln or "error" in ln), None)
    chosen = chosen or (lines[-1] if lines else "no output")
    chosen = chosen.replace("|", "\\|")
    return chosen if len(chosen) <= limit else chosen[: limit - 1] + "…"
