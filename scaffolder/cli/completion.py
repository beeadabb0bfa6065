"""Shell completion of golden-path names (click's: `eval "$(_SCAFFOLD_COMPLETE=bash_source scaffold)"`).

A TAB must answer at once: the names are the folders of the libraries that hold a template of
any format, with no template loaded and nothing fetched (a git URL library's names are not
offered). A word that looks like a path completes as a file, since `new` and `show` also take a
template's path.
"""

from __future__ import annotations

from pathlib import Path

import click
from click.shell_completion import CompletionItem


def golden_path_names() -> list[str]:
    """The names of every library's golden paths, sorted; an unreadable config or library is left out."""
    from scaffolder import config
    from scaffolder.errors import ScaffoldError
    from scaffolder.sources import builtin_library, is_template_dir, open_library
    from scaffolder.sources.refs import git_url, library_specs

    try:
        specs = library_specs(config.load().libraries)
    except ScaffoldError:
        specs = []
    folders: list[Path] = []
    for spec in specs:
        if git_url(spec) is not None:
            continue  # fetching over the network is a command's job, never a TAB's
        try:
            folders.append(open_library(spec).folder)
        except (ScaffoldError, OSError):
            continue
    folders.append(builtin_library())
    names: set[str] = set()
    for folder in folders:
        if folder.is_dir():
            names.update(p.name for p in folder.iterdir() if p.is_dir() and is_template_dir(p))
    return sorted(names)


def _looks_like_a_path(incomplete: str) -> bool:
    return incomplete.startswith((".", "/", "~")) or "/" in incomplete


def complete_golden_path(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Golden-path names starting with `incomplete`; files when it looks like a path."""
    if _looks_like_a_path(incomplete):
        return [CompletionItem(incomplete, type="file")]
    return [CompletionItem(name) for name in golden_path_names() if name.startswith(incomplete)]
