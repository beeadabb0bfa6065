"""Template libraries: folders or git repositories of golden paths. `golden_paths/` ships inside
the package.

A library is one of:

- a folder (the built-in one, or any configured path): `NAME/` is the current version of each
  golden path, `NAME/releases/VERSION/` its earlier releases;
- a git work tree (a configured path whose top holds `.git`): the same folders, plus releases
  tagged `NAME/vVERSION`;
- a bare git repository, or a `git+file://…`, `git+https://…` or `git+ssh://…` URL: the current
  versions are those at the repository's HEAD, extracted into the cache under
  `$SCAFFOLD_HOME/cache/libraries/` (by commit, so an extracted tree never changes), and releases
  are tags `NAME/vVERSION` (`scaffolder.sources.releases`). Opened `lazy`, such a library
  extracts a golden path only when it is asked for (`Library.golden_path`): `new` and `upgrade`
  extract the one they render, `list` all of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from scaffolder import git
from scaffolder.errors import TemplateError
from scaffolder.formats import COOKIECUTTER_FILE, COPIER_FILES, TEMPLATE_FILE
from scaffolder.formats.versions import version_in_repo
from scaffolder.sources.cache import cache_dir, extract, mirror_once, slug
from scaffolder.sources.foreign import detect, is_template_dir, load_template
from scaffolder.sources.refs import LibrarySpec, git_url, library_specs

if TYPE_CHECKING:
    from scaffolder.template import Template

BUILTIN = "builtin"


def builtin_library() -> Path:
    """The folder of the built-in golden paths (inside the installed package)."""
    return Path(str(files("scaffolder.golden_paths")))


@dataclass(frozen=True)
class Library:
    """One template library, ready to read.

    `label` is what a record stores as its source ("builtin", a folder path or a `git+` URL);
    `folder` holds the current version of each golden path; `repo` is the git repository whose
    `NAME/vVERSION` tags are releases (None for a plain folder), `bare` says how to address it,
    and `cache` is where releases taken from git are extracted. In a bare git library, `head` is
    the HEAD commit and `heads` the golden paths there, extracted into `folder` when first asked for.
    """

    label: str
    folder: Path
    repo: Path | None = None
    bare: bool = False
    cache: Path | None = None
    head: str | None = None
    heads: frozenset[str] = frozenset()

    @property
    def is_git(self) -> bool:
        return self.repo is not None

    def golden_path(self, name: str) -> Path:
        """The folder of golden path NAME at the library's current version (extracted from HEAD
        first in a bare git library); it may hold no template, when the library has no such one."""
        folder = self.folder / name
        if self.head is not None and self.repo is not None and name in self.heads:
            extract(self.repo, self.head, name, folder, bare=True)
        return folder

    def holds(self, name: str) -> bool:
        """Whether NAME is a golden path at the library's current version (without extracting it)."""
        return name in self.heads or is_template_dir(self.folder / name)


@dataclass(frozen=True)
class Entry:
    """One golden path found in a library; `error` is set when it does not load."""

    name: str
    folder: Path
    library: str
    template: Template | None
    error: TemplateError | None


def cache_root() -> Path:
    """`$SCAFFOLD_HOME/cache/libraries`: mirrors of git libraries and trees extracted from them."""
    return cache_dir("libraries")


def _is_bare_repo(path: Path) -> bool:
    return (path / "HEAD").is_file() and (path / "objects").is_dir() and (path / "refs").is_dir()


def _head_tree(label: str, repo: Path, cache: Path, head_ref: str, lazy: bool) -> Library:
    """A bare repo's library: its golden paths at `head_ref`, found with two git processes and
    extracted into `cache/COMMIT/` (reused) now, or when first asked for when `lazy`."""
    head = git.rev_parse(repo, f"{head_ref}^{{commit}}", bare=True)
    if head is None:
        raise TemplateError(f"template library {label} has no commits")
    folder = cache / head
    markers = [f"{d}/{f}" for d in git.tree_dirs(repo, head, bare=True) for f in (TEMPLATE_FILE, *_MARKERS)]
    names = frozenset(path.split("/", 1)[0] for path in git.tree_files(repo, head, markers, bare=True))
    lib = Library(label, folder, repo, True, cache, head, names)
    for name in () if lazy else sorted(names):
        lib.golden_path(name)
    folder.mkdir(parents=True, exist_ok=True)
    return lib


_MARKERS = (COOKIECUTTER_FILE, *COPIER_FILES)


def current_hint(lib: Library, name: str) -> str | None:
    """The version of NAME at the HEAD of a bare or URL git library, from its release tags, for
    a template that declares none (a cookiecutter, copier or Backstage template); else None."""
    folder = lib.golden_path(name)
    if not (lib.bare and lib.repo is not None) or detect(folder) in (None, "scaffold"):
        return None
    return version_in_repo(lib.repo, lib.folder.name, name, folder, bare=True)


def open_library(spec: LibrarySpec, lazy: bool = False) -> Library:
    """A configured library, ready to read; a git URL is fetched (once per process) into the cache.
    With `lazy`, a bare or URL library extracts a golden path only when asked (`golden_path`)."""
    text = str(spec)
    url = git_url(text)
    if url is not None:
        label = f"git+{url}"
        cache = cache_root() / slug(label, "library")
        mirror = mirror_once(url, cache)
        return _head_tree(label, mirror, cache, git.MIRROR_HEAD, lazy)
    path = Path(text).expanduser()
    if (path / ".git").exists():
        return Library(text, path, path, False, cache_root() / slug(str(path.resolve()), "library"))
    if _is_bare_repo(path):
        cache = cache_root() / slug(str(path.resolve()), "library")
        return _head_tree(text, path, cache, "HEAD", lazy)
    return Library(text, path)


def open_libraries(extra: Iterable[LibrarySpec] = (), lazy: bool = False) -> list[Library]:
    """Every library, configured ones first, the built-in one last (`lazy`: see `open_library`)."""
    return [*(open_library(s, lazy) for s in library_specs(extra)), Library(BUILTIN, builtin_library())]


def libraries(extra: Iterable[LibrarySpec] = ()) -> list[tuple[str, Path]]:
    """(label, folder) of each library, configured ones first, the built-in one last."""
    return [(lib.label, lib.folder) for lib in open_libraries(extra)]


def _folders(library: Path) -> list[Path]:
    """The golden paths of a library folder: folders holding a template of any format."""
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
