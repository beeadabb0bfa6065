"""The fleet of a golden path and where it stands: each repo's version and its migration pull request
(the bot's branch, the PR's metadata block), its checks and whether it merged or why not.
Finding the repos is `scaffolder.discovery`'s job."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from scaffolder.discovery import Discover, Found, Shard, Target, find, find_fleet, read_record
from scaffolder.errors import ScaffoldError
from scaffolder.forges.base import Forge, PullRequest, Repo

if TYPE_CHECKING:
    from scaffolder.catalogs.base import Catalog
    from scaffolder.config import Settings
    from scaffolder.template import CampaignPolicy

LABEL = "scaffold-upgrade"
CONFLICT_LABEL = "scaffold-conflicts"
META = re.compile(r"<!-- scaffold-metadata (\{.*?\}) -->", re.S)


def branch_for(name: str) -> str:
    return f"scaffold/{name}"


def metadata(pr: PullRequest | None) -> dict[str, Any]:
    if pr is None:
        return {}
    match = META.search(pr.body)
    try:
        return dict(json.loads(match.group(1))) if match else {}
    except ValueError:
        return {}


def fleet(
    forge: Forge,
    name: str,
    repos: Iterable[str] | None = None,
    shard: Shard | None = None,
    *,
    catalog: Catalog | None = None,
    discover: Discover = "forge",
) -> list[Target]:
    """Repos whose record names the golden path (or the explicit list), in a stable order: found by
    scanning the forge, or through `catalog` (`discovery.find`)."""
    return find(forge, name, repos, shard, catalog=catalog, discover=discover).targets


@dataclass
class FleetEntry:
    repo: str
    version: str | None
    pr_number: int | None
    pr_state: str | None
    pr_target: str | None
    error: str | None = None
    state: Literal["ok", "failed"] = "ok"  # failed: its record cannot be read (`error` says why)
    catalog: str | None = None  # after a merged PR: refreshed, unchanged or failed (the catalog entity)
    checks: str | None = None  # an open PR's checks: success, failure, pending, timed-out or none
    merge: str | None = None  # merged, declined, or why the open PR is not merged (`ready`: nothing stops it)
    warning: str | None = None  # the catalog disagrees with the record (the record wins)


def status(
    forge: Forge,
    name: str,
    shard: Shard | None = None,
    catalog: Catalog | None = None,
    policy: CampaignPolicy | None = None,
    *,
    found: Found | None = None,
) -> list[FleetEntry]:
    """Where the fleet stands: each repo's recorded version and its migration PR, if any, with an
    open PR's checks and what stops its merge under `policy` (the golden path's `spec.campaign`).
    With `catalog`, the entity of each repo whose PR is merged is refreshed so the catalog stays true.
    `found` is the fleet already discovered (default: a scan of the forge)."""
    from scaffolder.template import CampaignPolicy

    policy = policy or CampaignPolicy()
    entries = []
    for target in (found or find(forge, name, shard=shard)).targets:
        try:
            pr = forge.find_pull_request(target.repo, branch_for(name)) if target.repo.clone_url else None
        except ScaffoldError as exc:
            entries.append(FleetEntry(target.repo.full_name, target.version, None, None, None, exc.render(), "failed"))
            continue
        entry = FleetEntry(
            target.repo.full_name,
            target.version,
            pr.number if pr else None,
            pr.state if pr else None,
            metadata(pr).get("to"),
            target.error,
            "failed" if target.error else "ok",
            warning=target.warning,
        )
        if catalog is not None and pr is not None and pr.state == "merged" and not target.error:
            entry.catalog = _refresh(catalog, forge, target.repo)
            if entry.catalog == "refreshed":
                entry.warning = None  # the catalog now says what the record says
        if pr is not None:
            _follow_state(forge, target.repo, pr, entry, policy)
        entries.append(entry)
    return entries


def _follow_state(forge: Forge, repo: Repo, pr: PullRequest, entry: FleetEntry, policy: CampaignPolicy) -> None:
    """An entry's checks and merge state (for an open PR: what stops its merge; human commits
    are not looked for here, the campaign finds them)."""
    from scaffolder import merge_policy, pr_checks

    if pr.state != "open":
        entry.merge = "merged" if pr.state == "merged" else "declined"
        return
    try:
        entry.checks = pr_checks.read(forge, repo, pr.head_sha, policy.check_timeout).state
    except ScaffoldError as exc:
        entry.checks, entry.error = None, exc.render()
        return
    target = entry.pr_target or "0.0.0"
    reasons = merge_policy.blockers(
        policy.automerge, entry.version, target, entry.checks, conflicts=CONFLICT_LABEL in pr.labels
    )
    entry.merge = merge_policy.verdict(reasons, automerge=False)


def _refresh(catalog: Catalog, forge: Forge, repo: Repo) -> str | None:
    """Refresh the repo's catalog entity after its migration PR was merged; what happened."""
    from scaffolder.catalogs.sync import refresh_repo

    refreshed = refresh_repo(catalog, forge, repo)
    if refreshed is None:
        return None
    if refreshed.state == "failed":
        return f"failed: {(refreshed.error or '').partition(chr(10))[0]}"
    return refreshed.state


@dataclass
class FleetStatus:
    """Where the fleet stands: its repos, how many are at each version and in each migration PR state."""

    entries: list[FleetEntry]
    discovery: str = "forge"  # how the repos were found: catalog, forge (a scan) or repos
    notes: list[str] = field(default_factory=list)  # why discovery fell back, entities naming no repo

    @property
    def versions(self) -> dict[str, int]:
        return _count(e.version or "?" for e in self.entries)

    @property
    def pull_requests(self) -> dict[str, int]:
        return _count(e.pr_state or "none" for e in self.entries)

    @property
    def checks(self) -> dict[str, int]:
        """How many open migration PRs have each check state."""
        return _count(e.checks for e in self.entries if e.checks)

    @property
    def merges(self) -> dict[str, int]:
        """How many migration PRs merged, were declined, or wait for each reason."""
        return _count(e.merge for e in self.entries if e.merge)

    @property
    def failed(self) -> list[FleetEntry]:
        """The repos whose record cannot be read."""
        return [e for e in self.entries if e.state == "failed"]

    def to_json(self) -> dict[str, Any]:
        """The JSON of `scaffold migrate status --output json` (docs/cli.md)."""
        return {
            "repos": [asdict(e) for e in self.entries],
            "versions": self.versions,
            "pull_requests": self.pull_requests,
            "checks": self.checks,
            "merges": self.merges,
            "failed": len(self.failed),
            "discovery": self.discovery,
            "notes": self.notes,
        }


def _count(keys: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for key in keys:
        counts[key] = counts.get(key, 0) + 1
    return counts


def fleet_status(
    settings: Settings,
    name: str,
    *,
    shard: Shard | None = None,
    forge: Forge | None = None,
    catalog: Catalog | None = None,
    discover: Discover = "auto",
) -> FleetStatus:
    """`scaffold migrate status NAME` as one call: the fleet found through the catalog or the forge
    (`discover`), each repo's recorded version and its migration PR; the catalog entity of each
    repo whose PR is merged is refreshed (the settings' catalog)."""
    from scaffolder import config

    if forge is None:
        forge = config.open_forge(settings)
    if catalog is None:
        catalog = config.open_catalog(settings)
    found = find_fleet(settings, forge, name, shard=shard, discover=discover, catalog=catalog, light=True)
    notes = ([found.note] if found.note else []) + found.problems
    return FleetStatus(status(forge, name, shard, catalog, _policy(settings, name), found=found), found.how, notes)


def _policy(settings: Settings, name: str) -> CampaignPolicy | None:
    """The golden path's campaign policy (None, the defaults, when it cannot be found)."""
    from scaffolder import sources

    try:
        return sources.resolve(name, settings).template.model.spec.campaign
    except ScaffoldError:
        return None


__all__ = [
    "FleetEntry",
    "FleetStatus",
    "Shard",
    "Target",
    "branch_for",
    "fleet",
    "fleet_status",
    "metadata",
    "read_record",
    "status",
]
