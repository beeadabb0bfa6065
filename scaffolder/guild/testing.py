"""`scaffold template test` as a library function: every example of a golden path rendered,
compared with its snapshot, checked with the project's own checks and upgraded from the previous
release.

Renders are dry runs (`Runner.render`): the steps that support dry runs write the files, the forge
is an embedded one at a fixed path that nothing is written to (so URLs in generated files are the
same on every machine) and the catalog is a null one. Nothing outside a temp folder is touched but
the snapshots, and those only with `update_snapshots`.

Running the checks and the migrations of the upgrade runs code from the golden path: test
templates you would run.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder import versions
from scaffolder.catalogs.null import NullCatalog
from scaffolder.errors import Problem, ScaffoldError, TemplateError
from scaffolder.forges.base import Forge
from scaffolder.forges.local import LocalForge
from scaffolder.guild import snapshots
from scaffolder.guild.check_env import CheckEnvError, CheckEnvs
from scaffolder.guild.checks import CheckResult, run_checks
from scaffolder.guild.impact import Impact, edits_file, load_edits, upgrade_impact
from scaffolder.runner import Runner
from scaffolder.sources import GoldenPathSource, Release, load_release, resolve_folder
from scaffolder.template import TEMPLATE_FILE, Template

# Generated files name the repo's URL: renders use an embedded forge at this fixed path (never
# created), so snapshots are the same on every machine.
SNAPSHOT_FORGE = Path("/srv/scaffold/forge")
EXAMPLES_DIR = "examples"

Progress = Callable[[str], None]


@dataclass
class ExampleReport:
    """One example answers file: its snapshot, checks and upgrade from the previous release."""

    name: str
    file: str  # examples/NAME.yaml
    snapshot: str = "ok"  # ok | updated | mismatch | missing | error
    differences: list[snapshots.Difference] = field(default_factory=list)
    files: int = 0  # how many files the render has
    checks: list[CheckResult] = field(default_factory=list)
    upgrade: Impact | None = None
    error: str | None = None  # the example could not be rendered (or its snapshot read)

    def ok(self, strict: bool = False) -> bool:
        if self.error is not None or self.snapshot not in ("ok", "updated"):
            return False
        if not all(c.ok for c in self.checks):
            return False
        return self.upgrade is None or self.upgrade.ok(strict)

    def to_json(self, strict: bool = False) -> dict[str, Any]:
        return {
            "name": self.name,
            "file": self.file,
            "snapshot": self.snapshot,
            "mismatched": [d.path for d in self.differences],
            "differences": [d.to_json() for d in self.differences],
            "files": self.files,
            "checks": [c.to_json() for c in self.checks],
            "upgrade": self.upgrade.to_json() if self.upgrade else None,
            "error": self.error,
            "ok": self.ok(strict),
        }


@dataclass
class GoldenPathReport:
    """`scaffold template test` of one golden path."""

    golden_path: str
    path: Path
    version: str
    previous: str | None = None  # the release upgrades start from
    examples: list[ExampleReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # not tied to one example
    stale_snapshots: list[str] = field(default_factory=list)  # snapshots/X.txt without examples/X.yaml
    strict: bool = False
    checks_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems and not self.stale_snapshots and all(e.ok(self.strict) for e in self.examples)

    @property
    def conflicts(self) -> int:
        return sum(len(e.upgrade.conflicts) for e in self.examples if e.upgrade is not None)

    def to_json(self) -> dict[str, Any]:
        return {
            "golden_path": self.golden_path,
            "path": str(self.path),
            "version": self.version,
            "previous": self.previous,
            "examples": [e.to_json(self.strict) for e in self.examples],
            "problems": [{"where": p.where, "message": p.message} for p in self.problems],
            "stale_snapshots": self.stale_snapshots,
            "ok": self.ok,
        }


def golden_path_folder(path: Path) -> Path:
    """The golden path's folder for PATH (the folder or its template.yaml)."""
    folder = path.parent if path.name == TEMPLATE_FILE and path.is_file() else path
    if not (folder / TEMPLATE_FILE).is_file():
        raise TemplateError(f"no golden path at {path} (no {TEMPLATE_FILE} there)")
    return folder


def expand(paths: list[Path]) -> list[Path]:
    """Golden path folders for PATHs: a golden path (its folder or template.yaml), or a library
    folder standing for every golden path in it."""
    out: list[Path] = []
    for path in paths:
        if (path / TEMPLATE_FILE).is_file() or path.name == TEMPLATE_FILE:
            out.append(golden_path_folder(path))
            continue
        found = sorted(p.parent for p in path.glob(f"*/{TEMPLATE_FILE}"))
        if not found:
            raise TemplateError(f"no golden path at {path} (no {TEMPLATE_FILE} there, nor in its folders)")
        out += found
    return out


def previous_release(source: GoldenPathSource) -> Release | None:
    """The newest release of the golden path older than the version it was resolved at, if any."""
    key = versions.key(source.version)
    older = [r for r in source.versions() if versions.key(r.version) < key]
    return older[-1] if older else None


def snapshot_file(template: Template, example: str) -> Path:
    return template.path / snapshots.SNAPSHOTS_DIR / f"{example}{snapshots.SUFFIX}"


def _comments(template: Template, example: Path, count: int) -> list[str]:
    return [
        f"What the golden path {template.name} renders for {EXAMPLES_DIR}/{example.name}: {count} files.",
        "Written by `scaffold template test PATH --update-snapshots`; never edit it by hand.",
        "The record (.scaffold/record.yaml) is not part of a render: it holds run ids and dates.",
    ]


def _check_snapshot(template: Template, example: Path, render: Path, update: bool, report: ExampleReport) -> None:
    actual = snapshots.read_tree(render)
    report.files = len(actual)
    text = snapshots.dump(actual, _comments(template, example, len(actual)))
    file = snapshot_file(template, example.stem)
    stored = None
    if not file.is_file():
        report.snapshot = "missing"
    else:
        stored = file.read_bytes().decode("utf-8", "replace")
        try:
            report.differences = snapshots.compare(snapshots.parse(stored), actual)
            report.snapshot = "mismatch" if report.differences else "ok"
        except snapshots.SnapshotError as exc:
            report.snapshot, report.error = "error", f"{file}: {exc} (rewrite it with --update-snapshots)"
    if update and stored != text:
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_bytes(text.encode("utf-8"))  # when only the comments changed, it stays "ok"
        if report.snapshot != "ok":
            report.snapshot, report.error = "updated", None


@dataclass
class _Context:
    template: Template
    source: GoldenPathSource
    forge: Forge
    previous: Release | None
    old: Template | None
    update: bool
    run_checks: bool
    upgrade: bool
    workdir: Path
    progress: Progress
    envs: CheckEnvs
    env_errors: list[Problem] = field(default_factory=list)

    def checks(self, answers: Any, project: Path) -> list[CheckResult]:
        """The project's checks, run in the environment its declared dependencies make; none when
        that environment cannot be built (the reason goes to the report once)."""
        try:
            python = self.envs.python_for(project)
        except CheckEnvError as exc:
            problem = Problem("checks", exc.render())
            if problem not in self.env_errors:
                self.env_errors.append(problem)
            return []
        return run_checks(self.template, answers, project, python)


def _example(ctx: _Context, example: Path) -> ExampleReport:
    from scaffolder.create import load_values
    from scaffolder.parameters import resolve

    template = ctx.template
    report = ExampleReport(example.stem, f"{EXAMPLES_DIR}/{example.name}")
    render = ctx.workdir / example.stem / "render"
    try:
        values = load_values(example)
        if len(values) != 1:
            raise TemplateError(f"{example} holds {len(values)} services; an example is one mapping of answers")
        given = values[0]
        answers = resolve(template, given)
        Runner(ctx.forge, NullCatalog()).render(template, answers, render)
    except ScaffoldError as exc:
        report.snapshot, report.error = "error", exc.render()
        return report
    _check_snapshot(template, example, render, ctx.update, report)
    ctx.progress(f"{template.name}: {example.stem}: snapshot {report.snapshot}")
    if ctx.run_checks and template.model.spec.checks:
        report.checks = ctx.checks(answers, render)
        for check in report.checks:
            ctx.progress(f"{template.name}: {example.stem}: {check.name} {'ok' if check.ok else 'FAILED'}")
    if ctx.upgrade and ctx.previous is not None and ctx.old is not None:
        source = edits_file(template, example.stem)
        try:
            edits = load_edits(source)
        except ScaffoldError as exc:
            report.upgrade = Impact(ctx.previous.version, template.version, error=exc.render())
            return report
        report.upgrade = upgrade_impact(
            template,
            ctx.old,
            ctx.previous,
            ctx.source.library,
            given,
            edits,
            source,
            ctx.forge,
            ctx.workdir / example.stem,
        )
        up = report.upgrade
        if ctx.run_checks and template.model.spec.checks and up.repo is not None and not up.conflicts:
            up.checks = ctx.checks(answers, up.repo)  # the upgraded repo still passes its checks
        state = "FAILED" if not up.ok() else "skipped" if up.skipped else f"{len(up.conflicts)} conflicts"
        ctx.progress(f"{template.name}: {example.stem}: upgrade from {up.from_version}: {state}")
    return report


def run_template_test(
    path: Path,
    *,
    update_snapshots: bool = False,
    checks: bool = True,
    upgrade: bool = True,
    strict: bool = False,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> GoldenPathReport:
    """Test the golden path at `path` (its folder or template.yaml). Failures are in the report
    (`report.ok`); a golden path that does not load raises TemplateError. Examples are tested
    `jobs` at a time (default: up to 4, by CPUs): their checks run in separate processes."""
    folder = golden_path_folder(path)
    source = resolve_folder(folder)
    template = source.template
    report = GoldenPathReport(template.name, template.path, template.version, strict=strict, checks_run=checks)
    previous = previous_release(source) if upgrade else None
    old: Template | None = None
    if previous is not None:
        report.previous = previous.version
        try:
            old = load_release(previous)
        except ScaffoldError as exc:
            report.problems.append(Problem(str(previous.folder), f"the previous release does not load: {exc.render()}"))
    folder_of_examples = template.path / EXAMPLES_DIR
    examples = sorted([*folder_of_examples.glob("*.yaml"), *folder_of_examples.glob("*.yml")])
    if not examples:
        where = str(template.path / EXAMPLES_DIR)
        report.problems.append(Problem(where, "no example answers (*.yaml): nothing to test"))
    with tempfile.TemporaryDirectory(prefix="scaffold-template-test-") as tmp:
        ctx = _Context(
            template,
            source,
            LocalForge(SNAPSHOT_FORGE),
            previous,
            old,
            update_snapshots,
            checks,
            upgrade,
            Path(tmp),
            progress or (lambda _message: None),
            CheckEnvs(template.name, template.version),
        )
        workers = max(1, jobs or min(4, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="template-test") as pool:
            report.examples = list(pool.map(lambda example: _example(ctx, example), examples))
        report.problems += ctx.env_errors
    names = {e.stem for e in examples}
    folder_of_snapshots = template.path / snapshots.SNAPSHOTS_DIR
    for stale in sorted(folder_of_snapshots.glob(f"*{snapshots.SUFFIX}")):
        if stale.name[: -len(snapshots.SUFFIX)] not in names:
            if update_snapshots:
                stale.unlink()
            else:
                report.stale_snapshots.append(f"{snapshots.SNAPSHOTS_DIR}/{stale.name}")
    return report
