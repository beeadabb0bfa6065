"""Publishing the workspace as a repository on the forge, shared by `repo:create` and Backstage's
`publish:github` (each action module defines its own action over these functions).

The commit is dated `ctx.started_at`, so a resumed run makes the identical commit. It is made in
a git dir scaffold keeps beside the workspace (`ctx.git_dir`), never in a `.git` inside it, so git
reads nothing a template wrote; a git dir left broken (a full disk, a kill) is made again. A repo
that already holds exactly this tree (or our own earlier commit) is reused; one that holds
anything else is a `RepoConflict`. `created` is true when this step put the content on the forge.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal

from pydantic import Field

from scaffolder.action import (
    ActionContext,
    ActionInput,
    ActionOutput,
    Forge,
    ForgeError,
    Problem,
    Repo,
    RepoConflict,
    RepoSpec,
    git,
)

REPO_NAME = r"^[A-Za-z0-9._-]{1,100}$"
CATALOG_INFO = "catalog-info.yaml"


class Team(ActionInput):
    slug: str = Field(min_length=1, description="Team slug on the forge")
    permission: Literal["pull", "triage", "push", "maintain", "admin"] = "push"


class Input(ActionInput):
    name: str = Field(pattern=REPO_NAME, description="Repository name")
    owner: str | None = Field(None, pattern=REPO_NAME, description="User or organisation; default: the forge's owner")
    description: str = ""
    visibility: Literal["public", "private", "internal"] = "private"
    topics: list[str] = Field(default_factory=list)
    default_branch: str = Field("main", min_length=1)
    protect_default_branch: bool = False
    teams: list[Team] = Field(default_factory=list, description="Teams given access")
    commit_message: str | None = Field(None, description="Default: names the golden path and its version")
    source_path: str = Field(".", description="Folder inside the workspace to publish")


class Output(ActionOutput):
    repo_url: str
    clone_url: str
    full_name: str
    commit_sha: str = Field(description="The branch's commit on the forge ('' in a dry run)")
    catalog_info_url: str = Field(description="Where catalog-info.yaml lives, for catalog:register")
    created: bool = Field(description="True when this step put the content on the forge")


def _output(forge: Forge, repo: Repo, branch: str, sha: str, created: bool) -> Output:
    return Output(
        repo_url=repo.url,
        clone_url=repo.clone_url,
        full_name=repo.full_name,
        commit_sha=sha,
        catalog_info_url=forge.blob_url(repo, CATALOG_INFO, branch),
        created=created,
    )


def _same_content(forge: Forge, repo: Repo, branch: str, git_dir: Path) -> bool:
    """Whether the forge's branch head has our HEAD's tree (same content, maybe another commit)."""
    return forge.tree_sha(repo, branch) == git.tree_sha(git_dir, "HEAD", bare=True)


def _commit(src: Path, git_dir: Path, branch: str, message: str, date: str) -> str:
    """Commit `src` in scaffold's own `git_dir`; one a crash or a full disk left broken is made
    again from scratch (the commit is deterministic, so it comes out the same)."""
    try:
        git.init(src, branch, git_dir=git_dir)
        return git.commit_all(src, message, date, git_dir=git_dir)
    except ForgeError:
        shutil.rmtree(git_dir, ignore_errors=True)
        git.init(src, branch, git_dir=git_dir)
        return git.commit_all(src, message, date, git_dir=git_dir)


def publish_repo(ctx: ActionContext, inp: Input) -> Output:
    """Commit the workspace (or `inp.source_path`) and publish it as the repository `inp` describes."""
    branch = inp.default_branch
    spec = RepoSpec(
        name=inp.name,
        owner=inp.owner,
        description=inp.description,
        visibility=inp.visibility,
        topics=tuple(inp.topics),
        default_branch=branch,
        protect_default_branch=inp.protect_default_branch,
        teams=tuple((t.slug, t.permission) for t in inp.teams),
    )
    if ctx.write_record is not None:
        ctx.write_record()
    if ctx.dry_run:
        return _output(ctx.forge, ctx.forge.planned_repo(spec), branch, "", False)

    src = ctx.resolve(inp.source_path) if inp.source_path not in ("", ".") else ctx.workspace
    message = inp.commit_message or (f"Create {inp.name} from golden path {ctx.template.name} {ctx.template.version}")
    git_dir = ctx.git_dir(inp.source_path)
    date = ctx.now()
    sha = _commit(src, git_dir, branch, message, date)
    refspec = [f"HEAD:refs/heads/{branch}"]

    owner = inp.owner or ctx.forge.default_owner()
    repo = ctx.forge.get_repo(owner, inp.name)
    if repo is None:
        try:
            repo = ctx.forge.create_repo(spec)
        except RepoConflict:
            # A retried create whose first answer was lost ("already exists"): if the repo is
            # there and still empty it is ours to fill; anything else is a real conflict.
            found = ctx.forge.get_repo(owner, inp.name)
            if found is None or ctx.forge.head_sha(found, found.default_branch) is not None:
                raise
            repo = found
        ctx.forge.push(repo, git_dir, refspec)
        ctx.log.info("created %s at %s", repo.full_name, repo.url)
        return _output(ctx.forge, repo, branch, sha, True)

    remote = ctx.forge.head_sha(repo, branch)
    if remote is None and ctx.forge.head_sha(repo, repo.default_branch) is None:
        ctx.forge.push(repo, git_dir, refspec)  # created earlier, but the push never happened
        ctx.log.info("pushed to the empty repo %s", repo.full_name)
        return _output(ctx.forge, repo, branch, sha, True)
    same = remote is not None and (remote == sha or _same_content(ctx.forge, repo, branch, git_dir))
    if remote is not None and same:
        ctx.log.info("%s already holds this content", repo.full_name)
        return _output(ctx.forge, repo, branch, remote, False)
    if (
        remote is not None
        and git.rev_parse(git_dir, f"{remote}^{{commit}}", bare=True) is not None
        and git.is_ancestor(git_dir, remote, sha)
    ):
        ctx.forge.push(repo, git_dir, refspec)  # the forge holds our own earlier commit: fast-forward
        return _output(ctx.forge, repo, branch, sha, False)
    where = f"its {branch} is at {remote[:12]}" if remote else f"it has no {branch} branch"
    raise RepoConflict(
        f"repo {repo.full_name} already exists and holds other content ({where}); "
        "choose another name or remove that repo"
    )


def repo_taken(ctx: ActionContext, inp: Input) -> list[Problem]:
    """Before anything runs: a repo of that name that already holds commits is a conflict
    (`define_action` adds the check of `source_path`)."""
    owner = inp.owner or ctx.forge.default_owner()
    repo = ctx.forge.get_repo(owner, inp.name)
    if repo is None or ctx.forge.head_sha(repo, repo.default_branch) is None:
        return []
    taken = f"a repo of that name already exists on the forge ({repo.url}); choose another name"
    return [Problem(repo.full_name, taken)]
