"""Backstage's `publish:github`, on the configured forge (its pull-request sibling is
`publish_github_pull_request.py`).

It takes Backstage's inputs, so a Backstage template runs unchanged. `repoUrl`
(`HOST?owner=OWNER&repo=NAME`, RepoUrlPicker's value) names the repository; it is created on
the forge scaffold is configured with (the embedded one, or GitHub with a token): the host only
matters to Backstage.

- `publish:github` is `repo:create` under Backstage's names: the record goes into the first
  commit, reruns are no-ops, `defaultBranch` (Backstage's default: `master`), `repoVisibility`,
  `description`, `topics`, `protectDefaultBranch`, team `collaborators` and `gitCommitMessage`
  apply. Outputs Backstage's `remoteUrl`, `repoContentsUrl`, `commitHash`, and repo:create's.

Inputs that GitHub settings only Backstage applies (merge options, required reviews, secrets,
...) are accepted and reported as not applied.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from scaffolder.action import (
    FILTERS,
    ActionContext,
    ActionError,
    ActionInput,
    ActionOutput,
    Example,
    Problem,
    define_action,
)

from ._github import Access, not_applied, repo_location
from ._repository import CATALOG_INFO, Input, Team, publish_repo, repo_taken


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


def _create_input(inp: PublishInput) -> Input:
    owner, name = repo_location(inp.repo_url)
    host = FILTERS["parseRepoUrl"](inp.repo_url)["host"]
    if inp.allowed_hosts is not None and host not in inp.allowed_hosts:
        allowed = ", ".join(inp.allowed_hosts) or "none"
        problem = Problem("repoUrl", f"{host} (allowed: {allowed})")
        raise ActionError("repoUrl names a host that is not allowed", [problem])
    teams = [Team(slug=c.team, permission=c.access) for c in inp.collaborators if c.team]
    if inp.access and "/" in inp.access:
        teams.append(Team(slug=inp.access.rsplit("/", 1)[1], permission="admin"))
    return Input(
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
    not_applied(ctx, inp, "publish:github")
    if any(c.user or c.username for c in inp.collaborators):
        ctx.warn("[publish:github] user collaborators are not applied by scaffold's forge (teams are)")
    out = publish_repo(ctx, _create_input(inp))
    contents = out.catalog_info_url.removesuffix(CATALOG_INFO)
    return PublishOutput(
        remoteUrl=out.repo_url,
        repoContentsUrl=contents,
        commitHash=out.commit_sha,
        **out.model_dump(),
    )


def publish_preflight(ctx: ActionContext, inp: PublishInput) -> list[Problem]:
    try:
        return repo_taken(ctx, _create_input(inp))
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
