"""Template libraries: folders or git repositories of golden paths. `golden_paths/` ships inside
the package.

A golden path is named either by a path to its folder (or its template.yaml) or by its name,
looked up in the configured libraries first and the built-in library last; `NAME@VERSION` names
one of its releases (see `scaffolder.releases`).

A library is one of:

- a folder (the built-in one, or any configured path): `NAME/` is the current version of each
  golden path, `NAME/releases/VERSION/` its earlier releases;
- a git work tree (a configured path whose top holds `.git`): the same folders, plus releases
  tagged `NAME/vVERSION`;
- a bare git repository, or a `git+file://…`, `git+https://…` or `git+ssh://…` URL: the current
  versions are those at the repository's HEAD, extracted into the cache under
  `$SCAFFOLD_HOME/cache/libraries/` (by commit, so an extracted tree never changes), and releases
  are tags `NAME/vVERSION`.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from scaffolder.errors import TemplateError, TemplateNotFound
from scaffolder.template import TEMPLATE_FILE, Template, load_template

BUILTIN = "builtin"
GIT_SCHEMES = ("file", "http", "https", "ssh")
# A configured library: a folder, or a git URL written `git+SCHEME://…`.
LibrarySpec = Path | str


def builtin_library() -> Path:
    """The folder of the built-in golden paths (inside the installed package)."""
    return Path(str(files("scaffolder.golden_paths")))


@dataclass(frozen=True)
class Library:
    """One template library, ready to read.

    `label` is what a record stores as its source ("builtin", a folder path or a `git+` URL);
    `folder` holds the current version of each golden path; `repo` is the git repository whose
    `NAME/vVERSION` tags are releases (None for a plain folder), `bare` says how to address it,
    and `cache` is where releases taken from git are extracted.
    """

    label: str
    folder: Path
    repo: Path | None = None
    bare: bool = False
    cache: Path | None = None

    @property
    def is_git(self) -> bool:
        return self.repo is not None


@dataclass(frozen=True)
class Entry:
    """One golden path found in a library; `error` is set when it does not load."""

    name: str
    folder: Path
    library: str
    template: Template | None
    error: TemplateError | None


@dataclass(frozen=True)
class Found:
    """What `locate` found: the template, its library label and the ref a record should store
    (the release tag for a git release, else the version)."""

    template: Template
    library: str
    ref: str


def cache_root() -> Path:
    """`$SCAFFOLD_HOME/cache/libraries`: mirrors of git libraries and trees extracted from them."""
    from scaffolder import config

    return config.home() / "cache" / "libraries"


def _slug(label: str) -> str:
    """A readable, unique folder name for a library: its last path part and a hash of the label."""
    tail = re.sub(r"[^A-Za-z0-9._-]+", "-", label.rstrip("/").rsplit("/", 1)[-1]).strip("-.") or "library"
    return f"{tail[:40]}-{hashlib.sha256(label.encode()).hexdigest()[:12]}"


def git_url(spec: str) -> str | None:
    """The URL of a `git+SCHEME://…` library, or None for a folder.

    Paths collapse `//`, so `Path("git+file:///srv/lib")` reads `git+file:/srv/lib`: both forms
    give `file:///srv/lib`.
    """
    if not spec.startswith("git+"):
        return None
    scheme, sep, rest = spec[4:].partition(":")
    if not sep or scheme not in GIT_SCHEMES or not rest.strip("/"):
        return None
    rest = rest.lstrip("/")
    return f"file:///{rest}" if scheme == "file" else f"{scheme}://{rest}"


def _specs(extra: Iterable[LibrarySpec]) -> list[str]:
    """Configured libraries as text, rejoining a `git+SCHEME` URL that a split on ':' broke apart
    (`SCAFFOLD_LIBRARY` is split on os.pathsep, which is ':' on POSIX)."""
    items = [str(p) for p in extra]
    out: list[str] = []
    i = 0
    while i < len(items):
        item = items[i]
        if item in {f"git+{s}" for s in GIT_SCHEMES} and i + 1 < len(items):
            out.append(f"{item}://{'/' if item == 'git+file' else ''}{items[i + 1].lstrip('/')}")
            i += 2
            continue
        out.append(item)
        i += 1
    return out


def _is_bare_repo(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


_lock = threading.Lock()
_fetched: dict[tuple[str, str], str] = {}  # (cache root, url) -> HEAD commit, fetched once per process


def _head_tree(label: str, repo: Path, cache: Path, head_ref: str) -> Path:
    """The golden paths at `head_ref` of a bare repo, extracted into `cache/COMMIT/` (reused)."""
    from scaffolder import git

    head = git.rev_parse(repo, f"{head_ref}^{{commit}}", bare=True)
    if head is None:
        raise TemplateError(f"template library {label} has no commits")
    from scaffolder.formats import COOKIECUTTER_FILE, COPIER_FILES

    folder = cache / head
    for name in git.tree_dirs(repo, head, bare=True):
        if any(
            git.rev_parse(repo, f"{head}:{name}/{file}", bare=True) is not None
            for file in (TEMPLATE_FILE, COOKIECUTTER_FILE, *COPIER_FILES)
        ):
            extract(repo, head, name, folder / name, bare=True)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def current_hint(lib: Library, name: str) -> str | None:
    """The version of NAME at the HEAD of a bare or URL git library, from its release tags, for
    a template that declares none (a cookiecutter, copier or Backstage template); else None."""
    folder = lib.folder / name
    if not (lib.bare and lib.repo is not None) or not _foreign(folder):
        return None
    from scaffolder.formats.versions import version_in_repo

    return version_in_repo(lib.repo, lib.folder.name, name, folder, bare=True)


def _foreign(folder: Path) -> bool:
    from scaffolder.formats import detect

    return detect(folder) not in (None, "scaffold")


def extract(repo: Path, commit: str, path: str, dest: Path, bare: bool) -> Path:
    """Extract folder `path` of `commit` to `dest` unless it is there already (atomic rename).

    `dest` is keyed by the commit, so what is extracted never changes and is shared by every
    caller; concurrent extractions of the same tree race harmlessly.
    """
    from scaffolder import git

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


def open_library(spec: LibrarySpec) -> Library:
    """A configured library, ready to read; a git URL is fetched (once per process) into the cache."""
    text = str(spec)
    url = git_url(text)
    if url is not None:
        label = f"git+{url}"
        cache = cache_root() / _slug(label)
        mirror = cache / "repo.git"
        from scaffolder import git

        with _lock:
            key = (str(cache), url)
            if key not in _fetched:
                git.mirror(url, mirror)
                _fetched[key] = "fetched"
        return Library(label, _head_tree(label, mirror, cache, git.MIRROR_HEAD), mirror, True, cache)
    path = Path(text).expanduser()
    if (path / ".git").exists():
        return Library(text, path, path, False, cache_root() / _slug(str(path.resolve())))
    if _is_bare_repo(path):
        cache = cache_root() / _slug(str(path.resolve()))
        return Library(text, _head_tree(text, path, cache, "HEAD"), path, True, cache)
    return Library(text, path)


def open_libraries(extra: Iterable[LibrarySpec] = ()) -> list[Library]:
    """Every library, configured ones first, the built-in one last."""
    return [*(open_library(s) for s in _specs(extra)), Library(BUILTIN, builtin_library())]


def libraries(extra: Iterable[LibrarySpec] = ()) -> list[tuple[str, Path]]:
    """(label, folder) of each library, configured ones first, the built-in one last."""
    return [(lib.label, lib.folder) for lib in open_libraries(extra)]


def _folders(library: Path) -> list[Path]:
    """The golden paths of a library folder: folders holding a template of any format."""
    from scaffolder.formats import is_template_dir

    if not library.is_dir():
        return []
    return sorted(p for p in library.iterdir() if p.is_dir() and is_template_dir(p))


def list_entries(extra: Iterable[LibrarySpec] = ()) -> list[Entry]:
    """Every golden path of every library; one that shadows an earlier name is left out."""
    seen: set[str] = set()
    out = []
    for label, lib in libraries(extra):
        for folder in _folders(lib):
            try:
                template: Template | None = load_template(folder)
                error = None
            except TemplateError as exc:
                template, error = None, exc
            name = template.name if template else folder.name
            if name in seen:
                continue
            seen.add(name)
            out.append(Entry(name, folder, label, template, error))
    return out


def split_ref(ref: str) -> tuple[str, str | None]:
    """`backend-service@1.2.0` -> ("backend-service", "1.2.0")."""
    name, sep, version = ref.partition("@")
    return name, (version or None) if sep else None


def locate(ref: str, extra: Iterable[LibrarySpec] = ()) -> Found:
    """The golden path for NAME (its current version), NAME@VERSION (that release) or a path.

    A path or git URL names a template outside the libraries, in any format, `@VERSION` a
    release tagged in its repository (`scaffolder.formats.sources`). An unknown version raises
    TemplateNotFound listing the versions there are.
    """
    from scaffolder.formats import sources

    outside = sources.locate(ref)
    if outside is not None:
        return Found(*outside)
    from scaffolder import releases

    name, version = split_ref(ref)
    libs = open_libraries(extra)
    owner = releases.owning_library(name, libs)
    if owner is None:
        known = sorted(e.name for e in list_entries(extra))
        raise TemplateNotFound(f"no golden path named {name!r}; available: {', '.join(known) or 'none'}")
    from scaffolder.formats import is_template_dir

    if version is None and is_template_dir(owner.folder / name):
        template = load_template(owner.folder / name, name=name, version=current_hint(owner, name))
        return Found(template, owner.label, template.version)
    # with no current folder (e.g. only tags of a golden path since removed from HEAD): the newest
    latest = version is None
    release = releases.releases_in(owner, name)[-1] if latest else releases.release_in(owner, name, str(version))
    return Found(releases.load_release(release), owner.label, release.record_ref)


def locate_recorded(source: str, name: str, version: str | None) -> Found | None:
    """The golden path a record names by its source when that is a path or git URL rather than
    a library (`scaffold new ./template`): `version` of it (None: its current one), or None."""
    from scaffolder.formats import sources

    found = sources.locate_recorded(source, name, version)
    return Found(*found) if found is not None else None


def find(ref: str, extra: Iterable[LibrarySpec] = ()) -> tuple[Template, str]:
    """The golden path for NAME, NAME@VERSION or a path; returns it and its library label."""
    found = locate(ref, extra)
    return found.template, found.library
