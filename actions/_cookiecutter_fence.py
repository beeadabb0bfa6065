"""The fence around a cookiecutter render: what it may import and where it may write.

cookiecutter appends the template's folder to `sys.path` while it renders, so a module the
template ships (even one named like an allowed extension, `jinja2_time`) would be imported. Without
trust that never happens: the folder is not added, and entries that lead into it (a relative entry
follows the working folder, which cookiecutter moves into the template) are left out for the render.

Every name cookiecutter renders becomes a path under its output folder; an answer or a default
that renders to an absolute path or climbs with `..` would write anywhere. While the fence is up,
each folder cookiecutter makes, each file it opens for writing and each file or folder it copies
(`_copy_without_render`) must be inside the output folder, or the render stops with RenderError.
"""

from __future__ import annotations

import builtins
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.action import Problem, RenderError, inside


@dataclass(frozen=True)
class Fence:
    """The render in progress: the template (`folder`), cookiecutter's output folder, trust."""

    folder: Path
    out: Path
    trusted: bool


FENCE: ContextVar[Fence | None] = ContextVar("cookiecutter_fence", default=None)


class PathEscape(RenderError):
    """A name cookiecutter rendered leads outside its output folder (`target`, as rendered)."""

    def __init__(self, target: str) -> None:
        super().__init__(
            "cookiecutter would write outside its output folder",
            [Problem(target, "a rendered file or folder name leads outside the project; nothing was written there")],
        )
        self.target = target


def checked(out: Path, target: Any) -> Any:
    """`target` when it is inside `out` (symlinks on disk followed), else PathEscape."""
    path = os.path.abspath(os.fspath(target))  # noqa: PTH100 (`..` folded, links kept for `inside`)
    rel = os.path.relpath(path, out)
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or Path(rel).is_absolute() or "\0" in path:
        raise PathEscape(path)
    try:
        inside(out, rel)
    except RenderError:
        raise PathEscape(path) from None
    return target


def escape_problem(exc: PathEscape, folder: Path, out: Path) -> Problem:
    """The template file or folder whose rendered name escaped, and the answers it took."""
    project = next((c.name for c in sorted(folder.iterdir()) if "{{" in c.name and c.is_dir()), "")
    source, context = "", {}
    tb = exc.__traceback__
    while tb is not None:
        local = tb.tb_frame.f_locals
        for name in ("unrendered_dir", "dirname", "indir", "infile"):
            value = local.get(name)
            if isinstance(value, str) and value:
                source = value
        if isinstance(local.get("context"), dict):
            context = local["context"].get("cookiecutter", {})
        tb = tb.tb_next
    if Path(source).is_absolute():  # `project_dir/rest`, with project_dir rendered
        source = str(Path(project, *Path(os.path.relpath(source, out)).parts[1:]))
    elif source and source != project:
        source = str(Path(project, os.path.normpath(source)))
    answers = sorted(
        k
        for k, v in context.items()
        if not k.startswith("_") and isinstance(v, str) and v and ("/" in v or "\\" in v or ".." in v)
    )
    whence = f" (from {', '.join(answers)})" if answers else ""
    where = str(folder / source) if source else str(folder)
    return Problem(where, f"renders to {exc.target}, outside the project folder{whence}")


class _FencedShutil:
    """`shutil` as cookiecutter's generate module sees it: copies and removals stay inside `out`."""

    def __init__(self, out: Path) -> None:
        self._out = out

    def __getattr__(self, name: str) -> Any:
        return getattr(shutil, name)

    def copyfile(self, src: Any, dst: Any, **kwargs: Any) -> Any:
        return shutil.copyfile(src, checked(self._out, dst), **kwargs)

    def copymode(self, src: Any, dst: Any, **kwargs: Any) -> None:
        shutil.copymode(src, checked(self._out, dst), **kwargs)

    def copy(self, src: Any, dst: Any, **kwargs: Any) -> Any:
        return shutil.copy(src, checked(self._out, dst), **kwargs)

    def copytree(self, src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
        return shutil.copytree(src, checked(self._out, dst), *args, **kwargs)

    def rmtree(self, path: Any, *args: Any, **kwargs: Any) -> None:
        shutil.rmtree(checked(self._out, path), *args, **kwargs)


class _NoImportPath:
    """cookiecutter's `_patch_import_path_for_repo`, doing nothing: the template is not importable."""

    def __init__(self, repo_dir: Any) -> None:
        pass

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _leads_into(entry: str, folder: Path) -> bool:
    if not entry or not Path(entry).is_absolute():
        return True  # relative: it follows the working folder, which cookiecutter moves
    try:
        path = Path(entry).resolve()
    except (OSError, RuntimeError):
        return True
    return path == folder or folder in path.parents


@contextmanager
def fenced(folder: Path, out: Path, trusted: bool) -> Iterator[None]:
    """Render cookiecutter inside the fence (one render at a time: the caller holds RENDER_LOCK)."""
    import cookiecutter.generate as generate
    import cookiecutter.main as main
    import cookiecutter.utils as utils

    root = folder.resolve()
    out = out.resolve()
    saved = {
        name: getattr(generate, name) for name in ("make_sure_path_exists", "rmtree", "shutil", "render_and_create_dir")
    }
    saved_patch = main._patch_import_path_for_repo
    saved_path = sys.path
    saved_entries = list(saved_path)  # cookiecutter appends to the list itself, then swaps it

    def make_sure_path_exists(path: Any) -> None:
        utils.make_sure_path_exists(checked(out, path))

    def render_and_create_dir(dirname: str, context: Any, output_dir: Any, environment: Any, *args: Any) -> Any:
        if dirname:  # checked before cookiecutter looks whether it exists
            checked(out, Path(output_dir, environment.from_string(dirname).render(**context)))
        return saved["render_and_create_dir"](dirname, context, output_dir, environment, *args)

    def rmtree(path: Any) -> None:
        utils.rmtree(checked(out, path))

    def fenced_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+"):
            checked(out, file)
        return builtins.open(file, mode, *args, **kwargs)  # noqa: PTH123 (cookiecutter's own call)

    token = FENCE.set(Fence(root, out, trusted))
    try:
        generate.make_sure_path_exists = make_sure_path_exists
        generate.rmtree = rmtree
        generate.render_and_create_dir = render_and_create_dir
        generate.shutil = _FencedShutil(out)
        generate.open = fenced_open
        if not trusted:
            main._patch_import_path_for_repo = _NoImportPath
            sys.path = [entry for entry in saved_entries if not _leads_into(entry, root)]
        yield
    finally:
        saved_path[:] = saved_entries
        sys.path = saved_path
        main._patch_import_path_for_repo = saved_patch
        for name, value in saved.items():
            setattr(generate, name, value)
        generate.__dict__.pop("open", None)
        FENCE.reset(token)
