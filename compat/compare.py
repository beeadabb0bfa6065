"""One comparison: a template rendered (or upgraded) by scaffold and by its native tool, and the verdict."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import manifest
import native
import procs
import report
import scaffold_side
import snapshots
import trees


@dataclass(frozen=True)
class Config:
    """Where things are and how long each tool may take."""

    snapshots: Path
    work: Path
    scaffold: Path
    python: Path
    render_js: Path
    timeout: float
    scaffold_set: list[str]
    keep: bool = False


def _run_dir(cfg: Config, entry: manifest.Entry, operation: str) -> Path:
    folder = cfg.work / "runs" / (re.sub(r"[^A-Za-z0-9_.-]+", "_", entry.id) + ("" if operation == "new" else "-up"))
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def _row(cfg: Config, entry: manifest.Entry, operation: str, ref: str) -> report.Row:
    try:
        commit = snapshots.commit_of(cfg.snapshots, entry.snapshot_name, ref)
    except snapshots.SnapshotMissing:
        commit = ""
    return report.Row(entry.id, entry.repo, entry.path, ref, commit, entry.format, operation)


def _template(cfg: Config, entry: manifest.Entry, ref: str) -> tuple[Path, Path]:
    """(the template's folder, its YAML file for Backstage entries) in a checkout at `ref`."""
    src = snapshots.checkout(cfg.snapshots, entry.snapshot_name, ref, cfg.work)
    target = src / entry.path if entry.path else src
    if target.is_file():
        return target.parent, target
    return target, target / "template.yaml"


def _native_new(cfg: Config, entry: manifest.Entry, folder: Path, yaml_file: Path, run_dir: Path) -> procs.Side:
    values = run_dir / "values.json"
    if entry.format == "backstage":
        return native.backstage(cfg.render_js, yaml_file, values, run_dir, cfg.timeout)
    if entry.format == "cookiecutter":
        return native.cookiecutter(cfg.python, folder, values, run_dir, cfg.timeout)
    return native.copier_copy(cfg.python, folder, entry.ref, values, run_dir / "native", cfg.timeout)


def _finish(
    cfg: Config, row: report.Row, ours: procs.Side, theirs: procs.Side, run_dir: Path, folder: Path, random: list[str]
) -> report.Row:
    diffs = trees.differences(ours.tree, theirs.tree) if ours.ok and theirs.ok and ours.tree and theirs.tree else None
    report.verdict(row, ours, theirs, diffs, random)
    for attr in ("result", "scaffold", "native"):  # the checkout's path says nothing; the template's name does
        text = getattr(row, attr).replace(f"{folder}/", "").replace(str(folder), folder.name)
        text = text.replace(f"{run_dir}/", "")
        setattr(row, attr, text if len(text) <= 300 else text[:299] + "…")
    if not cfg.keep:
        shutil.rmtree(run_dir, ignore_errors=True)
    return row


def new(cfg: Config, entry: manifest.Entry) -> report.Row:
    """`scaffold new` against the native tool's first render, same answers."""
    row = _row(cfg, entry, "new", entry.ref)
    try:
        folder, yaml_file = _template(cfg, entry, entry.ref)
    except snapshots.SnapshotMissing as exc:
        row.result = f"no snapshot: {exc}"
        return row
    run_dir = _run_dir(cfg, entry, "new")
    answers = native.backstage_answers(yaml_file, entry.answers) if entry.format == "backstage" else entry.answers
    scaffold_side.values_file(run_dir, answers)
    ref = str(yaml_file) if entry.format == "backstage" and yaml_file.name != "template.yaml" else str(folder)
    ours, _ = scaffold_side.new(cfg.scaffold, ref, answers, entry.trust, cfg.scaffold_set, run_dir, cfg.timeout)
    theirs = _native_new(cfg, entry, folder, yaml_file, run_dir)
    return _finish(cfg, row, ours, theirs, run_dir, folder, entry.random)


def upgrade(cfg: Config, entry: manifest.Entry) -> report.Row:
    """`scaffold new` at upgrade_from then `scaffold upgrade --to upgrade_to`, against `copier copy` then
    `copier update`, same answers."""
    old, to = str(entry.upgrade_from), str(entry.upgrade_to)
    row = _row(cfg, entry, f"upgrade {old} -> {to}", old)
    try:
        folder, _ = _template(cfg, entry, old)
    except snapshots.SnapshotMissing as exc:
        row.result = f"no snapshot: {exc}"
        return row
    run_dir = _run_dir(cfg, entry, "upgrade")
    values = scaffold_side.values_file(run_dir, entry.answers)
    ours, _ = scaffold_side.new(
        cfg.scaffold, str(folder), entry.answers, entry.trust, cfg.scaffold_set, run_dir, cfg.timeout
    )
    if ours.ok and ours.tree:
        seconds = ours.seconds
        ours = scaffold_side.upgrade(cfg.scaffold, ours.tree, to, entry.trust, run_dir / "home", cfg.timeout)
        ours.seconds += seconds
    theirs = native.copier_copy(cfg.python, folder, old, values, run_dir / "native", cfg.timeout)
    if theirs.ok:
        native.commit_all(run_dir / "native", procs.environment(run_dir / "native-home"))
        seconds = theirs.seconds
        theirs = native.copier_update(cfg.python, run_dir / "native", to, values, cfg.timeout)
        theirs.seconds += seconds
    return _finish(cfg, row, ours, theirs, run_dir, folder, entry.random)
