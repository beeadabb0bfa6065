"""A golden path resolved once: `resolve(ref, settings)` finds where NAME, NAME@VERSION, a path or
a git URL comes from and returns a `GoldenPathSource`, which gives the version the ref named, any
other release, the list of releases and the changelog between two versions. `new`, `upgrade`,
`migrate`, `versions` and the guild tools take this handle instead of a bare name and lookups.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from scaffolder import git, versions
from scaffolder.config import Settings
from scaffolder.errors import TemplateNotFound
from scaffolder.formats.versions import release_tags
from scaffolder.sources import changelog, outside
from scaffolder.sources.foreign import is_template_dir, load_template
from scaffolder.sources.libraries import Library, current_hint, list_entries, open_libraries, open_library
from scaffolder.sources.refs import LibrarySpec, split_ref, split_version
from scaffolder.sources.releases import (
    Kind,
    Release,
    available,
    changelog_in,
    load_release,
    owning_library,
    releases_in,
)
from scaffolder.template import Template


@dataclass(frozen=True)
class GoldenPathSource:
    """One golden path, resolved: `template` is the version its ref named (the current one unless
    `@VERSION`), `library` the label a record stores as its source, `ref` what it stores as its
    ref (the release tag for a git release, else the version). `owner` is the library holding it;
    a template named by a path or URL has none and `origin` (that path or URL) instead."""

    name: str
    template: Template
    library: str
    ref: str
    owner: Library | None = None
    origin: str | None = None
    _cache: dict[str, list[Release]] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.template.origin is None:  # the renderers see the source and ref the record names
            object.__setattr__(self, "template", replace(self.template, origin=(self.library, self.ref)))

    @property
    def version(self) -> str:
        return self.template.version

    def versions(self) -> list[Release]:
        """Every release, oldest first (read once per handle): in the owning library, or for a
        template named by a path or URL, the release tags of its repository and its current version."""
        with self._lock:
            if "releases" not in self._cache:
                self._cache["releases"] = (
                    releases_in(self.owner, self.name) if self.owner is not None else self._tagged_releases()
                )
            return self._cache["releases"]

    def _tagged_releases(self) -> list[Release]:
        """The releases of a path or URL template: each release tag of its repository (extracted
        once, by commit) and the current version when no tag holds it."""
        assert self.origin is not None
        where = outside.repository(self.origin)
        tags = [] if where is None else release_tags(where[0], where[1], bare=where[2])
        dates = {} if where is None else git.list_tags(where[0], where[1], bare=where[2])
        out = []
        for version, tag, _commit in tags:
            template = self.template if version == self.version else self.at(version).template
            out.append(_outside_release(self, template, tag, "tag", dates.get(tag, ("", None))[1]))
        if all(r.version != self.version for r in out):
            out.append(_outside_release(self, self.template, "current", "current", None))
        return sorted(out, key=lambda r: versions.key(r.version))

    def at(self, version: str) -> GoldenPathSource:
        """The same golden path at another release; TemplateNotFound lists the versions there are."""
        if self.owner is None:
            assert self.origin is not None
            found = outside.locate(f"{self.origin}@{version}")
            if found is None or found[0].name != self.name:
                raise TemplateNotFound(f"{self.origin}@{version} does not hold {self.name}")
            return GoldenPathSource(self.name, *found, origin=self.origin)
        return _release(self.owner, self.name, version, self.versions())

    def release(self, version: str) -> Template:
        """The template of one release, checked intact."""
        return self.at(version).template

    def changelog(self, from_version: str, to_version: str) -> str:
        """The CHANGELOG entries after `from_version` up to `to_version`, newest first, as Markdown."""
        if self.owner is None:
            target = self.at(to_version).template.path
            return changelog.between(changelog.sections(target), from_version, to_version)
        return changelog_in(self.versions(), self.name, from_version, to_version)


def _outside_release(source: GoldenPathSource, template: Template, ref: str, kind: Kind, date: str | None) -> Release:
    own = changelog.sections(template.path).get(template.version)
    return Release(
        name=source.name,
        version=template.version,
        folder=template.path,
        library=source.library,
        ref=ref,
        kind=kind,
        changelog=own.text if own else "",
        date=(own.date if own else None) or date,
        current=template.version == source.version,
    )


def _release(owner: Library, name: str, version: str | None, releases: list[Release]) -> GoldenPathSource:
    """NAME at VERSION (None: the newest) among a library's releases, checked intact."""
    if version is None:
        release = releases[-1]
    else:
        found = next((r for r in releases if r.version == version), None)
        if found is None:
            raise TemplateNotFound(
                f"{name}@{version} is not a release in {owner.label}; available: {available(releases)}"
            )
        release = found
    template = load_release(release)
    return GoldenPathSource(name, template, owner.label, release.record_ref, owner, _cache={"releases": releases})


def _specs(settings: Settings | Iterable[LibrarySpec]) -> list[LibrarySpec]:
    """The configured libraries: the settings' or those given."""
    return list(settings.libraries if isinstance(settings, Settings) else settings)


def resolve(ref: str, settings: Settings | Iterable[LibrarySpec] = ()) -> GoldenPathSource:
    """The golden path for NAME (its current version), NAME@VERSION (that release), a path or a
    git URL (`@VERSION`: a release tagged in its repository), in the settings' libraries.

    An unknown name raises TemplateNotFound listing the golden paths there are; an unknown
    version, the versions there are.
    """
    extra = _specs(settings)
    found = outside.locate(ref)
    if found is not None:
        return GoldenPathSource(found[0].name, *found, origin=split_version(ref)[0])
    name, version = split_ref(ref)
    owner = owning_library(name, open_libraries(extra, lazy=True))
    if owner is None:
        known = sorted(e.name for e in list_entries(extra))
        raise TemplateNotFound(f"no golden path named {name!r}; available: {', '.join(known) or 'none'}")
    if version is None and is_template_dir(owner.golden_path(name)):
        template = load_template(owner.golden_path(name), name=name, version=current_hint(owner, name))
        return GoldenPathSource(name, template, owner.label, template.version, owner)
    # with no current folder (e.g. only tags of a golden path since removed from HEAD): the newest
    return _release(owner, name, version, releases_in(owner, name))


def resolve_recorded(source: str, name: str, version: str | None) -> GoldenPathSource | None:
    """The golden path a record names by its source when that is a path or git URL rather than
    a library (`scaffold new ./template`): `version` of it (None: its current one), or None."""
    if not outside.is_outside(source):
        return None  # a library (its versions were looked up by name), or gone
    found = outside.locate(f"{source}@{version}" if version else source)
    if found is None or found[0].name != name:
        return None
    return GoldenPathSource(name, *found, origin=source)


def resolve_folder(folder: Path) -> GoldenPathSource:
    """The golden path in `folder` (its current version), in the library its parent folder is:
    how the guild tools (`template test`, `template release`) see the golden path they work on."""
    template = load_template(folder)
    owner = open_library(template.path.parent)
    return GoldenPathSource(template.name, template, owner.label, template.version, owner)
