"""What the foreign renderers' actions (`fetch:cookiecutter`, `fetch:copier`) share: one render at a
time with stdout kept clean, symlinks out of a template, a Jinja error as `file:line`, and a
preflight's render kept for the run."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

from scaffolder.action import Problem, pinned_cwd

# cookiecutter and copier change process-wide state while they render (sys.path, the working
# folder for hooks and tasks) and so does `stdout_to_stderr`: one render at a time per process.
RENDER_LOCK = threading.RLock()


@contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """One render at a time (`RENDER_LOCK`), and while it lasts what child processes (hooks,
    tasks) print goes to stderr, so scaffold's stdout stays parseable (`--output json`), and git
    processes other threads start keep the working folder the render began in (`pinned_cwd`)."""
    with RENDER_LOCK, pinned_cwd():
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            os.dup2(2, 1)
            yield
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)


def outside_links(folder: Path) -> list[Problem]:
    """Every symlink in a foreign template that points outside it (the renderers copy what a link
    points to, so such a link would publish a host file); links that stay inside are fine."""
    root = folder.resolve()
    problems = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in sorted([*dirnames, *filenames]):
            path = Path(dirpath, name)
            if not path.is_symlink():
                continue
            try:
                target = path.resolve(strict=False)
            except (OSError, RuntimeError):  # a loop
                target = Path("/")
            if target != root and root not in target.parents:
                rel = path.relative_to(root).as_posix()
                problems.append(Problem(str(folder / rel), f"is a symlink to {path.readlink()}, outside the template"))
    return problems


def template_error_problem(exc: BaseException, folder: Path, names: tuple[str, ...], base: str = "") -> Problem:
    """A Jinja error a foreign renderer raised (itself, or the cause of the renderer's own error),
    as `file:line` and Jinja's message.

    The file is the last local variable called one of `names` (the renderer's own name for the file
    it was rendering) in the traceback, the line the last frame of a template file's code."""
    from jinja2 import TemplateError, TemplateSyntaxError

    error = exc if isinstance(exc, TemplateError) else exc.__cause__
    file: str | None = None
    line: int | None = None
    for raised in dict.fromkeys([exc, error, exc.__context__]):  # context: a MemoryError the budget replaced
        tb = raised.__traceback__ if raised is not None else None
        while tb is not None:
            local = tb.tb_frame.f_locals
            for name in names:
                value = local.get(name)
                if isinstance(value, str | PurePath) and str(value):
                    file = str(value)
            code_file = tb.tb_frame.f_code.co_filename
            if not code_file.endswith(".py") and code_file != "<template>":
                line = tb.tb_lineno
            tb = tb.tb_next
    if isinstance(error, TemplateSyntaxError) and (error.filename or error.name):
        file, line = error.filename or error.name, error.lineno
    where = str(folder / base / file) if file else str(folder)
    if line is not None and file:
        where = f"{where}:{line}"
    source = error if error is not None else exc
    text = source.message if isinstance(source, TemplateError) and source.message else str(source)
    return Problem(where, (text or type(source).__name__).splitlines()[0])


class KeptRenders:
    """A foreign renderer's output made by an action's preflight, kept for the run of the same
    step that follows (same run, same inputs, same template files), so it renders once."""

    def __init__(self, size: int = 4) -> None:
        self._kept: dict[Any, tuple[Any, Any]] = {}
        self._size = size
        self._lock = threading.Lock()

    def keep(self, key: Any, signature: Any, value: Any) -> None:
        with self._lock:
            while len(self._kept) >= self._size:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = (signature, value)

    def take(self, key: Any, signature: Any) -> Any:
        """The kept value (once), or None."""
        with self._lock:
            kept = self._kept.pop(key, None)
        return kept[1] if kept is not None and kept[0] == signature else None
