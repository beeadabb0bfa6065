"""Lint of versions against a base git ref: content changed since it needs a greater
`spec.version`, and a breaking change (a removed parameter or skeleton file, a new required
answer) a major one, as docs/template-format.md sets out."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from scaffolder import yamlio
from scaffolder.errors import ScaffoldError, TemplateError
from scaffolder.expressions import has_expression
from scaffolder.guild.findings import Report, line_of
from scaffolder.sources import RELEASES_DIR
from scaffolder.template import TEMPLATE_FILE, Parameter, Template, TemplateModel
from scaffolder.versions import key as semver_key

# Folders of a golden path whose changes need no version bump: its releases, and its tests (the
# example answers, and the expected renders `scaffold template test` compares with).
_NOT_CONTENT = (RELEASES_DIR, "examples", "snapshots")


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
    (o_major, o_minor), (n_major, n_minor) = ((v.major, v.minor) for v in (semver_key(old), semver_key(new)))
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


def check_base(report: Report, template: Template, base: str) -> None:
    """With content changed since `base`, spec.version must go up, by a major step when breaking."""
    line = line_of(template, ("spec", "version"))
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
