"""The upgrade impact of a new version: what `scaffold upgrade` does to a repo made from the
previous release, per example, before the new version is merged.

For one example answers file: render the previous release with those answers into a git work tree
with its record (what `scaffold new` made), commit it, apply the edits a team typically makes
(`examples/edits/EXAMPLE.yaml`, committed too), then upgrade it to the version under test with the
engine every repo uses (`upgrade_tree`). The files it changes and the conflicts it leaves are what
the fleet will meet.

An edits file::

    # What teams change in repos made from this example (applied to the previous release's render)
    edits:
      - {file: README.md, append: "\\n## Runbook\\n\\nPage the on-call.\\n"}
      - file: src/orders_api/app.py
        replace: {old: 'b"ok"', new: 'b"healthy"'}
      - {file: docs/adr/0001.md, write: "# Use the golden path\\n"}
      - {file: Dockerfile, delete: true}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scaffolder import git, yamlio
from scaffolder import record as records
from scaffolder.catalogs.null import NullCatalog
from scaffolder.errors import AnswersError, Problem, ScaffoldError, TemplateError
from scaffolder.forges.base import Forge
from scaffolder.guild.checks import CheckResult
from scaffolder.parameters import resolve
from scaffolder.paths import inside
from scaffolder.runner import Runner
from scaffolder.sources import Release
from scaffolder.template import Template, problems_from_validation
from scaffolder.upgrade import UpgradeResult, upgrade_tree

EDITS_DIR = "edits"  # examples/edits/EXAMPLE.yaml
RUN_ID = "template-test"
STARTED_AT = "2000-01-01T00:00:00+00:00"
EXCERPT_LINES = 20


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Replace(_Model):
    old: str = Field(min_length=1, description="Text that must occur in the file")
    new: str


class Edit(_Model):
    """One change a team makes to its repo: exactly one of append, replace, write, delete."""

    file: str = Field(min_length=1)
    append: str | None = None
    replace: Replace | None = None
    write: str | None = None
    delete: bool = False

    @model_validator(mode="after")
    def _one(self) -> Edit:
        ops = [self.append is not None, self.replace is not None, self.write is not None, self.delete]
        if sum(ops) != 1:
            raise ValueError("an edit needs exactly one of append, replace, write, delete")
        return self


class Edits(_Model):
    edits: list[Edit] = Field(default_factory=list)


def edits_file(template: Template, example: str) -> Path:
    return template.path / "examples" / EDITS_DIR / f"{example}.yaml"


def load_edits(path: Path) -> list[Edit]:
    """The edits in `path` (none when it does not exist); TemplateError names each problem."""
    if not path.is_file():
        return []
    try:
        doc = yamlio.load(path)
    except yamlio.YamlSyntaxError as exc:
        raise TemplateError(f"edits file {path} is malformed", [exc.problem]) from None
    try:
        return Edits.model_validate(yamlio.plain(doc) or {}).edits
    except ValidationError as exc:
        raise TemplateError(f"edits file {path} is invalid", problems_from_validation(exc, doc, path)) from None


def apply_edits(root: Path, edits: list[Edit], source: Path) -> None:
    """Apply edits to the work tree; an edit that does not apply is a TemplateError naming it."""
    problems = []
    for number, edit in enumerate(edits, start=1):
        where = f"{source}: edit {number} ({edit.file})"
        try:
            target = inside(root, edit.file)
        except ScaffoldError as exc:
            problems.append(Problem(where, exc.render()))
            continue
        if edit.write is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(edit.write, encoding="utf-8")
        elif not target.is_file():
            problems.append(Problem(where, "no such file in the previous release's render"))
        elif edit.delete:
            target.unlink()
        elif edit.append is not None:
            with target.open("a", encoding="utf-8") as handle:
                handle.write(edit.append)
        elif edit.replace is not None:
            text = target.read_text(encoding="utf-8")
            if edit.replace.old not in text:
                problems.append(Problem(where, f"text to replace not found: {edit.replace.old!r}"))
                continue
            target.write_text(text.replace(edit.replace.old, edit.replace.new, 1), encoding="utf-8")
    if problems:
        raise TemplateError("the example's edits do not apply to the previous release", problems)


@dataclass
class Impact:
    """What upgrading one example's repo from the previous release does: the upgrade's own result, the
    team edits made before it, and the checks run after it."""

    from_version: str
    to_version: str
    result: UpgradeResult | None = None  # the upgrade (None when skipped or failed)
    edits: int = 0  # how many edits were applied before the upgrade
    excerpts: dict[str, str] = field(default_factory=dict)  # conflicted file -> lines around the markers
    skipped: str | None = None  # why the example could not be made with the previous release
    error: str | None = None  # the upgrade failed: every repo would fail the same way
    checks: list[CheckResult] = field(default_factory=list)  # the checks, run on the upgraded repo
    repo: Path | None = None  # the upgraded work tree (while the test runs)

    def ok(self, strict: bool = False) -> bool:
        return self.error is None and all(c.ok for c in self.checks) and not (strict and self.conflicts)

    @property
    def changes(self) -> UpgradeResult:
        """The upgrade's result, or an empty one when it did not run (skipped or failed)."""
        return self.result or UpgradeResult("", self.from_version, self.to_version)

    @property
    def conflicts(self) -> list[str]:
        return self.changes.conflicts

    @property
    def files_changed(self) -> list[str]:
        return self.changes.files_changed

    def to_json(self) -> dict[str, Any]:
        result = self.changes
        return {
            "from": self.from_version,
            "to": self.to_version,
            "files_changed": self.files_changed,
            "added": result.added,
            "modified": result.modified,
            "deleted": result.deleted,
            "renamed": [list(pair) for pair in result.renamed],
            "conflicts": result.conflicts,
            "kept_deleted": result.kept_deleted,
            "edits": self.edits,
            "checks": [c.to_json() for c in self.checks],
            "skipped": self.skipped,
            "error": self.error,
        }


def _excerpt(path: Path) -> str:
    """The first conflict region of a file (or its head when it has no markers: kept as yours)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    start = next((i for i, line in enumerate(lines) if line.startswith("<<<<<<< ")), None)
    if start is None:
        return ""
    end = next((i for i in range(start, len(lines)) if lines[i].startswith(">>>>>>> ")), len(lines) - 1)
    shown = lines[max(0, start - 2) : min(end + 1, start + EXCERPT_LINES)]
    return "\n".join(shown)


def upgrade_impact(
    template: Template,
    old: Template,
    previous: Release,
    library: str,
    given: dict[str, Any],
    edits: list[Edit],
    edits_source: Path,
    forge: Forge,
    workdir: Path,
) -> Impact:
    """Make the example's repo with `old` (the release `previous`), edit it, upgrade it to `template`."""
    impact = Impact(old.version, template.version)
    old_given = {k: v for k, v in given.items() if old.parameter(k) is not None}
    try:
        old_answers = resolve(old, old_given)
    except AnswersError as exc:
        impact.skipped = f"the example does not fit {old.name}@{old.version}: " + "; ".join(
            str(p) for p in exc.problems or [Problem("", exc.message)]
        )
        return impact
    repo = workdir / "repo"
    try:
        Runner(forge, NullCatalog()).render(old, old_answers, repo, run_id=RUN_ID, started_at=STARTED_AT)
        rec = records.build(
            old,
            old_answers,
            source=library,
            ref=previous.record_ref,
            run_id=RUN_ID,
            created_at=STARTED_AT,
            files=records.manifest(repo),
        )
        records.write(repo, rec)
        git.init(repo)
        git.commit_all(repo, f"Create from golden path {old.name} {old.version}", STARTED_AT)
        if edits:
            apply_edits(repo, edits, edits_source)
            git.commit_all(repo, "The team's edits", STARTED_AT)
            impact.edits = len(edits)
        new_given = {k: v for k, v in given.items() if template.parameter(k) is not None}
        result = upgrade_tree(
            repo,
            old,
            template,
            forge=forge,
            answers=new_given,
            trusted=True,
            source=library,
            ref=template.version,
        )
    except ScaffoldError as exc:
        impact.error = exc.render()
        return impact
    impact.result = result
    impact.excerpts = {rel: text for rel in result.conflicts if (text := _excerpt(repo / rel))}
    impact.repo = repo
    return impact
