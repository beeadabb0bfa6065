"""Running a golden path's steps: validate every step first, then run them in order, journaling.

Before the first step runs, every step's input is rendered (outputs of earlier steps stand in as
typed placeholders) and validated against its action's input model, so a template or answer
mistake fails with no side effect. Each finished step's outputs go to the run's journal; resuming
replays the journal and runs only what is left.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from scaffolder import record as records
from scaffolder import redact, render
from scaffolder.action import ActionContext, AnyAction
from scaffolder.catalogs.base import Catalog
from scaffolder.effects import Effects
from scaffolder.errors import ActionError, Interrupted, Problem, RunError, ScaffoldError
from scaffolder.expressions import render_value, truthy
from scaffolder.forges.base import Forge
from scaffolder.parameters import Answers
from scaffolder.plan import PlannedStep, each_items, expression_context, placeholder_output, plan
from scaffolder.registry import Registry, load_registry
from scaffolder.render import scratch_dir
from scaffolder.runs import JournalEntry, Run, RunInfo, Status, current, list_runs, new_run_id, now_iso
from scaffolder.taint import Taint, strings
from scaffolder.template import Step, Template

log = logging.getLogger("scaffolder.run")

EventKind = Literal["start", "done", "skipped", "replayed", "failed"]


@dataclass(frozen=True)
class Event:
    """Progress of a run, for the CLI's progress lines."""

    kind: EventKind
    index: int
    total: int
    step: Step
    seconds: float = 0.0
    detail: str = ""


OnEvent = Callable[[Event], None]


@dataclass
class Outcome:
    """What a finished (or dry) run produced."""

    run_id: str
    template: str
    version: str
    status: str
    dry_run: bool
    steps: dict[str, dict[str, Any]]
    links: list[dict[str, str]]
    plan: list[PlannedStep] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # dry run: the generated tree
    workspace: Path | None = None

    def step_output(self, action_id: str, key: str) -> Any:
        """The first output named `key` of a step using `action_id` (e.g. repo:create's repo_url)."""
        for planned in self.plan:
            if planned.action_id == action_id and planned.step.id in self.steps:
                value = self.steps[planned.step.id].get(key)
                if value is not None:
                    return value
        return None


def run_step(
    action: AnyAction, ctx: ActionContext, step: Step, context: Mapping[str, Any], dry_run: bool
) -> dict[str, Any]:
    """Run one step, once per item of its `each` (each output then a list), its input rendered
    in `context`; a dry run of an action without dry-run support gives placeholder outputs."""
    iterations = each_items(step, context)
    if dry_run and not action.supports_dry_run:
        placeholder = placeholder_output(action, step.id)
        return placeholder if iterations is None else {name: [] for name in placeholder}
    results = []
    for item in [None] if iterations is None else iterations:
        scope = context if item is None else {**context, "each": item}
        raw = render_value(step.input, scope, f"steps.{step.id}.input")
        try:
            results.append(action.run(ctx, raw).model_dump(mode="json"))
        except ValidationError as exc:  # a value an earlier step's output gave
            problems = [
                Problem(f"steps.{step.id}.input.{'.'.join(str(p) for p in err['loc'])}", err["msg"])
                for err in exc.errors()
            ]
            raise ActionError(f"step {step.id} ({step.action}) cannot take its input", problems) from None
    if iterations is None:
        return dict(results[0])
    merged: dict[str, list[Any]] = {name: [] for name in action.output.model_fields}
    for result in results:
        for name, value in result.items():
            merged.setdefault(name, []).append(value)
    return merged


def _tree(root: Path) -> list[str]:
    """Every file and symlink under `root` (a symlinked folder listed, not entered), `.git` left out,
    as sorted POSIX paths."""
    found = []
    pending = [("", str(root))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as it:
            for entry in it:
                if entry.name == ".git":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append((prefix + entry.name + "/", entry.path))
                elif entry.is_symlink() or entry.is_file():
                    found.append(prefix + entry.name)
    return sorted(found)


@dataclass
class Runner:
    """Runs one golden path's steps against a forge and a catalog."""

    forge: Forge
    catalog: Catalog
    on_event: OnEvent = lambda event: None
    trusted: bool = False  # the golden path may run code (hooks, tasks): --trust
    registry: Registry = field(default_factory=load_registry)  # the actions steps may use

    def start(
        self,
        template: Template,
        library: str,
        answers: Answers,
        runs_dir: Path,
        profile: str,
        dry_run: bool = False,
        ref: str | None = None,
    ) -> Outcome:
        """Validate, then run every step in a new run folder (a temp folder for a dry run)."""
        run_id = new_run_id(template.name)
        planned = plan(template, answers, run_id, self.registry)
        self.preflight(template, answers, planned, runs_dir / run_id, dry_run)
        info = RunInfo(
            run_id=run_id,
            template=template.name,
            version=template.version,
            template_path=str(template.path),
            library=library,
            answers=answers.public(),
            secret_parameters=_given_again(template),
            started_at=now_iso(),
            profile=profile,
            ref=ref,
        )
        info.claim()
        if not dry_run:
            return self._execute(_create(runs_dir, info), template, answers, planned, dry_run=False)
        with tempfile.TemporaryDirectory(prefix="scaffold-dry-run-", dir=scratch_dir()) as tmp:
            run = _create(Path(tmp), info)
            outcome = self._execute(run, template, answers, planned, dry_run=True)
            outcome.files = _tree(run.workspace)
            outcome.workspace = None
            shutil.rmtree(run.folder, ignore_errors=True)
            return outcome

    def preflight(
        self, template: Template, answers: Answers, planned: list[PlannedStep], folder: Path, dry_run: bool
    ) -> None:
        """Run every action's read-only checks on its rendered input; one error lists every problem."""
        ctx = self._context(folder / "workspace", template, answers, folder.name, "", dry_run)
        problems: list[Problem] = []
        actions = self.registry
        for item in planned:
            action = actions[item.action_id]
            if not item.runs or action.preflight is None or "<steps." in repr(item.input):
                continue  # an input that depends on earlier outputs is checked when it runs
            for one in [item.input] if item.inputs is None else item.inputs:
                for problem in action.preflight(ctx, action.parse(one)):
                    where = f"(step {item.step.id}, {item.action_id})"
                    problems.append(Problem(problem.where, f"{problem.message} {where}"))
        if problems:
            raise ActionError(f"{template.name} cannot be created as asked; nothing was created", problems)

    def _context(
        self, workspace: Path, template: Template, answers: Answers, run_id: str, started_at: str, dry_run: bool
    ) -> ActionContext:
        return ActionContext(
            workspace=workspace,
            template_dir=template.path,
            template=template,
            parameters=answers.values,
            forge=self.forge,
            catalog=self.catalog,
            run_id=run_id,
            dry_run=dry_run,
            started_at=started_at,
            trusted=self.trusted,
            secrets=answers.secret_values,
            renderer=render,
        )

    def render(
        self,
        template: Template,
        answers: Answers,
        workspace: Path,
        *,
        run_id: str = "render",
        started_at: str = "",
    ) -> dict[str, dict[str, Any]]:
        """Generate the files a run would, into `workspace`, and touch nothing else.

        The steps are planned and validated as for a run, then run as a dry run straight into
        `workspace` (no run folder, no journal, no record): actions that support dry runs run with
        `ctx.dry_run` set, the others are skipped with placeholder outputs. With the recorded
        `run_id` and `started_at` the files are byte for byte what the run made. Returns the
        steps' outputs. Upgrades render the old and the new version this way.
        """
        planned = plan(template, answers, run_id, self.registry)
        workspace.mkdir(parents=True, exist_ok=True)
        ctx = self._context(workspace, template, answers, run_id, started_at, dry_run=True)
        actions = self.registry
        outputs: dict[str, dict[str, Any]] = {}
        taint = Taint(answers.secret)
        for item in planned:
            step = item.step
            context = expression_context(template, answers.values, outputs, run_id)
            if not truthy(step.if_, context, f"steps.{step.id}.if"):
                continue
            taint.learn(answers, step, _contexts(step, context))
            outputs[step.id] = run_step(actions[step.action], ctx, step, context, dry_run=True)
        return outputs

    def resume(self, run: Run, template: Template, answers: Answers) -> Outcome:
        """Finish a failed or interrupted run: journaled steps are replayed, not rerun."""
        planned = plan(template, answers, run.run_id, self.registry)
        info = current(run.info())
        if info.status == "running" and info.pid != os.getpid():
            raise RunError(f"run {run.run_id} is still running (pid {info.pid} on {info.host}); wait for it to end")
        info.status, info.error = "running", None
        info.claim()
        try:
            run.save(info)
        except OSError as exc:
            raise _fs_error(f"run {run.run_id} cannot be saved", exc) from exc
        return self._execute(run, template, answers, planned, dry_run=False, resumed=True)

    def _execute(
        self,
        run: Run,
        template: Template,
        answers: Answers,
        planned: list[PlannedStep],
        dry_run: bool,
        resumed: bool = False,
    ) -> Outcome:
        info = run.info()
        secrets = answers.secret_values()
        journal = run.journal()
        outputs: dict[str, dict[str, Any]] = {}
        taint = Taint(answers.secret)
        actions = self.registry
        effects = Effects(info.created, on_change=lambda: _save_quietly(run, info, effects))
        ctx = self._context(run.workspace, template, answers, run.run_id, info.started_at, dry_run)
        ctx.forge, ctx.catalog = effects.forge(ctx.forge), effects.catalog(ctx.catalog)
        ctx.write_record = lambda: records.write(
            run.workspace,
            records.build(
                template,
                answers,
                source=info.library,
                ref=info.ref,
                run_id=run.run_id,
                created_at=info.started_at,
                files=records.manifest(run.workspace),
            ),
        )
        total = len(planned)
        current_step: PlannedStep | None = None
        try:
            for index, current_step in enumerate(planned, start=1):
                step = current_step.step
                done = journal.get(step.id)
                if done is not None:
                    outputs[step.id] = done.output
                    taint.step(step)
                    self.on_event(Event("replayed", index, total, step))
                    continue
                context = expression_context(template, answers.values, outputs, run.run_id)
                if not truthy(step.if_, context, f"steps.{step.id}.if"):
                    run.append(JournalEntry(step.id, "skipped", {}))
                    self.on_event(Event("skipped", index, total, step))
                    continue
                action = actions[step.action]
                self.on_event(Event("start", index, total, step))
                began = time.perf_counter()
                taint.learn(answers, step, _contexts(step, context))
                secrets = answers.secret_values()
                if dry_run and action.preflight is not None and "<steps." in repr(current_step.input):
                    _late_preflight(action, ctx, step, context)  # its input needed earlier outputs
                result = redact.data(run_step(action, ctx, step, context, dry_run), secrets)
                outputs[step.id] = result
                if not dry_run:
                    run.append(JournalEntry(step.id, "done", result))
                self.on_event(Event("done", index, total, step, time.perf_counter() - began))
        except KeyboardInterrupt:
            stop = Interrupted("interrupted")
            self._stop(run, info, effects, stop, "interrupted", current_step, dry_run, resumed, secrets)
            raise stop from None
        except (ScaffoldError, OSError) as exc:
            error = exc if isinstance(exc, ScaffoldError) else _fs_error(f"step {_step_id(current_step)}", exc)
            redact.error(error, secrets)
            if current_step is not None:
                taint.hide(error, current_step.step.input, current_step.step.each, current_step.step.if_)
            if current_step is not None:
                event = Event("failed", planned.index(current_step) + 1, total, current_step.step, detail=error.message)
                self.on_event(event)
            self._stop(run, info, effects, error, "failed", current_step, dry_run, resumed, secrets)
            if error is exc:
                raise
            raise error from exc
        except Exception as exc:
            info.status, info.error = "failed", redact.text(f"{type(exc).__name__}: {exc}", secrets)
            _save_quietly(run, info, effects)
            raise
        context = expression_context(template, answers.values, outputs, run.run_id)
        links = [
            {"title": link.title, "url": str(render_value(link.url, context, f"output.links.{link.title}"))}
            for link in template.model.spec.output.links
        ]
        tainted = [
            out["url"]
            for out, link in zip(links, template.model.spec.output.links, strict=True)
            if taint.reaches(link.url)
        ]
        answers.learn(s for url in tainted for s in strings(url))
        links = redact.data(links, answers.secret_values())
        info.status, info.outputs, info.created = "done", {"steps": outputs, "links": links}, effects.created
        run.save(info)
        return Outcome(
            run_id=run.run_id,
            template=template.name,
            version=template.version,
            status="done",
            dry_run=dry_run,
            steps=outputs,
            links=links,
            plan=planned,
            workspace=run.workspace,
        )

    def _stop(
        self,
        run: Run,
        info: RunInfo,
        effects: Effects,
        exc: ScaffoldError,
        status: Status,
        step: PlannedStep | None,
        dry_run: bool,
        resumed: bool,
        secrets: list[str],
    ) -> None:
        """End a run that failed or was interrupted: one that created nothing outside its folder
        leaves no folder behind; any other is kept, saying what it created and how to finish."""
        where = f"step {_step_id(step)}"
        if dry_run:
            exc.message = f"{exc.message} ({where}; dry run: nothing was created)"
            return
        if not effects.began and not resumed:
            shutil.rmtree(run.folder, ignore_errors=True)
            exc.message = f"{exc.message} ({where}; nothing was created)"
            exc.details = {"run_id": None, "created": {}, "resume": None}
            return
        info.status, info.error = status, redact.text(exc.render(), secrets)
        saved = _save_quietly(run, info, effects)
        made = effects.describe()
        created = f"created so far: {made}; " if made else ("side effects began; " if effects.began else "")
        undo = "undo: delete what was created; " if made else ""
        unsaved = "" if saved is None else f"its status could not be saved ({saved}); "
        exc.message = (
            f"{exc.message} ({where}; {created}{unsaved}{undo}or fix the cause, then: scaffold resume {run.run_id})"
        )
        exc.details = {
            "run_id": run.run_id,
            "created": dict(effects.created),
            "resume": f"scaffold resume {run.run_id}",
        }


def _contexts(step: Step, context: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The contexts the step's input renders in, one per item of its `each`; none if `each`
    cannot render (running the step then reports why)."""
    try:
        iterations = each_items(step, context)
    except ScaffoldError:
        return []
    return [context] if iterations is None else [{**context, "each": item} for item in iterations]


def _late_preflight(action: AnyAction, ctx: ActionContext, step: Step, context: Mapping[str, Any]) -> None:
    """A dry run's preflight of a step whose input an earlier step's output gives (a foreign
    template's repo name), once that input is known."""
    check = action.preflight
    assert check is not None
    iterations = each_items(step, context)
    problems: list[Problem] = []
    for item in [None] if iterations is None else iterations:
        raw = render_value(step.input, context if item is None else {**context, "each": item}, f"steps.{step.id}.input")
        try:
            parsed = action.parse(raw)
        except ValidationError:
            continue  # running the step reports it
        problems += [Problem(p.where, f"{p.message} (step {step.id}, {step.action})") for p in check(ctx, parsed)]
    if problems:
        raise ActionError(f"{ctx.template.name} cannot be created as asked", problems)


def _given_again(template: Template) -> list[str]:
    """The secrets a resume or upgrade needs given again: the declared ones (a parameter whose
    default is computed from them is not stored either, but is computed again)."""
    return sorted(p.id for p in template.parameters if p.secret)


def _step_id(step: PlannedStep | None) -> str:
    return step.step.id if step is not None else "?"


def _fs_error(what: str, exc: OSError) -> RunError:
    """A file system error (disk full, permissions): its cause is outside scaffold, so exit 1."""
    where = str(exc.filename or what)
    return RunError(f"{what} hit a file system error", [Problem(where, exc.strerror or str(exc))])


def _create(runs_dir: Path, info: RunInfo) -> Run:
    """The run's folder; a disk that cannot hold it is an error that leaves nothing behind."""
    try:
        return Run.create(runs_dir, info)
    except OSError as exc:
        shutil.rmtree(runs_dir / info.run_id, ignore_errors=True)
        raise _fs_error(f"run {info.run_id} cannot be created; nothing was created:", exc) from exc


def _save_quietly(run: Run, info: RunInfo, effects: Effects) -> str | None:
    """Save `info` with what the run created so far; returns why it could not (a full disk)."""
    info.created = dict(effects.created)
    try:
        run.save(info)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


__all__ = ["Event", "Outcome", "Runner", "list_runs"]
