"""The cache of golden paths taken from git: `$SCAFFOLD_HOME/cache/KIND/SLUG/` holds a mirror of
each repository (fetched once per process) and trees extracted from it by commit, which never
change once extracted. `KIND` is `libraries` for git libraries, `templates` for templates named
by a path or URL.

A mirror is partial (`_mirror`): a fetch brings commits, trees and tags, and the files of a
tree come when that tree is first extracted, so a cold run fetches only the versions it renders.
Processes sharing a `SCAFFOLD_HOME` (the shards of a campaign on one machine) fetch one at a time
under a file lock, so the later ones find the objects there and fetch only what is new."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from filelock import FileLock

from scaffolder import config, git
from scaffolder.git_process import _bare, _git, _wt

_lock = threading.Lock()
_fetched: set[tuple[str, str]] = set()  # (cache folder, url): mirrored once per process


PROMISOR = "origin"  # the remote a partial mirror fetches missing objects from
# What a mirror's config says once, so git never compacts it in the background (a lazy fetch
# would otherwise start `git maintenance`), and where its missing blobs come from.
_PARTIAL_CONFIG = (
    ("core.repositoryformatversion", "1"),
    ("extensions.partialClone", PROMISOR),
    (f"remote.{PROMISOR}.promisor", "true"),
    (f"remote.{PROMISOR}.partialCloneFilter", "blob:none"),
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
)
# A file:// library is served by a local `git upload-pack`, which filters only when its own
# config allows it (git keeps the client's `-c` from a local server): this one always does.
_FILTERING_UPLOAD_PACK = "git -c uploadpack.allowFilter=true upload-pack"


def is_partial(repo: Path) -> bool:
    """Whether a bare repository is a partial mirror (`mirror`): blobs fetched when first read."""
    _, out = _git([*_bare(repo), "config", "--get", "extensions.partialClone"], ok=(0, 1))
    return str(out).strip() == PROMISOR


def prefetch(repo: Path, revs: Sequence[str], paths: Sequence[str]) -> None:
    """Fetch in one batch the files under `paths` in commits `revs` that a partial mirror lacks;
    nothing when it lacks none (or is no partial mirror). Git's own lazy fetch would take one
    process per file, or (`git archive`) every file of the commit, every golden path's."""
    args = ["rev-list", "--objects", "--no-walk", "--missing=print", *revs, "--", *paths]
    _, out = _git([*_bare(repo), *args])
    missing = "".join(f"{line[1:]}\n" for line in str(out).splitlines() if line.startswith("?"))
    if missing:
        fetch = ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--recurse-submodules=no"]
        fetch += ["--filter=blob:none", PROMISOR, "--stdin"]
        _git([*_bare(repo), "-c", "fetch.negotiationAlgorithm=noop", *fetch], stdin=missing.encode())


def _mirror(url: str, dest: Path, env: Mapping[str, str] | None = None) -> None:
    """Keep a bare copy of `url`'s branches and tags in `dest` (created on first use); the
    remote's HEAD is kept as `MIRROR_HEAD`. Tags are never pruned, so releases stay retrievable.

    A new mirror is partial (`--filter=blob:none`): commits and trees only, and the blobs of a
    tree when it is first extracted (`prefetch` fetches them in one batch) or read. A server that
    does not filter sends everything, as a mirror made before did; both keep working.
    """
    if not (dest / "HEAD").is_file():
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}-{os.getpid()}")
        git.init_bare(tmp)
        local = [(f"remote.{PROMISOR}.uploadpack", _FILTERING_UPLOAD_PACK)] if url.startswith("file:") else []
        for key, value in (*_PARTIAL_CONFIG, (f"remote.{PROMISOR}.url", url), *local):
            _git([*_bare(tmp), "config", key, value])
        try:
            tmp.rename(dest)  # never a half-configured mirror under the name
        except OSError:
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
            if not (dest / "HEAD").is_file():
                raise
    refspecs = ["+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*", f"+HEAD:{git.MIRROR_HEAD}"]
    source = [PROMISOR, "--filter=blob:none"] if is_partial(dest) else [url]
    _git([*_bare(dest), "fetch", "--quiet", "--no-write-fetch-head", *source, *refspecs], env=env)


def read_files(repo: Path, revs: Sequence[str], bare: bool = False) -> dict[str, bytes]:
    """The bytes of each `REV:PATH` in `revs` that names a file, in one `git cat-file --batch`
    (absent ones are left out): many small reads without a process each."""
    if not revs:
        return {}
    where = _bare(repo) if bare else _wt(repo)
    feed = "".join(f"{rev}\n" for rev in revs).encode()
    _, out = _git([*where, "cat-file", "--batch"], binary=True, stdin=feed)
    data = out if isinstance(out, bytes) else out.encode()
    found: dict[str, bytes] = {}
    pos = 0
    for rev in revs:
        end = data.index(b"\n", pos)
        header = data[pos:end].split(b" ")
        pos = end + 1
        if len(header) != 3:  # "REV missing" (or ambiguous)
            continue
        size = int(header[2])
        if header[1] == b"blob":
            found[rev] = data[pos : pos + size]
        pos += size + 1
    return found


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
                _mirror(url, mirror)
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
        subtree = bare and is_partial(repo)
        if subtree:  # fetch this folder's files only, in one batch, then archive its own tree
            prefetch(repo, [commit], [path])
            listed = git.tree_files(repo, commit, [".gitattributes", path], bare=True, recursive=True)
            subtree = not any(p.rsplit("/", 1)[-1] == ".gitattributes" for p in listed)
        git.archive(repo, commit, path, tmp, bare=bare, subtree=subtree)
        try:
            (tmp / path).rename(dest)
        except OSError:
            if not dest.is_dir():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest
