"""Following a migration pull request to the end, after the campaign pushed it: read (or, on the
embedded forge, run) its checks, merge it when the policy allows (`merge_policy`), and bring the
catalog entity of a merged repo up to date. A PR merged by a human meanwhile counts as merged; a
merge the forge refuses (no merge rights, a protection) fails that repo only. An open PR redone
on a moved base or for another target says why (superseding it also comments on it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scaffolder import merge_policy, pr_checks
from scaffolder.errors import ForgeError, ScaffoldError
from scaffolder.forges.base import Checks, Forge, PullRequest, Repo
from scaffolder.forges.local import LocalForge

if TYPE_CHECKING:
    from scaffolder.campaign import Options, Outcome
    from scaffolder.forge_budget import ForgeBudget
    from scaffolder.record import Record


def checks_of(forge: Forge, repo: Repo, branch: str, sha: str, options: Options, record: Record) -> Checks:
    """The PR head's checks: run by scaffold on the embedded forge (trusted golden paths only),
    read from the forge elsewhere."""
    timeout = options.new.model.spec.campaign.check_timeout
    if isinstance(forge, LocalForge) and options.trusted and options.run_checks and options.envs is not None:
        answers = {**record.answers, **options.answers}
        return pr_checks.run_on_local(forge, repo, branch, sha, options.new, answers, options.envs, timeout)
    return pr_checks.read(forge, repo, sha, timeout)


def follow(
    forge: Forge,
    repo: Repo,
    pr: PullRequest,
    out: Outcome,
    options: Options,
    record: Record,
    writes: ForgeBudget,
) -> None:
    """Checks, the merge decision and the merge of an open PR whose branch the bot just settled;
    `out` says what happened (`checks`, `merge`, and `state` merged or failed)."""
    sha = forge.head_sha(repo, pr.head) or pr.head_sha
    checks = checks_of(forge, repo, pr.head, sha, options, record)
    out.checks = checks.state
    policy = options.new.model.spec.campaign
    reasons = merge_policy.blockers(
        policy.automerge, out.from_version, out.to_version, checks.state, conflicts=bool(out.conflicts)
    )
    if not reasons and options.automerge and forge.mergeable(repo, pr.number) is False:
        reasons.append("conflicts")
    if reasons or not options.automerge:
        out.merge = merge_policy.verdict(reasons, options.automerge)
        if checks.state == "timed-out":
            late = [name for name, state in checks.names if state in ("pending", "timed-out")]
            late_note = f"checks timed out after {policy.check_timeout} s: {', '.join(late)}"
            out.reason = f"{out.reason}; {late_note}" if out.reason else late_note
        return
    try:
        writes(lambda: forge.merge_pull_request(repo, pr.number, sha), check=lambda: _merged(forge, repo, pr.head))
    except ForgeError as exc:
        now = forge.find_pull_request(repo, pr.head)
        if now is not None and now.state == "merged":
            out.state, out.merge, out.reason = "merged", "merged by hand", "merged by a human while the bot ran"
            refresh_catalog(forge, repo, out, options)
            return
        out.state, out.reason = "failed", exc.render()
        out.merge = "no merge rights" if "no merge rights" in exc.message else "merge refused"
        return
    out.state, out.merge = "merged", "merged"
    refresh_catalog(forge, repo, out, options)


def _merged(forge: Forge, repo: Repo, branch: str) -> PullRequest | None:
    """The PR, when an earlier, rate-limited try merged it after all (looked up before trying again)."""
    found = forge.find_pull_request(repo, branch)
    return found if found is not None and found.state == "merged" else None


def refresh_catalog(forge: Forge, repo: Repo, out: Outcome, options: Options) -> None:
    """Bring the catalog entity of a repo whose migration PR merged up to date (`out.catalog`)."""
    if options.catalog is None:
        return
    from scaffolder.catalogs.sync import refresh_repo

    refreshed = refresh_repo(options.catalog, forge, repo)
    if refreshed is not None:
        out.catalog = refreshed.state if refreshed.state != "failed" else f"failed: {refreshed.error}"


def why_updated(
    forge: Forge, repo: Repo, number: int, was: Any, to: str, moved: bool, writes: ForgeBudget
) -> str | None:
    """Why an open PR was redone: superseded (an older target: a comment says so) or its base moved."""
    if isinstance(was, str) and was != to:
        writes(lambda: forge.comment_pull_request(repo, number, superseded_comment(was, to)))
        return f"superseded: now {to} instead of {was}"
    return f"rebased onto the moved {repo.default_branch}" if moved else None


def merged_meanwhile(forge: Forge, repo: Repo, branch: str, seen: PullRequest | None, out: Outcome) -> None:
    """A PR that was open and failed the bot because a human merged it meanwhile counts as merged."""
    if seen is None or seen.state != "open":
        return
    try:
        now = forge.find_pull_request(repo, branch)
    except ScaffoldError:
        return
    if now is not None and now.state == "merged":
        out.state, out.merge, out.reason = "merged", "merged by hand", "merged by a human while the bot ran"


def superseded_comment(old: str, new: str) -> str:
    """The comment on a PR the campaign moves from an older target to the newest one."""
    return (
        f"Superseded: this pull request now upgrades to **{new}** instead of {old}, the campaign's "
        "target now (`scaffold migrate` keeps one pull request per repository). The branch was redone "
        "from the default branch; the description lists the new changes."
    )
