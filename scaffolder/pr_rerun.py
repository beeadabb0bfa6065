"""Running a migration pull request's checks again on purpose (the dashboard's "Re-run checks").

The campaign never checks a head twice (`pr_checks.run_on_local` keeps the statuses a head has);
this is the one way to run them again: the checks of the PR's target release, on its current head,
on the embedded forge (where scaffold is the CI), for a trusted golden path only, as its migration
scripts. Checks running now for that head are not started twice. On GitHub the CI runs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scaffolder.forges.base import Checks, Repo
from scaffolder.forges.local import LocalForge
from scaffolder.pr_checks import read, run_on_local

if TYPE_CHECKING:
    from scaffolder.config import Settings
    from scaffolder.forges.base import PullRequest
    from scaffolder.template import Template


@dataclass(frozen=True)
class Rerun:
    """A migration PR's checks about to run again on purpose (the dashboard's "Re-run checks"):
    what they were (`was`) and everything `run` needs."""

    forge: LocalForge
    repo: Repo
    pr: PullRequest
    sha: str
    template: Template
    answers: dict[str, Any]
    timeout: int
    was: Checks

    @property
    def running(self) -> bool:
        """The checks of this head are running now (a re-run would run them twice)."""
        return self.was.state == "pending"

    def run(self) -> Checks:
        """Run the checks on the head again, whatever it had, and record them; the checks, reduced."""
        from scaffolder.guild.check_env import CheckEnvs

        envs = CheckEnvs(self.template.name, self.template.version)
        return run_on_local(
            self.forge, self.repo, self.pr.head, self.sha, self.template, self.answers, envs, self.timeout, again=True
        )


def prepare_rerun(settings: Settings, name: str, full_name: str, number: int) -> Rerun:
    """What re-running the checks of golden path `name`'s open migration PR `number` in `full_name`
    would run: the checks of the PR's target release, on its head, on the embedded forge, for a
    trusted golden path only (ScaffoldError saying why not otherwise)."""
    from scaffolder import config, sources
    from scaffolder.errors import ForgeError, TemplateError
    from scaffolder.fleet import branch_for, metadata, read_record

    forge = config.open_forge(settings)
    if not isinstance(forge, LocalForge):
        raise ForgeError(f"the {forge.kind} forge's CI runs the checks: re-run them there")
    owner, _, short = full_name.rpartition("/")
    repo = forge.get_repo(owner or forge.default_owner(), short)
    pr = forge.find_pull_request(repo, branch_for(name)) if repo is not None else None
    if repo is None or pr is None or pr.number != number or pr.state != "open":
        raise ForgeError(f"no open migration pull request #{number} of {name} in {full_name}")
    target = metadata(pr).get("to")
    found = sources.resolve(f"{name}@{target}" if target else name, settings)
    if not settings.trusts(found.library):
        raise TemplateError(
            f"{name}'s checks are its own commands and it is not trusted: add {found.library} to trusted_sources"
        )
    if not found.template.model.spec.checks:
        raise TemplateError(f"{name} {found.template.version} has no checks (spec.checks)")
    record = read_record(forge, repo)
    timeout = found.template.model.spec.campaign.check_timeout
    sha = forge.head_sha(repo, pr.head) or pr.head_sha
    answers = dict(record.answers) if record is not None else {}
    return Rerun(forge, repo, pr, sha, found.template, answers, timeout, read(forge, repo, sha, timeout))


def rerun(settings: Settings, name: str, full_name: str, number: int) -> str:
    """Run the checks of a migration PR again on purpose and say what they were and are; checks
    that are running now are not started twice."""
    job = prepare_rerun(settings, name, full_name, number)
    where = f"{full_name}#{number} at {job.sha[:12]}"
    if job.running:
        return f"the checks of {where} are running: not started twice"
    return f"re-ran the checks of {where} (they were {job.was.state}): {job.run().state}"
