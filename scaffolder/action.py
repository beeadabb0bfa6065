"""The action API: what a plugin defines (`Action`) and what it is handed (`ActionContext`).

An action is one module in `actions/` (or in a third-party package) that builds an `Action` with
`define_action` and exposes it through the `scaffold.actions` entry-point group. Its input is a
pydantic model with extra keys forbidden, so the runner can validate every step's rendered input
before the first step runs; its output is a pydantic model whose fields become
`${{ steps.ID.output.FIELD }}`.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.dataclasses import dataclass as pydantic_dataclass

# The rest of the contract: what scaffold shares with actions. A built-in action imports nothing
# of scaffold's but this module, exactly as a plugin must (tests/test_layers.py holds them to it),
# so these are re-exported here: the errors an action raises, the workspace path checks, the forge
# and catalog protocols, scaffold's git layer, YAML, redaction, filters, and the fences a foreign
# renderer runs in (budgets, the sandbox, the foreign formats' files, a pinned working folder).
from scaffolder import budget, foreign_files, git, globs, redact, yamlio
from scaffolder.budget import BudgetExceeded
from scaffolder.catalogs.base import Catalog, entity_ref
from scaffolder.errors import ActionError, CatalogError, ForgeError, Problem, RenderError, RepoConflict, ScaffoldError
from scaffolder.filters import FILTERS
from scaffolder.foreign_files import COOKIECUTTER_FILE, copier_file, copier_sandboxed
from scaffolder.forges.base import Forge, Repo, RepoSpec
from scaffolder.git_process import pinned_cwd
from scaffolder.litter import is_litter
from scaffolder.paths import GIT_MESSAGE, git_component, inside, is_git_name, lexical_problem, link_problems
from scaffolder.sandbox import Sandbox

if TYPE_CHECKING:
    from scaffolder.template import Template

ACTION_ID = re.compile(r"^[a-z][a-z0-9-]*(:[a-z][a-z0-9-]*)+$")


class ActionInput(BaseModel):
    """Base for action inputs: unknown keys are errors, so a typo in a step is caught early."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class ActionOutput(BaseModel):
    """Base for action outputs."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class NoOutput(ActionOutput):
    """For actions that return nothing."""


@pydantic_dataclass(frozen=True, config=ConfigDict(extra="forbid"))
class Delimiters:
    """Jinja delimiters; the defaults are plain Jinja2 (`{{ }}`, `{% %}`, `{# #}`), and Jinja's
    (and nunjucks') `trim_blocks`/`lstrip_blocks`, off. A pydantic dataclass, so a step's
    `delimiters` input validates straight into it (unknown keys refused)."""

    variable_start: str = "{{"
    variable_end: str = "}}"
    block_start: str = "{%"
    block_end: str = "%}"
    comment_start: str = "{#"
    comment_end: str = "#}"
    trim_blocks: bool = False  # the newline after a block tag is dropped
    lstrip_blocks: bool = False  # spaces and tabs before a block tag on its line are dropped


@dataclass(frozen=True)
class RenderedFile:
    """A file an action writes into the workspace (`ActionContext.write_files`), or a symlink when
    `link` holds its target text (relative, and leading to something the same write makes)."""

    path: str  # POSIX path relative to the destination
    content: bytes
    mode: int
    link: str | None = None  # a symlink's target text; content and mode are then unused


class Rendering(Protocol):
    """The rendering services the engine hands actions (`ActionContext.rendering`); the module
    `scaffolder.render` provides them, so an action needs nothing from the engine but this."""

    def render_tree(
        self,
        source: Path,
        context: Mapping[str, Any],
        *,
        copy_without_render: Iterable[str] = (),
        delimiters: Delimiters = ...,
        template_suffix: str | None = None,
        dialect: Literal["jinja", "nunjucks"] = "jinja",
    ) -> list[RenderedFile]:
        """Render every file under `source` in memory (contents and names), in the sandbox and
        the render budget; every problem is collected before raising RenderError. `dialect`
        "nunjucks" renders as Backstage does (undefined is empty, JavaScript printing)."""

    def read_tree(self, root: Path, producer: str) -> list[RenderedFile]:
        """Every file another tool (`producer`) generated under `root`, checked as a skeleton is."""

    def skeleton_signature(self, source: Path) -> tuple[tuple[str, int, int, int, int], ...]:
        """What identifies a skeleton's state cheaply (paths, inodes, sizes, times, modes)."""


SHM = Path("/dev/shm")
SHM_MIN_FREE = 512 * 1024 * 1024


def scratch_dir() -> str | None:
    """Where renders go: memory-backed `/dev/shm` when there is room (creating hundreds of small
    files there is ten times faster than on most disks), else the usual temp folder. `TMPDIR`, when
    set, wins."""
    if os.environ.get("TMPDIR") or not SHM.is_dir() or not os.access(SHM, os.W_OK):
        return None
    try:
        return str(SHM) if shutil.disk_usage(SHM).free >= SHM_MIN_FREE else None
    except OSError:
        return None


def _write_link(root: Path, f: RenderedFile) -> None:
    """Make the symlink `f` (its folder checked with `inside`), replacing a file or link there; a
    folder standing at its path is an error, never emptied."""
    folder, _, name = f.path.rpartition("/")
    if name in ("", ".", ".."):
        raise RenderError("a symlink has no name", [Problem(f.path, "must name a file")])
    parent = inside(root, folder) if folder else root.resolve()
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / name
    mode = _lmode(str(path))
    if stat.S_ISDIR(mode):
        raise RenderError("a symlink cannot replace a folder", [Problem(f.path, "a folder is already there")])
    if mode:
        path.unlink()
    path.symlink_to(f.link or "")


def _write_one(root: Path, f: RenderedFile) -> None:
    """Write one file the careful way: a path (or a link on it) leading outside is refused, and a
    symlink standing at the path (an earlier step's) is replaced, not written through."""
    target = inside(root, f.path)
    folder, _, name = f.path.rpartition("/")
    if name not in ("", ".", "..") and "\\" not in f.path:
        here = (inside(root, folder) if folder else root.resolve()) / name
        if here.is_symlink():
            here.unlink()
            target = here
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(f.content)
    target.chmod(f.mode | 0o200)


def _lmode(path: str) -> int:
    try:
        return os.lstat(path).st_mode
    except FileNotFoundError:
        return 0


def write_files(root: Path, files: Iterable[RenderedFile]) -> list[str]:
    """Write rendered files under `root`, refusing any that names `.git`, any symlink that does not
    lead to something written here (`link_problems`; both before writing anything) and any file
    that a symlink on disk would carry outside.

    Each folder is resolved (symlinks followed) and checked once, not once per file; a file whose
    folder cannot be checked, or which is itself a symlink, takes the careful path (`inside`).
    Symlinks are made last, so no file of this write goes through one.
    """
    files = list(files)
    named_git = [Problem(f.path, GIT_MESSAGE) for f in files if git_component(f.path) is not None]
    if named_git:  # refused before anything is written
        raise RenderError("a path names .git", named_git)
    links = [f for f in files if f.link is not None]
    if links:
        bad = link_problems([f.path for f in files if f.link is None], {f.path: f.link or "" for f in links})
        if bad:
            raise RenderError("a symlink would lead out of what is written", bad)
        files = [f for f in files if f.link is None]
    folders: dict[str, str | None] = {}  # folder (as rendered) -> its resolved path, None: careful path
    written = []
    for f in files:
        folder, _, name = f.path.rpartition("/")
        if folder not in folders:
            resolved: str | None = None
            parts = folder.split("/") if folder else []
            if name and all(p not in ("", ".", "..") for p in parts) and "\0" not in f.path and "\\" not in f.path:
                try:
                    where = inside(root, folder) if folder else root.resolve()
                    where.mkdir(parents=True, exist_ok=True)
                    resolved = str(where)
                except RenderError:
                    resolved = None
            folders[folder] = resolved
        base = folders[folder]
        target = f"{base}/{name}" if base is not None and name not in ("", ".", "..") else None
        if target is None or stat.S_ISLNK(_lmode(target)):
            _write_one(root, f)
        else:
            with open(target, "wb") as fh:  # noqa: PTH123 (a Path per file costs more than writing it)
                fh.write(f.content)
                os.fchmod(fh.fileno(), f.mode | 0o200)
        written.append(f.path)
    for f in links:
        _write_link(root, f)
        written.append(f.path)
    return written


def _to_stderr(message: str) -> None:
    sys.stderr.write(message + "\n")


@dataclass
class ActionContext:
    """Everything a step may touch. Actions reach the outside world only through these fields."""

    workspace: Path
    template_dir: Path
    template: Template
    parameters: Mapping[str, Any]
    forge: Forge
    catalog: Catalog
    run_id: str
    dry_run: bool = False
    log: logging.Logger = field(default_factory=lambda: logging.getLogger("scaffolder.run"))
    # Writes the generated repo's record into the workspace; set by the runner.
    write_record: Callable[[], Path] | None = None
    # A fixed timestamp for this run (ISO 8601), so commits made on resume are identical.
    started_at: str = ""
    # Whether the golden path is trusted to run code (scripts, hooks); given by `--trust`.
    trusted: bool = False
    # The run's secrets and the values computed from them so far, to mask in anything shown.
    secrets: Callable[[], list[str]] = list
    # Tells the user something they should know but that does not stop the step (stderr by default).
    warn: Callable[[str], None] = _to_stderr
    # Rendering skeletons and reading what other renderers made; given by the runner.
    renderer: Rendering | None = None

    @property
    def rendering(self) -> Rendering:
        """The rendering services; an error when whoever made this context gave none."""
        if self.renderer is None:
            raise RenderError("this action renders templates, but its context has no rendering services")
        return self.renderer

    def now(self) -> str:
        """The run's clock: `started_at` when set (so a resumed run makes identical commits), else
        the current UTC time, both ISO 8601 to the second."""
        return self.started_at or datetime.now(UTC).replace(microsecond=0).isoformat()

    @contextmanager
    def temp_dir(self, prefix: str = "scaffold-") -> Iterator[Path]:
        """A scratch folder (memory-backed when there is room, `scratch_dir`), removed afterwards."""
        with tempfile.TemporaryDirectory(prefix=prefix, dir=scratch_dir()) as tmp:
            yield Path(tmp)

    def resolve(self, relative: str | Path) -> Path:
        """A path inside the workspace; raises RenderError when it would escape it."""
        return inside(self.workspace, relative)

    def git_dir(self, source_path: str = ".") -> Path:
        """The git repository scaffold commits the workspace folder `source_path` in: beside the
        workspace (in the run folder), never inside it, so git reads nothing a template wrote."""
        import hashlib

        name = self.workspace.name
        if source_path not in ("", "."):
            name += "-" + hashlib.sha256(source_path.encode()).hexdigest()[:12]
        return self.workspace.parent / f"{name}.git"

    def write_files(self, target_path: str, files: Iterable[RenderedFile]) -> list[str]:
        """Write rendered files under `target_path` (a workspace folder, `.` for the top), refusing
        any that would land outside; returns the paths written, relative to the workspace."""
        top = self.workspace.resolve()
        target = self.resolve(target_path) if target_path not in ("", ".") else top
        prefix = target.relative_to(top).as_posix()
        return [p if prefix == "." else f"{prefix}/{p}" for p in write_files(target, files)]


# Input fields that name a folder or file in the workspace (`targetPath` and the like): every
# action's preflight refuses one that leaves the workspace or names `.git`, before any run.
WORKSPACE_PATHS = ("target_path", "source_path", "file_path")


def workspace_path_problems(inp: BaseModel) -> list[Problem]:
    """Problems with `inp`'s workspace paths (`WORKSPACE_PATHS`), seen from their text alone."""
    problems = []
    for name in WORKSPACE_PATHS:
        value = getattr(inp, name, None)
        if isinstance(value, str) and value not in ("", ".") and (bad := lexical_problem(value)):
            field = type(inp).model_fields.get(name)
            label = field.alias if field is not None and field.alias else name
            problems.append(Problem(f"{label} {value!r}", bad))
    return problems


InT = TypeVar("InT", bound=ActionInput)
OutT = TypeVar("OutT", bound=ActionOutput)


@dataclass(frozen=True)
class Example:
    """A documented use of an action; each example runs as a test."""

    description: str
    input: Mapping[str, Any]


@dataclass(frozen=True)
class Action(Generic[InT, OutT]):
    """A pluggable unit of work: id, typed input and output, dry-run support, one handler."""

    id: str
    description: str
    input: type[InT]
    output: type[OutT]
    handler: Callable[[ActionContext, InT], OutT]
    supports_dry_run: bool = True
    examples: tuple[Example, ...] = ()
    # Read-only checks run before the first step of a new run (e.g. "that repo name is taken"),
    # so input that cannot succeed fails with no side effect; `define_action` adds the check of
    # workspace paths (`WORKSPACE_PATHS`) to every action's.
    preflight: Callable[[ActionContext, InT], list[Problem]] | None = None

    def parse(self, raw: Mapping[str, Any]) -> InT:
        """Validate raw (rendered) step input; raises pydantic's ValidationError."""
        return self.input.model_validate(dict(raw))

    def run(self, ctx: ActionContext, raw: Mapping[str, Any]) -> OutT:
        return self.handler(ctx, self.parse(raw))


def define_action(
    *,
    id: str,
    description: str,
    input: type[InT],
    output: type[OutT],
    handler: Callable[[ActionContext, InT], OutT],
    supports_dry_run: bool = True,
    examples: tuple[Example, ...] = (),
    preflight: Callable[[ActionContext, InT], list[Problem]] | None = None,
) -> Action[InT, OutT]:
    """Build an Action, checking its id follows Backstage's `provider:entity:verb` style."""
    if not ACTION_ID.match(id):
        raise ValueError(f"action id {id!r} must look like 'provider:verb' or 'provider:entity:verb'")
    own = preflight

    def checked(ctx: ActionContext, inp: InT) -> list[Problem]:
        """The workspace paths first (a bad one makes the rest moot), then the action's own checks."""
        return workspace_path_problems(inp) or (own(ctx, inp) if own is not None else [])

    return Action(id, description, input, output, handler, supports_dry_run, examples, checked)


AnyAction = Action[Any, Any]


__all__ = [  # noqa: RUF022 (two groups: the contract, then what it re-exports)
    # the contract itself
    "ACTION_ID",
    "WORKSPACE_PATHS",
    "Action",
    "ActionContext",
    "ActionInput",
    "ActionOutput",
    "Delimiters",
    "Example",
    "NoOutput",
    "RenderedFile",
    "Rendering",
    "define_action",
    "scratch_dir",
    "workspace_path_problems",
    "write_files",
    # re-exported from the layers below (see the comment at the imports)
    "COOKIECUTTER_FILE",
    "FILTERS",
    "GIT_MESSAGE",
    "ActionError",
    "BudgetExceeded",
    "Catalog",
    "CatalogError",
    "Forge",
    "ForgeError",
    "Problem",
    "RenderError",
    "Repo",
    "RepoConflict",
    "RepoSpec",
    "Sandbox",
    "ScaffoldError",
    "budget",
    "copier_file",
    "copier_sandboxed",
    "entity_ref",
    "foreign_files",
    "git",
    "globs",
    "git_component",
    "inside",
    "is_git_name",
    "is_litter",
    "lexical_problem",
    "link_problems",
    "pinned_cwd",
    "redact",
    "yamlio",
]
