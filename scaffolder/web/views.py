"""What the dashboard's pages show, gathered from the library the CLI calls (`sources`, `campaign.fleet_status`,
the forge, the catalog, `history`): plain data, no web framework, so the static report uses it too."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder import history
from scaffolder.errors import ScaffoldError
from scaffolder.versions import key as semver_key

if TYPE_CHECKING:
    from scaffolder.catalogs.base import Catalog
    from scaffolder.config import Settings
    from scaffolder.fleet import FleetStatus
    from scaffolder.forges.base import Forge, PullRequest, Repo
    from scaffolder.template import CampaignPolicy

SORTS = ("repo", "owner", "version", "behind", "pr", "outcome")
HIDDEN = "••••••"  # what a secret answer shows


@dataclass
class GoldenPath:
    """One golden path of the libraries: its metadata, releases and adoption (repos per version)."""

    name: str
    version: str | None
    title: str | None
    description: str | None
    owner: str | None
    lifecycle: str | None
    library: str
    error: str | None
    releases: list[dict[str, Any]] = field(default_factory=list)
    adoption: dict[str, int] = field(default_factory=dict)


def golden_paths(settings: Settings, forge: Forge | None = None) -> list[GoldenPath]:
    """Every golden path (as `scaffold list`), with its releases (as `scaffold versions`) and how
    many repos on the forge are at each of its versions."""
    from scaffolder import sources

    adoption = _adoption(forge) if forge is not None else {}
    out = []
    for entry in sources.list_entries(settings.libraries):
        meta = entry.template.model.metadata if entry.template else None
        path = GoldenPath(
            entry.name,
            entry.template.version if entry.template else None,
            meta.title if meta else None,
            meta.description if meta else None,
            meta.owner if meta else None,
            meta.lifecycle if meta else None,
            entry.library,
            entry.error.render() if entry.error else None,
            adoption=dict(sorted(adoption.get(entry.name, {}).items(), key=lambda kv: _vkey(kv[0]))),
        )
        if entry.template is not None:
            path.releases = releases(settings, entry.name)
        out.append(path)
    return out


def releases(settings: Settings, name: str) -> list[dict[str, Any]]:
    """The JSON of `scaffold versions NAME -o json`: releases newest first, with their changelog."""
    from scaffolder import sources

    found = reversed(sources.resolve(name, settings).versions())
    return [
        {"version": r.version, "current": r.current, "ref": r.ref, "library": r.library, "date": r.date,
         "changelog": r.changelog}
        for r in found
    ]  # fmt: skip


def _adoption(forge: Forge) -> dict[str, dict[str, int]]:
    """Repos per golden path per version, from each repo's record (one scan of the forge)."""
    from scaffolder.fleet import read_record

    counts: dict[str, dict[str, int]] = {}
    for repo in forge.list_repos():
        try:
            record = read_record(forge, repo)
        except ScaffoldError:
            continue
        if record is not None:
            per = counts.setdefault(record.template.name, {})
            per[record.template.version] = per.get(record.template.version, 0) + 1
    return counts


def _vkey(version: str | None) -> tuple[int, Any]:
    try:
        return (1, semver_key(version or ""))
    except ValueError:
        return (0, version or "")


@dataclass
class Row:
    """One repo of a fleet as the dashboard lists it."""

    repo: str
    owner: str | None
    version: str | None
    behind: int | None  # releases between its version and the newest
    pr_number: int | None
    pr_state: str | None
    pr_target: str | None
    checks: str | None
    merge: str | None
    conflicts: list[str]
    outcome: str | None  # its last campaign outcome
    reason: str | None
    error: str | None
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Fleet:
    """A golden path's fleet: the CLI's status plus the dashboard's rows, filters and burndown."""

    name: str
    newest: str
    releases: list[str]  # oldest first
    status: FleetStatus
    rows: list[Row]
    burndown: list[history.Point]

    @property
    def behind(self) -> int:
        return sum(1 for r in self.rows if r.behind)

    def adoption(self) -> dict[str, int]:
        """Repos per version, oldest version first."""
        return dict(sorted(self.status.versions.items(), key=lambda kv: _vkey(kv[0])))

    def owners(self) -> list[str]:
        return sorted({r.owner for r in self.rows if r.owner})

    def versions(self) -> list[str]:
        return sorted({r.version for r in self.rows if r.version}, key=_vkey)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "newest": self.newest,
            "behind": self.behind,
            "rows": [r.to_json() for r in self.rows],
            "burndown": [p.to_json() for p in self.burndown],
            "status": self.status.to_json(),
        }


def fleet(settings: Settings, name: str, status: FleetStatus | None = None) -> Fleet:
    """The fleet of golden path `name`: `migrate status` (recorded in the history, as the CLI does;
    or the `status` given), each repo's owner from the catalog, how far behind it is, and its last
    campaign outcome."""
    from scaffolder import config, sources
    from scaffolder.campaign import fleet_status

    found = sources.resolve(name, settings)
    versions = [r.version for r in found.versions()]
    forge, catalog = config.open_forge(settings), config.open_catalog(settings)
    if status is None:
        status = fleet_status(settings, name, forge=forge, catalog=catalog)
        history.record_snapshot(settings.home, name, [e.version for e in status.entries if e.state == "ok"], "status")
    last = history.last_outcomes(settings.home, name)
    repos = {r.full_name: r for r in forge.list_repos()}
    rows = []
    for entry in status.entries:
        outcome = last.get(entry.repo)
        repo = repos.get(entry.repo)
        rows.append(
            Row(
                entry.repo,
                _owner(forge, catalog, repo) if repo is not None else None,
                entry.version,
                _behind(versions, entry.version, found.version),
                entry.pr_number,
                entry.pr_state,
                entry.pr_target,
                entry.checks,
                entry.merge,
                outcome.conflicts if outcome and entry.pr_state == "open" else [],
                outcome.state if outcome else None,
                outcome.reason if outcome else None,
                entry.error,
                repo.url if repo is not None else None,
            )
        )
    points = history.burndown(settings.home, name, found.version)
    return Fleet(name, found.version, versions, status, rows, points)


def _behind(versions: list[str], version: str | None, newest: str) -> int | None:
    if version is None:
        return None
    try:
        mine = semver_key(version)
        return sum(1 for v in versions if mine < semver_key(v) <= semver_key(newest))
    except ValueError:
        return None


def _owner(forge: Forge, catalog: Catalog, repo: Repo) -> str | None:
    """The repo's owner as the catalog holds it (its `catalog-info.yaml` names the entity)."""
    owner = (_entity(forge, catalog, repo, stored_only=False) or {}).get("spec", {}).get("owner")
    return str(owner) if owner else None


def _entity(forge: Forge, catalog: Catalog, repo: Repo, *, stored_only: bool = True) -> dict[str, Any] | None:
    """The catalog entity the repo's `catalog-info.yaml` names, as the catalog holds it (or, unless
    `stored_only`, as the file says when the catalog does not hold it)."""
    from scaffolder import yamlio
    from scaffolder.catalogs.base import entity_ref

    try:
        data = forge.read_file(repo, "catalog-info.yaml")
        if data is None:
            return None
        entity = yamlio.plain(yamlio.load(Path("catalog-info.yaml"), data.decode("utf-8")))
        if not isinstance(entity, dict):
            return None
        stored = catalog.get(entity_ref(entity))
        found = stored if stored is not None or stored_only else entity
        return dict(found) if isinstance(found, dict) else None
    except (ScaffoldError, UnicodeDecodeError, AttributeError, KeyError):
        return None


def catalog_version(forge: Forge, catalog: Catalog, repo: Repo) -> str | None:
    """The golden path version the catalog entity of the repo records (refreshed after a merge)."""
    from scaffolder.catalogs.base import VERSION_ANNOTATION

    annotations = ((_entity(forge, catalog, repo) or {}).get("metadata") or {}).get("annotations") or {}
    version = annotations.get(VERSION_ANNOTATION)
    return str(version) if version else None


def select(rows: list[Row], query: dict[str, str]) -> list[Row]:
    """The rows the query string keeps (`owner`, `state`, `version`), sorted by `sort` (`dir=desc`)."""
    owner, state, version = query.get("owner", ""), query.get("state", ""), query.get("version", "")
    kept = [
        r
        for r in rows
        if (not owner or r.owner == owner)
        and (not version or r.version == version)
        and (not state or state in _states(r))
    ]
    sort = query.get("sort", "repo")
    sort = sort if sort in SORTS else "repo"
    keys = {
        "repo": lambda r: (r.repo.lower(),),
        "owner": lambda r: (r.owner or "~", r.repo.lower()),
        "version": lambda r: (_vkey(r.version), r.repo.lower()),
        "behind": lambda r: (r.behind if r.behind is not None else -1, r.repo.lower()),
        "pr": lambda r: (r.pr_state or "~", r.repo.lower()),
        "outcome": lambda r: (r.outcome or "~", r.repo.lower()),
    }
    return sorted(kept, key=keys[sort], reverse=query.get("dir") == "desc")


def _states(row: Row) -> set[str]:
    """The state filter's words that describe a row."""
    words = {row.pr_state or "no-pr"}
    words.add("behind" if row.behind else "current")
    if row.error:
        words.add("failed")
    if row.conflicts:
        words.add("conflicted")
    return words


STATES = ("behind", "current", "no-pr", "open", "merged", "closed", "conflicted", "failed")


@dataclass
class RepoView:
    """One repo of a fleet: its record, answers (secrets hidden), migration PR and upgrade preview."""

    name: str
    repo: str
    url: str | None
    version: str | None
    newest: str
    record: dict[str, Any] | None
    answers: dict[str, Any]
    pr: dict[str, Any] | None
    outcome: dict[str, Any] | None
    preview: dict[str, Any]
    error: str | None = None  # why the record cannot be read
    merge_blockers: list[str] = field(default_factory=list)  # why the golden path's merge policy says no
    catalog_version: str | None = None  # the version the catalog entity records

    @property
    def mergeable(self) -> bool:
        """Whether the merge policy lets this migration PR merge now (`merge_blockers` say why not)."""
        return self.pr is not None and self.pr["state"] == "open" and not self.merge_blockers

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def repo_view(settings: Settings, name: str, full_name: str, with_preview: bool = True) -> RepoView:
    """A repo of golden path `name`: what its record says and what `upgrade --dry-run` would change."""
    from scaffolder import config, sources
    from scaffolder.errors import ForgeError
    from scaffolder.fleet import branch_for, read_record

    forge = config.open_forge(settings)
    owner, _, short = full_name.rpartition("/")
    repo = forge.get_repo(owner or forge.default_owner(), short)
    if repo is None:
        raise ForgeError(f"no repo {full_name!r} on the forge")
    found = sources.resolve(name, settings)
    error = None
    try:
        record = read_record(forge, repo)
    except ScaffoldError as exc:  # shown on the page, as `migrate status` shows it in its row
        record, error = None, exc.render()
    secret = set(record.secret_parameters if record else ()) | {p.id for p in found.template.parameters if p.secret}
    answers = {k: (HIDDEN if k in secret else v) for k, v in (record.answers if record else {}).items()}
    pr = forge.find_pull_request(repo, branch_for(name))
    pr_data = _pr_data(forge, repo, pr, found.template.model.spec.campaign.check_timeout) if pr else None
    last = history.last_outcomes(settings.home, name).get(repo.full_name)
    record_data = None
    if record is not None:
        record_data = {
            "template": record.template.name, "version": record.template.version, "source": record.template.source,
            "ref": record.template.ref, "run_id": record.run_id, "created_at": record.created_at,
            "conflicts": list(record.conflicts), "files": len(record.files),
        }  # fmt: skip
    view = RepoView(
        name,
        repo.full_name,
        repo.url,
        record.template.version if record else None,
        found.version,
        record_data,
        answers,
        pr_data,
        asdict(last) if last else None,
        {},
        error,
    )
    view.catalog_version = catalog_version(forge, config.open_catalog(settings), repo)
    if pr_data is not None and pr_data["state"] == "open":
        view.merge_blockers = merge_blockers(found.template.model.spec.campaign, view.version, pr_data)
    if with_preview and record is not None:
        view.preview = preview(settings, found, forge, repo, record)
    return view


def _pr_data(forge: Forge, repo: Repo, pr: PullRequest, timeout: int) -> dict[str, Any]:
    """A migration PR as the repo page shows it: with its checks (as `migrate status` reads them),
    whether the forge sees conflicts, and how many commits on its branch are not the bot's."""
    from scaffolder import pr_checks
    from scaffolder.fleet import metadata

    data = {
        "number": pr.number, "url": pr.url, "state": pr.state, "title": pr.title, "head": pr.head,
        "base": pr.base, "head_sha": pr.head_sha, "labels": list(pr.labels), "target": metadata(pr).get("to"),
        "conflicts": metadata(pr).get("conflicts", []), "checks": None, "check_names": [],
        "mergeable": None, "human_commits": None,
    }  # fmt: skip
    if pr.state == "open":
        checks = pr_checks.read(forge, repo, pr.head_sha, timeout)
        data.update(checks=checks.state, check_names=[list(c) for c in checks.names])
        data.update(mergeable=forge.mergeable(repo, pr.number), human_commits=_foreign_commits(forge, repo, pr))
    return data


def _foreign_commits(forge: Forge, repo: Repo, pr: PullRequest) -> int | None:
    """Commits on the PR's branch that are not the bot's: a local `git log` on the embedded forge
    (None elsewhere, where it would cost a listing; the campaign finds them before it updates a PR)."""
    from urllib.parse import urlparse
    from urllib.request import url2pathname

    from scaffolder import git
    from scaffolder.campaign import bot_identity
    from scaffolder.forges.local import LocalForge

    if not isinstance(forge, LocalForge):
        return None
    bare = Path(url2pathname(urlparse(repo.clone_url).path))
    bot = bot_identity().email
    commits = git.commits_between(bare, repo.default_branch, pr.head_sha, bare=True)
    return sum(1 for _, author, committer in commits if author != bot or committer != bot)


def merge_blockers(policy: CampaignPolicy, version: str | None, pr: dict[str, Any]) -> list[str]:
    """Why the golden path's merge policy keeps an open migration PR from merging (the campaign's
    `merge_policy.blockers`: version step, checks, conflicts, human commits); empty when it may."""
    from scaffolder import merge_policy
    from scaffolder.fleet import CONFLICT_LABEL

    conflicts = bool(pr["conflicts"]) or CONFLICT_LABEL in pr["labels"] or pr["mergeable"] is False
    target = pr["target"] or "0.0.0"
    return merge_policy.blockers(
        policy.automerge, version, target, pr["checks"], conflicts=conflicts, human=bool(pr["human_commits"])
    )


def preview(settings: Settings, found: Any, forge: Forge, repo: Repo, record: Any) -> dict[str, Any]:
    """The diff the migration would make, computed as `scaffold upgrade --dry-run` does, in a clone."""
    import shutil
    import tempfile

    from scaffolder.render import scratch_dir
    from scaffolder.upgrade import upgrade_tree

    if semver_key(record.template.version) >= semver_key(found.version):
        return {"from": record.template.version, "to": found.version, "diff": "", "up_to_date": True}
    work = Path(tempfile.mkdtemp(prefix="scaffold-preview-", dir=scratch_dir()))
    try:
        clone = forge.clone(repo, work / "repo", repo.default_branch)
        result = upgrade_tree(
            clone,
            found.release(record.template.version),
            found.template,
            forge=forge,
            dry_run=True,
            trusted=settings.trusts(found.library),
            source=found.library,
            ref=found.ref,
        )
        return {
            "from": record.template.version,
            "to": found.version,
            "diff": result.diff,
            "conflicts": list(result.conflicts),
            "files": list(result.files_changed),
            "up_to_date": False,
        }
    except ScaffoldError as exc:
        return {"from": record.template.version, "to": found.version, "diff": "", "error": exc.render()}
    finally:
        shutil.rmtree(work, ignore_errors=True)
