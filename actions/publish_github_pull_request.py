"""Backstage's `publish:github:pull-request`, on the configured forge.

It takes Backstage's inputs, so a Backstage template runs unchanged: it commits the workspace
(`sourcePath`) into a branch of an existing repository (under `targetPath`) and opens a pull
request, or updates the open one from that branch. A branch holding someone else's commits is
left alone unless `update: true`. `repoUrl` (`HOST?owner=OWNER&repo=NAME`) names the repository
on the forge scaffold is configured with; the host only matters to Backstage.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from pydantic import Field

from scaffolder.action import ActionContext, ActionInput, ActionOutput, Example, ForgeError, define_action, git, inside

from ._github import repo_location


class PullRequestInput(ActionInput):
    repo_url: str = Field(alias="repoUrl", description="HOST?owner=OWNER&repo=NAME of an existing repository")
    branch_name: str = Field(alias="branchName", min_length=1, description="The branch to push")
    title: str = Field(min_length=1)
    description: str = ""
    target_branch_name: str | None = Field(
        None, alias="targetBranchName", description="Default: the repo's default branch"
    )
    source_path: str = Field(".", alias="sourcePath", description="Folder of the workspace to commit")
    target_path: str = Field(".", alias="targetPath", description="Folder of the repository to put it in")
    commit_message: str | None = Field(None, alias="commitMessage", description="Default: the title")
    update: bool = Field(False, description="Replace the branch when it holds other commits")
    draft: Any = None
    reviewers: Any = None
    team_reviewers: Any = Field(None, alias="teamReviewers")
    token: Any = None
    force_fork: Any = Field(None, alias="forceFork")
    git_author_name: Any = Field(None, alias="gitAuthorName")
    git_author_email: Any = Field(None, alias="gitAuthorEmail")
    force_empty_git_author: Any = Field(None, alias="forceEmptyGitAuthor")
    create_when_empty: Any = Field(None, alias="createWhenEmpty")
    files_to_delete: list[str] = Field(default_factory=list, alias="filesToDelete")


class PullRequestOutput(ActionOutput):
    remoteUrl: str = Field(description="The pull request's URL")  # noqa: N815 - Backstage's names
    pullRequestNumber: int  # noqa: N815
    targetBranchName: str  # noqa: N815


def _copy_into(src: Path, dest: Path) -> None:
    for file in sorted(src.rglob("*")):
        rel = file.relative_to(src)
        if ".git" in rel.parts or not (file.is_file() or file.is_symlink()):
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.is_file():
            target.unlink()
        shutil.copy2(file, target, follow_symlinks=False)


def pull_request(ctx: ActionContext, inp: PullRequestInput) -> PullRequestOutput:
    owner, name = repo_location(inp.repo_url)
    repo = ctx.forge.get_repo(owner, name)
    if repo is None:
        raise ForgeError(f"publish:github:pull-request: no repository {owner}/{name} on the forge")
    base = inp.target_branch_name or repo.default_branch
    existing = ctx.forge.find_pull_request(repo, inp.branch_name)
    if ctx.dry_run:
        number = existing.number if existing is not None and existing.state == "open" else 0
        return PullRequestOutput(
            remoteUrl=existing.url if number and existing else repo.url, pullRequestNumber=number, targetBranchName=base
        )
    source = ctx.resolve(inp.source_path) if inp.source_path not in ("", ".") else ctx.workspace.resolve()
    with ctx.temp_dir("scaffold-pr-") as tmp:
        clone = ctx.forge.clone(repo, tmp / "clone", branch=base)
        git.checkout_new(clone, inp.branch_name)
        target = clone / inp.target_path if inp.target_path not in ("", ".") else clone
        for rel in inp.files_to_delete:
            path = inside(clone, rel)
            if path.is_file():
                path.unlink()
        _copy_into(source, target)
        date = ctx.now()
        sha = git.commit_all(clone, inp.commit_message or inp.title, date)
        remote = ctx.forge.head_sha(repo, inp.branch_name)
        if remote is None:
            ctx.forge.push(repo, clone, [f"HEAD:refs/heads/{inp.branch_name}"])
        elif remote != sha and ctx.forge.tree_sha(repo, inp.branch_name) != git.tree_sha(clone, "HEAD"):
            if not inp.update:
                raise ForgeError(
                    f"branch {inp.branch_name} of {repo.full_name} already holds other commits; "
                    "pass update: true to replace them, or choose another branchName"
                )
            lease = {f"refs/heads/{inp.branch_name}": remote}
            ctx.forge.push(repo, clone, [f"HEAD:refs/heads/{inp.branch_name}"], force=True, lease=lease)
    if existing is not None and existing.state == "open":
        pr = ctx.forge.update_pull_request(repo, existing.number, inp.title, inp.description, list(existing.labels))
    else:
        pr = ctx.forge.open_pull_request(repo, inp.branch_name, base, inp.title, inp.description, [])
    return PullRequestOutput(remoteUrl=pr.url, pullRequestNumber=pr.number, targetBranchName=base)


action = define_action(
    id="publish:github:pull-request",
    description="Backstage's publish:github:pull-request: commit the workspace to a branch and open a pull request.",
    input=PullRequestInput,
    output=PullRequestOutput,
    handler=pull_request,
    supports_dry_run=True,
    examples=(
        Example(
            "Propose the workspace's files to acme/docs-site",
            {
                "repoUrl": "github.com?owner=acme&repo=docs-site",
                "branchName": "add-catalog-info",
                "title": "Add catalog-info",
            },
        ),
    ),
)
