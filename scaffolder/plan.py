"""Planning a run: every step's input rendered and validated before anything runs.

Outputs of earlier steps stand in as typed placeholders, so a template or answer mistake in any
step fails with one error listing every problem, and no side effect. The runner (`runner.py`)
runs what the plan holds; lint and the guild's checks plan without running.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from scaffolder import redact
from scaffolder.action import AnyAction
from scaffolder.errors import ActionError, Problem, RenderError
from scaffolder.expressions import dialect_entry, render_value, truthy
from scaffolder.parameters import Answers
from scaffolder.registry import Registry, load_registry
from scaffolder.taint import Taint
from scaffolder.template import Step, Template


@dataclass
class PlannedStep:
    step: Step
    action_id: str
    runs: bool  # False when its `if` is false
    input: dict[str, Any]  # rendered with placeholders for later outputs (for display)
    inputs: list[dict[str, Any]] | None = None  # a step with `each`: one input per item


def expression_context(
    template: Template, answers: Mapping[str, Any], steps: Mapping[str, Mapping[str, Any]], run_id: str
) -> dict[str, Any]:
    return {
        "parameters": dict(answers),
        "steps": {sid: {"output": dict(out)} for sid, out in steps.items()},
        "template": {"name": template.name, "version": template.version},
        "run": {"id": run_id},
        **dialect_entry(template.format),  # a Backstage template's expressions keep Backstage's semantics
    }


def _placeholder(annotation: Any, label: str) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _placeholder(args[0], label) if args else None
    if annotation is bool:
        return False
    if annotation is int:
        return 0
    if annotation is float:
        return 0.0
    if origin is list or annotation is list:
        return []
    if origin is dict or annotation is dict:
        return {}
    return f"<{label}>"


def placeholder_output(action: AnyAction, step_id: str) -> dict[str, Any]:
    """Typed stand-ins for a step's outputs, used to validate later steps before anything runs."""
    model: type[BaseModel] = action.output
    return {
        name: _placeholder(info.annotation, f"steps.{step_id}.output.{name}")
        for name, info in model.model_fields.items()
    }


def _input_problems(template: Template, index: int, exc: ValidationError) -> list[Problem]:
    problems = []
    for err in exc.errors():
        if isinstance(err.get("input"), str) and "<steps." in err["input"]:
            continue  # a value an earlier step's output gives: checked when the step runs
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc)
        msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
        where = template.where("spec", "steps", index, "input", *loc)
        step = template.steps[index]
        problems.append(Problem(where, f"step {step.id} ({step.action}): input {key}: {msg}"))
    return problems


def each_items(step: Step, context: Mapping[str, Any], planning: bool = False) -> list[dict[str, Any]] | None:
    """Backstage's `each`: one `{key, value}` per item of the rendered list (keys "0", "1", ...,
    as Backstage's) or mapping; None for a step without `each`. While planning, an `each` that
    an earlier step's output gives has no items yet."""
    if step.each is None:
        return None
    items = render_value(step.each, context, f"steps.{step.id}.each")
    if isinstance(items, Mapping):
        return [{"key": str(k), "value": v} for k, v in items.items()]
    if isinstance(items, list | tuple):
        return [{"key": str(i), "value": v} for i, v in enumerate(items)]
    if planning and isinstance(items, str) and "<steps." in items:
        return []
    problem = Problem(f"steps.{step.id}.each", f"needs a list or a mapping, not {items!r}")
    raise RenderError("`each` needs a list or a mapping", [problem])


def plan(
    template: Template, answers: Answers, run_id: str = "plan", registry: Registry | None = None
) -> list[PlannedStep]:
    """Render and validate every step's input against `registry`'s actions (default: the installed
    ones); raise one error listing every problem."""
    actions = registry if registry is not None else load_registry()
    problems: list[Problem] = []
    outputs: dict[str, dict[str, Any]] = {}
    planned: list[PlannedStep] = []
    taint = Taint(answers.secret)
    for index, step in enumerate(template.steps):
        action = actions.get(step.action)
        if action is None:
            problems.append(
                Problem(
                    template.where("spec", "steps", index, "action"),
                    f"step {step.id}: unknown action {step.action!r} (installed: {', '.join(sorted(actions))})",
                )
            )
            continue
        ctx = expression_context(template, answers.values, outputs, run_id)
        try:
            runs = truthy(step.if_, ctx, f"steps.{step.id}.if")
        except RenderError as exc:
            hidden = taint.hide(exc, step.if_).problems
            problems.extend(Problem(template.where("spec", "steps", index, "if"), str(p)) for p in hidden)
            continue
        rendered: dict[str, Any] = {}
        inputs: list[dict[str, Any]] | None = None
        if runs:
            try:
                iterations = each_items(step, ctx, planning=True)
                if iterations is None:
                    rendered = render_value(step.input, ctx, f"steps.{step.id}.input")
                    taint.learn(answers, step, [ctx])
                    action.parse(rendered)
                else:
                    inputs = []
                    for item in iterations:
                        inputs.append(render_value(step.input, {**ctx, "each": item}, f"steps.{step.id}.input"))
                        taint.learn(answers, step, [{**ctx, "each": item}])
                        action.parse(inputs[-1])
                    rendered = {"each": inputs}
            except RenderError as exc:
                key = "each" if step.each is not None and inputs is None else "input"
                hidden = taint.hide(exc, step.input, step.each).problems
                problems.extend(Problem(template.where("spec", "steps", index, key), str(p)) for p in hidden)
            except ValidationError as exc:
                problems.extend(_input_problems(template, index, exc))
            placeholder = placeholder_output(action, step.id)
            outputs[step.id] = placeholder if step.each is None else {name: [] for name in placeholder}
        secrets = answers.secret_values()
        planned.append(
            PlannedStep(
                step,
                step.action,
                runs,
                redact.data(rendered, secrets),
                None if inputs is None else redact.data(inputs, secrets),
            )
        )
    if problems:
        raise redact.error(ActionError(f"the steps of {template.name} cannot run", problems), answers.secret_values())
    return planned
