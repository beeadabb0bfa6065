"""Template libraries: folders of golden paths. `golden_paths/` ships inside the package.

A golden path is named either by a path to its folder (or its template.yaml) or by its name,
looked up in the configured libraries first and the built-in library last.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from scaffolder.errors import TemplateError, TemplateNotFound
from scaffolder.template import TEMPLATE_FILE, Template, load_template

BUILTIN = "builtin"


def builtin_library() -> Path:
    """The folder of the built-in golden paths (inside the installed package)."""
    return Path(str(files("scaffolder.golden_paths")))


@dataclass(frozen=True)
class Entry:
    """One golden path found in a library; `error` is set when it does not load."""

    name: str
    folder: Path
    library: str
    template: Template | None
    error: TemplateError | None


def libraries(extra: Iterable[Path] = ()) -> list[tuple[str, Path]]:
    """(label, folder) of each library, configured ones first, the built-in one last."""
    return [*((str(p), p) for p in extra), (BUILTIN, builtin_library())]


def _folders(library: Path) -> list[Path]:
    if not library.is_dir():
        return []
    return sorted(p for p in library.iterdir() if (p / TEMPLATE_FILE).is_file())


def list_entries(extra: Iterable[Path] = ()) -> list[Entry]:
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


def find(ref: str, extra: Iterable[Path] = ()) -> tuple[Template, str]:
    """The golden path for NAME, NAME@VERSION or a path; returns it and its library label."""
    candidate = Path(ref).expanduser()
    if candidate.name == TEMPLATE_FILE and candidate.is_file():
        candidate = candidate.parent
    if ("/" in ref or ref.startswith(".")) or (candidate / TEMPLATE_FILE).is_file():
        if not (candidate / TEMPLATE_FILE).is_file():
            raise TemplateNotFound(f"no golden path at {ref} (no {TEMPLATE_FILE} there)")
        return load_template(candidate), str(candidate.resolve())
    name, version = split_ref(ref)
    for label, lib in libraries(extra):
        folder = lib / name
        if (folder / TEMPLATE_FILE).is_file():
            template = load_template(folder)
            if version and version != template.version:
                raise TemplateNotFound(f"{name}@{version} is not available in {label}; it has {template.version}")
            return template, label
    known = sorted(e.name for e in list_entries(extra))
    raise TemplateNotFound(f"no golden path named {name!r}; available: {', '.join(known) or 'none'}")
