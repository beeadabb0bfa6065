"""What the dashboard's buttons do, each through the library the CLI calls: a migration campaign runs
in a background thread (`campaign.run_campaign`, so progress can be shown live), a merge goes through
the forge as `scaffold forge merge` does, and re-running checks asks 16-follow's check runner when it
is installed. The same request twice while a campaign runs joins the running job (idempotent as the CLI)."""

from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from scaffolder.errors import ForgeError, ScaffoldError

if TYPE_CHECKING:
    from scaffolder.config import Settings

log = logging.getLogger("scaffolder.web.actions")


@dataclass
class Job:
    """One campaign started from the dashboard and how far it got."""

    id: str
    name: str
    repos: tuple[str, ...]
    by: str
    status: str = "running"  # running | done | failed
    done: int = 0
    total: int | None = None
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    @property
    def running(self) -> bool:
        return self.status == "running"

    @property
    def title(self) -> str:
        what = ", ".join(self.repos) if self.repos else "every repo behind"
        return f"Migrating {self.name}: {what}"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["repos"] = list(self.repos)
        return data


class Jobs:
    """The campaigns this server started, newest last; at most one per (golden path, repos) at a time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(self, name: str, repos: tuple[str, ...], by: str) -> Job:
        """Start `scaffold migrate NAME [--repo R ...]` in the background, or join the same one running."""
        with self._lock:
            for job in self._jobs.values():
                if job.running and job.name == name and job.repos == repos:
                    log.info("%s: open migration PR %s %s: joins running job %s", by, name, list(repos), job.id)
                    return job
            job = Job(str(next(self._ids)), name, repos, by)
            self._jobs[job.id] = job
        log.info("%s: open migration PR %s %s: job %s", by, name, list(repos) or "all", job.id)
        threading.Thread(target=self._run, args=(job,), name=f"scaffold-job-{job.id}", daemon=True).start()
        return job

    def _run(self, job: Job) -> None:
        from scaffolder import campaign

        def on_outcome(outcome: Any, done: int, total: int) -> None:
            with self._lock:
                job.outcomes.append(outcome.to_json())
                job.done, job.total = done, total

        try:
            result = campaign.run_campaign(self.settings, job.name, repos=job.repos or None, on_outcome=on_outcome)
            with self._lock:
                job.total = len(result.outcomes)
                job.status = "failed" if result.failed else "done"
        except ScaffoldError as exc:
            with self._lock:
                job.status, job.error = "failed", exc.render()
        except Exception as exc:  # a bug must end the job visibly, not hang its page
            log.exception("job %s failed", job.id)
            with self._lock:
                job.status, job.error = "failed", f"unexpected {type(exc).__name__}: {exc}"
        finally:
            job.finished = time.time()
            log.info("%s: job %s %s: %s", job.by, job.id, job.status, _summary(job.outcomes))


def _summary(outcomes: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o["state"]] = counts.get(o["state"], 0) + 1
    return counts


@dataclass(frozen=True)
class Allowed:
    """Whether a button may act now, and why not."""

    allowed: bool
    reason: str = ""

    @property
    def available(self) -> bool:
        return self.allowed


def merge_allowed(settings: Settings, pr: dict[str, Any] | None) -> Allowed:
    """Whether the Merge button may merge this migration PR: the forge merges from here, the PR is open
    without conflicts, and its checks did not fail. (16-follow's `merge_policy` plugs in here.)"""
    from scaffolder import config
    from scaffolder.forges.base import ReviewableForge

    if pr is None or pr["state"] != "open":
        return Allowed(False, "no open pull request")
    if not isinstance(config.open_forge(settings), ReviewableForge):
        return Allowed(False, "this forge's pull requests are merged on the forge itself")
    if pr.get("conflicts") or "scaffold-conflicts" in pr.get("labels", ()):
        return Allowed(False, "it has conflicts to resolve first")
    if pr.get("checks") in ("failure", "failed", "pending"):
        return Allowed(False, f"its checks are {pr['checks']}")
    return Allowed(True)


def merge(settings: Settings, full_name: str, number: int, by: str) -> str:
    """Merge a migration PR as `scaffold forge merge` does (and refresh the catalog); merging one that is
    already merged changes nothing and says so."""
    from scaffolder import config
    from scaffolder.catalogs.sync import refresh_repo
    from scaffolder.forges.base import ReviewableForge

    forge = config.open_forge(settings)
    if not isinstance(forge, ReviewableForge):
        raise ForgeError(f"the {forge.kind} forge's pull requests are merged on the forge itself")
    owner, _, short = full_name.rpartition("/")
    repo = forge.get_repo(owner or forge.default_owner(), short)
    if repo is None:
        raise ForgeError(f"no repo {full_name!r} on the forge")
    current = next((p for p in forge.pull_requests(repo) if p.number == number), None)
    if current is None:
        raise ForgeError(f"no pull request #{number} in {full_name}")
    if current.state == "merged":
        log.info("%s: merge %s#%d: already merged", by, full_name, number)
        return f"{full_name}#{number} is already merged"
    pr = forge.merge_pull_request(repo, number)
    refreshed = refresh_repo(config.open_catalog(settings), forge, repo)
    log.info("%s: merge %s#%d: %s", by, full_name, number, pr.state)
    note = f"; catalog {refreshed.state}" if refreshed is not None else ""
    return f"merged {full_name}#{number} into {pr.base}{note}"


def checks_runner() -> Any:
    """16-follow's check runner (`scaffolder.pr_checks.rerun(settings, repo, number)`), when installed."""
    try:
        from scaffolder import pr_checks  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return getattr(pr_checks, "rerun", None)


def checks_available() -> Allowed:
    if checks_runner() is None:
        return Allowed(False, "no check runner is installed (scaffolder.pr_checks.rerun)")
    return Allowed(True)


def rerun_checks(settings: Settings, full_name: str, number: int, by: str) -> str:
    """Ask the check runner to run the PR's checks again."""
    runner = checks_runner()
    if runner is None:
        raise ForgeError("re-running checks needs a check runner (scaffolder.pr_checks.rerun), which is not installed")
    log.info("%s: re-run checks %s#%d", by, full_name, number)
    return str(runner(settings, full_name, number) or f"checks of {full_name}#{number} requested")
