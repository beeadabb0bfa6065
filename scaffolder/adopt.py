"""`scaffold adopt` as a library: bring a repository scaffold did not make under a golden path.

Answers come from what the repo already says (`scaffolder.repo_answers`: its catalog entry, project
metadata, a cruft, copier or cookiecutter answers file), then `--set`, then the wizard (or defaults).
Each candidate release is rendered with those answers exactly as `scaffold upgrade` will re-render it
(`Runner.render` with the record's run id and date) and scored by the lines that differ from the repo;
the release with the smallest difference (the newest on a tie) becomes the base, and the record is
written as `record.build` makes it. The next `scaffold upgrade` is then a real three-way merge.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scaffolder import config, redact, sources, versions
from scaffolder import record as records
from scaffolder.action import scratch_dir
from scaffolder.catalogs.null import NullCatalog
from scaffolder.errors import ActionError, AnswersError, Problem, ScaffoldError, TemplateError
from scaffolder.local import collisions, copy_files, entry
from scaffolder.parameters import Answers, resolve
from scaffolder.repo_answers import discover
from scaffolder.runner import Runner
from scaffolder.runs import new_run_id, now_iso

if TYPE_CHECKING:
    from scaffolder.sources import GoldenPathSource
    from scaffolder.template import Template

# Asks for what `given` leaves open (the wizard); None: defaults, and an error for a required answer.
Ask = Callable[["Template", Mapping[str, Any]], Answers]


@dataclass
class Candidate:
    """One release tried as the base: the lines of its render that differ from the repo."""

    version: str
    score: int | None  # None: it could not be rendered with the answers (see `error`)
    files: int = 0  # files of the render that differ from the repo
    error: str | None = None


@dataclass
class AdoptResult:
    """What `adopt_repo` chose and (unless a dry run) recorded."""

    path: Path
    template: str
    base: str
    answers: dict[str, Any]
    sources: dict[str, str]  # answer -> where it came from (a file, `--set`, `asked`, `default`)
    candidates: list[Candidate] = field(default_factory=list)
    dry_run: bool = False
    missing: list[str] = field(default_factory=list)  # files the base renders that the repo lacks
    added: list[str] = field(default_factory=list)  # of those, the ones written (`add_missing`)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "template": self.template,
            "base": self.base,
            "answers": self.answers,
            "answer_sources": self.sources,
            "candidates": [
                {"version": c.version, "score": c.score, "files": c.files, "error": c.error} for c in self.candidates
            ],
            "missing": self.missing,
            "added": self.added,
            "record": None if self.dry_run else str(self.path / records.RECORD_PATH),
            "dry_run": self.dry_run,
        }


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def difference(render: Path, repo: Path) -> tuple[int, int]:
    """(lines that differ, files that differ) between every file of `render` and the same path in
    `repo`; a file missing from the repo counts all its lines, files only the repo has count nothing."""
    lines = files = 0
    for rel, digest in records.manifest(render).items():
        ours = repo / rel
        if entry(ours) == digest:
            continue
        files += 1
        theirs = b"" if (render / rel).is_symlink() else (render / rel).read_bytes()
        mine = b"" if ours.is_symlink() or not ours.is_file() else ours.read_bytes()
        if b"\0" in theirs or b"\0" in mine:
            lines += max(len(_lines(theirs)), 1)
            continue
        matcher = difflib.SequenceMatcher(None, _lines(mine), _lines(theirs), autojunk=False)
        lines += sum(max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")
        lines += 0 if theirs or mine else 1
    return lines, files


def _answers(template: Template, given: Mapping[str, Any], ask: Ask | None) -> Answers:
    """The answers of `template`: `given` (only the parameters it declares), then asked or defaults."""
    known = {p.id for p in template.parameters}
    values = {k: v for k, v in given.items() if k in known}
    return ask(template, values) if ask is not None else resolve(template, values)


def _candidates(found: GoldenPathSource, version: str | None) -> list[GoldenPathSource]:
    """The releases to try as the base, newest first: the one asked for, or every release."""
    if version is not None:
        return [found]
    releases = sorted(found.versions(), key=lambda r: versions.key(r.version), reverse=True)
    return [found if r.version == found.version else found.at(r.version) for r in releases] or [found]


def adopt_repo(
    path: Path,
    template_ref: str,
    settings: config.Settings,
    *,
    answers: Mapping[str, Any] | None = None,
    ask: Ask | None = None,
    dry_run: bool = False,
    trust: bool = False,
    add_missing: bool = False,
) -> AdoptResult:
    """Choose the release of `template_ref` (`NAME[@VERSION]`, a path or URL) that best matches the repo
    at `path`, with answers from the repo, `answers` (`--set`) and `ask`, and write its record there;
    `add_missing` also writes the files of that release the repo does not have."""
    root = path.resolve()
    if (root / records.RECORD_PATH).is_file():
        raise TemplateError(
            f"{root} is already under a golden path; nothing was changed",
            [Problem(str(root / records.RECORD_PATH), "use `scaffold upgrade` or `scaffold check` there")],
        )
    found = sources.resolve(template_ref, settings)
    stated = discover(root)
    given = {**{k: v for k, (v, _) in stated.items()}, **dict(answers or {})}
    origin = {k: where for k, (_, where) in stated.items()} | {k: "--set" for k in answers or {}}
    newest = _answers(found.template, given, ask)  # one wizard, for the newest candidate
    redact.remember(newest.secret_values())
    candidates = _candidates(found, sources.split_ref(template_ref)[1])
    with tempfile.TemporaryDirectory(prefix="scaffold-adopt-", dir=scratch_dir()) as tmp:
        src, picked, render = _choose(Path(tmp), root, candidates, newest.values, settings, trust)
        return _adopt(root, found.name, (src, picked, render), origin, ask is not None, dry_run, add_missing)


def _adopt(
    root: Path,
    name: str,
    chosen: tuple[GoldenPathSource, Answers, _Renders],
    origin: Mapping[str, str],
    asked: bool,
    dry_run: bool,
    add_missing: bool,
) -> AdoptResult:
    """The result, and unless `dry_run` the record (and with `add_missing` the files the repo lacks)."""
    src, picked, render = chosen
    fallback = "asked" if asked else "default"
    sources_of = {k: origin.get(k, fallback) for k in picked.public()}
    result = AdoptResult(root, name, src.version, picked.public(), sources_of, render.candidates, dry_run)
    result.missing = [rel for rel in render.files if entry(root / rel) is None]
    if add_missing and result.missing:
        blocked = collisions(root, {rel: render.files[rel] for rel in result.missing})[2]
        if blocked:
            raise ActionError(f"the files {root} lacks cannot be added; nothing was changed", blocked)
        result.added = list(result.missing)
        if not dry_run:
            copy_files(render.folder, root, result.missing, set())
    if not dry_run:
        rec = records.build(
            src.template,
            picked,
            source=src.library,
            ref=src.ref,
            run_id=render.run_id,
            created_at=render.created_at,
            files=render.files,
        )
        records.write(root, rec)
    return result


@dataclass
class _Renders:
    run_id: str
    created_at: str
    candidates: list[Candidate] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # the chosen render's manifest
    folder: Path = Path()  # the chosen render


def _choose(
    tmp: Path,
    root: Path,
    candidates: list[GoldenPathSource],
    values: Mapping[str, Any],
    settings: config.Settings,
    trust: bool,
) -> tuple[GoldenPathSource, Answers, _Renders]:
    """Render every candidate (newest first) under `tmp` and keep the one with the fewest differing lines."""
    renders = _Renders(new_run_id(candidates[0].name), now_iso())
    best: tuple[int, GoldenPathSource, Answers, Path] | None = None
    forge = config.open_forge(settings)
    for src in candidates:
        out = tmp / src.version
        try:
            picked = _answers(src.template, values, None)
            runner = Runner(forge, NullCatalog(), trusted=trust or settings.trusts(src.library))
            runner.render(src.template, picked, out, run_id=renders.run_id, started_at=renders.created_at)
        except ScaffoldError as exc:
            renders.candidates.append(Candidate(src.version, None, error=exc.message))
            continue
        score, files = difference(out, root)
        renders.candidates.append(Candidate(src.version, score, files))
        if best is None or score < best[0]:
            best = (score, src, picked, out)
    if best is None:
        problems = [Problem(c.version, c.error or "") for c in renders.candidates]
        raise AnswersError(f"no release of {candidates[0].name} renders with these answers", problems)
    renders.folder = best[3]
    renders.files = records.manifest(best[3])
    return best[1], best[2], renders
