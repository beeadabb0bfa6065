"""Rendering a skeleton directory: file contents and paths through Jinja2's sandbox.

Text files are rendered with strict undefined, so a missing variable is an error naming the file
and line; a Backstage skeleton renders in the `nunjucks` dialect instead (`scaffolder.nunjucks`:
undefined renders empty, JavaScript printing). Line endings (CRLF, CR, mixed) and a missing final
newline are kept as the skeleton file has them (`scaffolder.line_endings`), the mode's exec bits
too. Binary files and files matching copy-without-render globs are copied byte for byte. A
rendered path that leaves the destination is refused. A symlink is kept as a symlink with the same
target text (its path rendered) when it leads to something inside the rendered tree, and refused,
naming it and its target, otherwise (`scaffolder.paths.link_problems`).
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from jinja2 import Template, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from scaffolder import budget, jinja_cache, line_endings, nunjucks
from scaffolder.action import SHM as SHM  # re-exported: scratch space, files and delimiters are the contract's
from scaffolder.action import Delimiters as Delimiters
from scaffolder.action import RenderedFile as RenderedFile
from scaffolder.action import scratch_dir as scratch_dir
from scaffolder.action import write_files as write_files
from scaffolder.errors import Problem, RenderError
from scaffolder.filters import FILTERS as FILTERS  # re-exported for the engine
from scaffolder.globs import matches
from scaffolder.litter import is_litter
from scaffolder.nunjucks import Dialect, environment_class

JINJA = Delimiters()  # plain Jinja2


@lru_cache(maxsize=16)
def make_environment(delimiters: Delimiters = JINJA, dialect: Dialect = "jinja") -> SandboxedEnvironment:
    cls, options = environment_class(dialect)
    env = cls(
        variable_start_string=delimiters.variable_start,
        variable_end_string=delimiters.variable_end,
        block_start_string=delimiters.block_start,
        block_end_string=delimiters.block_end,
        comment_start_string=delimiters.comment_start,
        comment_end_string=delimiters.comment_end,
        trim_blocks=delimiters.trim_blocks,
        lstrip_blocks=delimiters.lstrip_blocks,
        autoescape=False,
        keep_trailing_newline=True,
        **options,
    )
    env.filters.update(FILTERS)
    if dialect == "nunjucks":
        env.filters.update(nunjucks.FILTERS)
    return env


def _line_in(exc: BaseException | None, name: str) -> int | None:
    if exc is None:
        return None
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return exc.lineno
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == name:
            line = frame.lineno
    return line


def _markers(env: SandboxedEnvironment) -> tuple[str, ...]:
    return (env.variable_start_string, env.block_start_string, env.comment_start_string)


@lru_cache(maxsize=32)
def _with_newline(env: SandboxedEnvironment, newline: str) -> SandboxedEnvironment:
    """`env` printing `newline` for the template's own line breaks (a CRLF or CR skeleton file)."""
    overlay: SandboxedEnvironment = env.overlay(newline_sequence=newline)  # type: ignore[arg-type]
    return overlay


def _render(env: SandboxedEnvironment, source: str, context: Mapping[str, Any], name: str) -> str:
    """Jinja's render of `source`, its line endings kept as they are (`scaffolder.line_endings`)."""
    if "\r" not in source:
        return _compiled(env, source, name).render(**context)
    ending = line_endings.uniform(source)
    if ending is not None:
        return _compiled(_with_newline(env, ending), source, name).render(**context)
    trim = (env.block_end_string, env.comment_end_string) if env.trim_blocks else ()
    return line_endings.keep_mixed(lambda text: _compiled(env, text, name).render(**context), source, trim)


@lru_cache(maxsize=8192)
def _compiled(env: SandboxedEnvironment, source: str, name: str) -> Template:
    """Compiled templates, shared by every render in the process (old and new versions of an
    upgrade, every repo of a campaign) and, through `scaffolder.jinja_cache`, across runs."""
    root = jinja_cache.folder()
    entry = jinja_cache.key(env, source, name) if root is not None else ""
    code = jinja_cache.load(root, entry) if root is not None else None
    if code is None:
        code = env.compile(source, name=name, filename=name)
        if root is not None:
            jinja_cache.store(root, entry, code)
    return env.template_class.from_code(env, code, env.make_globals(None))


_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
# Names Jinja parses as literals or operators, never as a variable: such text goes through Jinja.
_RESERVED = frozenset({"and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None"})
_SCALARS = (str, int, float, bool, type(None))


@lru_cache(maxsize=16)
def _variable_tag(start: str, end: str) -> re.Pattern[str]:
    """`{{ name.key.key }}` with the environment's delimiters (spaces and tabs inside only)."""
    return re.compile(rf"{re.escape(start)}[ \t]*({_IDENT}(?:\.{_IDENT})*)[ \t]*{re.escape(end)}")


def _lookup(path: str, context: Mapping[str, Any]) -> str | None:
    """What Jinja prints for `{{ path }}` when every step is a plain dict key, else None.

    Jinja's sandbox looks `obj.key` up as an attribute first and as an item second, so only keys
    a dict has no attribute for are taken here; a missing name, a non-dict on the way or a
    non-scalar value is left to Jinja (which reports or renders it).
    """
    first, *keys = path.split(".")
    if first in _RESERVED or first not in context:
        return None
    value = context[first]
    for key in keys:
        if type(value) is not dict or key not in value or hasattr(value, key):
            return None
        value = value[key]
    return str(value) if isinstance(value, _SCALARS) else None


def _substitute(env: SandboxedEnvironment, source: str, context: Mapping[str, Any]) -> str | None:
    """Render text whose only Jinja is `{{ name.key }}` tags over plain dicts, without compiling
    it: the same output as Jinja's, far cheaper for files seen once. None when anything else is
    there (blocks, comments, filters, whitespace control, an undefined name): Jinja renders it.
    Line endings are copied as they are, as `_render` keeps them.
    """
    if env.block_start_string in source or env.comment_start_string in source:
        return None
    if env.finalize is not None:
        return None  # the nunjucks dialect prints values its own way
    start = env.variable_start_string
    tag = _variable_tag(start, env.variable_end_string)
    parts: list[str] = []
    pos = 0
    while (found := source.find(start, pos)) != -1:
        match = tag.match(source, found)
        if match is None:
            return None
        value = _lookup(match.group(1), context)
        if value is None:
            return None
        parts += (source[pos:found], value)
        pos = match.end()
    parts.append(source[pos:])
    return "".join(parts)


def render_text(env: SandboxedEnvironment, source: str, context: Mapping[str, Any], name: str) -> str:
    """Render one template string; errors name `name:line`.

    Text holding no delimiter renders to itself, so it is returned without involving Jinja,
    byte for byte (CRLF and a missing final newline included). Text whose only tags are plain
    variables (`{{ values.name }}`) is substituted directly (`_substitute`).
    """
    if not any(marker in source for marker in _markers(env)):
        return source
    fast = _substitute(env, source, context)
    if fast is not None:
        return fast
    try:
        with budget.limits(name):
            return _render(env, source, context, name)
    except budget.BudgetExceeded as exc:
        line = _line_in(exc, name) or _line_in(exc.__context__, name)
        raise budget.BudgetExceeded(
            exc.message, [Problem(f"{name}:{line}" if line else name, exc.problems[0].message)]
        ) from None
    except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, LookupError, RecursionError) as exc:
        line = _line_in(exc, name)
        where = f"{name}:{line}" if line else name
        if isinstance(exc, RecursionError):
            reason = "recursion too deep (a macro calling itself without end?)"
        elif isinstance(exc, UndefinedError):
            reason = f"undefined variable: {exc.message}"
        elif isinstance(exc, SecurityError):
            reason = f"refused by the sandbox: {exc}"
        elif isinstance(exc, TemplateSyntaxError):
            reason = f"template syntax error: {exc.message}"
        else:
            reason = str(exc)
        raise RenderError("a skeleton file cannot be rendered", [Problem(where, reason)]) from None


def is_binary(data: bytes) -> bool:
    """Heuristic used by git: a NUL byte in the first 8 KB, or bytes that are not UTF-8."""
    if b"\0" in data[:8192]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def renders_content(
    rel: str, data: bytes, copy_without_render: Iterable[str] = (), template_suffix: str | None = None
) -> bool:
    """Whether `render_tree` renders this skeleton file's content through Jinja (else it is copied
    byte for byte: binary, matching a copy-without-render glob, or lacking the template suffix)."""
    if matches(rel, copy_without_render) or (template_suffix is not None and not rel.endswith(template_suffix)):
        return False
    return not is_binary(data)


_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_relpath(rendered: str, source_rel: str) -> str:
    """The rendered path as a clean relative POSIX path; RenderError naming `source_rel` when it
    escapes the workspace or names `.git`."""
    from scaffolder.paths import GIT_MESSAGE, git_component

    if git_component(rendered) is not None:
        raise RenderError(
            "a rendered path names .git", [Problem(source_rel, f"renders to {rendered!r}, which {GIT_MESSAGE}")]
        )
    clean = "\\" not in rendered and not rendered.startswith("/") and not _DRIVE.match(rendered)
    if clean and all(p not in ("", ".", "..") for p in rendered.split("/")):
        return rendered  # already a clean relative path (what the general case below returns for it)
    parts = PurePosixPath(rendered.replace("\\", "/")).parts
    absolute = rendered.startswith(("/", "\\")) or "//" in rendered.replace("\\", "/")
    if absolute or _DRIVE.match(rendered) or ".." in parts:
        raise RenderError(
            "a rendered path escapes the workspace",
            [Problem(source_rel, f"renders to {rendered!r}, which escapes the workspace")],
        )
    return "/".join(p for p in parts if p not in ("", "."))


def _text(data: bytes) -> str | None:
    """`data` decoded, or None for binary content (`is_binary`)."""
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _entries(source: Path) -> list[tuple[str, str, bool]]:
    """(relative POSIX path, path, is a symlink) of everything under `source` but folders and
    litter (`scaffolder.litter`), in pathlib's order (by path parts); symlinked folders are listed,
    not entered."""
    found: list[tuple[str, str, bool]] = []
    pending = [("", str(source))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as it:
            for entry in it:
                rel = prefix + entry.name
                if is_litter(rel):
                    continue  # compiled, cached or left by a file manager: never part of a project
                if entry.is_symlink():
                    found.append((rel, entry.path, True))
                elif entry.is_dir():
                    pending.append((rel + "/", entry.path))
                else:
                    found.append((rel, entry.path, False))
    found.sort(key=lambda item: item[0].split("/"))
    return found


def skeleton_signature(source: Path) -> tuple[tuple[str, int, int, int, int], ...]:
    """What identifies a skeleton's state cheaply: each entry's path, inode, size, mtime and mode
    (one lstat each, no reads)."""
    out = []
    pending = [("", str(source))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as it:
            for entry in it:
                st = entry.stat(follow_symlinks=False)
                out.append((prefix + entry.name, st.st_ino, st.st_size, st.st_mtime_ns, st.st_mode))
                if entry.is_dir(follow_symlinks=False):
                    pending.append((prefix + entry.name + "/", entry.path))
    return tuple(sorted(out))


def render_tree(
    source: Path,
    context: Mapping[str, Any],
    *,
    copy_without_render: Iterable[str] = (),
    delimiters: Delimiters = JINJA,
    template_suffix: str | None = None,
    dialect: Dialect = "jinja",
) -> list[RenderedFile]:
    """Render every file under `source` in memory, collecting every problem before raising.

    Paths are rendered too; a path rendering to an empty segment is skipped (the usual way to make
    a file conditional). With `template_suffix` (copier's `.jinja`), only files ending in it are
    rendered, and the suffix is dropped from their names. Nothing is written: the caller writes
    the result, so a bad skeleton leaves no half-written workspace. `dialect` is how values print
    and undefined names behave (`scaffolder.nunjucks`).
    """
    env = make_environment(delimiters, dialect)
    globs = list(copy_without_render)
    out: list[RenderedFile] = []
    problems: list[Problem] = []
    for rel, path, symlink in _entries(source):
        try:
            rendered_rel = render_text(env, rel, context, f"{rel} (path)")
            segments = rendered_rel.replace("\\", "/").split("/")
            if len(segments) == len(rel.split("/")) and any(s.strip() == "" for s in segments):
                continue  # a conditional file or folder rendered to nothing
            target = _safe_relpath(rendered_rel, rel)
            if symlink:
                out.append(RenderedFile(target, b"", 0o777, link=str(Path(path).readlink())))
                continue
            with open(path, "rb") as fh:  # noqa: PTH123 (a Path per file costs more than reading it)
                data = fh.read()
                mode = os.fstat(fh.fileno()).st_mode & 0o777
            templated = not matches(rel, globs) and (template_suffix is None or rel.endswith(template_suffix))
            text = _text(data) if templated else None
            if text is not None:
                data = render_text(env, text, context, rel).encode("utf-8")
            if template_suffix and target.endswith(template_suffix):
                target = target[: -len(template_suffix)]
            out.append(RenderedFile(target, data, mode))
        except budget.BudgetExceeded:
            raise  # the budget is spent: rendering the other files would only spend more
        except RenderError as exc:
            problems.extend(exc.problems)
    problems += _link_problems(out)
    if problems:
        raise RenderError(f"the skeleton {source.name} cannot be rendered", problems)
    return out


def _link_problems(files: list[RenderedFile]) -> list[Problem]:
    """The symlinks among `files` that lead out of them (`scaffolder.paths.link_problems`)."""
    from scaffolder.paths import link_problems

    links = {f.path: f.link for f in files if f.link is not None}
    return link_problems([f.path for f in files if f.link is None], links) if links else []


def read_tree(root: Path, producer: str) -> list[RenderedFile]:
    """Every file and symlink another tool (`producer`, e.g. cookiecutter) generated under `root`,
    ready for `write_files`; a `.git` (any spelling) or a symlink leading out of `root` is refused,
    naming it, as in a skeleton."""
    from scaffolder.paths import GIT_MESSAGE, git_component

    files, problems = [], []
    refused: set[str] = set()
    for rel, path, symlink in _entries(root):
        part = git_component(rel)
        if part is not None:
            top = rel.split("/")
            where = "/".join(top[: top.index(part) + 1])
            if where not in refused:
                refused.add(where)
                problems.append(Problem(where, f"{producer} generated a path that {GIT_MESSAGE}"))
            continue
        if symlink:
            files.append(RenderedFile(rel, b"", 0o777, link=str(Path(path).readlink())))
            continue
        if not Path(path).is_file():
            continue  # a socket or a pipe: not something a project holds
        with open(path, "rb") as fh:  # noqa: PTH123 (a Path per file costs more than reading it)
            files.append(RenderedFile(rel, fh.read(), os.fstat(fh.fileno()).st_mode & 0o777))
    problems += [Problem(p.where, f"{p.message} ({producer} generated it)") for p in _link_problems(files)]
    if problems:
        raise RenderError("the generated project cannot be written", problems)
    return files
