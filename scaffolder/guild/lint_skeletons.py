"""Lint of skeleton files: every `fetch:template` step's skeleton parsed as it would render (file
names too), with its delimiters, knowing which values it is given; symlinks that lead out refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment
from pydantic import ValidationError

from scaffolder.errors import RenderError
from scaffolder.expressions import has_expression, render_value
from scaffolder.guild.findings import Report, line_of
from scaffolder.guild.jinja_names import BUILTINS, names, parse
from scaffolder.parameters import Answers
from scaffolder.plan import expression_context, placeholder_output
from scaffolder.registry import Registry
from scaffolder.render import Delimiters, make_environment, renders_content
from scaffolder.template import TEMPLATE_FILE, Template


def _fetch_inputs(
    actions: Registry, template: Template, index: int, answer_sets: list[tuple[str, Answers]]
) -> list[Any]:
    """The parsed inputs of `fetch:template` step `index`, rendered with each set of answers."""
    step = template.steps[index]
    outputs = {s.id: placeholder_output(actions[s.action], s.id) for s in template.steps[:index] if s.action in actions}
    raws = [] if has_expression(repr(step.input)) else [step.input]
    for _, answers in answer_sets:
        try:
            raws.append(render_value(step.input, expression_context(template, answers.values, outputs, "lint")))
        except RenderError:
            continue
    parsed = {}
    for raw in raws:
        try:
            inp = actions[step.action].parse(raw)
        except ValidationError:
            continue
        parsed[inp.model_dump_json()] = inp
    return list(parsed.values())


def _skeleton_name(
    env: Environment, root: str, keys: list[str], defined: set[str], what: str, dialect: str
) -> str | None:
    """Why `root.keys` is undefined in a skeleton file that sees `values` (with keys `defined`),
    and `template` unless it renders as Backstage's (`nunjucks`), which renders undefined empty."""
    if root == "values":
        return f"values.{keys[0]} is undefined: it is not {what}" if keys and keys[0] not in defined else None
    if root == "template" and dialect == "jinja":
        known = BUILTINS["template"]
        return (
            f"template.{keys[0]} is undefined: template has {', '.join(known)}"
            if keys and keys[0] not in known
            else None
        )
    sees = "values and template" if dialect == "jinja" else "values only (it renders empty, as in Backstage)"
    return None if root in env.globals else f"{root!r} is undefined: a skeleton sees {sees}"


def _check_links(report: Report, source: Path) -> None:
    """Symlinks that would not lead to something the skeleton renders: refused when it renders."""
    from scaffolder.paths import link_problems

    entries = sorted(source.rglob("*"))
    links = {p.relative_to(source).as_posix(): p.readlink().as_posix() for p in entries if p.is_symlink()}
    if not links:
        return
    files = [p.relative_to(source).as_posix() for p in entries if p.is_file() and not p.is_symlink()]
    # named relative to the golden path: `Report.add` would resolve an absolute path, following the link
    folder = source.relative_to(report.real) if source.is_relative_to(report.real) else source
    for problem in link_problems(files, links):
        report.add(folder / problem.where, None, "skeleton-symlink", problem.message)


def _check_skeleton(report: Report, template: Template, index: int, inp: Any) -> None:
    """Parse every file (and file name) of one `fetch:template` step's skeleton as it would render."""
    step = template.steps[index]
    source = (template.path / inp.path).resolve()
    single = source.is_file()  # Backstage's fetch:template:file: one file, its name not rendered
    if not source.is_relative_to(template.path) or not (source.is_dir() or single):
        line = line_of(template, ("spec", "steps", index, "input", "path"))
        state = "does not exist" if source.is_relative_to(template.path) else "is outside the golden path"
        report.add(TEMPLATE_FILE, line, "step-input", f"step {step.id}: skeleton folder {inp.path!r} {state}")
        return
    if inp.values is None:
        secrets = {p.id for p in template.parameters if p.secret}
        defined, what = {p.id for p in template.parameters} - secrets, "a parameter (secrets never reach skeletons)"
    else:
        defined, what = set(inp.values), f"a key of step {step.id}'s values input"
    env = make_environment(inp.delimiters or Delimiters(), inp.dialect)
    if not single:
        _check_links(report, source)
    for file in [source] if single else sorted(source.rglob("*")):
        rel = file.name if single else file.relative_to(source).as_posix()
        if file.is_symlink() or file.is_dir():
            continue
        data = file.read_bytes()
        texts = [] if single else [("file name: ", rel)]
        if renders_content(rel, data, inp.copy_without_render, inp.template_suffix):
            texts.append(("", data.decode("utf-8")))
        for prefix, text in texts:
            ast, problems = parse(env, text)
            for line, reason in problems:
                report.add(file, line if not prefix else None, "skeleton-syntax", prefix + reason)
            for root, keys, line in [] if ast is None else names(ast):
                why = _skeleton_name(env, root, keys, defined, what, inp.dialect)
                if why:
                    report.add(file, line if not prefix else None, "skeleton-undefined", prefix + why)


def check_skeletons(report: Report, template: Template, answer_sets: list[tuple[str, Answers]]) -> None:
    for index, step in enumerate(template.steps):
        if step.action == "fetch:template" and step.action in report.actions:
            for inp in _fetch_inputs(report.actions, template, index, answer_sets):
                _check_skeleton(report, template, index, inp)
