"""`scaffold new` and `scaffold resume` as library functions: answers in, runs out.

Answers come from layered sources (values file, then `--set`, then the wizard for what is still
open); every service of a batch is validated, answers and steps alike, before the first one runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder import config, sources, yamlio
from scaffolder.errors import ActionError, AnswersError, Interrupted, Problem, RunError, ScaffoldError, TemplateError
from scaffolder.formats._common import FALLBACK_OWNER, catalog_owner_id
from scaffolder.formats.copier_questions import trusting
from scaffolder.sources import GoldenPathSource, load_template
from scaffolder.template import Template

if TYPE_CHECKING:  # imported where they are used: the golden path is read before Jinja and the runner load
    from scaffolder.parameters import Answers
    from scaffolder.runner import OnEvent, Outcome, Runner

# Asks for what `given` leaves open and confirms; returns None when the user declines.
Ask = Callable[[Template, Mapping[str, Any]], "Answers | None"]


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


def prepare(
    ref: str | GoldenPathSource,
    given: list[dict[str, Any]],
    settings: config.Settings,
    ask: Ask | None = None,
) -> list[Prepared]:
    """Resolve and validate every service's answers and steps; one error lists every problem.

    `ref` is a golden path already resolved, or its ref (`NAME[@VERSION]`, a path or URL)."""
    found = sources.resolve(ref, settings) if isinstance(ref, str) else ref
    from scaffolder.parameters import resolve
    from scaffolder.plan import plan

    template, label = found.template, found.library
    prepared: list[Prepared] = []
    problems: list[Problem] = []
    for index, values in enumerate(given):
        prefix = f"service {index + 1}: " if len(given) > 1 else ""
        try:
            values = with_default_owner(template, values, settings.catalog.default_owner)
            with trusting(settings.trusts(label)):  # a trusted source's copier questions may use its extensions
                answers = ask(template, values) if ask else resolve(template, values)
            if answers is None:
                raise AnswersError("cancelled; nothing was created")
            say_fallback_owner(template, answers)
            plan(template, answers)
            prepared.append(Prepared(template, label, answers, found.ref))
        except Interrupted:
            raise  # Ctrl-C in the wizard: exit 130, not a problem with the answers
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
    if problems:
        raise AnswersError(f"cannot create from {template.name}@{template.version}; nothing was created", problems)
    return prepared


def with_default_owner(template: Template, values: dict[str, Any], default: str | None) -> dict[str, Any]:
    """The answers given, with the profile's default catalog owner for the owner parameter scaffold
    adds to cookiecutter and copier templates when it is not given."""
    pid = catalog_owner_id(template)
    if pid is None or default is None or values.get(pid) not in (None, ""):
        return values
    return {**values, pid: default}


def say_fallback_owner(template: Template, answers: Answers) -> None:
    """One line on stderr when a foreign template's project gets the fallback catalog owner."""
    pid = catalog_owner_id(template)
    if pid is not None and not answers.values.get(pid):
        print(
            f"scaffold: no catalog owner (--set {pid}=group:NAME, or catalog.default_owner in the profile);"
            f" the catalog entry names {FALLBACK_OWNER!r}",
            file=sys.stderr,
        )


def run_prepared(
    items: list[Prepared],
    settings: config.Settings,
    dry_run: bool = False,
    on_event: OnEvent | None = None,
    trusted: bool = False,
    on_service: Callable[[Prepared], None] | None = None,
) -> list[Outcome | ScaffoldError]:
    """Run each service independently; a failed one does not stop the others. `trusted` lets the
    golden path run code (cookiecutter hooks, copier tasks), as do `trusted_sources`; `on_service`
    hears which service the next events belong to."""
    from scaffolder.runner import Runner

    runner = Runner(config.open_forge(settings), config.open_catalog(settings), on_event or (lambda e: None))
    if len(items) > 1:
        rehearsal = rehearse(runner, items, settings, trusted)
        if dry_run:
            return list(rehearsal)
    results: list[Outcome | ScaffoldError] = []
    for item in items:
        runner.trusted = trusted or settings.trusts(item.library)
        if on_service is not None:
            on_service(item)
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


def rehearse(runner: Runner, items: list[Prepared], settings: config.Settings, trusted: bool) -> list[Outcome]:
    """Dry-run every service of a batch before the first one runs: each one's read-only checks
    (names taken on the forge, skeletons that cannot render, foreign templates' repo names once
    rendered) and names no two services may share. One error lists every problem; nothing is created."""
    problems: list[Problem] = []
    outcomes: list[Outcome] = []
    on_event, runner.on_event = runner.on_event, lambda event: None
    try:
        for index, item in enumerate(items):
            runner.trusted = trusted or settings.trusts(item.library)
            try:
                outcomes.append(
                    runner.start(
                        item.template, item.library, item.answers, settings.runs_dir, settings.profile, True, item.ref
                    )
                )
            except ScaffoldError as exc:
                problems.extend(
                    Problem(f"service {index + 1}: {p.where}", p.message)
                    for p in exc.problems or [Problem("", exc.message)]
                )
    finally:
        runner.on_event = on_event
    if not problems:
        problems = _shared(outcomes)
    if problems:
        name = items[0].template.name
        raise ActionError(f"{name}: {len(items)} services cannot be created as asked; nothing was created", problems)
    return outcomes


def _shared(outcomes: list[Outcome]) -> list[Problem]:
    """Repos and catalog entries that two services of a batch would both make."""
    first: dict[str, int] = {}
    problems = []
    for index, outcome in enumerate(outcomes):
        made = [
            f"repository {outcome.steps[p.step.id].get('full_name')}"
            if p.action_id in ("repo:create", "publish:github")
            else f"catalog entry {outcome.steps[p.step.id].get('entity_ref')}"
            for p in outcome.plan
            if p.step.id in outcome.steps and p.action_id in ("repo:create", "publish:github", "catalog:write")
        ]
        for claim in dict.fromkeys(made):
            if claim in first:
                message = f"{claim} is also what service {first[claim] + 1} makes; names must differ"
                problems.append(Problem(f"service {index + 1}", message))
            else:
                first[claim] = index
    return problems


def resume(
    run_id: str,
    settings: config.Settings,
    secrets: Mapping[str, Any],
    ask_secrets: Callable[[Template, list[str]], dict[str, Any]] | None = None,
    on_event: OnEvent | None = None,
    trusted: bool = False,
) -> Outcome:
    """Finish a failed or interrupted run; secret answers must be given again (never stored)."""
    from scaffolder.parameters import resolve
    from scaffolder.runner import Runner
    from scaffolder.runs import Run, current

    run = Run.open(settings.runs_dir, run_id)
    info = current(run.info())
    if info.status == "done":
        raise RunError(f"run {run_id} already finished; nothing to resume")
    if info.status == "running":
        raise RunError(f"run {run_id} is still running (pid {info.pid} on {info.host}); wait for it to end")
    folder = Path(info.template_path)
    if not folder.is_dir():
        raise RunError(f"run {run_id}: its golden path is gone from {folder}")
    template = replace(load_template(folder, name=info.template, version=info.version), origin=(info.library, info.ref))
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
