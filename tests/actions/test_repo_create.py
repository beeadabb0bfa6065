"""repo:create through the action API on the embedded forge: create, rerun, resume, conflict."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from scaffolder import git
from scaffolder.action import ActionContext
from scaffolder.actions.repo_create import action
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.errors import RepoConflict
from scaffolder.forges.base import RepoSpec
from scaffolder.forges.local import LocalForge
from scaffolder.sources import load_template

STARTED = "2026-01-01T00:00:00+00:00"
TEMPLATE = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata: {name: backend-service, owner: "group:backend-guild"}
spec: {version: 2.1.0}
"""

MakeCtx = Callable[..., ActionContext]


@pytest.fixture
def forge(tmp_path: Path) -> LocalForge:
    return LocalForge(tmp_path / "forge", default_owner="acme")


@pytest.fixture
def make_ctx(tmp_path: Path, forge: LocalForge) -> MakeCtx:
    """A real context; each call gets a fresh workspace (named `ws`, `ws2`, ...) with two files."""
    template_dir = tmp_path / "golden"
    template_dir.mkdir()
    (template_dir / "template.yaml").write_text(TEMPLATE)
    template = load_template(template_dir)
    count = 0

    def make(dry_run: bool = False, record: bool = True) -> ActionContext:
        nonlocal count
        count += 1
        ws = tmp_path / f"ws{'' if count == 1 else count}"
        (ws / "src").mkdir(parents=True)
        (ws / "catalog-info.yaml").write_text("kind: Component\n")
        (ws / "src" / "app.py").write_text("print('hi')\n")

        def write_record() -> Path:
            path = ws / ".scaffold" / "record.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text("template: backend-service\nversion: 2.1.0\n")
            return path

        return ActionContext(
            workspace=ws,
            template_dir=template_dir,
            template=template,
            parameters={"name": "orders-api"},
            forge=forge,
            catalog=SqliteCatalog(tmp_path / "catalog.db"),
            run_id="run-1",
            dry_run=dry_run,
            write_record=write_record if record else None,
            started_at=STARTED,
        )

    return make


def commits(repo_dir: Path, ref: str = "main") -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", str(repo_dir), "log", "--format=%H %s", ref],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.splitlines()


def test_creates_the_repo_and_pushes_the_workspace(make_ctx: MakeCtx, forge: LocalForge) -> None:
    ctx = make_ctx()
    out = action.run(ctx, {"name": "orders-api", "description": "Orders"})
    repo = forge.get_repo("acme", "orders-api")
    assert repo is not None
    assert out.created is True
    assert out.full_name == "acme/orders-api"
    assert out.repo_url == repo.url and out.clone_url == repo.clone_url
    assert out.commit_sha == forge.head_sha(repo, "main")
    assert out.catalog_info_url == forge.blob_url(repo, "catalog-info.yaml", "main")
    assert forge.read_file(repo, "catalog-info.yaml") == b"kind: Component\n"
    assert forge.read_file(repo, ".scaffold/record.yaml") is not None  # written before the commit
    assert repo.description == "Orders"
    [log] = commits(forge.root / "acme" / "orders-api.git")
    assert log.endswith("Create orders-api from golden path backend-service 2.1.0")
    assert not (ctx.workspace / ".git").exists()  # committed through scaffold's own git dir, beside it
    date = subprocess.run(
        ["git", "--git-dir", str(ctx.git_dir()), "show", "-s", "--format=%aI", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert date == STARTED


def test_rerun_is_a_no_op(make_ctx: MakeCtx, forge: LocalForge) -> None:
    ctx = make_ctx()
    first = action.run(ctx, {"name": "orders-api"})
    again = action.run(ctx, {"name": "orders-api"})
    assert again.created is False
    assert again.model_dump() == {**first.model_dump(), "created": False}
    assert len(commits(forge.root / "acme" / "orders-api.git")) == 1


def test_resume_in_a_fresh_workspace_makes_the_identical_commit(make_ctx: MakeCtx) -> None:
    first = action.run(make_ctx(), {"name": "orders-api"})
    again = action.run(make_ctx(), {"name": "orders-api"})
    assert (again.created, again.commit_sha) == (False, first.commit_sha)


def test_same_tree_under_another_commit_is_a_no_op(
    make_ctx: MakeCtx, forge: LocalForge, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = action.run(make_ctx(), {"name": "orders-api"})
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Someone Else")  # so the new commit differs
    out = action.run(make_ctx(), {"name": "orders-api"})
    assert out.created is False
    assert out.commit_sha == first.commit_sha  # the forge's commit, not ours


def test_resume_after_created_but_not_pushed(make_ctx: MakeCtx, forge: LocalForge) -> None:
    forge.create_repo(RepoSpec(name="orders-api", owner="acme"))  # the first attempt died here
    out = action.run(make_ctx(), {"name": "orders-api"})
    assert out.created is True
    repo = forge.get_repo("acme", "orders-api")
    assert repo is not None and forge.head_sha(repo, "main") == out.commit_sha


def test_our_own_earlier_commit_is_fast_forwarded(make_ctx: MakeCtx, forge: LocalForge) -> None:
    ctx = make_ctx()
    first = action.run(ctx, {"name": "orders-api"})
    (ctx.workspace / "later.txt").write_text("added by a later step on resume\n")
    out = action.run(ctx, {"name": "orders-api"})
    assert out.created is False and out.commit_sha != first.commit_sha
    assert len(commits(forge.root / "acme" / "orders-api.git")) == 2


def test_a_repo_with_other_content_is_a_conflict(make_ctx: MakeCtx, forge: LocalForge, tmp_path: Path) -> None:
    repo = forge.create_repo(RepoSpec(name="orders-api"))
    other = tmp_path / "other"
    git.init(other)
    (other / "README.md").write_text("someone else's project\n")
    theirs = git.commit_all(other, "theirs", STARTED)
    forge.push(repo, other, ["HEAD:refs/heads/main"])
    with pytest.raises(RepoConflict, match="acme/orders-api already exists and holds other"):
        action.run(make_ctx(), {"name": "orders-api"})
    assert forge.head_sha(repo, "main") == theirs


def test_dry_run_touches_nothing(make_ctx: MakeCtx, forge: LocalForge) -> None:
    ctx = make_ctx(dry_run=True, record=False)
    out = action.run(ctx, {"name": "orders-api", "owner": "payments"})
    planned = forge.planned_repo(RepoSpec(name="orders-api", owner="payments"))
    assert out.model_dump() == {
        "repo_url": planned.url,
        "clone_url": planned.clone_url,
        "full_name": "payments/orders-api",
        "commit_sha": "",
        "catalog_info_url": forge.blob_url(planned, "catalog-info.yaml", "main"),
        "created": False,
    }
    assert not forge.root.exists()
    assert not (ctx.workspace / ".git").exists()


def test_source_path_branch_and_message(make_ctx: MakeCtx, forge: LocalForge) -> None:
    ctx = make_ctx(record=False)
    out = action.run(
        ctx,
        {"name": "app", "source_path": "src", "default_branch": "trunk", "commit_message": "Hello"},
    )
    repo = forge.get_repo("acme", "app")
    assert repo is not None and repo.default_branch == "trunk"
    assert forge.read_file(repo, "app.py") == b"print('hi')\n"
    assert forge.read_file(repo, "catalog-info.yaml") is None
    assert out.catalog_info_url.endswith("#trunk:catalog-info.yaml")
    assert commits(forge.root / "acme" / "app.git", "trunk")[0].endswith(" Hello")
    assert not (ctx.workspace / ".git").exists()  # only the published folder became a repo


def test_preflight_refuses_a_name_that_holds_commits(make_ctx: MakeCtx) -> None:
    assert action.preflight is not None
    ctx = make_ctx()
    inp = action.parse({"name": "orders-api"})
    assert action.preflight(ctx, inp) == []
    ctx.forge.create_repo(RepoSpec(name="orders-api"))
    assert action.preflight(ctx, inp) == []  # empty: a resume may still fill it
    action.run(ctx, {"name": "orders-api"})
    [problem] = action.preflight(ctx, inp)
    assert problem.where == "acme/orders-api" and "already exists" in problem.message


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"name": "a/b"},
        {"name": "x y"},
        {"name": "ok", "visibility": "secret"},
        {"name": "ok", "teams": [{"slug": "t", "permission": "god"}]},
        {"name": "ok", "unknown": 1},
    ],
)
def test_bad_input_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        action.parse(bad)


def test_input_defaults() -> None:
    inp = action.parse({"name": "x"})
    assert (inp.visibility, inp.default_branch, inp.source_path, inp.topics) == ("private", "main", ".", [])


@pytest.mark.parametrize("example", action.examples, ids=lambda e: e.description)
def test_examples_run(make_ctx: MakeCtx, example: Any) -> None:
    out = action.run(make_ctx(), example.input)
    assert out.created is True and out.commit_sha


def test_registered_through_the_entry_point() -> None:
    [ep] = [ep for ep in entry_points(group="scaffold.actions") if ep.name == "repo-create"]
    assert ep.load() is action


def _plant_git(folder: Path, marker: Path) -> None:
    """A `.git` as a hostile template would write it: config and hooks that run commands."""
    (folder / ".git" / "hooks").mkdir(parents=True)
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (folder / ".git" / "config").write_text(
        f'[core]\n\tfsmonitor = "touch {marker}"\n\thooksPath = hooks\n[filter "x"]\n\tclean = touch {marker}\n'
    )
    hook = folder / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    (folder / ".gitattributes").write_text("* filter=x\n")


def test_a_git_folder_in_the_workspace_is_never_used(make_ctx: MakeCtx, forge: LocalForge, tmp_path: Path) -> None:
    ctx = make_ctx()
    marker = tmp_path / "MARKER"
    _plant_git(ctx.workspace, marker)
    out = action.run(ctx, {"name": "orders-api"})
    assert not marker.exists()
    repo = forge.get_repo("acme", "orders-api")
    assert repo is not None and forge.head_sha(repo, "main") == out.commit_sha
    assert forge.read_file(repo, "src/app.py") == b"print('hi')\n"
    assert forge.read_file(repo, ".git/config") is None
    assert ctx.git_dir().is_dir() and ctx.workspace not in ctx.git_dir().parents


@pytest.mark.parametrize("damage", ["empty", "head-only", "objects-lost"])
def test_a_broken_git_dir_of_scaffolds_is_made_again(make_ctx: MakeCtx, forge: LocalForge, damage: str) -> None:
    """A full disk or a kill can leave scaffold's git dir half made; a resumed run still commits."""
    first = make_ctx()
    reference = action.run(first, {"name": "orders-api"})  # what an undisturbed run makes
    ctx = make_ctx()
    git_dir = ctx.git_dir()
    if damage == "empty":
        git_dir.mkdir()
    elif damage == "head-only":
        git_dir.mkdir()
        (git_dir / "HEAD").write_text("ref: refs/heads/main\n")
    else:
        git.init(ctx.workspace, "main", git_dir=git_dir)
        git.commit_all(ctx.workspace, "x", STARTED, git_dir=git_dir)
        for obj in (git_dir / "objects").rglob("*"):
            if obj.is_file():
                obj.unlink()
    out = action.run(ctx, {"name": "orders-api"})
    assert (out.created, out.commit_sha) == (False, reference.commit_sha)
    assert git.is_repository(git_dir)


def test_preflight_refuses_a_source_path_that_escapes_or_names_git(make_ctx: MakeCtx) -> None:
    assert action.preflight is not None
    ctx = make_ctx()
    for bad in ["../elsewhere", "/etc", ".git", "sub/.GIT"]:
        [problem] = action.preflight(ctx, action.parse({"name": "orders-api", "source_path": bad}))
        assert bad in problem.where
