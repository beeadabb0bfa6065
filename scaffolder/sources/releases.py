"""Released versions of golden paths in a library: immutable, listed with their changelog,
retrievable later.

Where releases live depends on the library (`scaffolder.sources.libraries`):

- in a folder library (the built-in `golden_paths/` included), `NAME/` is the current version
  and `NAME/releases/VERSION/` is a snapshot of an earlier one (`scaffolder.sources.snapshots`);
- in a git library, a release is the tag `NAME/vVERSION`. Loading it extracts `NAME/` at the
  tagged commit into `$SCAFFOLD_HOME/cache/libraries/…/COMMIT/NAME`, so it never changes once
  extracted; a tag that moves after it was first seen is refused. Listing releases extracts
  none: their CHANGELOG entries are read from git, and a release is extracted when it is loaded
  (`load_release`), so an upgrade extracts (and from a partial mirror, fetches) two versions.

A version held in more than one place resolves to the most immutable one: tag, then snapshot,
then the current folder.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from scaffolder import git, versions
from scaffolder.errors import Problem, TemplateError, TemplateNotFound
from scaffolder.sources import changelog
from scaffolder.sources.cache import extract, is_partial, prefetch, read_files
from scaffolder.sources.foreign import is_template_dir, load_template
from scaffolder.sources.libraries import Library, current_hint
from scaffolder.sources.snapshots import RELEASES_DIR, verify_snapshot
from scaffolder.template import Template

TAGS_FILE = "tags.json"
Kind = Literal["current", "snapshot", "tag"]
_PRECEDENCE: dict[str, int] = {"tag": 0, "snapshot": 1, "current": 2}


@dataclass(frozen=True)
class Release:
    """One released version of a golden path.

    `ref` says where it comes from: the tag (`NAME/vVERSION`), `releases/VERSION` (a snapshot in
    a folder library) or `current` (the golden path's top folder). `current` is true for the
    library's current version. `changelog` is that version's CHANGELOG entry.
    """

    name: str
    version: str
    folder: Path
    library: str
    ref: str
    kind: Kind
    changelog: str
    date: str | None
    current: bool
    # (repository, commit, bare) a tag release is extracted from into `folder` when first loaded
    tree: tuple[Path, str, bool] | None = field(default=None, compare=False, repr=False)

    @property
    def record_ref(self) -> str:
        """What a record stores as `template.ref`: the tag for a git release, else the version."""
        return self.ref if self.kind == "tag" else self.version


def _tag_prefix(name: str) -> str:
    return f"{name}/v"


def _remember_tags(lib: Library, tags: dict[str, str]) -> None:
    """Refuse a release tag that now names another commit than when it was first seen."""
    assert lib.cache is not None
    path = lib.cache / TAGS_FILE
    seen: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    moved = [
        Problem(tag, f"was {seen[tag][:12]}, now {commit[:12]}")
        for tag, commit in sorted(tags.items())
        if tag in seen and seen[tag] != commit
    ]
    if moved:
        raise TemplateError(f"release tags in {lib.label} moved; released versions are immutable", moved)
    if any(tag not in seen for tag in tags):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")  # one per writer
        tmp.write_text(json.dumps({**seen, **tags}, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)


def _tagged(lib: Library, name: str) -> list[tuple[str, str, str, str | None]]:
    """(version, tag, commit, tag date) of each `NAME/vVERSION` tag of a git library."""
    if lib.repo is None:
        return []
    prefix = _tag_prefix(name)
    tags = git.list_tags(lib.repo, prefix, bare=lib.bare)
    out = [(t[len(prefix) :], t, c, d) for t, (c, d) in tags.items() if versions.is_valid(t[len(prefix) :])]
    _remember_tags(lib, {t: c for _, t, c, _ in out})
    return out


def has_golden_path(lib: Library, name: str) -> bool:
    """Whether a library holds NAME: a current folder, snapshots or release tags."""
    folder = lib.folder / name
    if lib.holds(name) or any(is_template_dir(p) for p in (folder / RELEASES_DIR).glob("*/")):
        return True
    if lib.repo is None:
        return False
    return bool(git.list_tags(lib.repo, _tag_prefix(name), bare=lib.bare))


def owning_library(name: str, libs: Iterable[Library]) -> Library | None:
    """The first library holding NAME (configured libraries shadow the built-in one)."""
    return next((lib for lib in libs if has_golden_path(lib, name)), None)


_Candidate = tuple[str, Kind, str, Path, str | None, str | None]  # version, kind, ref, folder, tag date, commit


def _candidates(lib: Library, name: str, current_version: str | None) -> list[_Candidate]:
    """Every place a version of NAME is held in a library: the top folder, snapshots, tags."""
    top = lib.golden_path(name)
    out: list[_Candidate] = []
    if current_version is not None:
        out.append((current_version, "current", "current", top, None, None))
    for snapshot in sorted(p for p in (top / RELEASES_DIR).glob("*/") if is_template_dir(p)):
        version = snapshot.name
        if versions.is_valid(version):
            out.append((version, "snapshot", f"{RELEASES_DIR}/{version}", snapshot, None, None))
    if lib.repo is not None and lib.cache is not None:
        for version, tag, commit, date in _tagged(lib, name):
            out.append((version, "tag", tag, lib.cache / commit / name, date, commit))
    return out


def _tag_changelogs(lib: Library, name: str, commits: list[str]) -> dict[str, dict[str, changelog.Section]]:
    """The CHANGELOG sections of NAME at each commit, read from git in one process (no extraction)."""
    if lib.repo is None or not commits:
        return {}
    revs = {commit: f"{commit}:{name}/{changelog.CHANGELOG}" for commit in commits}
    if lib.bare and is_partial(lib.repo):
        prefetch(lib.repo, commits, [f"{name}/{changelog.CHANGELOG}"])
    texts = read_files(lib.repo, list(revs.values()), bare=lib.bare)
    return {c: changelog.parse_changelog(texts[r].decode("utf-8", "replace")) for c, r in revs.items() if r in texts}


def releases_in(lib: Library, name: str) -> list[Release]:
    """Every release of NAME in one library, oldest first (semver order)."""
    top = lib.golden_path(name)
    hint = current_hint(lib, name)
    current_version = load_template(top, name=name, version=hint).version if is_template_dir(top) else None
    chosen: dict[str, _Candidate] = {}
    for cand in _candidates(lib, name, current_version):
        if cand[0] not in chosen or _PRECEDENCE[cand[1]] < _PRECEDENCE[chosen[cand[0]][1]]:
            chosen[cand[0]] = cand
    latest = changelog.sections(top) if current_version is not None else {}
    tagged = _tag_changelogs(lib, name, [c[5] for c in chosen.values() if c[5] is not None])
    out = []
    for version, kind, ref, folder, tag_date, commit in chosen.values():
        sections = tagged.get(commit, {}) if commit is not None else changelog.sections(folder)
        own = sections.get(version) or latest.get(version)
        out.append(
            Release(
                name=name,
                version=version,
                folder=folder,
                library=lib.label,
                ref=ref,
                kind=kind,
                changelog=own.text if own else "",
                date=(own.date if own else None) or tag_date,
                current=version == current_version,
                tree=None if commit is None or lib.repo is None else (lib.repo, commit, lib.bare),
            )
        )
    return sorted(out, key=lambda r: versions.key(r.version))


def materialize(release: Release) -> Path:
    """The release's folder, extracted from its tag first when it is not there yet."""
    if release.tree is not None:
        repo, commit, bare = release.tree
        return extract(repo, commit, release.name, release.folder, bare=bare)
    return release.folder


def available(releases: list[Release]) -> str:
    """The versions there are, newest first, for a message naming what exists."""
    return ", ".join(f"{r.version}{' (current)' if r.current else ''}" for r in reversed(releases)) or "none"


def load_release(release: Release) -> Template:
    """The release's template, checked: its name and version, and a snapshot's manifest."""
    template = load_template(materialize(release), name=release.name, version=release.version)
    problems = []
    if template.name != release.name:
        problems.append(Problem(template.where("metadata", "name"), f"names {template.name}, not {release.name}"))
    if template.version != release.version:
        problems.append(Problem(template.where("spec", "version"), f"is {template.version}, not {release.version}"))
    if release.kind == "snapshot":
        problems += verify_snapshot(release.folder)
    if problems:
        raise TemplateError(f"release {release.name}@{release.version} ({release.ref}) is not intact", problems)
    return template


def changelog_in(releases: list[Release], name: str, from_version: str, to_version: str) -> str:
    """The CHANGELOG entries for versions after `from_version` up to `to_version`, newest first,
    as Markdown (`## VERSION - DATE` and the entry), taken from `to_version`'s own CHANGELOG."""
    target = next((r for r in releases if r.version == to_version), None)
    if target is None:
        raise TemplateNotFound(f"{name}@{to_version} is not a release; available: {available(releases)}")
    sections = changelog.sections(materialize(target))
    for release in releases:  # versions missing from the target's CHANGELOG use their own entry
        if release.version not in sections and release.changelog:
            sections[release.version] = changelog.Section(release.version, release.date, release.changelog)
    return changelog.between(sections, from_version, to_version)
