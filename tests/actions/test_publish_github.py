"""`publish:github` and `publish:github:pull-request`: Backstage's inputs, on the forge protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder import git
from scaffolder.errors import ActionError, ForgeError
from scaffolder.forges.local import LocalForge
from scaffolder.registry import load_registry
from tests.actions.context import make_ctx

DATE = "2026-01-01T00:00:00+00:00"


@pytest.fixture
def forge(tmp_path: Path) -> LocalForge:
    return LocalForge(tmp_path / "forge")


def workspace(tmp_path: Path, forge: LocalForge, name: str = "ws") -> object:
    ctx = make_ctx(tmp_path / name, forge=forge)
    ctx.started_at = DATE
    (ctx.workspace / "README.md").write_text("# orders\n")
    (ctx.workspace / "catalog-info.yaml").write_text("kind: Component\n")
    return ctx


def test_publish_creates_the_repository(tmp_path: Path, forge: LocalForge) -> None:
    ctx = workspace(tmp_path, forge)
    records = []
    ctx.write_record = lambda: records.append(1) or ctx.workspace  # type: ignore[attr-defined,func-returns-value]
    out = (
        load_registry()
        .action("publish:github")
        .run(ctx, {"repoUrl": "github.com?owner=acme&repo=orders", "description": "Orders", "topics": ["python"]})
    )
    repo = forge.get_repo("acme", "orders")
    assert repo is not None and out.remoteUrl == repo.url and out.full_name == "acme/orders"
    assert forge.head_sha(repo, "master") == out.commitHash  # Backstage's default branch
    assert out.repoContentsUrl + "catalog-info.yaml" == out.catalog_info_url
    assert records == [1]  # the record goes into the first commit
    again = load_registry().action("publish:github").run(ctx, {"repoUrl": "github.com?owner=acme&repo=orders"})
    assert again.created is False and again.commitHash == out.commitHash


def test_publish_refuses_bad_locations(tmp_path: Path, forge: LocalForge) -> None:
    ctx = workspace(tmp_path, forge)
    with pytest.raises(ActionError, match="missing owner"):
        load_registry().action("publish:github").run(ctx, {"repoUrl": "github.com?repo=orders"})
    with pytest.raises(ActionError, match="not allowed"):
        load_registry().action("publish:github").run(
            ctx, {"repoUrl": "gitlab.com?owner=a&repo=b", "allowedHosts": ["github.com"]}
        )


def test_pull_request_opens_then_updates(tmp_path: Path, forge: LocalForge) -> None:
    ctx = workspace(tmp_path, forge)
    load_registry().action("publish:github").run(
        ctx, {"repoUrl": "github.com?owner=acme&repo=site", "defaultBranch": "main"}
    )
    change = workspace(tmp_path, forge, "change")
    (change.workspace / "README.md").write_text("# site, documented\n")  # type: ignore[attr-defined]
    inp = {
        "repoUrl": "github.com?owner=acme&repo=site",
        "branchName": "docs",
        "title": "Document the site",
        "description": "From a template",
        "targetPath": "docs",
    }
    action = load_registry().action("publish:github:pull-request")
    first = action.run(change, inp)
    assert first.pullRequestNumber == 1 and first.targetBranchName == "main"
    repo = forge.get_repo("acme", "site")
    assert repo is not None
    assert forge.read_file(repo, "docs/README.md", "docs") == b"# site, documented\n"
    assert forge.read_file(repo, "README.md", "docs") == b"# orders\n"  # the rest of the branch is main's
    again = action.run(change, {**inp, "title": "Document the site (2)"})
    assert again.pullRequestNumber == 1
    assert forge.find_pull_request(repo, "docs").title == "Document the site (2)"  # type: ignore[union-attr]


def test_pull_request_keeps_someone_elses_commits(tmp_path: Path, forge: LocalForge) -> None:
    ctx = workspace(tmp_path, forge)
    load_registry().action("publish:github").run(
        ctx, {"repoUrl": "github.com?owner=acme&repo=site", "defaultBranch": "main"}
    )
    repo = forge.get_repo("acme", "site")
    assert repo is not None
    human = forge.clone(repo, tmp_path / "human")
    git.checkout_new(human, "docs")
    (human / "NOTES.md").write_text("mine\n")
    git.commit_all(human, "notes", DATE)
    forge.push(repo, human, ["HEAD:refs/heads/docs"])
    inp = {"repoUrl": "github.com?owner=acme&repo=site", "branchName": "docs", "title": "Docs"}
    with pytest.raises(ForgeError, match="already holds other commits"):
        load_registry().action("publish:github:pull-request").run(ctx, inp)
    with pytest.raises(ForgeError, match="no repository acme/nope"):
        load_registry().action("publish:github:pull-request").run(
            ctx, {**inp, "repoUrl": "github.com?owner=acme&repo=nope"}
        )
