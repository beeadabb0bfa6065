"""A tool whose arguments, when they do not fit its input schema, get a usage error naming the fields.

The SDK's own message quotes the values it rejected; one of them may be a secret, so only the field
names and what is wrong with them are said (exit 2, as click says a bad option).
"""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from pydantic import ValidationError

from scaffolder.errors import EXIT_USAGE, Problem, ScaffoldError
from scaffolder.mcp.results import failed


class ArgumentsError(ScaffoldError):
    """A tool's arguments do not fit its input schema (a usage error, as for a bad CLI option)."""

    exit_code = EXIT_USAGE


class ScaffoldTool(Tool):
    """The SDK's tool, with argument errors answered as scaffold answers every error."""

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        try:
            return await super().run(arguments, context, convert_result)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            problems = [
                Problem(".".join(str(part) for part in error["loc"]), error["msg"]) for error in exc.__cause__.errors()
            ]
            return failed(ArgumentsError(f"{self.name}: the arguments do not fit its input schema", problems))
