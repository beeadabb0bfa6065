"""`scaffold new` and `scaffold resume` as library functions: answers in, runs out.

Answers come from layered sources (values file, then `--set`, then the wizard for what is still
open); every service of a batch is validated, answers and steps alike, before the first one runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder import config, library, yamlio
from scaffolder.errors import ActionError, AnswersError, Problem, RunError, ScaffoldError, TemplateError
from scaffolder.parameters import Answers, resolve
from scaffolder.runner import OnEvent, Outcome, PlannedStep, Runner, plan
from scaffolder.runs import Run, current
from scaffolder.template import Template, load_template

# Asks for what `given` leaves open and confirms; returns None when the user declines.
Ask = Callable[[Template, Mapping[str, Any]], Answers | None]


def load_values(path: Path) -> list[dict[str, Any]]:
    """A values file (YAML or JSON): one mapping, or a list of mappings for several services."""
    if not path.is_file():
        raise AnswersError(f"values file {path} does not exist")
    try:
        data = yamlio.plain(yamlio.load(path))
    except yamlio.YamlSyntaxError as exc:
        raise AnswersError(f"values file {path} is malformed", [exc.problem]) from None
    if data is None:
        raise AnswersError(f"values file {path} is not valid", [Problem(str(path), "is empty")])
    if isinstance(data, dict) and isinstance(data.get("services"), list):
        data = data["services"]
    items = data if isinstance(data, list) else [data]
    problems = [
        Problem(f"{path}[{i}]" if isinstance(data, list) else str(path), "must be a mapping of parameter: value")
        for i, item in enumerate(items)
        if not isinstance(item, dict)
    ]
    if problems or not items:
        raise AnswersError(f"values file {path} is not valid", problems or [Problem(str(path), "is empty")])
    return [dict(item) for item in items]


@dataclass
class Prepared:
    """One service ready to run: answers resolved, steps validated."""

    template: Template
    library: str
    answers: Answers
    ref: str | None = None
    planned: list[PlannedStep] = field(default_factory=list)


def prepare(
    ref: str,
    given: list[dict[str, Any]],
    settings: config.Settings,
    ask: Ask | None = None,
) -> list[Prepared]:
    """Resolve and validate every service's answers and steps; one error lists every problem."""
    found = library.locate(ref, settings.libraries)
    template, label = found.template, found.library
    prepared: list[Prepared] = []
    problems: list[Problem] = []
    for index, values in enumerate(given):
        prefix = f"service {index + 1}: " if len(given) > 1 else ""
        try:
            answers = ask(template, values) if ask else resolve(template, values)
            if answers is None:
                raise AnswersError("cancelled; nothing was created")
            prepared.append(Prepared(template, label, answers, found.ref, plan(template, answers)))
        except (AnswersError, TemplateError) as exc:
            if ask and exc.message.startswith("cancelled"):
                raise
            problems.extend(
                Problem(f"{prefix}{p.where}", p.message) for p in exc.problems or [Problem("", exc.message)]
            )
        except ScaffoldError as exc:
            problems.extend(
                Problem(f"{prefix}{p.where}", p.message) for p in exc.problems or [Problem("", exc.message)]
            )
    if not problems:
        problems = _shared_names(prepared)
    if problems:
        raise AnswersError(f"cannot create from {template.name}@{template.version}; nothing was created", problems)
    return prepared


def claims(planned: list[PlannedStep]) -> list[str]:
    """The names a run would take on the forge and in the catalog, as far as its plan tells."""
    out = []
    for item in planned:
        given = item.input
        if not item.runs or "<steps." in repr(given):
            continue
        if item.action_id == "repo:create":
            out.append(f"repository {given.get('owner') or '(default owner)'}/{given.get('name')}")
        elif item.action_id == "publish:github":
            out.append(f"repository {given.get('repoUrl')}")
        elif item.action_id == "catalog:write":
            out.append(f"catalog entry {given.get('name')}")
    return out


def _shared_names(prepared: list[Prepared]) -> list[Problem]:
    """Services of one batch must not take the same repo or catalog name."""
    first: dict[str, int] = {}
    problems = []
    for index, item in enumerate(prepared):
        for claim in dict.fromkeys(claims(item.planned)):
            if claim in first:
                where = f"service {index + 1}"
                problems.append(
                    Problem(where, f"{claim} is also what service {first[claim] + 1} makes; names must differ")
                )
            else:
                first[claim] = index
    return problems


def run_prepared(
    items: list[Prepared],
    settings: config.Settings,
    dry_run: bool = False,
    on_event: OnEvent | None = None,
    trusted: bool = False,
) -> list[Outcome | ScaffoldError]:
    """Run each service independently; a failed one does not stop the others. `trusted` lets the
    golden path run code (cookiecutter hooks, copier tasks), as do `trusted_sources`."""
    runner = Runner(config.open_forge(settings), config.open_catalog(settings), on_event or (lambda e: None))
    if len(items) > 1:
        preflight_all(runner, items, settings, dry_run, trusted)
    results: list[Outcome | ScaffoldError] = []
    for item in items:
        runner.trusted = trusted or settings.trusts(item.library)
        try:
            results.append(
                runner.start(
                    item.template, item.library, item.answers, settings.runs_dir, settings.profile, dry_run, item.ref
                )
            )
        except ScaffoldError as exc:
            if len(items) == 1:
                raise
            results.append(exc)
    return results


def preflight_all(
    runner: Runner, items: list[Prepared], settings: config.Settings, dry_run: bool, trusted: bool
) -> None:
    """Every service's read-only checks (names taken on the forge, skeletons that cannot render)
    before the first one runs, so a batch with one bad service creates nothing."""
    problems: list[Problem] = []
    for index, item in enumerate(items):
        runner.trusted = trusted or settings.trusts(item.library)
        planned = item.planned or plan(item.template, item.answers)
        try:
            runner.preflight(item.template, item.answers, planned, settings.runs_dir / "preflight", dry_run)
        except ScaffoldError as exc:
            problems.extend(
                Problem(f"service {index + 1}: {p.where}", p.message)
                for p in exc.problems or [Problem("", exc.message)]
            )
    if problems:
        raise ActionError(
            f"{items[0].template.name}: {len(items)} services cannot be created as asked; nothing was created", problems
        )


def resume(
    run_id: str,
    settings: config.Settings,
    secrets: Mapping[str, Any],
    ask_secrets: Callable[[Template, list[str]], dict[str, Any]] | None = None,
    on_event: OnEvent | None = None,
    trusted: bool = False,
) -> Outcome:
    """Finish a failed or interrupted run; secret answers must be given again (never stored)."""
    run = Run.open(settings.runs_dir, run_id)
    info = current(run.info())
    if info.status == "done":
        raise RunError(f"run {run_id} already finished; nothing to resume")
    if info.status == "running":
        raise RunError(f"run {run_id} is still running (pid {info.pid} on {info.host}); wait for it to end")
    folder = Path(info.template_path)
    if not folder.is_dir():
        raise RunError(f"run {run_id}: its golden path is gone from {folder}")
    template = load_template(folder, name=info.template, version=info.version)
    if template.version != info.version:
        raise RunError(f"run {run_id} used {info.template}@{info.version}, but {folder} now holds {template.version}")
    given = {k: v for k, v in info.answers.items() if v is not None}
    missing = [s for s in info.secret_parameters if s not in secrets]
    extra = dict(secrets)
    if missing and ask_secrets is not None:
        extra.update(ask_secrets(template, missing))
    answers = resolve(template, {**given, **extra})
    runner = Runner(config.open_forge(settings), config.open_catalog(settings), on_event or (lambda e: None))
    runner.trusted = trusted or settings.trusts(info.library)
    return runner.resume(run, template, answers)


def summary(outcome: Outcome) -> dict[str, Any]:
    """The stable JSON shape of one finished run (documented in docs/cli.md)."""
    publisher = "repo:create" if outcome.step_output("repo:create", "repo_url") else "publish:github"
    repo_url = outcome.step_output(publisher, "repo_url")
    return {
        "template": outcome.template,
        "version": outcome.version,
        "run_id": outcome.run_id,
        "status": outcome.status,
        "dry_run": outcome.dry_run,
        "repository": {
            "url": repo_url,
            "clone_url": outcome.step_output(publisher, "clone_url"),
            "full_name": outcome.step_output(publisher, "full_name"),
            "commit": outcome.step_output(publisher, "commit_sha"),
        }
        if repo_url
        else None,
        "entity_ref": outcome.step_output("catalog:register", "entity_ref"),
        "entity_url": outcome.step_output("catalog:register", "entity_url"),
        "links": outcome.links,
        "steps": outcome.steps,
        "plan": [{"id": p.step.id, "action": p.action_id, "runs": p.runs, "input": p.input} for p in outcome.plan],
        "files": outcome.files if outcome.dry_run else None,
    }
