"""`repo:create`: commit the workspace and publish it as a new repository on the forge.

The commit is dated `ctx.started_at`, so a resumed run makes the identical commit. It is made in
a git dir scaffold keeps beside the workspace (`ctx.git_dir`), never in a `.git` inside it, so git
reads nothing a template wrote; a git dir left broken (a full disk, a kill) is made again. A repo
that already holds exactly this tree (or our own earlier commit) is reused; one that holds
anything else is a `RepoConflict`. `created` is true when this step put the content on the forge.
"""

from __future__ import annotations

from scaffolder.action import Example, define_action

from ._repository import CATALOG_INFO, Input, Output, Team, publish_repo, repo_taken

__all__ = ["CATALOG_INFO", "Input", "Output", "Team", "action"]

action = define_action(
    id="repo:create",
    description="Commit the workspace and publish it as a new repository on the forge.",
    input=Input,
    output=Output,
    handler=publish_repo,
    supports_dry_run=True,
    preflight=repo_taken,
    examples=(
        Example("Publish the workspace as a private repo", {"name": "orders-api"}),
        Example(
            "Publish with a description, topics and a team",
            {
                "name": "orders-api",
                "owner": "payments",
                "description": "Orders service",
                "visibility": "internal",
                "topics": ["python", "service"],
                "teams": [{"slug": "payments", "permission": "maintain"}],
                "commit_message": "Initial commit from the backend-service golden path",
            },
        ),
    ),
)
