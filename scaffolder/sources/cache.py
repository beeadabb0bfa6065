"""The cache of golden paths taken from git: `$SCAFFOLD_HOME/cache/KIND/SLUG/` holds a mirror of
each repository (fetched once per process) and trees extracted from it by commit, which never
change once extracted. `KIND` is `libraries` for git libraries, `templates` for templates named
by a path or URL.

A mirror is partial (`git.mirror`): a fetch brings commits, trees and tags, and the files of a
tree come when that tree is first extracted, so a cold run fetches only the versions it renders.
Processes sharing a `SCAFFOLD_HOME` (the shards of a campaign on one machine) fetch one at a time
under a file lock, so the later ones find the objects there and fetch only what is new."""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
from pathlib import Path

from filelock import FileLock

from scaffolder import config, git

_lock = threading.Lock()
_fetched: set[tuple[str, str]] = set()  # (cache folder, url): mirrored once per process


def cache_dir(kind: str) -> Path:
    """`$SCAFFOLD_HOME/cache/KIND`, e.g. `cache/libraries`."""
    return config.home() / "cache" / kind


def slug(key: str, default: str) -> str:
    """A readable, unique folder name for a library or template: its last path part (`default`
    when it has none) and a hash of the whole key."""
    tail = re.sub(r"[^A-Za-z0-9._-]+", "-", key.rstrip("/").rsplit("/", 1)[-1]).strip("-.")[:40] or default
    return f"{tail}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def mirror_once(url: str, cache: Path) -> Path:
    """`cache/repo.git`, a mirror of `url` with its tags, fetched at most once per process."""
    mirror = cache / "repo.git"
    with _lock:
        if (str(cache), url) not in _fetched:
            cache.mkdir(parents=True, exist_ok=True)
            with FileLock(cache / "repo.git.lock"):  # across processes sharing the cache
                git.mirror(url, mirror)
            _fetched.add((str(cache), url))
    return mirror


def extract(repo: Path, commit: str, path: str, dest: Path, bare: bool) -> Path:
    """Extract folder `path` of `commit` to `dest` unless it is there already (atomic rename).

    `dest` is keyed by the commit, so what is extracted never changes and is shared by every
    caller; concurrent extractions of the same tree race harmlessly.
    """
    if dest.is_dir():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=dest.parent))
    try:
        git.archive(repo, commit, path, tmp, bare=bare)
        try:
            (tmp / path).rename(dest)
        except OSError:
            if not dest.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest
