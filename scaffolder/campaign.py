"""Migration campaigns: bring every repo made from a golden path up to a version, by pull request.

For each repo whose record names the golden path at an older version: clone it, run the upgrade
engine on a deterministic branch (`scaffold/NAME`), and open or update one pull request whose
body carries the changelog, the conflicted files and a machine-readable metadata block. Reruns
are idempotent: the same branch and PR are reused, a merged PR counts as done, a PR closed
unmerged for the same target version counts as declined. The bot rewrites its branch only when
every commit on it since the base is its own; otherwise the repo is reported `edited-by-human`.
An open PR is redone on the default branch when that moved (a rebase), and moved to the newest
target when it was for an older one (superseded, with a comment). Each pushed PR is then followed
(`pr_follow`): its checks, its merge when `--automerge` and the policy allow, the catalog after.
Clone/render/merge run concurrently; forge writes go through one write budget shared by every
process on the same forge and token (scaffolder/forge_budget.py).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from scaffolder import git, reviewers
from scaffolder.discovery import Discover, find_fleet
from scaffolder.errors import ForgeError, ScaffoldError
from scaffolder.fleet import (
    CONFLICT_LABEL,
    LABEL,
    FleetEntry,
    FleetStatus,
    Shard,
    Target,
    branch_for,
    fleet,
    fleet_status,
    metadata,
    read_record,
    status,
)
from scaffolder.forge_budget import ForgeBudget, OnWait, for_forge
from scaffolder.forges.base import Forge, PullRequest, Repo
from scaffolder.pr_body import pr_body
from scaffolder.pr_follow import follow, merged_meanwhile, why_updated
from scaffolder.pr_labels import labels_for
from scaffolder.render import scratch_dir
from scaffolder.template import Template
from scaffolder.upgrade import renders
from scaffolder.versions import key as semver_key

if TYPE_CHECKING:
    from scaffolder.catalogs.base import Catalog
    from scaffolder.config import Settings
    from scaffolder.guild.check_env import CheckEnvs

State = Literal[
    "no-change",
    "opened",
    "updated",
    "up-to-date",
    "conflicted",
    "edited-by-human",
    "declined",
    "merged",
    "failed",
]


def bot_identity() -> git.Identity:
    """Who the bot commits as; its branch is rewritten only over commits by this email."""
    return git.Identity(
        os.environ.get("SCAFFOLD_BOT_NAME", "scaffold-bot"),
        os.environ.get("SCAFFOLD_BOT_EMAIL", "scaffold-bot@users.noreply.scaffold.dev"),
    )


@dataclass
class Outcome:
    """What the campaign did to one repo (one JSON line per repo with `--output json`)."""

    repo: str
    state: State
    from_version: str | None
    to_version: str
    pr_number: int | None = None
    pr_url: str | None = None
    conflicts: list[str] = field(default_factory=list)
    changed_files: int = 0
    reason: str | None = None
    seconds: float = 0.0
    waited: float = 0.0  # of `seconds`, how long the repo waited for the shared write budget
    reviewers: list[str] = field(default_factory=list)  # asked on this PR by this run (see reviewers.People.asked)
    people_note: str | None = None  # why someone wanted was not asked (no failure)
    checks: str | None = None  # the PR's checks: success, failure, pending, timed-out or none
    merge: str | None = None  # merged, or why it stays open (merge_policy)
    catalog: str | None = None  # after a merge: what refreshing the catalog entity did
    warning: str | None = None  # the catalog disagrees with the record (the record wins)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Options:
    name: str
    new: Template
    resolve_old: Callable[[str], Template]  # version -> that release of the golden path
    changelog: Callable[[str, str], str]  # (from, to) -> changelog text
    answers: Mapping[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    trusted: bool = False
    concurrency: int = 2
    write_interval: float = 0.0  # extra floor between forge writes (the forge keeps its own too)
    on_wait: OnWait | None = None  # told when the shared write budget pauses this process
    source: str | None = None  # the library and release ref the new records name
    ref: str | None = None
    directory: reviewers.Directory | None = None  # the catalog where owning teams and members are looked up
    automerge: bool = False  # merge what the policy allows (`--automerge`)
    run_checks: bool = True  # on the embedded forge, run the golden path's checks (trusted only)
    catalog: Catalog | None = None  # refreshed after a merge
    envs: CheckEnvs | None = None  # where the embedded forge's checks run (set by `run`)


def migrate_repo(forge: Forge, target: Target, options: Options, writes: ForgeBudget) -> Outcome:
    """Upgrade one repo on the bot's branch and open or update its pull request."""
    from scaffolder.upgrade import upgrade_tree

    began = time.perf_counter()
    to = options.new.version
    repo, record = target.repo, target.record
    out = Outcome(repo.full_name, "failed", target.version, to)
    if record is None:
        out.reason = target.error or "no record"
        return out
    branch = branch_for(options.name)
    existing = forge.find_pull_request(repo, branch)
    meta = metadata(existing)
    if existing is not None:
        out.pr_number, out.pr_url = existing.number, existing.url
    if existing is not None and meta.get("to") == to and existing.state in ("merged", "closed"):
        out.state = "merged" if existing.state == "merged" else "declined"
        out.merge = "merged" if existing.state == "merged" else "declined"
        return out
    if semver_key(record.template.version) >= semver_key(to):
        out.state = "up-to-date"
        return out
    work = Path(tempfile.mkdtemp(prefix="scaffold-campaign-", dir=scratch_dir()))
    try:
        remote_head = forge.head_sha(repo, branch)  # read first: the clone then holds at least this
        clone = forge.clone(repo, work / "repo", repo.default_branch)
        if remote_head is not None:  # the clone has it as origin/BRANCH
            foreign = [
                c
                for c in git.commits_between(clone, f"origin/{repo.default_branch}", f"origin/{branch}", bare=False)
                if not _is_bot(c)
            ]
            if foreign:
                out.state, out.merge = "edited-by-human", "human commits"
                out.reason = (
                    f"{len(foreign)} commit(s) on {branch} are not the bot's ({foreign[0][0][:12]} by {foreign[0][1]})"
                )
                return out
        moved = remote_head is not None and not git.is_ancestor(  # the default branch moved since
            clone, f"origin/{repo.default_branch}", f"origin/{branch}", bare=False
        )
        old = options.resolve_old(record.template.version)
        git.checkout_new(clone, branch)  # before the upgrade: it leaves conflicts unmerged in the index
        result = upgrade_tree(
            clone,
            old,
            options.new,
            forge=forge,
            answers=options.answers,
            dry_run=options.dry_run,
            trusted=options.trusted,
            source=options.source or record.template.source,
            ref=options.ref,
        )
        out.conflicts = list(result.conflicts)
        out.changed_files = len(result.files_changed)
        if out.changed_files == 0 and not result.conflicts:
            out.state = "no-change"  # at most the record's version would move: not worth a PR
            return out
        policy = options.new.model.spec.campaign
        info = git.read_file(clone / ".git", f"origin/{repo.default_branch}", reviewers.CATALOG_INFO)
        people = reviewers.people_for(forge, repo, options.directory, (policy.reviewers, policy.assignees), info)
        asked = list(meta.get("asked") or []) if existing is not None and existing.state == "open" else []
        todo = people.without(asked)
        out.reviewers, out.people_note = todo.asked(), "; ".join(people.notes) or None
        if options.dry_run:
            out.state = (
                "conflicted" if result.conflicts else ("updated" if existing and existing.state == "open" else "opened")
            )
            out.reason = "dry run: nothing pushed"
            return out
        message = f"Upgrade {options.name} golden path from {record.template.version} to {to}"
        sha = git.commit_all(clone, message, _now(), author=bot_identity(), committer=bot_identity())
        title = f"Upgrade {options.name} from {record.template.version} to {to}"
        changes = options.changelog(record.template.version, to)
        every = sorted({*asked, *todo.asked()})
        body = pr_body(
            options.name,
            record.template.version,
            to,
            result,
            changes,
            branch=branch,
            base=repo.default_branch,
            asked=every,
        )
        labels = labels_for([LABEL, *policy.labels], CONFLICT_LABEL, bool(result.conflicts), existing)
        same_tree = remote_head is not None and forge.tree_sha(repo, branch) == git.tree_sha(clone, sha)
        if not same_tree:
            refused = _push(forge, repo, clone, branch, git.tree_sha(clone, sha), remote_head, writes)
            if refused is not None:
                out.state, out.reason, out.merge = "edited-by-human", refused, "human commits"
                return out
        existing = forge.find_pull_request(repo, branch) if existing is None else existing
        if existing is not None and existing.state == "open":
            pr = existing
            if same_tree and existing.title == title and existing.body == body and set(labels) <= set(existing.labels):
                out.state = "up-to-date"
            else:
                pr = writes(lambda: forge.update_pull_request(repo, existing.number, title, body, labels))
                out.state, out.pr_number, out.pr_url = "updated", pr.number, pr.url
                out.reason = why_updated(forge, repo, pr.number, meta.get("to"), to, moved, writes)
        else:
            pr = writes(
                lambda: forge.open_pull_request(repo, branch, repo.default_branch, title, body, labels),
                check=lambda: _opened(forge, repo, branch, title),
            )
            out.state, out.pr_number, out.pr_url = "opened", pr.number, pr.url
        if todo and out.pr_number is not None:
            _ask(forge, repo, out, todo, writes)
        if result.conflicts and out.state in ("opened", "updated"):
            out.state = "conflicted"
        follow(forge, repo, pr, out, options, record, writes)
        return out
    except ScaffoldError as exc:
        out.state, out.reason = "failed", exc.render()
        merged_meanwhile(forge, repo, branch, existing, out)
        return out
    finally:
        out.seconds = round(time.perf_counter() - began, 3)
        shutil.rmtree(work, ignore_errors=True)


def _ask(forge: Forge, repo: Repo, out: Outcome, todo: reviewers.People, writes: ForgeBudget) -> None:
    """Ask the people not asked yet; who the forge refuses is named in the outcome's note (and,
    like everyone in the metadata block, not asked again)."""
    number = out.pr_number
    assert number is not None
    refused, why = writes(lambda: reviewers.ask(forge, repo, number, todo))
    if refused:
        out.reviewers = [name for name in out.reviewers if name not in refused]
        out.people_note = "; ".join(filter(None, [out.people_note, *why]))


def _now() -> str:
    from scaffolder.runs import now_iso

    return now_iso()


def _push(
    forge: Forge, repo: Repo, clone: Path, branch: str, tree: str | None, seen: str | None, writes: ForgeBudget
) -> str | None:
    """Push the bot's branch over what the bot last saw there (a lease), never over a commit that
    arrived since; returns why it did not push when the branch moved meanwhile.

    Another campaign pushing this very upgrade at the same moment leaves the branch holding the
    same tree: that counts as pushed. Any other move is left alone and reported; the next run sees
    who moved it (a human: `edited-by-human`; only the bot: it updates the branch).
    """
    ref = f"refs/heads/{branch}"
    try:
        writes(lambda: forge.push(repo, clone, [f"HEAD:{ref}"], lease={ref: seen or ""}))
        return None
    except ForgeError:
        time.sleep(0.2)
    now = forge.head_sha(repo, branch)
    if now is not None and forge.tree_sha(repo, branch) == tree:
        return None
    return f"{branch} moved while the bot worked (now at {now[:12] if now else 'nothing'}); left alone, rerun to retry"


def _opened(forge: Forge, repo: Repo, branch: str, title: str) -> PullRequest | None:
    """The PR an earlier, rate-limited try opened after all (looked up before trying again)."""
    found = forge.find_pull_request(repo, branch)
    return found if found is not None and found.state == "open" and found.title == title else None


def _is_bot(commit: tuple[str, str, str]) -> bool:
    return commit[1] == bot_identity().email and commit[2] == bot_identity().email


_T = TypeVar("_T")


def _once(fn: Callable[..., _T]) -> Callable[..., _T]:
    """`fn` computed once per distinct arguments, shared by the campaign's threads (a failure is
    not kept: each repo meets it again)."""
    results: dict[tuple[Any, ...], _T] = {}
    lock = threading.Lock()

    def once(*args: Any) -> _T:
        with lock:
            if args in results:
                return results[args]
        value = fn(*args)
        with lock:
            return results.setdefault(args, value)

    return once


def run(
    forge: Forge,
    targets: list[Target],
    options: Options,
    on_outcome: Callable[[Outcome, int, int], None] | None = None,
) -> list[Outcome]:
    """Migrate every target; a failing repo never stops the others. Outcomes in fleet order."""
    from scaffolder.guild.check_env import CheckEnvs

    writes = for_forge(forge, options.write_interval, options.on_wait)
    if options.envs is None:
        options = replace(options, envs=CheckEnvs(options.new.name, options.new.version))
    # Every repo at one version upgrades from the same release with the same changelog: look each up once.
    options = replace(options, resolve_old=_once(options.resolve_old), changelog=_once(options.changelog))
    total = len(targets)
    done = 0
    lock = threading.Lock()
    results: dict[int, Outcome] = {}

    def one(index: int, target: Target) -> None:
        nonlocal done
        waited = writes.waited()  # this thread's total so far
        try:
            outcome = migrate_repo(forge, target, options, writes)
            outcome.waited = round(writes.waited() - waited, 3)
        except Exception as exc:  # a bug in one repo must not stop the fleet; it is reported
            outcome = Outcome(
                target.repo.full_name,
                "failed",
                target.version,
                options.new.version,
                reason=f"unexpected {type(exc).__name__}: {exc}",
            )
        outcome.warning = outcome.warning or target.warning
        with lock:
            results[index] = outcome
            done += 1
            if on_outcome:
                on_outcome(outcome, done, total)

    with renders.shared(), ThreadPoolExecutor(max_workers=max(1, options.concurrency)) as pool:
        for future in [pool.submit(one, i, t) for i, t in enumerate(targets)]:
            future.result()
    return [results[i] for i in range(total)]


def summary(outcomes: list[Outcome]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for outcome in outcomes:
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
    return dict(sorted(counts.items()))


@dataclass
class CampaignResult:
    """A campaign's outcomes, in fleet order, and the version it brought the fleet to."""

    to_version: str
    outcomes: list[Outcome]

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.outcomes)

    @property
    def failed(self) -> bool:
        return bool(self.summary.get("failed"))

    def to_json(self) -> dict[str, Any]:
        """The closing line of `scaffold migrate --output json` (docs/cli.md)."""
        return {"summary": self.summary, "total": len(self.outcomes), "to_version": self.to_version}


def _options(name: str, to: str | None, settings: Settings, **given: Any) -> Options:
    """The campaign's golden path resolved once: the target version, where it came from, and a lookup
    of the older releases and the changelog (each done once per version by `run`)."""
    from scaffolder import sources

    found = sources.resolve(f"{name}@{to}" if to else name, settings)
    trusted = bool(given.pop("trust", False)) or settings.trusts(found.library)
    return Options(
        name=name,
        new=found.template,
        resolve_old=found.release,
        changelog=found.changelog,
        trusted=trusted,
        source=found.library,
        ref=found.ref,
        **given,
    )


def _directory(settings: Settings) -> reviewers.Directory | None:
    """The settings' catalog, where owning teams are looked up once per campaign (None when it
    cannot be opened)."""
    from scaffolder import config

    try:
        return reviewers.Lookups(config.open_catalog(settings))
    except ScaffoldError:
        return None


def run_campaign(
    settings: Settings,
    name: str,
    *,
    to: str | None = None,
    repos: Iterable[str] | None = None,
    shard: Shard | None = None,
    answers: Mapping[str, Any] | None = None,
    dry_run: bool = False,
    trust: bool = False,
    concurrency: int = 2,
    write_interval: float = 0.0,
    on_outcome: Callable[[Outcome, int, int], None] | None = None,
    forge: Forge | None = None,
    on_wait: OnWait | None = None,
    automerge: bool = False,
    catalog: Catalog | None = None,
    run_checks: bool = True,
    discover: Discover = "auto",
) -> CampaignResult:
    """`scaffold migrate NAME` as one call: upgrade every repo made from golden path `name` to version `to`
    (default: the newest), one pull request per repo, followed to the end (`pr_follow`); with
    `automerge` the ones the policy allows are merged. `forge` and `catalog` default to the
    configured ones."""
    options = _options(
        name,
        to,
        settings,
        answers=dict(answers or {}),
        dry_run=dry_run,
        trust=trust,
        concurrency=concurrency,
        write_interval=write_interval,
        on_wait=on_wait,
        automerge=automerge,
        run_checks=run_checks,
    )
    from scaffolder import config

    if forge is None:
        forge = config.open_forge(settings)
    if not dry_run:
        options.catalog = catalog if catalog is not None else config.open_catalog(settings)
    targets = find_fleet(settings, forge, name, list(repos) if repos else None, shard, discover).targets
    options.directory = _directory(settings)
    result = CampaignResult(options.new.version, run(forge, targets, options, on_outcome))
    if not dry_run:  # each repo's last outcome and the burndown of the dashboard (scaffolder/history.py)
        from scaffolder.history import record_campaign

        record_campaign(settings.home, name, result.to_version, result.outcomes, whole=not repos and not shard)
    return result


__all__ = [
    "CampaignResult",
    "FleetEntry",
    "FleetStatus",
    "Options",
    "Outcome",
    "Shard",
    "Target",
    "fleet",
    "fleet_status",
    "read_record",
    "run",
    "run_campaign",
    "status",
]
