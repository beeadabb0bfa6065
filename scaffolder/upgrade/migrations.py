"""The migrations an upgrade crosses: which ones, planned (rendered, validated) before any runs, and run."""

from __future__ import annotations

import os
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scaffolder import render
from scaffolder.action import ActionContext, AnyAction
from scaffolder.catalogs.null import NullCatalog
from scaffolder.errors import ActionError, Problem, RenderError, ScaffoldError
from scaffolder.expressions import render_value
from scaffolder.forges.base import Forge
from scaffolder.parameters import Answers
from scaffolder.plan import expression_context
from scaffolder.registry import Registry
from scaffolder.template import MigrationStep, Template
from scaffolder.versions import Key as SemverKey
from scaffolder.versions import key as semver_key

TREES = {"old-render": "the render of the old version", "repo": "a copy of the repo"}


def version_key(version: str) -> SemverKey:
    """A sort key giving semantic-version order (a pre-release sorts before its release)."""
    return semver_key(version)


def crossed_migrations(old: Template, new: Template) -> list[tuple[int, str, list[MigrationStep]]]:
    """(index, to, steps) of the new version's migrations with old < to <= new, in version order."""
    low, high = version_key(old.version), version_key(new.version)
    found = [
        (index, m.to, m.steps) for index, m in enumerate(new.model.spec.migrations) if low < version_key(m.to) <= high
    ]
    return sorted(found, key=lambda item: version_key(item[1]))


@dataclass
class PlannedMigration:
    label: str
    action: AnyAction | None  # None for a script
    input: dict[str, Any] = field(default_factory=dict)
    script: list[str] | None = None


def plan_migrations(
    old: Template, new: Template, answers: Answers, run_id: str, trusted: bool, actions: Registry
) -> list[PlannedMigration]:
    """Render and validate every crossed migration step before any runs; one error lists all problems.

    Without trust, a crossed `script` step is an error naming exactly what would run.
    """
    context = expression_context(new, answers.public(), {}, run_id)  # secrets stay out of migrations
    planned: list[PlannedMigration] = []
    problems: list[Problem] = []
    untrusted: list[Problem] = []
    for index, to, steps in crossed_migrations(old, new):
        for number, step in enumerate(steps):
            where = new.where("spec", "migrations", index, "steps", number)
            label = f"migration to {to}, step {step.id or number + 1} ({step.action or 'script'})"
            if step.script is not None:
                try:
                    argv = [str(a) for a in render_value(step.script, context, f"migrations[{index}].script")]
                except RenderError as exc:
                    problems.extend(Problem(where, f"{label}: {p}") for p in exc.problems)
                    continue
                if not trusted:
                    untrusted.append(Problem(where, f"{label} would run: {shlex.join(argv)}"))
                planned.append(PlannedMigration(label, None, script=argv))
                continue
            action = actions.get(step.action or "")
            if action is None:
                known = ", ".join(sorted(actions))
                problems.append(Problem(where, f"{label}: unknown action (installed: {known})"))
                continue
            try:
                raw = render_value(step.input, context, f"migrations[{index}].steps[{number}].input")
                action.parse(raw)
            except RenderError as exc:
                problems.extend(Problem(where, f"{label}: {p}") for p in exc.problems)
                continue
            except ValidationError as exc:
                for err in exc.errors():
                    key = ".".join(str(p) for p in err["loc"])
                    msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
                    problems.append(Problem(where, f"{label}: input {key}: {msg}"))
                continue
            planned.append(PlannedMigration(label, action, raw))
    if problems:
        raise ActionError(f"the migrations of {new.name}@{new.version} cannot run", problems)
    if untrusted:
        raise ActionError(
            f"{new.name}@{new.version} has migration scripts, which run only with trust (--trust); nothing was changed",
            untrusted,
        )
    return planned


def _run_script(step: PlannedMigration, tree: Path, which: str, old: Template, new: Template) -> None:
    argv = step.script or []
    env = {
        **os.environ,
        "SCAFFOLD_TEMPLATE": new.name,
        "SCAFFOLD_TEMPLATE_DIR": str(new.path),
        "SCAFFOLD_FROM_VERSION": old.version,
        "SCAFFOLD_TO_VERSION": new.version,
        "SCAFFOLD_UPGRADE_TREE": which,
    }
    shown = shlex.join(argv)
    try:
        done = subprocess.run(argv, cwd=tree, env=env, capture_output=True, text=True, timeout=600, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ActionError(f"{step.label} failed on {TREES[which]}", [Problem(shown, str(exc))]) from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout or "").strip().splitlines()[-10:]
        raise ActionError(
            f"{step.label} failed on {TREES[which]}: `{shown}` exited with {done.returncode}",
            [Problem(shown, line) for line in lines],
        )


def run_migrations(
    steps: list[PlannedMigration],
    tree: Path,
    which: str,
    old: Template,
    new: Template,
    answers: Answers,
    forge: Forge,
    **ctx: Any,
) -> None:
    context = ActionContext(
        workspace=tree,
        template_dir=new.path,
        template=new,
        parameters=answers.values,
        forge=forge,
        catalog=NullCatalog(),
        dry_run=False,
        renderer=render,
        **ctx,
    )
    for step in steps:
        if step.action is None:
            _run_script(step, tree, which, old, new)
            continue
        try:
            step.action.run(context, step.input)
        except ScaffoldError as exc:
            exc.message = f"{step.label} failed on {TREES[which]}: {exc.message}"
            raise
