"""The reference: plain `git merge` of the three renders (base = v1 render, ours = the team's repo,
theirs = v2 render), to check each hand-written expectation against what git itself does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from upgrades_corpus import trees
from upgrades_corpus.model import Scenario, expected_tree, render_tree, team_tree


@dataclass
class GitVerdict:
    """Where git's merge and the expectation agree; `disagreements` says how they differ."""

    scenario: str
    exit_code: int
    flagged: list[str]
    disagreements: list[str] = field(default_factory=list)

    @property
    def agrees(self) -> bool:
        return not self.disagreements


def merge(scenario: Scenario, work: Path, env: dict[str, str]) -> GitVerdict:
    """Run `git merge` of the v2 render into the team's branch, in a fresh repo under `work`."""
    repo = work / "git-merge"
    repo.mkdir(parents=True)
    trees.write(repo, render_tree(scenario.v1))
    trees.commit_all(repo, env, "v1 render")
    trees.git(["checkout", "-q", "-b", "template"], repo, env)
    trees.clear(repo)
    trees.write(repo, render_tree(scenario.v2))
    trees.commit_all(repo, env, "v2 render")
    trees.git(["checkout", "-q", "main"], repo, env)
    trees.clear(repo)
    trees.write(repo, team_tree(scenario))
    trees.commit_all(repo, env, "team edits")
    done = trees.git(["-c", "merge.conflictStyle=diff3", "merge", "-q", "--no-edit", "template"], repo, env, False)
    files, rejects = trees.read(repo)
    flagged = trees.flagged(repo, env, files, rejects)
    verdict = GitVerdict(scenario.id, done.returncode, sorted(flagged))
    verdict.disagreements += [f"git: {p}" for p in trees.compare(expected_tree(scenario), files)]
    if flagged != set(scenario.report):
        verdict.disagreements.append(f"git flags {sorted(flagged)}, expected {sorted(scenario.report)}")
    return verdict
