"""Shell completion of golden-path names (click's: `eval "$(_SCAFFOLD_COMPLETE=bash_source scaffold)"`).

A TAB must answer at once: the names are the folders of the libraries that hold a template of
any format, with no template loaded and nothing fetched (a git URL library's names are not
offered). A word that looks like a path completes as a file, since `new` and `show` also take a
template's path, and `NAME@` completes to that golden path's versions (its one template and
release list read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem

from scaffolder.errors import ScaffoldError

if TYPE_CHECKING:
    from scaffolder.sources import Library


def _libraries() -> list[Library]:
    """The configured libraries that are on this machine, then the built-in one; an unreadable
    config or library is left out."""
    from scaffolder import config
    from scaffolder.sources import BUILTIN, Library, builtin_library, open_library
    from scaffolder.sources.refs import git_url, library_specs

    try:
        specs = library_specs(config.load().libraries)
    except ScaffoldError:
        specs = []
    out: list[Library] = []
    for spec in specs:
        if git_url(spec) is not None:
            continue  # fetching over the network is a command's job, never a TAB's
        try:
            out.append(open_library(spec))
        except (ScaffoldError, OSError):
            continue
    return [*out, Library(BUILTIN, builtin_library())]


def golden_path_names() -> list[str]:
    """The names of every library's golden paths, sorted."""
    from scaffolder.sources import is_template_dir

    names: set[str] = set()
    for lib in _libraries():
        if lib.folder.is_dir():
            names.update(p.name for p in lib.folder.iterdir() if p.is_dir() and is_template_dir(p))
    return sorted(names)


def golden_path_versions(name: str) -> list[str]:
    """The versions of golden path NAME in the first library that has it, newest first."""
    from scaffolder.sources import is_template_dir, releases_in

    for lib in _libraries():
        if is_template_dir(lib.folder / name):
            try:
                return [r.version for r in reversed(releases_in(lib, name))]
            except (ScaffoldError, OSError):
                return []
    return []


def _looks_like_a_path(incomplete: str) -> bool:
    return incomplete.startswith((".", "/", "~")) or "/" in incomplete


def complete_golden_path(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Golden-path names starting with `incomplete`, a golden path's versions after `NAME@`, and
    files when it looks like a path."""
    if _looks_like_a_path(incomplete):
        return [CompletionItem(incomplete, type="file")]
    if "@" in incomplete:  # NAME@VERSION: the releases of that golden path
        name, _, prefix = incomplete.partition("@")
        return [CompletionItem(f"{name}@{v}") for v in golden_path_versions(name) if v.startswith(prefix)]
    return [CompletionItem(name) for name in golden_path_names() if name.startswith(incomplete)]
