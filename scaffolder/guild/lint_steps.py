"""Lint of template.yaml's steps and `${{ }}` expressions: every action installed, every expression
parsing and naming only what it can see where it is, every step's input valid with each
example's answers (through `plan.plan`, as a run would check it)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scaffolder.errors import ActionError
from scaffolder.expressions import environment as expression_environment
from scaffolder.expressions import has_expression
from scaffolder.guild.findings import Loc, Report, line_of
from scaffolder.guild.jinja_names import BUILTINS, names, parse
from scaffolder.parameters import Answers
from scaffolder.plan import plan
from scaffolder.registry import Registry
from scaffolder.template import TEMPLATE_FILE, Template

# A problem `plan.plan` found while rendering: `steps.ID.input.a[0].b: 'text': reason`.
_RENDERED = re.compile(r"^steps\.(?P<step>\w+)\.(?P<key>input|if)(?P<rest>[^:\s]*): ", re.S)
_KEY = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
# The top-level names an expression sees, by where it is (see plan.expression_context,
# parameters.context and upgrade's migrations).
_SEES = {
    "parameter": ("parameters", "template"),
    "step": ("parameters", "steps", "template", "run"),
    "migration": ("parameters", "template", "run"),
    "check": ("parameters", "template", "run"),
}


def _expression_name(
    actions: Registry, template: Template, root: str, keys: list[str], kind: str, index: int
) -> str | None:
    """Why `root.keys` is undefined in an expression of this kind at parameter/step `index`."""
    sees = _SEES[kind]
    if root not in sees:
        if root in expression_environment().globals:
            return None
        return f"{root!r} is undefined here (an expression here sees {', '.join(sees)})"
    if not keys:
        return None
    key = keys[0]
    if root == "parameters":
        ids = [p.id for p in template.parameters]
        if key not in ids:
            return f"parameters.{key} is undefined: no parameter has the id {key!r}"
        if kind == "parameter" and ids.index(key) >= index:
            return f"parameters.{key} is not answered yet: a default or when sees only earlier parameters"
    elif root == "steps":
        ids = [s.id for s in template.steps]
        if key not in ids:
            return f"steps.{key} is undefined: no step has the id {key!r}"
        if ids.index(key) >= index:
            return f"steps.{key} has not run yet here: only earlier steps' outputs are available"
        if len(keys) > 1 and keys[1] != "output":
            return f"steps.{key}.{keys[1]} is undefined: a step has only 'output'"
        action = actions.get(template.steps[ids.index(key)].action)
        if len(keys) > 2 and action is not None and keys[2] not in action.output.model_fields:
            fields = ", ".join(action.output.model_fields) or "none"
            return f"steps.{key}.output.{keys[2]} is undefined: {action.id} outputs {fields}"
    elif key not in BUILTINS.get(root, (key,)):
        return f"{root}.{key} is undefined: {root} has {', '.join(BUILTINS[root])}"
    return None


def _strings(loc: Loc, value: Any) -> Iterator[tuple[Loc, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings((*loc, key), item)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings((*loc, i), item)


def _expressions(template: Template) -> Iterator[tuple[Loc, str, str, int]]:
    """(location, text, kind, index) of every `${{ }}` string of template.yaml; `index` is the
    position of its parameter or step (what it may refer to comes before it)."""
    spec = template.model.spec
    found: list[tuple[Loc, Any, str, int]] = []
    for i, param in enumerate(spec.parameters):
        found += [
            (loc, text, "parameter", i) for loc, text in _strings(("spec", "parameters", i, "default"), param.default)
        ]
        found.append((("spec", "parameters", i, "when"), param.when, "parameter", i))
    for i, step in enumerate(spec.steps):
        found.append((("spec", "steps", i, "if"), step.if_, "step", i))
        found += [(loc, text, "step", i) for loc, text in _strings(("spec", "steps", i, "input"), step.input)]
    for i, migration in enumerate(spec.migrations):
        for j, mstep in enumerate(migration.steps):
            where: Loc = ("spec", "migrations", i, "steps", j)
            found += [
                (loc, t, "migration", 0) for loc, t in _strings(where, {"input": mstep.input, "script": mstep.script})
            ]
    for i, check in enumerate(spec.checks):
        found.append((("spec", "checks", i, "when"), check.when, "check", 0))
        found += [(loc, text, "check", 0) for loc, text in _strings(("spec", "checks", i, "run"), check.run)]
    for i, link in enumerate(spec.output.links):
        found.append((("spec", "output", "links", i, "url"), link.url, "step", len(spec.steps)))
    for loc, text, kind, index in found:
        if has_expression(text):
            yield loc, text, kind, index


def _check_expression(
    report: Report, template: Template, loc: Loc, text: str, kind: str, index: int
) -> tuple[bool, set[str]]:
    """Report syntax and undefined names; returns whether it is clean and the step ids it reads."""
    line = line_of(template, loc)
    shown = " ".join(text.split())
    dialect = "nunjucks" if template.format == "backstage" else "jinja"  # Backstage's filters and `===`
    ast, problems = parse(expression_environment(dialect), text)
    for _, reason in problems:
        report.add(TEMPLATE_FILE, line, "expression-syntax", f"{shown!r}: {reason}")
    read = [] if ast is None else list(names(ast))
    undefined = [why for r, k, _ in read if (why := _expression_name(report.actions, template, r, k, kind, index))]
    for why in undefined:
        report.add(TEMPLATE_FILE, line, "expression-undefined", why)
    return not problems and not undefined, {keys[0] for root, keys, _ in read if root == "steps" and keys}


def check_steps(report: Report, template: Template, answer_sets: list[tuple[str, Answers]]) -> None:
    actions = report.actions
    installed = ", ".join(sorted(actions))
    spec = template.model.spec
    uses: list[tuple[Loc, str, str | None]] = [
        (("spec", "steps", i, "action"), f"step {s.id}", s.action) for i, s in enumerate(spec.steps)
    ]
    for i, migration in enumerate(spec.migrations):
        uses += [
            (("spec", "migrations", i, "steps", j, "action"), f"migration to {migration.to}", s.action)
            for j, s in enumerate(migration.steps)
        ]
    for loc, what, action_id in uses:
        if action_id is not None and action_id not in actions:
            message = f"{what}: unknown action {action_id!r} (installed: {installed})"
            report.add(TEMPLATE_FILE, line_of(template, loc), "unknown-action", message)
    unknown = {s.id for s in spec.steps if s.action not in actions}
    quiet = set()  # steps whose failures to render follow from a problem reported already
    for loc, text, kind, index in _expressions(template):
        clean, reads = _check_expression(report, template, loc, text, kind, index)
        if loc[1] == "steps" and (not clean or reads & unknown):
            quiet.add(template.steps[index].id)
    step_index = {s.id: i for i, s in enumerate(spec.steps)}
    for label, answers in answer_sets:
        try:
            plan(template, answers, "lint", actions)
            continue
        except ActionError as exc:
            problems = exc.problems
        for problem in problems:
            rendered = _RENDERED.match(problem.message)
            if rendered is None and ": unknown action " not in problem.message:
                report.problem(problem, "step-input", f" (with {label})")
            elif rendered is not None and rendered["step"] not in quiet:
                keys = [k if k else int(n) for k, n in _KEY.findall(rendered["rest"])]
                loc = ("spec", "steps", step_index[rendered["step"]], rendered["key"], *keys)
                report.add(
                    TEMPLATE_FILE, line_of(template, loc), "expression-error", problem.message, f" (with {label})"
                )
