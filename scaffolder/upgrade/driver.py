"""The merge driver: one work tree moved from template version A to B, path by path, before anything is written."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder import record as records
from scaffolder import redact
from scaffolder.catalogs.null import NullCatalog
from scaffolder.errors import TemplateError
from scaffolder.forges.base import Forge
from scaffolder.globs import matches
from scaffolder.merge import ConflictStyle, Decision, FileState, Labels, LinkState, Ours, State, decide
from scaffolder.registry import Registry, load_registry
from scaffolder.runner import Runner
from scaffolder.template import Template
from scaffolder.upgrade.answers import Ask, upgrade_answers
from scaffolder.upgrade.conflicts import Conflict, check_resolved, entries, stage
from scaffolder.upgrade.diff import report
from scaffolder.upgrade.migrations import plan_migrations, version_key
from scaffolder.upgrade.renames import repo_files, same_renames, template_renames, user_renames
from scaffolder.upgrade.result import UpgradeResult
from scaffolder.upgrade.trees import RECORD, Disk, Trees, build_trees


def _required(template: Template, rel: str) -> bool:
    """Whether the template requires `rel`: a `required_files` glob matches it (scaffold's globs)."""
    return matches(rel, template.model.spec.required_files)


def _write(root: Path, rel: str, state: State, before: Ours) -> None:
    """Write one file or symlink, never through a symlink: one standing at `rel` is replaced (its
    folder is resolved and checked by `inside`). An existing file keeps its mode bits, but for the
    executable bit."""
    from scaffolder.paths import inside

    folder, _, name = rel.rpartition("/")
    parent = inside(root, folder) if folder else root
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / name
    if isinstance(state, LinkState) or isinstance(before, LinkState):
        if target.is_symlink() or target.is_file():
            target.unlink()
        if isinstance(state, LinkState):
            target.symlink_to(state.target)
            return
        before = None
    if isinstance(before, FileState):
        mode = target.stat().st_mode & 0o777
        if not mode & 0o200:
            target.chmod(mode | 0o200)
    else:
        mode = 0o644
    mode = mode | ((mode & 0o444) >> 2) if state.executable else mode & ~0o111
    target.write_bytes(state.data)
    target.chmod(mode)


def _remove(root: Path, rel: str) -> None:
    path = root / rel
    if path.is_symlink() or path.is_file():
        path.unlink()
    parent = path.parent
    while parent != root and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _kept_link_above(root: Path, rel: str, final: Mapping[str, State | None]) -> bool:
    """Whether a folder on the way to `rel` is a symlink in the repo that the upgrade keeps (writing
    `rel` would go through it)."""
    parts = rel.split("/")[:-1]
    for i in range(len(parts)):
        above = "/".join(parts[: i + 1])
        if (root / above).is_symlink() and not (above in final and final[above] is None):
            return True
    return False


@dataclass
class Merged:
    """The repo's new state where it differs from disk (None: delete), and what needs a human."""

    final: dict[str, State | None]
    conflicts: list[Conflict] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # template renames followed


def _ours(trees: Trees, disk: Disk, rel: str) -> Ours:
    return trees.ours[rel] if rel in trees.ours else disk.get(rel)


def _note(out: Merged, result: UpgradeResult, rel: str, d: Decision, sides: tuple[Any, Any, Any]) -> None:
    """Record one decision's conflict (with its index stages) and kept deletion."""
    if d.conflict or d.kept_deleted:
        out.conflicts.append(Conflict(rel, d.kind, entries(rel, *sides)))
    if d.kept_deleted:
        result.kept_deleted.append(rel)


def _follow_template(
    trees: Trees, disk: Disk, pair: tuple[str, str], ctx: tuple[Template, Labels], out: Merged, result: UpgradeResult
) -> None:
    """The template moved `old` to `new`: the repo's file (with its edits) moves too, merged with the
    template's new content; one the user deleted stays deleted (a modify/delete when the content changed)."""
    old, new = pair
    b, o, t = trees.base[old], _ours(trees, disk, old), trees.theirs[new]
    d = decide(b, o, t, required=_required(ctx[0], new), labels=ctx[1])
    if isinstance(o, FileState):
        out.final[old] = None
        out.final[new] = d.result if d.action == "write" else o
        out.renamed.append((old, new))
    elif d.action == "write":
        out.final[new] = d.result
    _note(out, result, new, d, (b, o, t))


def _follow_user(
    trees: Trees, disk: Disk, pair: tuple[str, str], moved: Mapping[str, str], labels: Labels, out: Merged
) -> None:
    """The user moved `old` to `mine`: the template's change of `old` is merged into `mine`. When the
    template moved it elsewhere too (rename/rename), the merged content goes to both paths, staged as
    `git merge` stages them (the old path at 1, yours at 2, the template's at 3)."""
    old, mine = pair
    b, o = trees.base[old], disk.get(mine)
    theirs_path = moved.get(old, old)
    t = trees.theirs.get(theirs_path)
    if t is None:  # the template deleted what you moved: yours kept, as git's rename/delete
        out.conflicts.append(Conflict(mine, "delete/modify", entries(mine, b, o, None)))
        return
    d = decide(b, o, t, labels=labels)
    if d.action == "write":
        out.final[mine] = d.result
    if theirs_path not in (old, mine) and t is not None and isinstance(o, FileState):
        both = d.result if d.action == "write" and d.result is not None else o
        out.final[theirs_path] = both
        stages = ((1, old, b), (2, mine, both), (3, theirs_path, both))
        out.conflicts += [Conflict(mine, "rename/rename", stages), Conflict(theirs_path, "rename/rename")]
    elif d.conflict:
        out.conflicts.append(Conflict(mine, d.kind, entries(mine, b, o, t)))


def _merge(
    trees: Trees, disk: Disk, new: Template, labels: Labels, result: UpgradeResult, listing: Callable[[], list[str]]
) -> Merged:
    """Merge every path the template changed, following renames on both sides. A write that would go
    through a symlinked folder the repo keeps is not made: a conflict."""
    out = Merged(dict(trees.ours), [Conflict(rel, "delete/modify") for rel in trees.kept])
    moved = template_renames(trees, disk)
    same = same_renames(trees, disk)  # both sides made the same move: one three-way merge at the new path
    theirs_moved = {a: b for a, b in user_renames(trees, disk, {**moved, **same}, listing).items() if a not in same}
    for pair in sorted(moved.items()):
        if pair[0] not in theirs_moved:
            _follow_template(trees, disk, pair, (new, labels), out, result)
    for pair in sorted(theirs_moved.items()):
        _follow_user(trees, disk, pair, moved, labels, out)
    for old, path in sorted(same.items()):
        sides = (trees.base[old], _ours(trees, disk, path), trees.theirs[path])
        both = decide(*sides, required=_required(new, path), labels=labels)
        _note(out, result, path, both, sides)
        if both.action == "write":
            out.final[path] = both.result
    done = set(moved) | set(moved.values()) | set(theirs_moved) | set(same) | set(same.values())
    for rel in sorted((set(trees.base) | set(trees.theirs)) - done):
        b, t = trees.base.get(rel), trees.theirs.get(rel)
        required = t is not None and _required(new, rel)
        if b == t and not required:
            continue  # the template did not change it: the repo's file is not even read
        o = _ours(trees, disk, rel)
        decision = decide(b, o, t, required=required, labels=labels)
        _note(out, result, rel, decision, (b, o, t))
        if decision.action == "write":
            out.final[rel] = decision.result
        elif decision.action == "delete":
            out.final[rel] = None
    for rel, state in list(out.final.items()):
        if state is not None and "/" in rel and _kept_link_above(disk.root, rel, out.final):
            del out.final[rel]
            out.conflicts.append(Conflict(rel, "blocked"))
    result.conflicts = sorted({c.path for c in out.conflicts})
    result.conflict_kinds = {c.path: c.kind for c in sorted(out.conflicts, key=lambda c: c.path)}
    result.kept_deleted.sort()
    return out


def _record_files(worktree: Path, theirs: Mapping[str, State], final: Mapping[str, State | None]) -> dict[str, str]:
    """The new record's files: what the new version generates, where the tree has something after the
    upgrade (a file the user deleted or moved is not listed)."""
    files = {}
    for rel, state in sorted(theirs.items()):
        present = final[rel] is not None if rel in final else os.path.lexists(worktree / rel)
        if present:
            files[rel] = (
                records.link_entry(state.target) if isinstance(state, LinkState) else records.sha256(state.data)
            )
    return files


def _check_versions(worktree: Path, rec: records.Record, old: Template, new: Template) -> None:
    """The repo was made from `old`, and `new` is a later (or the same) version of the same golden path."""
    if rec.template.name != old.name or rec.template.version != old.version:
        raise TemplateError(
            f"{worktree} was made from {rec.template.name}@{rec.template.version}, not from {old.name}@{old.version}"
        )
    if new.name != old.name:
        raise TemplateError(f"cannot upgrade {old.name} to another golden path ({new.name})")
    if version_key(new.version) < version_key(old.version):
        raise TemplateError(
            f"{worktree} is at {old.name}@{old.version}; {new.version} is older (downgrades are not supported)"
        )


def _apply(worktree: Path, changes: Mapping[str, State | None], disk: Disk) -> None:
    """Write the changes: deletions first (deepest paths first), then every new or changed file."""
    for rel in sorted((r for r, state in changes.items() if state is None), reverse=True):
        _remove(worktree, rel)
    for rel, state in sorted(changes.items()):
        if state is not None:
            _write(worktree, rel, state, disk.get(rel))


def upgrade_tree(
    worktree: Path,
    old: Template,
    new: Template,
    *,
    forge: Forge,
    answers: Mapping[str, Any] | None = None,
    ask: Ask | None = None,
    dry_run: bool = False,
    trusted: bool = False,
    source: str | None = None,
    ref: str | None = None,
    registry: Registry | None = None,
    conflict_style: ConflictStyle = "diff3",
    record: records.Record | None = None,
) -> UpgradeResult:
    """Upgrade the generated repo at `worktree` from `old` (its recorded version) to `new`.

    `answers` overrides recorded answers and gives secrets and new parameters; `ask` is called
    when parameters are still open (None: defaults, and an error for a required one without).
    `trusted` lets migration `script` steps run. `source` and `ref` go to the new record (default:
    the recorded source, no ref); `registry` holds the actions (default: the installed ones). With
    `dry_run` nothing is written; either way the result's `diff` shows the change. Conflicts do not
    raise: they are listed in the result, marked (`conflict_style`) and left unmerged in git's index.
    The last upgrade's conflicts must be resolved first (`UnresolvedConflicts`); a caller that has
    read the repo's record and checked that already (`upgrade_repo`) passes it as `record`.
    """
    worktree = worktree.resolve()
    rec = record
    if rec is None:
        rec = records.read(worktree)
        check_resolved(worktree, rec)
    _check_versions(worktree, rec, old, new)
    old_answers, new_answers = upgrade_answers(rec, old, new, dict(answers or {}), ask)
    actions = registry if registry is not None else load_registry()
    migrations = plan_migrations(old, new, new_answers, rec.run_id, trusted, actions)
    result = UpgradeResult(old.name, old.version, new.version, answers=new_answers.public(), dry_run=dry_run)
    disk = Disk(worktree)
    runner = Runner(forge, NullCatalog(), trusted=trusted, registry=actions)
    trees = build_trees(worktree, old, new, (old_answers, new_answers), migrations, runner, rec, disk)
    labels = Labels("yours", f"{old.name} {old.version}", f"{new.name} {new.version}", conflict_style)
    merged = _merge(trees, disk, new, labels, result, repo_files(worktree))
    final = merged.final
    new_record = records.build(
        new,
        new_answers,
        source=source or rec.template.source,
        ref=ref,
        run_id=rec.run_id,
        created_at=rec.created_at,
        files=_record_files(worktree, trees.theirs, final),
        conflicts=result.conflicts,
    )
    final[RECORD] = FileState(records.dumps(new_record).encode("utf-8"))
    changes = {rel: state for rel, state in final.items() if disk.get(rel) != state}
    diff = report(changes, disk, sorted(trees.renamed + merged.renamed), result)
    result.diff = redact.text(diff, new_answers.secret_values() + old_answers.secret_values())
    if not dry_run:
        _apply(worktree, changes, disk)
        stage(worktree, merged.conflicts)
    return result
