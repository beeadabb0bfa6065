"""Each tool's side of a scenario: generate the v1 project, commit it, commit the team's edits on top,
upgrade to v2 (timed), and read back the tree, the exit code and what the tool flagged for a human."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from upgrades_corpus import trees
from upgrades_corpus.model import NAME, Scenario, Tree, render_tree
from upgrades_corpus.templates import GOLDEN_PATH, Templates

TOOLS = ("scaffold", "copier", "cruft")


@dataclass(frozen=True)
class Bins:
    """The executables run: scaffold (and the python it runs on, to cut a release), copier, cruft."""

    scaffold: Path
    python: Path
    copier: Path
    cruft: Path


@dataclass
class Outcome:
    """One tool's upgrade of one scenario."""

    tool: str
    exit_code: int
    seconds: float
    files: Tree
    flagged: set[str]
    render_differs: list[str] = field(default_factory=list)  # the v1 render vs the scenario's own v1 files
    error: str = ""  # the tool failed before the upgrade (generation, say): nothing to score
    said: str = ""  # what the upgrade printed when it exited with neither 0 nor 4


def _run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL)


def _apply_team(scenario: Scenario, repo: Path) -> None:
    """The team's edits, written over the tool's own v1 render (so a render difference stays visible)."""
    for rel, f in scenario.team.items():
        if f is None:
            (repo / rel).unlink(missing_ok=True)
    trees.write(repo, {p: f for p, f in render_tree({p: f for p, f in scenario.team.items() if f}).items()})


Generate = Callable[[Path], subprocess.CompletedProcess[str]]
Upgrade = Callable[[Path], subprocess.CompletedProcess[str]]


def _commands(tool: str, bins: Bins, t: Templates, env: dict[str, str]) -> tuple[Generate, Upgrade]:
    if tool == "scaffold":
        env = {**env, "SCAFFOLD_LIBRARY": str(t.library)}
        return (
            lambda repo: _run(
                [str(bins.scaffold), "new", f"{GOLDEN_PATH}@1.0.0", "--into", str(repo), "--no-input", "-q"], env
            ),
            lambda repo: _run([str(bins.scaffold), "upgrade", str(repo), "--no-input", "-o", "json"], env),
        )
    if tool == "copier":
        return (
            lambda repo: _run(
                [str(bins.copier), "copy", "--defaults", "--quiet", "--vcs-ref", "v1", str(t.copier), str(repo)], env
            ),
            lambda repo: _run([str(bins.copier), "update", "--defaults", "--quiet", "--vcs-ref", "v2", str(repo)], env),
        )

    def generate(repo: Path) -> subprocess.CompletedProcess[str]:
        out = repo.parent / "cruft-out"
        done = _run(
            [
                str(bins.cruft),
                "create",
                "--no-input",
                "--checkout",
                "v1",
                "--output-dir",
                str(out),
                str(t.cookiecutter),
            ],
            env,
        )
        if done.returncode == 0:
            (out / NAME).rename(repo)
        return done

    return generate, lambda repo: _run([str(bins.cruft), "update", "-y", "--checkout", "v2", "-p", str(repo)], env)


def _reported(tool: str, stdout: str) -> set[str]:
    """What the tool's own report lists as needing a human (scaffold's JSON `conflicts` and
    `conflict_kinds`; the peers print no list)."""
    if tool != "scaffold":
        return set()
    try:
        data = json.loads(stdout)
    except ValueError:
        return set()
    # `kept_deleted` alone is not a report: it is listed as done, with exit 0 (issue 14's "quiet modify/delete").
    return set(data.get("conflicts", [])) | set(data.get("conflict_kinds", {}))


def run(tool: str, scenario: Scenario, t: Templates, bins: Bins, work: Path, env: dict[str, str]) -> Outcome:
    """Generate, edit, commit and upgrade one scenario with one tool, in `work/TOOL`."""
    repo = work / tool / "repo"
    shutil.rmtree(work / tool, ignore_errors=True)
    repo.parent.mkdir(parents=True)
    generate, upgrade = _commands(tool, bins, t, env)
    done = generate(repo)
    if done.returncode != 0:
        return Outcome(tool, done.returncode, 0.0, {}, set(), error=(done.stderr or done.stdout).strip()[-300:])
    rendered, _ = trees.read(repo)
    render_differs = trees.compare(dict(render_tree(scenario.v1)), rendered)
    trees.commit_all(repo, env, "generated")
    _apply_team(scenario, repo)
    trees.commit_all(repo, env, "team edits")
    trees.git(["status", "--porcelain"], repo, env)  # a fresh index, as in a repo in use
    start = time.perf_counter()
    done = upgrade(repo)
    seconds = time.perf_counter() - start
    files, rejects = trees.read(repo)
    flagged = trees.flagged(repo, env, files, rejects) | _reported(tool, done.stdout)
    said = "" if done.returncode in (0, 4) else (done.stderr or done.stdout).strip()[-300:]
    return Outcome(tool, done.returncode, seconds, files, flagged, render_differs, said=said)
