"""What the converters share: names, the steps that publish and register a generated project,
and building the validated `Template`; and what the actions running cookiecutter and copier share:
one render at a time, the symlink check, Jinja errors as `file:line`, renders kept from preflight."""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

from pydantic import ValidationError

from scaffolder.errors import Problem, TemplateError
from scaffolder.git_process import pinned_cwd
from scaffolder.template import Template, TemplateModel, problems_from_validation

IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
OWNER_PATTERN = r"^((group|user):)?([a-z0-9]+(-[a-z0-9]+)*/)?[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$"
OWNER_HELP = "the owner in the software catalog: group:NAME or user:NAME"
CATALOG_INFO = "catalog-info.yaml"
LABELS = {"backstage": "Backstage", "cookiecutter": "cookiecutter", "copier": "copier"}


def template_name(text: str) -> str:
    """A DNS-safe golden path name (`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`) from any text."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:63].strip("-")
    return slug or "template"


def ident(text: str, taken: set[str] | None = None) -> str:
    """A parameter or step id (`^[A-Za-z_][A-Za-z0-9_]*$`) from any text, unique among `taken`."""
    out = re.sub(r"[^A-Za-z0-9_]+", "_", text).strip("_") or "item"
    if out[0].isdigit():
        out = f"_{out}"
    if taken is not None:
        base, n = out, 2
        while out in taken:
            out, n = f"{base}_{n}", n + 1
        taken.add(out)
    return out


def owner_parameter(pid: str = "owner") -> dict[str, Any]:
    """The parameter asked when a template has no owner of its own but the catalog needs one."""
    return {
        "id": pid,
        "title": "Owner",
        "help": OWNER_HELP,
        "pattern": OWNER_PATTERN,
    }


def publish_steps(
    *,
    name: str,
    description: str,
    owner: str | None,
    writes_catalog_info: bool,
    files_expr: str,
) -> list[dict[str, Any]]:
    """catalog:write (unless the template writes its own catalog-info.yaml), repo:create and
    catalog:register, as every golden path ends. `name` and `owner` are expressions."""
    steps: list[dict[str, Any]] = []
    if not writes_catalog_info and owner is not None:
        steps.append(
            {
                "id": "catalog",
                "name": "Describe the component for the catalog",
                "action": "catalog:write",
                "if": f"${{{{ '{CATALOG_INFO}' not in {files_expr} }}}}",
                "input": {"name": name, "owner": owner, "description": description, "repo": {"name": name}},
            }
        )
    steps.append(
        {
            "id": "publish",
            "name": "Publish the repository",
            "action": "repo:create",
            "input": {"name": name, "description": description},
        }
    )
    steps.append(
        {
            "id": "register",
            "name": "Register it in the catalog",
            "action": "catalog:register",
            "input": {"target": "${{ steps.publish.output.catalog_info_url }}"},
        }
    )
    return steps


def build(data: dict[str, Any], folder: Path, *, file: str, fmt: str, doc: Any = None) -> Template:
    """Validate converted data as scaffold's model; every problem is reported against `file`."""
    try:
        model = TemplateModel.model_validate(data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, None, folder / file)
        raise TemplateError(f"the {LABELS[fmt]} template in {folder} cannot be converted", problems) from None
    return Template(model=model, path=folder.resolve(), doc=doc, file=file, format=fmt)


def fail(folder: Path, file: str, fmt: str, problems: list[Problem]) -> TemplateError:
    return TemplateError(f"the {LABELS[fmt]} template in {folder} cannot be run by scaffold", problems)


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
