"""`scaffold template lint`: everything a guild can check about a golden path without running it.

Each problem is a `Finding` (file, line, rule, one sentence). The checks reuse the engine rather
than re-implementing it: the loader's line-numbered problems, `plan.plan` with the answers of
every example, `parameters.resolve`, `releases.verify_snapshot`. On top, Jinja's AST gives a static
analysis of every skeleton file and every `${{ }}` expression: syntax, unknown filters, and names
nothing defines. With a base git ref, the version rules of docs/template-format.md are checked
against what changed since. The rule ids are `RULES` (documented in docs/guilds.md).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scaffolder import yamlio
from scaffolder.errors import AnswersError, Problem, RenderError, TemplateError
from scaffolder.expressions import has_expression
from scaffolder.guild.findings import Finding as Finding
from scaffolder.guild.findings import Report, line_of
from scaffolder.guild.lint_skeletons import check_skeletons
from scaffolder.guild.lint_steps import check_steps
from scaffolder.guild.lint_versions import check_base
from scaffolder.parameters import Answers, InvalidValue, coerce, default_for, is_missing, resolve, visible
from scaffolder.registry import Registry, load_registry
from scaffolder.sources import CHANGELOG, RELEASES_DIR, load_template, parse_changelog, verify_snapshot
from scaffolder.template import TEMPLATE_FILE, Parameter, Template

RULES: dict[str, str] = {
    "template-format": "template.yaml loads and validates against the format",
    "owner": "metadata.owner is set and is an entity ref such as group:backend-guild",
    "changelog": "CHANGELOG.md exists and has an entry for spec.version",
    "examples": "there is at least one examples/*.yaml, and each is a valid set of answers",
    "parameter-default": "every literal default satisfies its parameter's type and rules",
    "skeleton-syntax": "every skeleton file and file name parses as Jinja, with known filters and tests",
    "skeleton-undefined": "every name a skeleton file uses is defined (values.X is a parameter)",
    "skeleton-symlink": "a skeleton's symlinks lead to something it renders (none leads out)",
    "expression-syntax": "every ${{ }} expression in template.yaml parses, with known filters and tests",
    "expression-undefined": "every name an expression uses is defined (earlier parameters, earlier steps' outputs)",
    "expression-error": "every expression evaluates with each example's answers",
    "unknown-action": "every step's action is installed",
    "step-input": "every step's input validates against its action's model, with each example's answers",
    "version-bump": "content changed since --base REF, so spec.version is greater than REF's",
    "major-bump": "a removed parameter or skeleton file, or a new required answer, comes with a major version",
    "base": "--base REF names a commit of the repository holding the golden path",
    "release-changed": "released snapshots (releases/VERSION/) match their .sha256 manifest",
}

# What Backstage renders rather than refuses: in a Backstage template these are warnings (an
# undefined name renders empty, an expression nunjitsu cannot parse stays as written).
BACKSTAGE_WARNINGS = frozenset({"skeleton-undefined", "expression-undefined", "expression-syntax"})

OWNER = re.compile(r"^(group|user):([a-z0-9][a-z0-9_.-]*/)?[A-Za-z0-9][A-Za-z0-9_.-]*$")


def golden_paths(paths: Iterable[Path]) -> list[Path]:
    """The golden paths PATHs name: a golden path's folder or its template.yaml as given, and a
    library (a folder without template.yaml) as each golden path folder in it."""
    out: list[Path] = []
    for path in paths:
        inside = (
            [] if (path / TEMPLATE_FILE).is_file() or not path.is_dir() else sorted(path.glob(f"*/{TEMPLATE_FILE}"))
        )
        out += [p.parent for p in inside] or [path]
    return out


def lint(paths: Iterable[Path], base: str | None = None, registry: Registry | None = None) -> dict[Path, list[Finding]]:
    """Lint each golden path (see `golden_paths`): every problem of every path, by path."""
    return {path: lint_path(path, base, registry) for path in golden_paths(paths)}


def lint_path(path: Path, base: str | None = None, registry: Registry | None = None) -> list[Finding]:
    """Every problem of one golden path; `base` is a git ref to check the version rules against,
    `registry` the actions its steps may use (default: the installed ones)."""
    folder = path.parent if path.name == TEMPLATE_FILE else path
    report = Report(folder, registry if registry is not None else load_registry().validated())
    for snapshot in sorted(p for p in (folder / RELEASES_DIR).glob("*") if p.is_dir()):
        for problem in verify_snapshot(snapshot):
            report.problem(Problem(problem.where, f"released snapshot {problem.message}"), "release-changed")
    try:
        template = load_template(folder)
    except TemplateError as exc:
        for problem in exc.problems or [Problem(str(folder / TEMPLATE_FILE), exc.message)]:
            report.problem(problem, "owner" if problem.message.startswith("metadata.owner:") else "template-format")
        return report.findings()
    _check_metadata(report, template)
    answer_sets = _check_examples(report, template, _check_defaults(report, template))
    check_steps(report, template, answer_sets)
    check_skeletons(report, template, answer_sets)
    if base is not None:
        check_base(report, template, base)
    findings = report.findings()
    if template.format == "backstage":
        findings = [dataclasses.replace(f, severity="warning") if f.rule in BACKSTAGE_WARNINGS else f for f in findings]
    return findings


# --- metadata, changelog, examples ----------------------------------------------------------


def _check_metadata(report: Report, template: Template) -> None:
    owner = template.model.metadata.owner
    if not OWNER.match(owner):
        line = line_of(template, ("metadata", "owner"))
        report.add(TEMPLATE_FILE, line, "owner", f"metadata.owner {owner!r} is not an entity ref like group:NAME")
    changelog = template.path / CHANGELOG
    if not changelog.is_file():
        report.add(CHANGELOG, None, "changelog", f"{CHANGELOG} is missing (one entry per version, newest first)")
        return
    text = changelog.read_text(encoding="utf-8")
    if template.version not in parse_changelog(text):
        headings = [i for i, line in enumerate(text.splitlines(), 1) if line.startswith("## ")]
        message = f"has no entry for {template.version} (spec.version): add '## [{template.version}] - YYYY-MM-DD'"
        report.add(CHANGELOG, headings[0] if headings else 1, "changelog", message)


def _sample(param: Parameter) -> Any:
    """A stand-in answer for a parameter with no default, when there are no examples."""
    if param.type == "integer":
        return param.minimum if param.minimum is not None else (param.maximum if param.maximum is not None else 1)
    if param.type == "boolean":
        return False
    if param.type in ("choice", "multi-choice"):
        first = (param.choices or [])[0].value
        return [first] if param.type == "multi-choice" else first
    return "example"


def _placeholder_answers(template: Template) -> Answers:
    values: dict[str, Any] = {}
    for param in template.parameters:
        try:
            if not visible(param, values, template):
                continue
            value = default_for(param, values, template)
        except RenderError:
            value = None
        values[param.id] = _sample(param) if is_missing(value) else value
    return Answers(values, frozenset(p.id for p in template.parameters if p.secret))


def _check_defaults(report: Report, template: Template) -> set[str]:
    """Literal defaults must pass their parameter's rules; returns the ids of those that do not."""
    bad = set()
    for index, param in enumerate(template.parameters):
        if param.default is None or has_expression(repr(param.default)):
            continue
        try:
            coerce(param, param.default)
        except InvalidValue as exc:
            bad.add(param.id)
            line = line_of(template, ("spec", "parameters", index, "default"))
            report.add(TEMPLATE_FILE, line, "parameter-default", f"the default of parameter {param.id}: {exc}")
    return bad


def _check_examples(report: Report, template: Template, bad_defaults: set[str]) -> list[tuple[str, Answers]]:
    """Every examples/*.yaml must resolve; returns (label, answers) for the ones that do, or
    placeholder answers built from defaults when none does. A bad default is reported once, by
    `_check_defaults`, not again for each example that leaves it to its default."""
    files = sorted([*template.path.glob("examples/*.yaml"), *template.path.glob("examples/*.yml")])
    if not files:
        report.add("examples", None, "examples", "no example answers: add examples/*.yaml, one per documented case")
    answer_sets = []
    for file in files:
        try:
            doc = yamlio.load(file)
        except yamlio.YamlSyntaxError as exc:
            report.problem(exc.problem, "examples")
            continue
        if not isinstance(doc, dict):
            report.add(file, 1, "examples", "must be a mapping of parameter id to answer")
            continue
        try:
            answer_sets.append((f"examples/{file.name}", resolve(template, yamlio.plain(doc))))
        except AnswersError as exc:
            for p in exc.problems:
                if p.where in doc or p.where not in bad_defaults:
                    report.add(file, yamlio.line_of(doc, (p.where,)), "examples", f"{p.where}: {p.message}")
    return answer_sets or [("placeholder answers", _placeholder_answers(template))]
