"""`check_repo`, `plan_upgrade` and `upgrade_repo`: `scaffold check` and `scaffold upgrade --no-input` as tools,
confined to the server's roots."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from scaffolder.errors import EXIT_CONFLICTS
from scaffolder.mcp.results import answer, ok
from scaffolder.mcp.served import Served
from scaffolder.mcp.tool import ScaffoldTool

RepoPath = Annotated[
    str, Field(description="A folder of the generated repo (relative paths start at the server's first root)")
]
ToVersion = Annotated[str | None, Field(description="Target version (default: the newest)")]
NewAnswers = Annotated[
    dict[str, Any],
    Field(description="Answers for parameters a newer version adds, and secrets (never stored); others take defaults"),
]
UPGRADES = "rewrite files in the repo's work tree (nothing is committed or pushed)"


def _root(served: Served, path: str) -> Path:
    """The repo root holding `path` (its record found upward), both inside the server's roots."""
    from scaffolder.project import find_root

    return served.roots.confine(find_root(served.roots.confine(path)))


def _upgrade(served: Served, path: str, to: str | None, answers: dict[str, Any], dry_run: bool) -> CallToolResult:
    from scaffolder import redact
    from scaffolder.upgrade import upgrade_repo

    redact.remember(str(v) for v in answers.values() if v not in (None, ""))  # new secrets are among them
    root = _root(served, path)
    result = upgrade_repo(root, served.settings(), to=to, answers=answers, dry_run=dry_run, trust=False)
    return ok(result.to_json(include_diff=dry_run), EXIT_CONFLICTS if result.conflicts else 0)


def tools(served: Served) -> list[Tool]:
    """The three repo tools; only `upgrade_repo` writes."""

    def check_repo(path: RepoPath = ".", to_version: ToVersion = None) -> CallToolResult:
        """Is the repo holding PATH on the newest version of its golden path? The versions released since, with
        their changelog (`scaffold check`). Writes nothing."""
        from scaffolder.check import EXIT_BEHIND, check_repo

        def run() -> CallToolResult:
            result = check_repo(_root(served, path), served.settings(), to=to_version)
            return ok(result.to_json(), EXIT_BEHIND if result.behind else 0)

        return answer(run)

    def plan_upgrade(
        path: RepoPath = ".", to_version: ToVersion = None, parameters: NewAnswers | None = None
    ) -> CallToolResult:
        """The upgrade the repo holding PATH would get: files added, modified, deleted, conflicts, and the diff
        (`scaffold upgrade --dry-run`). Writes nothing."""
        return answer(lambda: _upgrade(served, path, to_version, parameters or {}, dry_run=True))

    def upgrade_repo(
        path: RepoPath = ".",
        to_version: ToVersion = None,
        parameters: NewAnswers | None = None,
        dry_run: Annotated[bool, Field(description="Only say what would change (as plan_upgrade)")] = False,
    ) -> CallToolResult:
        """Upgrade the repo holding PATH to a newer version of its golden path, merging with its edits
        (`scaffold upgrade --no-input`); the work tree must be clean; nothing is committed. Needs a server started
        with --allow-writes unless dry_run."""

        def run() -> CallToolResult:
            if not dry_run:
                served.require_writes("upgrade_repo", UPGRADES)
            return _upgrade(served, path, to_version, parameters or {}, dry_run)

        return answer(run)

    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    return [
        ScaffoldTool.from_function(check_repo, annotations=read_only),
        ScaffoldTool.from_function(plan_upgrade, annotations=read_only),
        ScaffoldTool.from_function(
            upgrade_repo, annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True)
        ),
    ]
