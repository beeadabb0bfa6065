"""scaffold's side: `scaffold new` in batch mode on an embedded forge, and the repository it published, cloned.

Every run gets its own SCAFFOLD_HOME (so the embedded forge and catalog start empty), the answers as a JSON
values file (typed, as the native tool gets them) and `--trust` when the entry says so.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import procs


def values_file(folder: Path, answers: dict[str, Any]) -> Path:
    """The answers written as a JSON values file in `folder`."""
    path = folder / "values.json"
    path.write_text(json.dumps(answers, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def new(
    scaffold: Path, ref: str, answers: dict[str, Any], trust: bool, extra: list[str], run_dir: Path, timeout: float
) -> tuple[procs.Side, dict[str, Any]]:
    """Run `scaffold new REF` and clone what it published into run_dir/scaffold; (the side, its JSON output).

    It runs in run_dir/native, where the native tool runs too (cookiecutter records its working folder).
    """
    env = procs.environment(run_dir / "home")
    cmd = [str(scaffold), "new", ref, "--no-input", "-q", "-o", "json", "--values", str(values_file(run_dir, answers))]
    cmd += (["--trust"] if trust else []) + [a for kv in extra for a in ("--set", kv)]
    cwd = run_dir / "native"
    cwd.mkdir(exist_ok=True)
    code, out, err, seconds = procs.run(cmd, env, cwd, timeout)
    if code != 0:
        return procs.Side(False, reason=refusal(out, err), seconds=seconds), {}
    try:
        data: dict[str, Any] = json.loads(out)
    except json.JSONDecodeError:
        return procs.Side(False, reason=f"output is not JSON: {procs.one_line(out)}", seconds=seconds), {}
    repo = data.get("repository") or {}
    if not repo.get("clone_url"):
        return procs.Side(False, reason="published no repository", seconds=seconds), data
    tree = clone(str(repo["clone_url"]), run_dir / "scaffold", env)
    return procs.Side(True, tree, seconds=seconds), data


def refusal(out: str, err: str) -> str:
    """scaffold's one-line reason, with its first problem, from its JSON error (else from stderr)."""
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        return procs.one_line(err or out)
    if not isinstance(data, dict) or "message" not in data:
        return procs.one_line(err or out)
    problems = data.get("problems") or []
    first = f" ({problems[0].get('where')}: {problems[0].get('message')}" if problems else ""
    more = f"; {len(problems) - 1} more" if len(problems) > 1 else ""
    return procs.one_line(f"{data['message']}{first}{more}{')' if first else ''}")


def clone(url: str, dest: Path, env: dict[str, str]) -> Path:
    """A work tree of the published repository at its default branch (Backstage's is `master`, so ask the remote)."""
    subprocess.run(["git", "clone", "--quiet", url, str(dest)], env=env, check=True, capture_output=True)
    has_head = (
        subprocess.run(
            ["git", "-C", str(dest), "rev-parse", "--verify", "-q", "HEAD"], env=env, capture_output=True, check=False
        ).returncode
        == 0
    )
    if not has_head:
        branches = subprocess.run(
            ["git", "-C", str(dest), "branch", "-r", "--format=%(refname:short)"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        if branches:
            subprocess.run(
                ["git", "-C", str(dest), "checkout", "--quiet", "-B", branches[0].split("/", 1)[1], branches[0]],
                env=env,
                check=True,
                capture_output=True,
            )
    return dest


def upgrade(scaffold: Path, clone_dir: Path, to: str, trust: bool, home: Path, timeout: float) -> procs.Side:
    """Run `scaffold upgrade --to TO --no-input` in a clone scaffold made; the side is the upgraded work tree."""
    env = procs.environment(home)
    cmd = [str(scaffold), "upgrade", str(clone_dir), "--to", to, "--no-input", "-o", "json"] + (
        ["--trust"] if trust else []
    )
    code, out, err, seconds = procs.run(cmd, env, clone_dir, timeout)
    if code not in (0, 4):
        return procs.Side(False, reason=refusal(out, err), seconds=seconds)
    reason = "conflicts (exit 4)" if code == 4 else ""
    return procs.Side(True, clone_dir, reason=reason, seconds=seconds)
