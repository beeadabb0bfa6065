"""Prompts: the two conversations an assistant most often has with a golden path, as starting messages."""

from __future__ import annotations

from typing import Annotated

from mcp.server.mcpserver.prompts import Prompt
from pydantic import Field


def create_service(
    purpose: Annotated[str, Field(description="What the service is for, in a sentence")] = "",
    golden_path: Annotated[str, Field(description="A golden path's name, if you know which")] = "",
) -> str:
    """Create a service on a golden path, instead of writing its boilerplate by hand."""
    which = (
        f"Use the golden path {golden_path!r}."
        if golden_path
        else "Call list_golden_paths and pick the golden path that fits; say why."
    )
    return "\n".join(
        [
            f"I want a new service{': ' + purpose if purpose else ''}.",
            which,
            "Call show_golden_path for it and ask me for every required parameter its parameters_schema lists"
            " that you cannot infer (name, owner); keep the defaults unless I say otherwise.",
            "Then call plan_new and show me the plan and the file tree. Only after I confirm, call"
            " create_from_golden_path with the same answers, and tell me the repository URL and the catalog entry.",
        ]
    )


def upgrade_to_latest(
    path: Annotated[str, Field(description="A folder of the repo (default: the server's first root)")] = ".",
) -> str:
    """Bring this repo onto the latest version of its golden path."""
    return "\n".join(
        [
            f"Bring the repo at {path!r} onto the latest version of its golden path.",
            "Call check_repo first; if it is behind, summarise the changelog of the versions released since.",
            "Call plan_upgrade and show me the files it would add, modify and delete, any conflicts, and the diff.",
            "Only after I confirm, call upgrade_repo; then list what needs a human (conflicts) and remind me to"
            " review with `git diff` and commit.",
        ]
    )


def prompts() -> list[Prompt]:
    return [
        Prompt.from_function(create_service, title="Create a service on a golden path"),
        Prompt.from_function(upgrade_to_latest, title="Bring this repo onto the latest golden path"),
    ]
