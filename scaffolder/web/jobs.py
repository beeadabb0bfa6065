"""What the dashboard's buttons do, each through the library the CLI calls: a migration campaign runs
in a background thread (`campaign.run_campaign`, so progress can be shown live), a merge goes through
the forge when the golden path's merge policy allows it (as the campaign's `--automerge`), and
re-running checks runs the golden path's checks again on the embedded forge (`pr_rerun`). The same
request twice while a campaign or a re-run runs joins it (idempotent as the CLI)."""

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
    from scaffolder.web.views import RepoView

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


def merge_allowed(view: RepoView) -> Allowed:
    """Whether the Merge button may merge this repo's migration PR: exactly when the golden path's
    merge policy (`merge_policy.blockers`, as the campaign's `--automerge` applies it) lets it."""
    if view.pr is None or view.pr["state"] != "open":
        return Allowed(False, "no open pull request")
    if view.merge_blockers:
        return Allowed(False, "the merge policy says no: " + ", ".join(view.merge_blockers))
    return Allowed(True)


def merge(settings: Settings, name: str, full_name: str, number: int, sha: str | None, by: str) -> str:
    """Merge golden path `name`'s migration PR as the campaign does (only while `sha`, the head the
    page showed, is still its head) and refresh the catalog entity, as `pr_follow.refresh_catalog`
    does; merging one that is already merged changes nothing and says so."""
    from scaffolder import config
    from scaffolder.catalogs.sync import refresh_repo
    from scaffolder.fleet import branch_for

    forge = config.open_forge(settings)
    owner, _, short = full_name.rpartition("/")
    repo = forge.get_repo(owner or forge.default_owner(), short)
    if repo is None:
        raise ForgeError(f"no repo {full_name!r} on the forge")
    current = forge.find_pull_request(repo, branch_for(name))
    if current is None or current.number != number:
        raise ForgeError(f"no migration pull request #{number} of {name} in {full_name}")
    if current.state == "merged":
        log.info("%s: merge %s#%d: already merged", by, full_name, number)
        return f"{full_name}#{number} is already merged"
    pr = forge.merge_pull_request(repo, number, sha or current.head_sha)
    refreshed = refresh_repo(config.open_catalog(settings), forge, repo)
    note = ""
    if refreshed is not None:
        note = f"; catalog {refreshed.state}" + (f": {refreshed.error}" if refreshed.error else "")
    log.info("%s: merge %s#%d: %s%s", by, full_name, number, pr.state, note)
    return f"merged {full_name}#{number} into {pr.base}{note}"


class Reruns:
    """Checks re-run from the dashboard, in background threads (they may take minutes); a head whose
    checks are running (here or in a campaign) is not started twice."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._running: set[tuple[str, str]] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def allowed(self, view: RepoView) -> Allowed:
        """Whether "Re-run checks" can run this repo's migration PR's checks again, and why not."""
        from scaffolder.pr_rerun import prepare_rerun

        if view.pr is None or view.pr["state"] != "open":
            return Allowed(False, "no open pull request")
        try:
            job = prepare_rerun(self.settings, view.name, view.repo, int(view.pr["number"]))
        except ScaffoldError as exc:
            return Allowed(False, exc.message)
        with self._lock:
            running = job.running or (view.repo, job.sha) in self._running
        return Allowed(False, "they are running now") if running else Allowed(True)

    def start(self, name: str, full_name: str, number: int, by: str) -> str:
        """Re-run the PR's checks on purpose (whatever its head had); what happens, in words."""
        from scaffolder.pr_rerun import prepare_rerun

        job = prepare_rerun(self.settings, name, full_name, number)
        where = f"{full_name}#{number} at {job.sha[:12]}"
        key = (full_name, job.sha)
        with self._lock:
            if job.running or key in self._running:
                log.info("%s: re-run checks %s: running already", by, where)
                return f"the checks of {where} are running: not started twice"
            self._running.add(key)
        log.info("%s: re-run checks %s (they were %s)", by, where, job.was.state)

        def run() -> None:
            try:
                log.info("%s: re-run checks %s: %s", by, where, job.run().state)
            except Exception:  # a bug must show in the log, and the head must not stay locked
                log.exception("re-running the checks of %s failed", where)
            finally:
                with self._lock:
                    self._running.discard(key)

        thread = threading.Thread(target=run, name=f"scaffold-checks-{full_name}", daemon=True)
        self._threads.append(thread)
        thread.start()
        return (
            f"re-running the checks of {where} on purpose (they were {job.was.state}); they show as pending until done"
        )

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the re-runs started so far (tests, and a clean shutdown)."""
        for thread in list(self._threads):
            thread.join(timeout)
