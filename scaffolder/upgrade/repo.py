"""`scaffold upgrade` as one library call: find the versions a repo's record names, make sure the upgrade
can be undone with git, and upgrade the work tree; the CLI only parses and prints."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder import git, redact
from scaffolder import record as records
from scaffolder.errors import Problem, ScaffoldError, TemplateNotFound
from scaffolder.upgrade.conflicts import check_resolved
from scaffolder.upgrade.result import UpgradeResult

if TYPE_CHECKING:
    from scaffolder.config import Settings
    from scaffolder.forges.base import Forge
    from scaffolder.merge import ConflictStyle
    from scaffolder.sources import GoldenPathSource
    from scaffolder.upgrade.answers import Ask

DIRTY_SHOWN = 10


def check_clean(path: Path) -> None:
    """Refuse a folder that is in no git work tree, or whose files have uncommitted changes: an
    upgrade there could not be reviewed and undone with git. Only the folder's own files count, so a
    monorepo folder (made with `scaffold new --into`) ignores the rest of its repo."""
    top = path if git.is_worktree(path) else git.toplevel(path)  # the usual case needs no git process
    if top is None:
        raise ScaffoldError(
            f"{path} is not in a git work tree; an upgrade could not be undone",
            [Problem(str(path), "commit it to git first, or pass --allow-dirty")],
        )
    rel = path.resolve().relative_to(top.resolve()).as_posix()
    prefix = "" if rel == "." else rel + "/"
    dirty = [p for p in git.dirty_paths(top) if p.startswith(prefix)]
    if dirty:
        shown = [Problem(p, "uncommitted") for p in dirty[:DIRTY_SHOWN]]
        if len(dirty) > DIRTY_SHOWN:
            shown.append(Problem("", f"... and {len(dirty) - DIRTY_SHOWN} more"))
        raise ScaffoldError(
            f"{path} has uncommitted changes: commit or stash them first (or pass --allow-dirty), "
            "so the upgrade can be reviewed and undone with git",
            shown,
        )


def locate(rec: records.Record, version: str | None, settings: Settings) -> GoldenPathSource:
    """The golden path the record names at `version` (None: its current one) in the configured libraries;
    a repo made from a template folder or repository (its record's source is that path or URL) finds its
    versions there too."""
    from scaffolder import sources

    name = rec.template.name
    try:
        return sources.resolve(f"{name}@{version}" if version else name, settings)
    except TemplateNotFound:
        found = sources.resolve_recorded(rec.template.source, name, version)
        if found is not None:
            return found
        raise


def upgrade_repo(
    path: Path,
    settings: Settings,
    *,
    to: str | None = None,
    answers: Mapping[str, Any] | None = None,
    ask: Ask | None = None,
    dry_run: bool = False,
    trust: bool = False,
    allow_dirty: bool = False,
    forge: Forge | None = None,
    conflict_style: ConflictStyle | None = None,
) -> UpgradeResult:
    """Upgrade the generated repo at `path` to version `to` (default: the newest) of its golden path.

    A repo already at that version, with no answers given, is left alone (`already_current`). Otherwise
    the work tree must be clean (unless `allow_dirty` or `dry_run`); `trust` (or a trusted library in
    `settings`) lets migration scripts run; `forge` defaults to the configured one. Conflicts do not
    raise: they are listed in the result, marked in `conflict_style` (default: the settings'). While the
    last upgrade's conflicts remain, it refuses (`UnresolvedConflicts`), even when already current.
    """
    path = path.resolve()
    given = dict(answers or {})
    rec = records.read(path)
    check_resolved(path, rec)
    version = rec.template.version
    target = locate(rec, to, settings)
    secret = {p.id for p in target.template.parameters if p.secret} | set(rec.secret_parameters)
    redact.remember(str(v) for k, v in given.items() if k in secret)
    if target.template.version == version and not given:
        return UpgradeResult(
            rec.template.name, version, version, answers=dict(rec.answers), dry_run=dry_run, already_current=True
        )
    if not (allow_dirty or dry_run):
        check_clean(path)
    old = locate(rec, version, settings)
    from scaffolder.upgrade.driver import upgrade_tree  # the runner and Jinja: after the golden path is read

    if forge is None:
        from scaffolder import config

        forge = config.open_forge(settings)
    return upgrade_tree(
        path,
        old.template,
        target.template,
        forge=forge,
        answers=given,
        ask=ask,
        dry_run=dry_run,
        trusted=trust or settings.trusts(target.library),
        source=target.library,
        ref=target.ref,
        conflict_style=conflict_style or settings.conflict_style,
        record=rec,  # read and checked resolved above
    )
