"""LocalForge against real git: repos, pushes, reads, listing, pull requests and name checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scaffolder import git
from scaffolder.errors import ForgeError, RepoConflict
from scaffolder.forges.base import Forge, Repo, RepoSpec
from scaffolder.forges.local import LocalForge, parse_blob_url

DATE = "2026-01-01T00:00:00+00:00"


@pytest.fixture
def forge(tmp_path: Path) -> LocalForge:
    return LocalForge(tmp_path / "forge", default_owner="acme")


def work_tree(path: Path, files: dict[str, str], message: str = "m") -> Path:
    git.init(path)
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    git.commit_all(path, message, DATE)
    return path


def test_it_satisfies_the_forge_protocol(forge: LocalForge) -> None:
    typed: Forge = forge
    assert typed.kind == "local"
    assert typed.default_owner() == "acme"


def test_create_get_and_conflict(forge: LocalForge) -> None:
    spec = RepoSpec(name="orders-api", description="Orders service")
    planned = forge.planned_repo(spec)
    assert forge.get_repo("acme", "orders-api") is None
    repo = forge.create_repo(spec)
    assert repo == planned
    assert repo.full_name == "acme/orders-api"
    path = forge.root / "acme" / "orders-api.git"
    assert repo.clone_url == repo.url == path.as_uri()
    assert (path / "HEAD").is_file()
    assert forge.get_repo("acme", "orders-api") == repo
    assert repo.description == "Orders service"
    with pytest.raises(RepoConflict, match="acme/orders-api already exists"):
        forge.create_repo(spec)


def test_create_respects_owner_and_default_branch(forge: LocalForge) -> None:
    repo = forge.create_repo(RepoSpec(name="site", owner="web", default_branch="trunk"))
    assert repo.owner == "web"
    assert repo.default_branch == "trunk"
    assert forge.get_repo("web", "site") == repo
    assert forge.get_repo("web", "site").description == ""  # type: ignore[union-attr]


def test_push_head_sha_read_file_and_blob_url(forge: LocalForge, tmp_path: Path) -> None:
    repo = forge.create_repo(RepoSpec(name="svc"))
    assert forge.head_sha(repo, "main") is None
    assert forge.read_file(repo, "catalog-info.yaml") is None
    work = work_tree(tmp_path / "w", {"catalog-info.yaml": "kind: Component\n"})
    forge.push(repo, work, ["HEAD:refs/heads/main"])
    sha = git.rev_parse(work, "HEAD")
    assert forge.head_sha(repo, "main") == sha
    assert forge.tree_sha(repo, "main") == git.tree_sha(work)
    assert forge.head_sha(repo, "other") is None
    assert forge.read_file(repo, "catalog-info.yaml") == b"kind: Component\n"
    assert forge.read_file(repo, "catalog-info.yaml", ref=sha) == b"kind: Component\n"
    assert forge.read_file(repo, "nope.txt") is None
    clone = forge.clone(repo, tmp_path / "clone")
    assert (clone / "catalog-info.yaml").read_text() == "kind: Component\n"
    url = forge.blob_url(repo, "catalog-info.yaml")
    assert url == f"{repo.url}#main:catalog-info.yaml"
    bare, ref, path = parse_blob_url(url)
    assert git.read_file(bare, ref, path) == b"kind: Component\n"


def test_push_refuses_to_overwrite_unless_forced(forge: LocalForge, tmp_path: Path) -> None:
    repo = forge.create_repo(RepoSpec(name="svc"))
    forge.push(repo, work_tree(tmp_path / "a", {"f": "a"}), ["HEAD:refs/heads/main"])
    other = work_tree(tmp_path / "b", {"f": "b"})
    with pytest.raises(ForgeError, match="rejected"):
        forge.push(repo, other, ["HEAD:refs/heads/main"])
    forge.push(repo, other, ["HEAD:refs/heads/main"], force=True)
    assert forge.read_file(repo, "f") == b"b"


def test_operations_on_a_missing_repo_are_forge_errors(forge: LocalForge, tmp_path: Path) -> None:
    ghost = forge.planned_repo(RepoSpec(name="ghost"))
    with pytest.raises(ForgeError, match="does not exist"):
        forge.head_sha(ghost, "main")
    with pytest.raises(ForgeError, match="does not exist"):
        forge.push(ghost, work_tree(tmp_path / "w", {"f": "x"}), ["HEAD:refs/heads/main"])


def test_list_repos_by_owner_and_all(forge: LocalForge) -> None:
    assert forge.list_repos() == []
    forge.create_repo(RepoSpec(name="b"))
    forge.create_repo(RepoSpec(name="a", description="first"))
    forge.create_repo(RepoSpec(name="c", owner="zeta"))
    assert [r.full_name for r in forge.list_repos()] == ["acme/a", "acme/b", "zeta/c"]
    assert [r.full_name for r in forge.list_repos("zeta")] == ["zeta/c"]
    assert forge.list_repos("nobody") == []
    assert forge.list_repos("acme")[0].description == "first"


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../x", "x.git", "sp ace", "é", "a" * 101])
def test_bad_names_are_refused_before_touching_disk(forge: LocalForge, name: str) -> None:
    with pytest.raises(ForgeError, match="invalid repo name"):
        forge.create_repo(RepoSpec(name=name))
    with pytest.raises(ForgeError, match="invalid owner name"):
        forge.create_repo(RepoSpec(name="ok", owner=name or "/"))
    assert not forge.root.exists()


def test_parse_blob_url_rejects_other_urls() -> None:
    with pytest.raises(ForgeError):
        parse_blob_url("https://github.com/acme/x/blob/main/catalog-info.yaml")


# -- pull requests ---------------------------------------------------------------------------


@pytest.fixture
def repo_with_branch(forge: LocalForge, tmp_path: Path) -> tuple[Repo, Path]:
    repo = forge.create_repo(RepoSpec(name="svc"))
    work = work_tree(tmp_path / "w", {"f": "v1"})
    forge.push(repo, work, ["HEAD:refs/heads/main"])
    (work / "f").write_text("v2")
    git.commit_all(work, "upgrade", DATE)
    forge.push(repo, work, ["HEAD:refs/heads/scaffold/upgrade"])
    return repo, work


def test_pull_request_lifecycle(forge: LocalForge, repo_with_branch: tuple[Repo, Path]) -> None:
    repo, work = repo_with_branch
    assert forge.find_pull_request(repo, "scaffold/upgrade") is None
    pr = forge.open_pull_request(repo, "scaffold/upgrade", "main", "Upgrade", "body", ["bot"])
    assert (pr.number, pr.state, pr.labels) == (1, "open", ("bot",))
    assert pr.head_sha == git.rev_parse(work, "HEAD")
    stored = json.loads((forge.root / "acme" / "svc.pulls" / "1.json").read_text())
    assert stored["title"] == "Upgrade" and stored["head"] == "scaffold/upgrade"
    assert pr.url == (forge.root / "acme" / "svc.pulls" / "1.json").as_uri()
    assert forge.find_pull_request(repo, "scaffold/upgrade") == pr

    again = forge.open_pull_request(repo, "scaffold/upgrade", "main", "again", "", [])
    assert again.number == 1 and again.title == "again"  # updated, not a second pull request
    assert len(forge.pull_requests(repo)) == 1

    updated = forge.update_pull_request(repo, 1, "Upgrade to 2.0", "new body", ["bot", "x"])
    assert (updated.title, updated.body) == ("Upgrade to 2.0", "new body")
    assert updated.labels == ("bot", "x")

    # A new commit on the head branch moves the pull request's head_sha.
    (work / "f").write_text("v3")
    newer = git.commit_all(work, "more", DATE)
    forge.push(repo, work, ["HEAD:refs/heads/scaffold/upgrade"])
    assert forge.find_pull_request(repo, "scaffold/upgrade").head_sha == newer  # type: ignore[union-attr]

    # Merging = base now contains head: detected on read, and it stays merged.
    forge.push(repo, work, ["HEAD:refs/heads/main"])
    merged = forge.find_pull_request(repo, "scaffold/upgrade")
    assert merged is not None and merged.state == "merged" and merged.head_sha == newer
    stored = json.loads((forge.root / "acme" / "svc.pulls" / "1.json").read_text())
    assert stored["state"] == "merged"


def test_find_returns_the_newest_in_any_state(forge: LocalForge, repo_with_branch: tuple[Repo, Path]) -> None:
    repo, _ = repo_with_branch
    first = forge.open_pull_request(repo, "scaffold/upgrade", "main", "one", "", [])
    assert forge.close_pull_request(repo, first.number).state == "closed"
    assert forge.find_pull_request(repo, "scaffold/upgrade").state == "closed"  # type: ignore[union-attr]
    second = forge.open_pull_request(repo, "scaffold/upgrade", "main", "two", "", [])
    assert second.number == 2
    assert forge.find_pull_request(repo, "scaffold/upgrade") == second
    assert [p.number for p in forge.pull_requests(repo)] == [1, 2]


def test_pull_request_errors(forge: LocalForge, repo_with_branch: tuple[Repo, Path]) -> None:
    repo, _ = repo_with_branch
    with pytest.raises(ForgeError, match="no branch missing"):
        forge.open_pull_request(repo, "missing", "main", "t", "", [])
    with pytest.raises(ForgeError, match="already contains"):
        forge.open_pull_request(repo, "main", "scaffold/upgrade", "t", "", [])
    with pytest.raises(ForgeError, match="no pull request #7"):
        forge.update_pull_request(repo, 7, "t", "", [])
