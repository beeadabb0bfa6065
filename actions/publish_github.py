"""Backstage's `publish:github` and `publish:github:pull-request`, on the configured forge.

Both take Backstage's inputs, so a Backstage template runs unchanged. `repoUrl`
(`HOST?owner=OWNER&repo=NAME`, RepoUrlPicker's value) names the repository; it is created on,
or the pull request opened against, the forge scaffold is configured with (the embedded one, or
GitHub with a token): the host only matters to Backstage.

- `publish:github` is `repo:create` under Backstage's names: the record goes into the first
  commit, reruns are no-ops, `defaultBranch` (Backstage's default: `master`), `repoVisibility`,
  `description`, `topics`, `protectDefaultBranch`, team `collaborators` and `gitCommitMessage`
  apply. Outputs Backstage's `remoteUrl`, `repoContentsUrl`, `commitHash`, and repo:create's.
- `publish:github:pull-request` commits the workspace (`sourcePath`) into a branch of an existing
  repository (under `targetPath`) and opens a pull request, or updates the open one from that
  branch. A branch holding someone else's commits is left alone unless `update: true`.

Inputs that GitHub settings only Backstage applies (merge options, required reviews, secrets,
...) are accepted and reported as not applied.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from scaffolder import git
from scaffolder.action import ActionContext, ActionInput, ActionOutput, Example, define_action
from scaffolder.errors import ActionError, ForgeError, Problem
from scaffolder.paths import inside
from scaffolder.render import FILTERS

from . import repo_create

Access = Literal["pull", "triage", "push", "maintain", "admin"]
_NOT_APPLIED = (
    "homepageUrl",
    "protectEnforceAdmins",
    "deleteBranchOnMerge",
    "gitAuthorName",
    "gitAuthorEmail",
    "allowRebaseMerge",
    "allowSquashMerge",
    "squashMergeCommitTitle",
    "squashMergeCommitMessage",
    "allowMergeCommit",
    "allowAutoMerge",
    "allowUpdateBranch",
    "bypassPullRequestAllowances",
    "requiredApprovingReviewCount",
    "restrictions",
    "requireCodeOwnerReviews",
    "dismissStaleReviews",
    "requiredStatusCheckContexts",
    "requireBranchesToBeUpToDate",
    "requiredConversationResolution",
    "requireLastPushApproval",
    "hasProjects",
    "hasWiki",
    "hasIssues",
    "token",
    "repoVariables",
    "secrets",
    "oidcCustomization",
    "requiredCommitSigning",
    "requiredLinearHistory",
    "customProperties",
    "subscribe",
    "autoInit",
)


def _repo(repo_url: str) -> tuple[str, str]:
    """(owner, repo) of a RepoUrlPicker value; ActionError when it names none."""
    try:
        parsed = FILTERS["parseRepoUrl"](repo_url)
    except ValueError as exc:
        raise ActionError("repoUrl is not a repository location", [Problem("repoUrl", str(exc))]) from None
    owner = parsed["owner"] or parsed["organization"] or parsed["workspace"]
    return str(owner), str(parsed["repo"])


def _not_applied(inp: ActionInput, action_id: str) -> None:
    fields = type(inp).model_fields
    given = sorted(k for k in inp.model_fields_set if (fields[k].alias or k) in _NOT_APPLIED)
    if given:
        names = ", ".join(fields[k].alias or k for k in given)
        sys.stderr.write(f"[{action_id}] not applied by scaffold's forge: {names}\n")


class Collaborator(ActionInput):
    user: str | None = None
    username: str | None = None
    team: str | None = None
    access: Access = "pull"


class PublishInput(ActionInput):
    repo_url: str = Field(alias="repoUrl", description="HOST?owner=OWNER&repo=NAME (RepoUrlPicker's value)")
    allowed_hosts: list[str] | None = Field(None, alias="allowedHosts", description="Hosts repoUrl may name")
    description: str = ""
    default_branch: str = Field("master", alias="defaultBranch", min_length=1)
    repo_visibility: Literal["private", "internal", "public"] = Field("private", alias="repoVisibility")
    protect_default_branch: bool = Field(True, alias="protectDefaultBranch")
    git_commit_message: str = Field("initial commit", alias="gitCommitMessage")
    source_path: str = Field(".", alias="sourcePath", description="Folder of the workspace to publish")
    topics: list[str] = Field(default_factory=list)
    collaborators: list[Collaborator] = Field(default_factory=list, description="Teams given access (users are not)")
    access: str | None = Field(None, description="OWNER/TEAM given admin access")
    homepage_url: Any = Field(None, alias="homepageUrl")
    protect_enforce_admins: Any = Field(None, alias="protectEnforceAdmins")
    delete_branch_on_merge: Any = Field(None, alias="deleteBranchOnMerge")
    git_author_name: Any = Field(None, alias="gitAuthorName")
    git_author_email: Any = Field(None, alias="gitAuthorEmail")
    allow_rebase_merge: Any = Field(None, alias="allowRebaseMerge")
    allow_squash_merge: Any = Field(None, alias="allowSquashMerge")
    squash_merge_commit_title: Any = Field(None, alias="squashMergeCommitTitle")
    squash_merge_commit_message: Any = Field(None, alias="squashMergeCommitMessage")
    allow_merge_commit: Any = Field(None, alias="allowMergeCommit")
    allow_auto_merge: Any = Field(None, alias="allowAutoMerge")
    allow_update_branch: Any = Field(None, alias="allowUpdateBranch")
    bypass_pull_request_allowances: Any = Field(None, alias="bypassPullRequestAllowances")
    required_approving_review_count: Any = Field(None, alias="requiredApprovingReviewCount")
    restrictions: Any = None
    require_code_owner_reviews: Any = Field(None, alias="requireCodeOwnerReviews")
    dismiss_stale_reviews: Any = Field(None, alias="dismissStaleReviews")
    required_status_check_contexts: Any = Field(None, alias="requiredStatusCheckContexts")
    require_branches_to_be_up_to_date: Any = Field(None, alias="requireBranchesToBeUpToDate")
    required_conversation_resolution: Any = Field(None, alias="requiredConversationResolution")
    require_last_push_approval: Any = Field(None, alias="requireLastPushApproval")
    has_projects: Any = Field(None, alias="hasProjects")
    has_wiki: Any = Field(None, alias="hasWiki")
    has_issues: Any = Field(None, alias="hasIssues")
    token: Any = None
    repo_variables: Any = Field(None, alias="repoVariables")
    secrets: Any = None
    oidc_customization: Any = Field(None, alias="oidcCustomization")
    required_commit_signing: Any = Field(None, alias="requiredCommitSigning")
    required_linear_history: Any = Field(None, alias="requiredLinearHistory")
    custom_properties: Any = Field(None, alias="customProperties")
    subscribe: Any = None
    auto_init: Any = Field(None, alias="autoInit")


class PublishOutput(ActionOutput):
    remoteUrl: str = Field(description="The repository's web URL")  # noqa: N815 - Backstage's names
    repoContentsUrl: str = Field(description="Base URL of the repository's files (+ a path: catalogInfoPath)")  # noqa: N815
    commitHash: str = Field(description="The pushed commit ('' in a dry run)")  # noqa: N815
    repo_url: str
    clone_url: str
    full_name: str
    commit_sha: str
    catalog_info_url: str
    created: bool


def _create_input(inp: PublishInput) -> repo_create.Input:
    owner, name = _repo(inp.repo_url)
    host = FILTERS["parseRepoUrl"](inp.repo_url)["host"]
    if inp.allowed_hosts is not None and host not in inp.allowed_hosts:
        allowed = ", ".join(inp.allowed_hosts) or "none"
        problem = Problem("repoUrl", f"{host} (allowed: {allowed})")
        raise ActionError("repoUrl names a host that is not allowed", [problem])
    teams = [repo_create.Team(slug=c.team, permission=c.access) for c in inp.collaborators if c.team]
    if inp.access and "/" in inp.access:
        teams.append(repo_create.Team(slug=inp.access.rsplit("/", 1)[1], permission="admin"))
    return repo_create.Input(
        name=name,
        owner=owner,
        description=inp.description,
        visibility=inp.repo_visibility,
        topics=inp.topics,
        default_branch=inp.default_branch,
        protect_default_branch=inp.protect_default_branch,
        teams=teams,
        commit_message=inp.git_commit_message,
        source_path=inp.source_path,
    )


def publish(ctx: ActionContext, inp: PublishInput) -> PublishOutput:
    _not_applied(inp, "publish:github")
    if any(c.user or c.username for c in inp.collaborators):
        sys.stderr.write("[publish:github] user collaborators are not applied by scaffold's forge (teams are)\n")
    out = repo_create.run(ctx, _create_input(inp))
    contents = out.catalog_info_url.removesuffix(repo_create.CATALOG_INFO)
    return PublishOutput(
        remoteUrl=out.repo_url,
        repoContentsUrl=contents,
        commitHash=out.commit_sha,
        **out.model_dump(),
    )


def publish_preflight(ctx: ActionContext, inp: PublishInput) -> list[Problem]:
    try:
        return repo_create.preflight(ctx, _create_input(inp))
    except ActionError as exc:
        return list(exc.problems)


action = define_action(
    id="publish:github",
    description="Backstage's publish:github: create the repository on the forge and push the workspace.",
    input=PublishInput,
    output=PublishOutput,
    handler=publish,
    supports_dry_run=True,
    preflight=publish_preflight,
    examples=(
        Example(
            "Publish the workspace as acme/orders-api, Backstage style",
            {"repoUrl": "github.com?owner=acme&repo=orders-api", "description": "Orders", "defaultBranch": "main"},
        ),
    ),
)


# --- publish:github:pull-request ------------------------------------------------------------------


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
    owner, name = _repo(inp.repo_url)
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
    with tempfile.TemporaryDirectory(prefix="scaffold-pr-") as tmp:
        clone = ctx.forge.clone(repo, Path(tmp) / "clone", branch=base)
        git.checkout_new(clone, inp.branch_name)
        target = clone / inp.target_path if inp.target_path not in ("", ".") else clone
        for rel in inp.files_to_delete:
            path = inside(clone, rel)
            if path.is_file():
                path.unlink()
        _copy_into(source, target)
        date = ctx.started_at or datetime.now(UTC).replace(microsecond=0).isoformat()
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


pull_request_action = define_action(
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
