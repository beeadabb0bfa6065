"""A migration pull request's checks, reduced to one state: success, failure, pending, timed-out or none.

On GitHub, CI reports them (check runs and commit statuses, read by the forge). The embedded forge
has no CI, so the campaign is its CI: it runs the golden path's `spec.checks` (the runner and
check environments of `scaffold template test`) in a clean clone of the PR's head and records each
result as a commit status on that head, where the next run (and `migrate status`) reads them; a
head that already has them is not checked again. The checks are commands of the golden path, so
they run only when it is trusted (`--trust`, or its library in `trusted_sources`), as its
migration scripts; otherwise the PR has no checks. Checks still pending `checkTimeout` seconds
after they started are `timed-out`; on the embedded forge a check running that long is stopped.
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder.errors import ScaffoldError
from scaffolder.forges.base import Checks, CheckState, Forge, Repo
from scaffolder.forges.local import LocalForge
from scaffolder.render import scratch_dir

if TYPE_CHECKING:
    from scaffolder.guild.check_env import CheckEnvs
    from scaffolder.template import Template

CONTEXT = "scaffold/"  # a status's context: scaffold/CHECK


def timed_out(checks: Checks, timeout: int, now: datetime | None = None) -> Checks:
    """`checks` as `timed-out` when they are still pending `timeout` seconds after they started."""
    if checks.state != "pending" or checks.pending_since is None:
        return checks
    started = datetime.fromisoformat(checks.pending_since)
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)
    if ((now or datetime.now(UTC)) - started).total_seconds() < timeout:
        return checks
    return Checks("timed-out", checks.names, checks.pending_since)


def read(forge: Forge, repo: Repo, sha: str, timeout: int) -> Checks:
    """The checks the forge has for commit `sha`, pending ones past `timeout` seconds timed out."""
    return timed_out(forge.pull_checks(repo, sha), timeout)


def run_on_local(
    forge: LocalForge,
    repo: Repo,
    branch: str,
    sha: str,
    template: Template,
    answers: dict[str, Any],
    envs: CheckEnvs,
    timeout: int,
    *,
    again: bool = False,
) -> Checks:
    """Run the golden path's checks on the PR's head in a clean clone and record them as statuses
    of `sha` (not again when it has them already, unless `again`: a re-run on purpose); the checks, reduced."""
    from scaffolder.guild.checks import run_checks
    from scaffolder.parameters import resolve

    known = forge.pull_checks(repo, sha)
    if (known.state != "none" and not again) or not template.model.spec.checks:
        return timed_out(known, timeout)
    for check in template.model.spec.checks:
        forge.set_status(repo, sha, CONTEXT + check.name, "pending", "running")
    with tempfile.TemporaryDirectory(prefix="scaffold-checks-", dir=scratch_dir()) as tmp:
        try:
            clone = forge.clone(repo, Path(tmp) / "repo", branch)
            python = envs.python_for(clone)
            results = run_checks(template, resolve(template, answers), clone, python, timeout)
        except ScaffoldError as exc:  # no environment, answers the golden path no longer takes
            for check in template.model.spec.checks:
                forge.set_status(repo, sha, CONTEXT + check.name, "failure", exc.render().splitlines()[0])
            return forge.pull_checks(repo, sha)
    ran = {r.name for r in results}
    for result in results:
        state: CheckState = "success" if result.ok else "timed-out" if result.timed_out else "failure"
        last = (result.output.strip().splitlines() or ["did not run"])[-1]
        detail = "" if result.ok else f"exit {result.exit_code}" if result.exit_code is not None else last
        forge.set_status(repo, sha, CONTEXT + result.name, state, detail)
    for check in template.model.spec.checks:
        if check.name not in ran:  # its `when` did not hold
            forge.set_status(repo, sha, CONTEXT + check.name, "success", "skipped")
    return forge.pull_checks(repo, sha)
