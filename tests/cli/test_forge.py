"""`scaffold forge prs|merge|close` on the embedded forge: pull requests real enough to review."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scaffolder import config, git
from tests.cli.conftest import Invoke, as_json


@pytest.fixture
def repo_with_pr(invoke: Invoke, tmp_path: Path) -> str:
    invoke("new", "backend-service", "--no-input", "-q", "--set", "name=orders-api", "--set", "owner=group:payments")
    forge = config.open_forge(config.load())
    repo = forge.get_repo("local", "orders-api")
    assert repo is not None
    work = forge.clone(repo, tmp_path / "work")
    subprocess.run(["git", "-C", str(work), "checkout", "-q", "-b", "feature"], check=True)
    (work / "NOTES.md").write_text("notes\n")
    git.commit_all(work, "Add notes", "2026-01-02T00:00:00+00:00")
    forge.push(repo, work, ["HEAD:refs/heads/feature"])
    forge.open_pull_request(repo, "feature", "main", "Add notes", "body", ["docs"])
    return "local/orders-api"


def test_list_merge_and_see_it_merged(invoke: Invoke, repo_with_pr: str, tmp_path: Path) -> None:
    prs = as_json(invoke("forge", "prs", "-o", "json"))
    assert [(p["repo"], p["number"], p["state"]) for p in prs] == [(repo_with_pr, 1, "open")]
    assert "Add notes" in invoke("forge", "prs", repo_with_pr).stdout
    merged = as_json(invoke("forge", "merge", repo_with_pr, "1", "-o", "json"))
    assert merged["state"] == "merged"
    forge = config.open_forge(config.load())
    repo = forge.get_repo("local", "orders-api")
    assert repo is not None
    assert forge.read_file(repo, "NOTES.md") == b"notes\n"
    clone = forge.clone(repo, tmp_path / "after")
    parents = subprocess.run(["git", "-C", str(clone), "log", "-1", "--format=%P"], capture_output=True, text=True)
    assert len(parents.stdout.split()) == 2  # a real merge commit
    assert "is merged, not open" in invoke("forge", "merge", repo_with_pr, "1", code=1).stderr


def test_close_declines(invoke: Invoke, repo_with_pr: str) -> None:
    assert as_json(invoke("forge", "close", "orders-api", "1", "-o", "json"))["state"] == "closed"
    assert as_json(invoke("forge", "prs", "--state", "open", "-o", "json")) == []


def test_a_conflicting_merge_changes_nothing(invoke: Invoke, repo_with_pr: str, tmp_path: Path) -> None:
    forge = config.open_forge(config.load())
    repo = forge.get_repo("local", "orders-api")
    assert repo is not None
    work = forge.clone(repo, tmp_path / "main-side")
    (work / "NOTES.md").write_text("other notes\n")
    git.commit_all(work, "Conflicting notes", "2026-01-03T00:00:00+00:00")
    forge.push(repo, work, ["HEAD:refs/heads/main"])
    before = forge.head_sha(repo, "main")
    assert "conflicts in NOTES.md" in invoke("forge", "merge", repo_with_pr, "1", code=1).stderr
    assert forge.head_sha(repo, "main") == before


def test_unknown_repo_and_pr(invoke: Invoke, repo_with_pr: str) -> None:
    assert "no repo 'nope'" in invoke("forge", "merge", "nope", "1", code=1).stderr
    assert "has no pull request #9" in invoke("forge", "merge", repo_with_pr, "9", code=1).stderr
