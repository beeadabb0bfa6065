"""`debug:log`: write a message (and optionally the workspace's files) to the run's output.

Backstage's `debug:log`. The message goes to stderr, beside the progress lines, with secret
answers and any value computed from them (`${{ parameters.token | upper }}`) masked; it is also
the step's output, so `--output json` shows it (masked too).
"""

from __future__ import annotations

import json
import sys
from typing import Any, Literal

from pydantic import Field

from scaffolder.action import ActionContext, ActionInput, ActionOutput, Example, define_action, redact


class Input(ActionInput):
    message: Any = Field(None, description="What to log (text, or any value: shown as JSON)")
    list_workspace: bool | Literal["with-filenames", "with-contents"] = Field(
        False, alias="listWorkspace", description="Also list the workspace's files (with-contents: and their text)"
    )
    extra: Any = Field(None, description="Accepted for Backstage templates; not shown")


class Output(ActionOutput):
    message: str | None = Field(None, description="The message, as logged")
    files: list[str] = Field(default_factory=list, description="The workspace's files, when listed")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, default=str)


def run(ctx: ActionContext, inp: Input) -> Output:
    secret = {p.id for p in ctx.template.parameters if p.secret}
    secrets = [str(v) for k, v in ctx.parameters.items() if k in secret and v not in (None, "")]
    secrets += ctx.secrets() + redact.known()  # with the values computed from secrets
    message = _text(inp.message)
    lines = [] if message is None else [message]
    files: list[str] = []
    if inp.list_workspace:
        root = ctx.workspace.resolve()
        files = sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(root).parts
        )
        for rel in files:
            lines.append(f"  {rel}")
            if inp.list_workspace == "with-contents":
                text = (root / rel).read_text(encoding="utf-8", errors="replace")
                lines.extend(f"    {line}" for line in text.splitlines())
    for line in lines:
        sys.stderr.write(f"[debug:log] {redact.text(line, secrets)}\n")
    message = None if message is None else redact.text(message, secrets)
    ctx.log.info("debug:log %s", message or "")
    return Output(message=message, files=files)


action = define_action(
    id="debug:log",
    description="Log a message (and optionally the workspace's files) during a run.",
    input=Input,
    output=Output,
    handler=run,
    supports_dry_run=True,
    examples=(
        Example("Log a message", {"message": "Creating orders-api"}),
        Example("Log the files generated so far", {"message": "Files:", "listWorkspace": "with-filenames"}),
    ),
)
