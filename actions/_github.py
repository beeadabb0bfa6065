"""What Backstage's `publish:github` actions share: reading `repoUrl` (RepoUrlPicker's
`HOST?owner=OWNER&repo=NAME`) and naming the inputs only Backstage applies."""

from __future__ import annotations

from typing import Literal

from scaffolder.action import FILTERS, ActionContext, ActionError, ActionInput, Problem

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


def repo_location(repo_url: str) -> tuple[str, str]:
    """(owner, repo) of a RepoUrlPicker value; ActionError when it names none."""
    try:
        parsed = FILTERS["parseRepoUrl"](repo_url)
    except ValueError as exc:
        raise ActionError("repoUrl is not a repository location", [Problem("repoUrl", str(exc))]) from None
    owner = parsed["owner"] or parsed["organization"] or parsed["workspace"]
    return str(owner), str(parsed["repo"])


def not_applied(ctx: ActionContext, inp: ActionInput, action_id: str) -> None:
    """Warn about the inputs given that only Backstage applies."""
    fields = type(inp).model_fields
    given = sorted(k for k in inp.model_fields_set if (fields[k].alias or k) in _NOT_APPLIED)
    if given:
        names = ", ".join(fields[k].alias or k for k in given)
        ctx.warn(f"[{action_id}] not applied by scaffold's forge: {names}")
