"""`scaffold new --into DIR`: render a golden path into a local folder and write its record there.

The way cookiecutter and copier users work, and the way a golden path joins an existing repository or
a monorepo folder: the files are rendered exactly as `scaffold upgrade` re-renders them (`Runner.render`
with the recorded run id and date), copied into DIR, and `.scaffold/record.yaml` is written beside
them, so `upgrade` and `check` work on DIR like on any generated repo. No forge repository and no
catalog entry are made unless `publish` is asked (then the whole run happens as for `scaffold new`,
and its workspace, record included, is copied into DIR too). A file the render would overwrite with
other content is refused (all of them listed) unless `force`, as cookiecutter's `--overwrite-if-exists`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder import config
from scaffolder import record as records
from scaffolder.action import scratch_dir
from scaffolder.catalogs.null import NullCatalog
from scaffolder.create import Prepared, run_prepared
from scaffolder.errors import ActionError, Problem
from scaffolder.runner import OnEvent, Outcome, Runner
from scaffolder.runs import Run, new_run_id, now_iso

SHOWN = 20


@dataclass
class LocalResult:
    """What `render_into` made (or would make, for a dry run) in `dest`."""

    template: str
    version: str
    dest: Path
    run_id: str
    files: list[str]
    overwritten: list[str] = field(default_factory=list)  # existing files replaced (--force)
    unchanged: list[str] = field(default_factory=list)  # existing files the render holds as they are
    dry_run: bool = False
    outcome: Outcome | None = None  # the run, when published

    def to_json(self) -> dict[str, Any]:
        from scaffolder.create import summary

        return {
            "template": self.template,
            "version": self.version,
            "into": str(self.dest),
            "run_id": self.run_id,
            "record": str(self.dest / records.RECORD_PATH),
            "dry_run": self.dry_run,
            "files": self.files,
            "overwritten": self.overwritten,
            "unchanged": self.unchanged,
            "published": summary(self.outcome) if self.outcome is not None else None,
        }


def entry(path: Path) -> str | None:
    """The manifest entry of what stands at `path` (None: nothing, or a folder)."""
    if path.is_symlink():
        return records.link_entry(str(path.readlink()))
    if path.is_file():
        return records.sha256(path.read_bytes())
    return None


def collisions(dest: Path, files: dict[str, str]) -> tuple[list[str], list[str], list[Problem]]:
    """(files in `dest` the render would overwrite with other content, files it holds already as they
    are, paths that cannot be written at all: a folder in the way, or a symlinked folder above)."""
    overwritten: list[str] = []
    unchanged: list[str] = []
    blocked: list[Problem] = []
    for rel, digest in files.items():
        target, above = dest / rel, _parents(rel.rpartition("/")[0])
        if any((dest / p).is_symlink() for p in above):
            blocked.append(Problem(rel, "a folder on its way is a symlink; nothing is written through it"))
        elif any((dest / p).exists() and not (dest / p).is_dir() for p in above):
            blocked.append(Problem(rel, "a file stands where its folder should be"))
        elif target.is_dir() and not target.is_symlink():
            blocked.append(Problem(rel, "a folder stands where the file should be"))
        elif target.is_symlink() or target.exists():
            (unchanged if entry(target) == digest else overwritten).append(rel)
    return overwritten, unchanged, blocked


def _parents(folder: str) -> list[str]:
    parts = folder.split("/") if folder else []
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def copy_files(src: Path, dest: Path, files: list[str], skip: set[str]) -> None:
    """Copy each file or symlink from `src` to `dest` (mode bits kept), replacing what stands there."""
    for rel in files:
        if rel in skip:
            continue
        source, target = src / rel, dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        if source.is_symlink():
            target.symlink_to(source.readlink())
        else:
            shutil.copy2(source, target)


def _check_dest(dest: Path, force: bool) -> None:
    if dest.exists() and not dest.is_dir():
        raise ActionError(f"{dest} is not a folder; nothing was created")
    existing = dest / records.RECORD_PATH
    if existing.is_file() and not force:
        raise ActionError(
            f"{dest} was already made by scaffold; nothing was created",
            [Problem(str(existing), "run `scaffold upgrade` there, or pass --force to render over it")],
        )


def _refuse(dest: Path, overwritten: list[str], blocked: list[Problem], force: bool) -> None:
    problems = list(blocked)
    if not force:
        problems += [Problem(rel, "exists with other content") for rel in overwritten[:SHOWN]]
        if len(overwritten) > SHOWN:
            problems.append(Problem("", f"... and {len(overwritten) - SHOWN} more"))
    if problems:
        hint = "; pass --force to overwrite them" if overwritten and not force else ""
        raise ActionError(f"rendering into {dest} would overwrite files{hint}; nothing was created", problems)


def render_into(
    item: Prepared,
    dest: Path,
    settings: config.Settings,
    *,
    force: bool = False,
    publish: bool = False,
    dry_run: bool = False,
    trusted: bool = False,
    on_event: OnEvent | None = None,
) -> LocalResult:
    """Render `item` into the folder `dest` (made when missing) and write its record there; nothing
    is written when a file would be overwritten (unless `force`) or with `dry_run`."""
    dest = dest.resolve()
    _check_dest(dest, force)
    template, answers = item.template, item.answers
    trusted = trusted or settings.trusts(item.library)
    run_id, started = new_run_id(template.name), now_iso()
    with tempfile.TemporaryDirectory(prefix="scaffold-into-", dir=scratch_dir()) as tmp:
        out = Path(tmp) / "out"
        runner = Runner(config.open_forge(settings), NullCatalog(), trusted=trusted)
        runner.render(template, answers, out, run_id=run_id, started_at=started)
        files = records.manifest(out)
        overwritten, unchanged, blocked = collisions(dest, files)
        _refuse(dest, overwritten, blocked, force)
        result = LocalResult(template.name, template.version, dest, run_id, list(files), overwritten, unchanged)
        if dry_run:
            result.dry_run = True
            return result
        if publish:
            return _publish(item, dest, settings, result, trusted, on_event)
        dest.mkdir(parents=True, exist_ok=True)
        copy_files(out, dest, list(files), set(unchanged))
    rec = records.build(
        template, answers, source=item.library, ref=item.ref, run_id=run_id, created_at=started, files=files
    )
    records.write(dest, rec)
    return result


def _publish(
    item: Prepared,
    dest: Path,
    settings: config.Settings,
    result: LocalResult,
    trusted: bool,
    on_event: OnEvent | None,
) -> LocalResult:
    """Run the golden path as `scaffold new` does (forge repo, catalog entry), then copy its workspace,
    the record its publishing step wrote included, into `dest`."""
    outcome = run_prepared([item], settings, on_event=on_event, trusted=trusted)[0]
    assert isinstance(outcome, Outcome) and outcome.workspace is not None
    workspace = outcome.workspace
    files = records.manifest(workspace)
    dest.mkdir(parents=True, exist_ok=True)
    copy_files(workspace, dest, list(files), set())
    if not (workspace / records.RECORD_PATH).is_file():  # a golden path with no publishing step
        info = Run.open(settings.runs_dir, outcome.run_id).info()
        rec = records.build(
            item.template,
            item.answers,
            source=item.library,
            ref=item.ref,
            run_id=outcome.run_id,
            created_at=info.started_at,
            files=files,
        )
        records.write(workspace, rec)
    (dest / records.RECORD_PATH).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(workspace / records.RECORD_PATH, dest / records.RECORD_PATH)
    result.run_id, result.files, result.outcome = outcome.run_id, list(files), outcome
    return result
