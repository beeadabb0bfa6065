"""The fleet of a golden path: the repos on the forge whose record names it (read from their default
branches, in a stable order, optionally one deterministic share `--shard I/N`), and where it stands:
each repo's version and its migration pull request (the bot's branch, the PR's metadata block), its
checks and whether it merged or why not."""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from scaffolder import record as records
from scaffolder import yamlio
from scaffolder.errors import ConfigError, ForgeError, Problem, ScaffoldError, TemplateError
from scaffolder.forges.base import Forge, PullRequest, Repo
from scaffolder.record import RECORD_PATH, Record

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


@dataclass(frozen=True)
class Shard:
    """`--shard I/N`: this run takes the repos whose name hashes to I (1-based) of N."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
        if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
            raise ConfigError(f"--shard must look like I/N with 1 <= I <= N, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    def takes(self, full_name: str) -> bool:
        return zlib.crc32(full_name.lower().encode()) % self.count == self.index - 1


@dataclass
class Target:
    """One repo of the fleet and what its record says."""

    repo: Repo
    record: Record | None
    error: str | None = None

    @property
    def version(self) -> str | None:
        return self.record.template.version if self.record else None


def read_record(forge: Forge, repo: Repo) -> Record | None:
    """The record on the repo's default branch, or None when the repo was not made by scaffold."""
    data = forge.read_file(repo, RECORD_PATH)
    if data is None:
        return None
    try:
        return records.parse(data.decode("utf-8"), Path(RECORD_PATH))
    except yamlio.YamlSyntaxError as exc:
        raise TemplateError(f"{repo.full_name}: {RECORD_PATH} is malformed", [exc.problem]) from None
    except ValueError as exc:  # not UTF-8, or not a record
        problem = Problem(RECORD_PATH, str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise TemplateError(f"{repo.full_name}: {RECORD_PATH} is invalid", [problem]) from None


def fleet(forge: Forge, name: str, repos: Iterable[str] | None = None, shard: Shard | None = None) -> list[Target]:
    """Repos whose record names the golden path (or the explicit list), in a stable order."""
    if repos:
        found = []
        for ref in repos:
            owner, _, repo_name = ref.rpartition("/")
            repo = forge.get_repo(owner or forge.default_owner(), repo_name)
            if repo is None:
                raise ForgeError(f"no repo {ref!r} on the forge")
            found.append(repo)
    else:
        found = forge.list_repos()
    targets = []
    for repo in sorted(found, key=lambda r: r.full_name.lower()):
        if shard and not shard.takes(repo.full_name):
            continue
        try:
            record = read_record(forge, repo)
        except Exception as exc:  # one repo's bad record (or a bug reading it) must not stop the fleet
            reason = exc.render() if isinstance(exc, ScaffoldError) else f"{type(exc).__name__}: {exc}"
            targets.append(Target(repo, None, f"unreadable record: {reason}"))
            continue
        if record is not None and record.template.name == name:
            targets.append(Target(repo, record))
        elif repos:
            targets.append(Target(repo, None, f"its record does not name {name}"))
    return targets


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


def status(
    forge: Forge,
    name: str,
    shard: Shard | None = None,
    catalog: Catalog | None = None,
    policy: CampaignPolicy | None = None,
) -> list[FleetEntry]:
    """Where the fleet stands: each repo's recorded version and its migration PR, if any, with an
    open PR's checks and what stops its merge under `policy` (the golden path's `spec.campaign`).
    With `catalog`, the entity of each repo whose PR is merged is refreshed so the catalog stays true."""
    from scaffolder.template import CampaignPolicy

    policy = policy or CampaignPolicy()
    entries = []
    for target in fleet(forge, name, shard=shard):
        try:
            pr = forge.find_pull_request(target.repo, branch_for(name))
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
        )
        if catalog is not None and pr is not None and pr.state == "merged" and not target.error:
            entry.catalog = _refresh(catalog, forge, target.repo)
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
) -> FleetStatus:
    """`scaffold migrate status NAME` as one call: each repo's recorded version and its migration
    PR; the catalog entity of each repo whose PR is merged is refreshed (the settings' catalog)."""
    from scaffolder import config

    if forge is None:
        forge = config.open_forge(settings)
    if catalog is None:
        catalog = config.open_catalog(settings)
    return FleetStatus(status(forge, name, shard, catalog, _policy(settings, name)))


def _policy(settings: Settings, name: str) -> CampaignPolicy | None:
    """The golden path's campaign policy (None, the defaults, when it cannot be found)."""
    from scaffolder import sources

    try:
        return sources.resolve(name, settings).template.model.spec.campaign
    except ScaffoldError:
        return None
