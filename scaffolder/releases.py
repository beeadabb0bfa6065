"""Released versions of golden paths: immutable, listed with their changelog, retrievable later.

Where releases live depends on the library (see `scaffolder.library`):

- in a folder library (the built-in `golden_paths/` included), `NAME/` is the current version
  and `NAME/releases/VERSION/` is a full snapshot of an earlier one (template.yaml, skeleton/,
  CHANGELOG.md, examples/). A snapshot is never edited after it is cut: its `.sha256` manifest
  (`sha256sum -c` format) lists every file's hash, and loading a release checks it;
- in a git library, a release is the tag `NAME/vVERSION`. Retrieving it extracts `NAME/` at the
  tagged commit into `$SCAFFOLD_HOME/cache/libraries/…/COMMIT/NAME`, so it never changes once
  extracted; a tag that moves after it was first seen is refused.

A version held in more than one place resolves to the most immutable one: tag, then snapshot,
then the current folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scaffolder.errors import Problem, TemplateError, TemplateNotFound
from scaffolder.library import Library, LibrarySpec, extract, open_libraries
from scaffolder.record import sha256
from scaffolder.template import SEMVER, Template, load_template

RELEASES_DIR = "releases"
MANIFEST = ".sha256"
CHANGELOG = "CHANGELOG.md"
TAGS_FILE = "tags.json"
Kind = Literal["current", "snapshot", "tag"]
SemverKey = tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]
_PRECEDENCE: dict[str, int] = {"tag": 0, "snapshot": 1, "current": 2}
_HEADING = re.compile(r"^##(?!#)\s*\[?(?P<version>[^\]\s]+)\]?(?:\s*[-\u2013]\s*(?P<date>\d{4}-\d{2}-\d{2}))?")


def semver_key(version: str) -> SemverKey:
    """Sort key for semantic versions: numeric parts, then pre-releases before the release."""
    match = SEMVER.match(version)
    if match is None:
        raise ValueError(f"{version!r} is not a semantic version")
    major, minor, patch, pre = int(match[1]), int(match[2]), int(match[3]), match[4]
    if pre is None:
        return (major, minor, patch, 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (major, minor, patch, 0, ids)


def is_semver(version: str) -> bool:
    return SEMVER.match(version) is not None


@dataclass(frozen=True)
class Section:
    """One version's entry in a CHANGELOG.md (`## [VERSION] - DATE` and the text under it)."""

    version: str
    date: str | None
    text: str


def parse_changelog(text: str) -> dict[str, Section]:
    """The sections of a Keep-a-Changelog file by version (`Unreleased` and the preamble dropped)."""
    sections: dict[str, Section] = {}
    current: tuple[str, str | None] | None = None
    body: list[str] = []

    def close() -> None:
        if current is not None and is_semver(current[0]):
            sections[current[0]] = Section(current[0], current[1], "\n".join(body).strip())

    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            close()
            current, body = (match["version"], match["date"]), []
        elif current is not None:
            body.append(line)
    close()
    return sections


def _sections(folder: Path) -> dict[str, Section]:
    file = folder / CHANGELOG
    return parse_changelog(file.read_text(encoding="utf-8")) if file.is_file() else {}


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

    @property
    def record_ref(self) -> str:
        """What a record stores as `template.ref`: the tag for a git release, else the version."""
        return self.ref if self.kind == "tag" else self.version


# --- immutability of snapshots ---------------------------------------------------------------


def _snapshot_files(folder: Path) -> list[str]:
    out = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if "__pycache__" in rel.parts or path.suffix == ".pyc" or rel.as_posix() == MANIFEST:
            continue
        if path.is_file() or path.is_symlink():
            out.append(rel.as_posix())
    return out


def manifest_text(folder: Path) -> str:
    """The `.sha256` manifest of a snapshot folder, in `sha256sum` format, sorted by path."""
    return "".join(f"{sha256((folder / rel).read_bytes())}  {rel}\n" for rel in _snapshot_files(folder))


def write_manifest(folder: Path) -> Path:
    path = folder / MANIFEST
    path.write_text(manifest_text(folder), encoding="utf-8")
    return path


def verify_snapshot(folder: Path) -> list[Problem]:
    """Every way a snapshot differs from its manifest: changed, missing or added files."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        return [Problem(str(folder), f"has no {MANIFEST} manifest, so it cannot be proven unchanged")]
    expected: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, sep, rel = line.partition("  ")
        if sep and rel:
            expected[rel] = digest
    actual = {rel: sha256((folder / rel).read_bytes()) for rel in _snapshot_files(folder)}
    problems = []
    for rel in sorted(expected.keys() | actual.keys()):
        if rel not in actual:
            problems.append(Problem(f"{folder}/{rel}", "deleted from the release"))
        elif rel not in expected:
            problems.append(Problem(f"{folder}/{rel}", "added to the release"))
        elif actual[rel] != expected[rel]:
            problems.append(Problem(f"{folder}/{rel}", "changed after the release was cut"))
    return problems


def cut_release(golden_path: Path) -> Path:
    """Snapshot a golden path's top folder (all but `releases/`) as `releases/VERSION/`, with its
    manifest. Refuses when that release exists: released versions are immutable."""
    template = load_template(golden_path)
    dest = golden_path / RELEASES_DIR / template.version
    if dest.exists():
        raise TemplateError(f"{template.name}@{template.version} is already released at {dest}")
    tmp = Path(tempfile.mkdtemp(prefix=".cut-", dir=golden_path))
    try:
        snapshot = tmp / template.version
        shutil.copytree(
            golden_path,
            snapshot,
            symlinks=True,
            ignore=lambda d, names: [
                n
                for n in names
                if n in ("__pycache__", ".pytest_cache")
                or (Path(d) == golden_path and (n == RELEASES_DIR or n.startswith(".cut-")))
            ],
        )
        write_manifest(snapshot)
        dest.parent.mkdir(exist_ok=True)
        snapshot.rename(dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


# --- finding releases ------------------------------------------------------------------------


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
    from scaffolder import git

    prefix = _tag_prefix(name)
    tags = git.list_tags(lib.repo, prefix, bare=lib.bare)
    out = [(t[len(prefix) :], t, c, d) for t, (c, d) in tags.items() if is_semver(t[len(prefix) :])]
    _remember_tags(lib, {t: c for _, t, c, _ in out})
    return out


def has_golden_path(lib: Library, name: str) -> bool:
    """Whether a library holds NAME: a current folder, snapshots or release tags."""
    from scaffolder.formats import is_template_dir

    folder = lib.folder / name
    if is_template_dir(folder) or any(is_template_dir(p) for p in (folder / RELEASES_DIR).glob("*/")):
        return True
    if lib.repo is None:
        return False
    from scaffolder import git

    return bool(git.list_tags(lib.repo, _tag_prefix(name), bare=lib.bare))


def owning_library(name: str, libs: Iterable[Library]) -> Library | None:
    """The first library holding NAME (configured libraries shadow the built-in one)."""
    return next((lib for lib in libs if has_golden_path(lib, name)), None)


def releases_in(lib: Library, name: str) -> list[Release]:
    """Every release of NAME in one library, oldest first (semver order)."""
    from scaffolder.formats import is_template_dir

    top = lib.folder / name
    from scaffolder.library import current_hint

    hint = current_hint(lib, name)
    current_version = load_template(top, name=name, version=hint).version if is_template_dir(top) else None
    candidates: list[tuple[str, Kind, str, Path, str | None]] = []
    if current_version is not None:
        candidates.append((current_version, "current", "current", top, None))
    for snapshot in sorted(p for p in (top / RELEASES_DIR).glob("*/") if is_template_dir(p)):
        version = snapshot.name
        if is_semver(version):
            candidates.append((version, "snapshot", f"{RELEASES_DIR}/{version}", snapshot, None))
    if lib.repo is not None and lib.cache is not None:
        for version, tag, commit, date in _tagged(lib, name):
            folder = extract(lib.repo, commit, name, lib.cache / commit / name, bare=lib.bare)
            candidates.append((version, "tag", tag, folder, date))
    chosen: dict[str, tuple[str, Kind, str, Path, str | None]] = {}
    for cand in candidates:
        if cand[0] not in chosen or _PRECEDENCE[cand[1]] < _PRECEDENCE[chosen[cand[0]][1]]:
            chosen[cand[0]] = cand
    latest = _sections(top) if current_version is not None else {}
    out = []
    for version, kind, ref, folder, tag_date in chosen.values():
        own = _sections(folder).get(version) or latest.get(version)
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
            )
        )
    return sorted(out, key=lambda r: semver_key(r.version))


def _owner(name: str, extra: Iterable[LibrarySpec]) -> Library:
    lib = owning_library(name, open_libraries(extra))
    if lib is None:
        raise TemplateNotFound(f"no golden path named {name!r}")
    return lib


def list_releases(name: str, extra_libraries: Iterable[LibrarySpec] = ()) -> list[Release]:
    """Every release of golden path NAME in the library that holds it, oldest first."""
    return releases_in(_owner(name, extra_libraries), name)


def _available(releases: list[Release]) -> str:
    return ", ".join(f"{r.version}{' (current)' if r.current else ''}" for r in reversed(releases)) or "none"


def release_in(lib: Library, name: str, version: str) -> Release:
    """One release of NAME in a library; TemplateNotFound lists the versions there are."""
    releases = releases_in(lib, name)
    for release in releases:
        if release.version == version:
            return release
    raise TemplateNotFound(f"{name}@{version} is not a release in {lib.label}; available: {_available(releases)}")


def load_release(release: Release) -> Template:
    """The release's template, checked: its name and version, and a snapshot's manifest."""
    template = load_template(release.folder, name=release.name, version=release.version)
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


def find_release(name: str, version: str, extra_libraries: Iterable[LibrarySpec] = ()) -> Template:
    """The template of NAME at VERSION (checked intact); TemplateNotFound lists what exists."""
    return load_release(release_in(_owner(name, extra_libraries), name, version))


def changelog_between(
    name: str, from_version: str, to_version: str, extra_libraries: Iterable[LibrarySpec] = ()
) -> str:
    """The CHANGELOG entries for versions after `from_version` up to `to_version`, newest first,
    as Markdown (`## VERSION - DATE` and the entry), taken from `to_version`'s own CHANGELOG."""
    releases = list_releases(name, extra_libraries)
    target = next((r for r in releases if r.version == to_version), None)
    if target is None:
        raise TemplateNotFound(f"{name}@{to_version} is not a release; available: {_available(releases)}")
    low, high = semver_key(from_version), semver_key(to_version)
    sections = _sections(target.folder)
    for release in releases:  # versions missing from the target's CHANGELOG use their own entry
        if release.version not in sections and release.changelog:
            sections[release.version] = Section(release.version, release.date, release.changelog)
    chosen = sorted(
        (s for s in sections.values() if low < semver_key(s.version) <= high),
        key=lambda s: semver_key(s.version),
        reverse=True,
    )
    return "\n\n".join(f"## {s.version}{f' - {s.date}' if s.date else ''}\n\n{s.text}".rstrip() for s in chosen)
