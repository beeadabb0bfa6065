"""`scaffold template lint`: everything a guild can check about a golden path without running it.

Each problem is a `Finding` (file, line, rule, one sentence). The checks reuse the engine rather
than re-implementing it: the loader's line-numbered problems, `plan.plan` with the answers of
every example, `parameters.resolve`, `releases.verify_snapshot`. On top, Jinja's AST gives a static
analysis of every skeleton file and every `${{ }}` expression: syntax, unknown filters, and names
nothing defines. With a base git ref, the version rules of docs/template-format.md are checked
against what changed since. The rule ids are `RULES` (documented in docs/guilds.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, TemplateSyntaxError, meta, nodes
from pydantic import ValidationError

from scaffolder import yamlio
from scaffolder.errors import ActionError, AnswersError, Problem, RenderError, ScaffoldError, TemplateError
from scaffolder.expressions import environment as expression_environment
from scaffolder.expressions import has_expression, render_value
from scaffolder.parameters import Answers, InvalidValue, coerce, default_for, is_missing, resolve, visible
from scaffolder.plan import expression_context, placeholder_output, plan
from scaffolder.registry import registry
from scaffolder.releases import CHANGELOG, RELEASES_DIR, parse_changelog, semver_key, verify_snapshot
from scaffolder.render import Delimiters, make_environment, renders_content
from scaffolder.template import TEMPLATE_FILE, Parameter, Template, TemplateModel, load_template

RULES: dict[str, str] = {
    "template-format": "template.yaml loads and validates against the format",
    "owner": "metadata.owner is set and is an entity ref such as group:backend-guild",
    "changelog": "CHANGELOG.md exists and has an entry for spec.version",
    "examples": "there is at least one examples/*.yaml, and each is a valid set of answers",
    "parameter-default": "every literal default satisfies its parameter's type and rules",
    "skeleton-syntax": "every skeleton file and file name parses as Jinja, with known filters and tests",
    "skeleton-undefined": "every name a skeleton file uses is defined (values.X is a parameter)",
    "skeleton-symlink": "a skeleton holds no symlinks",
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

OWNER = re.compile(r"^(group|user):([a-z0-9][a-z0-9_.-]*/)?[A-Za-z0-9][A-Za-z0-9_.-]*$")
_WHERE = re.compile(r"^(?P<file>.*?):(?P<line>\d+)$")
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
_BUILTINS = {"template": ("name", "version"), "run": ("id",)}
# Folders of a golden path whose changes need no version bump: its releases, and its tests (the
# example answers, and the expected renders `scaffold template test` compares with).
_NOT_CONTENT = (RELEASES_DIR, "examples", "snapshots")
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One problem: `file:line: message`; `rule` names the check (a key of `RULES`)."""

    file: str
    line: int | None
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}{f':{self.line}' if self.line else ''}: {self.message} [{self.rule}]"

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "rule": self.rule, "message": self.message}


class _Report:
    """The findings of one golden path, files shown under the path the user gave."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.real = folder, folder.resolve()
        self.found: dict[tuple[str, int | None, str], Finding] = {}

    def add(self, file: str | Path, line: int | None, rule: str, message: str, note: str = "") -> None:
        """`file` is absolute or relative to the golden path; `note` is left out when deduplicating."""
        path = Path(file)
        if path.is_absolute() and path.resolve().is_relative_to(self.real):
            path = path.resolve().relative_to(self.real)
        shown = str(path if path.is_absolute() else self.folder / path)
        self.found.setdefault((shown, line, message), Finding(shown, line, rule, message + note))

    def problem(self, problem: Problem, rule: str, note: str = "") -> None:
        """A Problem whose `where` is `file:line` or a file (relative to the working directory)."""
        match = _WHERE.match(problem.where)
        file, line = (match["file"], int(match["line"])) if match else (problem.where, None)
        self.add(Path(file).resolve() if file else TEMPLATE_FILE, line, rule, problem.message, note)

    def findings(self) -> list[Finding]:
        return sorted(self.found.values(), key=lambda f: (f.file, f.line or 0, f.rule, f.message))


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


def lint(paths: Iterable[Path], base: str | None = None) -> dict[Path, list[Finding]]:
    """Lint each golden path (see `golden_paths`): every problem of every path, by path."""
    return {path: lint_path(path, base) for path in golden_paths(paths)}


def lint_path(path: Path, base: str | None = None) -> list[Finding]:
    """Every problem of one golden path; `base` is a git ref to check the version rules against."""
    folder = path.parent if path.name == TEMPLATE_FILE else path
    report = _Report(folder)
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
    _check_steps(report, template, answer_sets)
    _check_skeletons(report, template, answer_sets)
    if base is not None:
        _check_base(report, template, base)
    return report.findings()


def _line(template: Template, loc: Loc) -> int | None:
    return yamlio.line_of(template.doc, loc)


# --- metadata, changelog, examples ----------------------------------------------------------


def _check_metadata(report: _Report, template: Template) -> None:
    owner = template.model.metadata.owner
    if not OWNER.match(owner):
        line = _line(template, ("metadata", "owner"))
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


def _check_defaults(report: _Report, template: Template) -> set[str]:
    """Literal defaults must pass their parameter's rules; returns the ids of those that do not."""
    bad = set()
    for index, param in enumerate(template.parameters):
        if param.default is None or has_expression(repr(param.default)):
            continue
        try:
            coerce(param, param.default)
        except InvalidValue as exc:
            bad.add(param.id)
            line = _line(template, ("spec", "parameters", index, "default"))
            report.add(TEMPLATE_FILE, line, "parameter-default", f"the default of parameter {param.id}: {exc}")
    return bad


def _check_examples(report: _Report, template: Template, bad_defaults: set[str]) -> list[tuple[str, Answers]]:
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


# --- static analysis with Jinja's AST -------------------------------------------------------


def _parse(env: Environment, source: str) -> tuple[nodes.Template | None, list[tuple[int | None, str]]]:
    """The AST and every syntax problem (line, sentence), unknown filters and tests included."""
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        return None, [(exc.lineno, exc.message or "syntax error")]
    problems: list[tuple[int | None, str]] = [
        (n.lineno, f"unknown filter {n.name!r}") for n in ast.find_all(nodes.Filter) if n.name not in env.filters
    ]
    problems += [(n.lineno, f"unknown test {n.name!r}") for n in ast.find_all(nodes.Test) if n.name not in env.tests]
    return ast, problems


def _names(ast: nodes.Template) -> Iterator[tuple[str, list[str], int]]:
    """(root, keys, line) of every name the template reads but does not define itself, with the
    constant attribute and item keys after it: `steps.publish.output.url` -> ("steps",
    ["publish", "output", "url"]). A method call drops its method name; a dynamic key ends the keys."""
    try:
        undeclared = meta.find_undeclared_variables(ast)
    except TemplateSyntaxError:  # an unknown filter or test (reported by _parse): every name read
        undeclared = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}
    inner = {id(n.node) for n in ast.find_all(nodes.Getattr)} | {id(n.node) for n in ast.find_all(nodes.Getitem)}
    called = {id(n.node) for n in ast.find_all(nodes.Call)}
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in inner:
            continue
        keys: list[str] = []  # outermost first
        current: nodes.Node = node
        while isinstance(current, nodes.Getattr | nodes.Getitem):
            if isinstance(current, nodes.Getattr):
                keys.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                keys.append(current.arg.value)
            else:
                keys = []
            current = current.node
        if isinstance(current, nodes.Name) and current.ctx == "load" and current.name in undeclared:
            if id(node) in called and keys:
                keys = keys[1:]
            yield current.name, keys[::-1], node.lineno


def _expression_name(template: Template, root: str, keys: list[str], kind: str, index: int) -> str | None:
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
        action = registry().get(template.steps[ids.index(key)].action)
        if len(keys) > 2 and action is not None and keys[2] not in action.output.model_fields:
            fields = ", ".join(action.output.model_fields) or "none"
            return f"steps.{key}.output.{keys[2]} is undefined: {action.id} outputs {fields}"
    elif key not in _BUILTINS.get(root, (key,)):
        return f"{root}.{key} is undefined: {root} has {', '.join(_BUILTINS[root])}"
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
    report: _Report, template: Template, loc: Loc, text: str, kind: str, index: int
) -> tuple[bool, set[str]]:
    """Report syntax and undefined names; returns whether it is clean and the step ids it reads."""
    line = _line(template, loc)
    shown = " ".join(text.split())
    ast, problems = _parse(expression_environment(), text)
    for _, reason in problems:
        report.add(TEMPLATE_FILE, line, "expression-syntax", f"{shown!r}: {reason}")
    names = [] if ast is None else list(_names(ast))
    undefined = [why for r, k, _ in names if (why := _expression_name(template, r, k, kind, index))]
    for why in undefined:
        report.add(TEMPLATE_FILE, line, "expression-undefined", why)
    return not problems and not undefined, {keys[0] for root, keys, _ in names if root == "steps" and keys}


# --- steps: actions, expressions, inputs ------------------------------------------------------


def _check_steps(report: _Report, template: Template, answer_sets: list[tuple[str, Answers]]) -> None:
    actions = registry()
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
            report.add(TEMPLATE_FILE, _line(template, loc), "unknown-action", message)
    unknown = {s.id for s in spec.steps if s.action not in actions}
    quiet = set()  # steps whose failures to render follow from a problem reported already
    for loc, text, kind, index in _expressions(template):
        clean, reads = _check_expression(report, template, loc, text, kind, index)
        if loc[1] == "steps" and (not clean or reads & unknown):
            quiet.add(template.steps[index].id)
    step_index = {s.id: i for i, s in enumerate(spec.steps)}
    for label, answers in answer_sets:
        try:
            plan(template, answers, run_id="lint")
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
                report.add(TEMPLATE_FILE, _line(template, loc), "expression-error", problem.message, f" (with {label})")


# --- skeletons --------------------------------------------------------------------------------


def _fetch_inputs(template: Template, index: int, answer_sets: list[tuple[str, Answers]]) -> list[Any]:
    """The parsed inputs of `fetch:template` step `index`, rendered with each set of answers."""
    actions = registry()
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


def _skeleton_name(env: Environment, root: str, keys: list[str], defined: set[str], what: str) -> str | None:
    """Why `root.keys` is undefined in a skeleton file that sees `values` (with keys `defined`)."""
    if root == "values":
        return f"values.{keys[0]} is undefined: it is not {what}" if keys and keys[0] not in defined else None
    if root == "template":
        known = _BUILTINS["template"]
        return (
            f"template.{keys[0]} is undefined: template has {', '.join(known)}"
            if keys and keys[0] not in known
            else None
        )
    return None if root in env.globals else f"{root!r} is undefined: a skeleton sees values and template"


def _check_skeleton(report: _Report, template: Template, index: int, inp: Any) -> None:
    """Parse every file (and file name) of one `fetch:template` step's skeleton as it would render."""
    step = template.steps[index]
    source = (template.path / inp.path).resolve()
    if not source.is_relative_to(template.path) or not source.is_dir():
        line = _line(template, ("spec", "steps", index, "input", "path"))
        state = "does not exist" if source.is_relative_to(template.path) else "is outside the golden path"
        report.add(TEMPLATE_FILE, line, "step-input", f"step {step.id}: skeleton folder {inp.path!r} {state}")
        return
    if inp.values is None:
        secrets = {p.id for p in template.parameters if p.secret}
        defined, what = {p.id for p in template.parameters} - secrets, "a parameter (secrets never reach skeletons)"
    else:
        defined, what = set(inp.values), f"a key of step {step.id}'s values input"
    env = make_environment(inp.delimiters or Delimiters())
    for file in sorted(source.rglob("*")):
        rel = file.relative_to(source).as_posix()
        if file.is_symlink():
            report.add(file, None, "skeleton-symlink", "is a symlink, which a skeleton may not hold")
            continue
        if file.is_dir():
            continue
        data = file.read_bytes()
        texts = [("file name: ", rel)]
        if renders_content(rel, data, inp.copy_without_render, inp.template_suffix):
            texts.append(("", data.decode("utf-8")))
        for prefix, text in texts:
            ast, problems = _parse(env, text)
            for line, reason in problems:
                report.add(file, line if not prefix else None, "skeleton-syntax", prefix + reason)
            for root, keys, line in [] if ast is None else _names(ast):
                why = _skeleton_name(env, root, keys, defined, what)
                if why:
                    report.add(file, line if not prefix else None, "skeleton-undefined", prefix + why)


def _check_skeletons(report: _Report, template: Template, answer_sets: list[tuple[str, Answers]]) -> None:
    for index, step in enumerate(template.steps):
        if step.action == "fetch:template" and step.action in registry():
            for inp in _fetch_inputs(template, index, answer_sets):
                _check_skeleton(report, template, index, inp)


# --- versions against a base ref --------------------------------------------------------------


def _needs_answer(param: Parameter) -> bool:
    return param.required and param.default is None


def _skeleton_dirs(model: TemplateModel) -> set[str]:
    paths = {str(s.input.get("path", "skeleton")) for s in model.spec.steps if s.action == "fetch:template"}
    return {p.strip("/").removeprefix("./") for p in paths if not has_expression(p)} or {"skeleton"}


def _breaking(old: TemplateModel, new: TemplateModel, changed: dict[str, str]) -> list[str]:
    """Why the change from `old` needs a major version: each reason as a phrase."""
    before = {p.id: p for p in old.spec.parameters}
    after = {p.id: p for p in new.spec.parameters}
    reasons = [f"parameter {pid!r} was removed" for pid in before if pid not in after]
    for pid, param in after.items():
        if _needs_answer(param) and pid not in before:
            reasons.append(f"parameter {pid!r} is new and required without a default")
        elif _needs_answer(param) and not _needs_answer(before[pid]):
            reasons.append(f"parameter {pid!r} was made required without a default")
    skeletons = _skeleton_dirs(old) | _skeleton_dirs(new)
    removed = [p for p, status in sorted(changed.items()) if status == "D" and p.split("/")[0] in skeletons]
    return reasons + [f"skeleton file {p} was removed" for p in removed]


def _major(old: str, new: str) -> tuple[bool, str]:
    """Whether `new` is a major step up from `old` (in 0.x, a minor one is), and the least that is."""
    (o_major, o_minor, *_), (n_major, n_minor, *_) = semver_key(old), semver_key(new)
    if o_major == 0:
        return n_major > 0 or n_minor > o_minor, f"0.{o_minor + 1}.0"
    return n_major > o_major, f"{o_major + 1}.0.0"


def _since(template: Template, base: str) -> tuple[dict[str, str], bytes | None]:
    """What changed in the golden path since `base` (path -> git status, leaving out what is not
    content) and its template.yaml there (None when it is new). Raises ScaffoldError naming why
    `base` cannot be compared with."""
    from scaffolder import git

    top = git.toplevel(template.path)
    if top is None:
        raise TemplateError("needs the golden path in a git work tree")
    commit = git.rev_parse(top, f"{base}^{{commit}}")
    if commit is None:
        raise TemplateError(f"is not a commit of {top}")
    sub = template.path.relative_to(top.resolve()).as_posix()
    prefix = "" if sub == "." else f"{sub}/"
    changed = {
        p.removeprefix(prefix): status
        for p, status in git.changed_paths(top, commit, sub).items()
        if p.removeprefix(prefix).split("/")[0] not in _NOT_CONTENT
    }
    return changed, git.show(top, commit, f"{prefix}{TEMPLATE_FILE}")


def _check_base(report: _Report, template: Template, base: str) -> None:
    """With content changed since `base`, spec.version must go up, by a major step when breaking."""
    line = _line(template, ("spec", "version"))
    try:
        changed, old_text = _since(template, base)
    except ScaffoldError as exc:
        report.add(TEMPLATE_FILE, line, "base", f"--base {base} {exc.message}")
        return
    if not changed or old_text is None:  # unchanged, or new since base: any version will do
        return
    try:
        old = TemplateModel.model_validate(yamlio.plain(yamlio.load(Path(TEMPLATE_FILE), old_text.decode())))
    except (yamlio.YamlSyntaxError, ValidationError, UnicodeDecodeError):
        report.add(
            TEMPLATE_FILE, line, "base", f"template.yaml at {base} does not load, so versions cannot be compared"
        )
        return
    before, now = old.spec.version, template.version
    if semver_key(now) <= semver_key(before):
        files = sorted(changed)
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        message = f"spec.version {now} is not greater than {before} at {base}, but {shown} changed since: bump it"
        report.add(TEMPLATE_FILE, line, "version-bump", message)
    major, least = _major(before, now)
    if not major:
        for reason in _breaking(old, template.model, changed):
            report.add(
                TEMPLATE_FILE, line, "major-bump", f"{reason} since {base}: that needs {least} or above, not {now}"
            )
