"""Where golden paths come from: libraries (folders and git repositories), their releases,
templates named by a path or URL, and loading a template of any format.

Layers inside the package, each importing only those above it in this list:

- `refs`: how golden paths and libraries are named (`NAME@VERSION`, paths, git URLs), as text;
- `cache`: mirrors of git repositories and trees extracted from them by commit;
- `foreign`: which format a folder holds, and `load_template` for all of them;
- `libraries`, `snapshots`, `changelog`: template libraries, snapshot releases, CHANGELOG.md;
- `releases`: the released versions of a golden path in a library;
- `outside`: templates named by a path or git URL;
- `handle`: `resolve(ref, settings)`, a golden path resolved once into a `GoldenPathSource`.

The names below are the package's public API; import them from `scaffolder.sources`. Each loads
its submodule on first use (PEP 562), so naming a library's golden paths (a TAB) imports neither
the template models nor the release machinery.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scaffolder.sources.changelog import CHANGELOG, Section, parse_changelog
    from scaffolder.sources.foreign import detect, is_template_dir, load_template
    from scaffolder.sources.handle import GoldenPathSource, resolve, resolve_folder, resolve_recorded
    from scaffolder.sources.libraries import BUILTIN, Entry, Library, builtin_library, list_entries, open_library
    from scaffolder.sources.refs import LibrarySpec, split_ref
    from scaffolder.sources.releases import Release, load_release, releases_in
    from scaffolder.sources.snapshots import RELEASES_DIR, cut_release, verify_snapshot

_WHERE = {
    **dict.fromkeys(("CHANGELOG", "Section", "parse_changelog"), "changelog"),
    **dict.fromkeys(("detect", "is_template_dir", "load_template"), "foreign"),
    **dict.fromkeys(("GoldenPathSource", "resolve", "resolve_folder", "resolve_recorded"), "handle"),
    **dict.fromkeys(("BUILTIN", "Entry", "Library", "builtin_library", "list_entries", "open_library"), "libraries"),
    **dict.fromkeys(("LibrarySpec", "split_ref"), "refs"),
    **dict.fromkeys(("Release", "load_release", "releases_in"), "releases"),
    **dict.fromkeys(("RELEASES_DIR", "cut_release", "verify_snapshot"), "snapshots"),
}

__all__ = [
    "BUILTIN",
    "CHANGELOG",
    "RELEASES_DIR",
    "Entry",
    "GoldenPathSource",
    "Library",
    "LibrarySpec",
    "Release",
    "Section",
    "builtin_library",
    "cut_release",
    "detect",
    "is_template_dir",
    "list_entries",
    "load_release",
    "load_template",
    "open_library",
    "parse_changelog",
    "releases_in",
    "resolve",
    "resolve_folder",
    "resolve_recorded",
    "split_ref",
    "verify_snapshot",
]


def __getattr__(name: str) -> Any:
    """Import the submodule that defines `name` when it is first asked for."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
