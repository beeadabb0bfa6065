"""Versions for templates that declare none (Backstage, cookiecutter and copier templates).

A record must name a version, and upgrades find releases by version. Where a format has no
version field, the version comes from git or from the content:

1. a version the template declares (a Backstage template's `scaffold.dev/version` annotation);
2. the release tag whose tree is exactly the folder's content: `vX.Y.Z` or `X.Y.Z` when the folder
   is the top of its git repository (a template repository of its own, as cookiecutter and
   copier templates usually are), `NAME/vX.Y.Z` when it is the folder NAME of a git library;
3. a version the caller knows (a release extracted from its tag, a snapshot `releases/X.Y.Z/`);
4. otherwise a development version: the patch after the newest release tag (or 0.0.0) with the
   pre-release `dev` and a hash of the content as build metadata, e.g. `1.2.1-dev+3f2a9c01d4e5`,
   or `0.0.0+3f2a9c01d4e5` when there is no tag at all. The same content always gets the same
   version, on any machine.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from scaffolder import versions

SKIPPED_DIRS = {".git", "__pycache__", ".pytest_cache"}
_PLAIN_TAG = re.compile(r"^v?(?P<version>\d+\.\d+\.\d+(?:[-+].*)?)$")


def content_hash(folder: Path) -> str:
    """SHA-256 over every file's path and bytes (folder-relative, sorted); `.git`, caches and
    snapshot folders (`releases/X.Y.Z/` with a `.sha256` manifest) left out."""
    digest = hashlib.sha256()
    top = str(folder)
    entries: list[tuple[str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(top):
        rel_dir = os.path.relpath(dirpath, top).replace(os.sep, "/")
        keep = []
        for d in dirnames:
            if d in SKIPPED_DIRS:
                continue
            if rel_dir == "." and d == "releases" and any(Path(dirpath, d).glob("*/.sha256")):
                continue
            keep.append(d)
        dirnames[:] = keep
        for name in filenames:
            if name.endswith(".pyc"):
                continue
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            entries.append((rel, Path(dirpath, name)))
    for rel, path in sorted(entries):
        digest.update(rel.encode("utf-8") + b"\0")
        try:
            digest.update(path.read_bytes() if not path.is_symlink() else str(path.readlink()).encode())
        except OSError:
            continue
        digest.update(b"\0")
    return digest.hexdigest()


def tag_version(tag: str, prefix: str) -> str | None:
    """The semantic version a tag names (`prefix` stripped), or None. With an empty prefix both
    `v1.2.3` and `1.2.3` count, as copier and most template repositories tag them."""
    if prefix:
        if not tag.startswith(prefix):
            return None
        version = tag[len(prefix) :]
        return version if versions.is_valid(version) else None
    match = _PLAIN_TAG.match(tag)
    if match is None or not versions.is_valid(match["version"]):
        return None
    return match["version"]


def release_tags(repo: Path, prefix: str, bare: bool = False) -> list[tuple[str, str, str]]:
    """(version, tag, commit) of the release tags of a repository, newest version first. For
    one version tagged twice (`v1.0.0` and `1.0.0`), the first in tag order wins."""
    from scaffolder import git

    found: dict[str, tuple[str, str, str]] = {}
    for tag, (commit, _date) in sorted(git.list_tags(repo, prefix if prefix else "", bare=bare).items()):
        version = tag_version(tag, prefix)
        if version is not None and version not in found:
            found[version] = (version, tag, commit)
    return sorted(found.values(), key=lambda item: versions.key(item[0]), reverse=True)


def location(folder: Path) -> tuple[Path, str, str] | None:
    """(repository top, folder path inside it, tag prefix) for a folder in a git work tree."""
    from scaffolder import git

    top = git.toplevel(folder) if folder.is_dir() else None
    if top is None:
        return None
    try:
        rel = folder.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return None
    return top, rel, "" if rel == "." else f"{rel}/v"


def tagged_version(folder: Path) -> str | None:
    """The version of the release tag whose tree equals the folder's content, or None."""
    from scaffolder import git

    where = location(folder)
    if where is None:
        return None
    top, rel, prefix = where
    spec = "" if rel == "." else rel
    head = git.rev_parse(top, f"HEAD:{spec}")
    if head is None:
        return None
    for version, tag, _commit in release_tags(top, prefix):
        if git.rev_parse(top, f"{tag}^{{commit}}:{spec}") == head:
            return version if not git.changed_paths(top, "HEAD", rel) else None
    return None


def development_version(folder: Path, hash_hex: str | None = None) -> str:
    """`NEXT-dev+HASH` after the newest release tag, or `0.0.0+HASH` with no tag."""
    digest = (hash_hex or content_hash(folder))[:12]
    where = location(folder)
    newest = release_tags(where[0], where[2]) if where is not None else []
    if not newest:
        return f"0.0.0+{digest}"
    latest = versions.parse(newest[0][0])
    major, minor, patch = latest.major, latest.minor, latest.patch
    if latest.prerelease:  # the newest is a pre-release: its release comes next
        return f"{major}.{minor}.{patch}-dev+{digest}"
    return f"{major}.{minor}.{patch + 1}-dev+{digest}"


def version_for(folder: Path, declared: str | None = None, hint: str | None = None) -> str:
    """The version of a template folder without a version of its own (see the module docs)."""
    if declared:
        return declared
    tagged = tagged_version(folder)
    if tagged is not None:
        return tagged
    if hint:
        return hint
    return development_version(folder)


def version_in_repo(repo: Path, commit: str, path: str, folder: Path, bare: bool = True) -> str | None:
    """The version of `path` at `commit` of a (bare) git library, whose tree `folder` holds
    extracted: the `PATH/vX.Y.Z` tag with that tree, else the development version after the
    newest such tag; None when there are no tags."""
    from scaffolder import git

    tags = release_tags(repo, f"{path}/v", bare=bare)
    if not tags:
        return None
    tree = git.rev_parse(repo, f"{commit}:{path}", bare=bare)
    for version, _tag, tagged in tags:
        if tree is not None and git.rev_parse(repo, f"{tagged}:{path}", bare=bare) == tree:
            return version
    latest = versions.parse(tags[0][0])
    bump = 0 if latest.prerelease else 1
    return f"{latest.major}.{latest.minor}.{latest.patch + bump}-dev+{content_hash(folder)[:12]}"
