"""Litter: compiled, cached and file-manager files that never belong in a generated project.

pip byte-compiles an installed golden path's skeleton (`__pycache__/*.pyc` beside its `.py`
files), a guild's working copy collects tool caches, and macOS and Windows drop `.DS_Store` and
`Thumbs.db`. Every action that copies files leaves them out (`fetch:template` and `fetch:plain`
through `scaffolder.render`, cookiecutter's and copier's output through `read_tree`), so a dry
run never lists them and an upgrade never reports them. The packaging-time list is in
pyproject.toml (`exclude-package-data`).
"""

from __future__ import annotations

# Folders skipped whole, wherever they are, and files skipped by name or by suffix.
FOLDERS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
NAMES = frozenset({".DS_Store", "Thumbs.db"})
SUFFIXES = (".pyc", ".pyo")


def is_litter(rel: str) -> bool:
    """Whether a POSIX path relative to a copied folder is litter: inside a cache folder, or a
    compiled or file-manager file."""
    *folders, name = rel.split("/")
    return name in NAMES or name.endswith(SUFFIXES) or name in FOLDERS or not FOLDERS.isdisjoint(folders)
