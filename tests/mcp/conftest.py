"""MCP tests talk to `scaffold mcp` with the SDK's own client: over real stdio (a `scaffold mcp` process),
over Streamable HTTP, or in memory where the transport is not what is tested. Every answer is kept, so
a test can grep them all."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner
from mcp import Client, ClientSession, StdioServerParameters
from mcp.types import CallToolResult

from scaffolder.cli import cli
from scaffolder.mcp.roots import Roots
from scaffolder.mcp.served import Served
from scaffolder.mcp.server import build
from tests.helpers import MINIMAL, V1_FILES, write_template

SECRET = "tok-S3cr3t-4711-zz"


@dataclass
class Talk:
    """A client session that keeps every answer (as the JSON that went over the wire)."""

    session: Client | ClientSession
    seen: list[str] = field(default_factory=list)

    async def call(self, tool: str, **arguments: Any) -> CallToolResult:
        result = await self.session.call_tool(tool, arguments)
        assert isinstance(result, CallToolResult)
        self.seen.append(result.model_dump_json(by_alias=True))
        return result

    async def data(self, tool: str, **arguments: Any) -> Any:
        """A successful call's JSON text, parsed (the CLI's `--output json`)."""
        result = await self.call(tool, **arguments)
        assert not result.is_error, result.content
        text = result.content[0]
        assert text.type == "text"
        return json.loads(text.text)

    async def error(self, tool: str, **arguments: Any) -> dict[str, Any]:
        """A failed call's structured error (the CLI's JSON error plus `meaning`)."""
        result = await self.call(tool, **arguments)
        assert result.is_error, result.content
        assert isinstance(result.structured_content, dict)
        return result.structured_content


Body = Callable[[Talk], Awaitable[None]]


def in_memory(root: Path, body: Body, allow_writes: bool = False) -> Talk:
    """Run `body` against a server built in this process (the SDK's in-memory transport)."""
    talk: list[Talk] = []

    async def main() -> None:
        async with Client(build(Served(Roots.of([root]), allow_writes=allow_writes))) as client:
            talk.append(Talk(client))
            await body(talk[0])

    anyio.run(main)
    return talk[0]


def stdio_params(root: Path, *flags: str) -> StdioServerParameters:
    """`python -m scaffolder mcp --root ROOT FLAGS`, with this test's SCAFFOLD_HOME and git config."""
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "scaffolder", "mcp", "--root", str(root), *flags],
        env=dict(os.environ),
        cwd=str(root),
    )


def scaffold_json(*args: str, code: int = 0) -> Any:
    """The CLI's `--output json` for the same question, in-process (exiting `code`)."""
    result = CliRunner().invoke(cli, [*args, "-o", "json"], catch_exceptions=False)
    assert result.exit_code == code, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """The one folder the server may touch."""
    folder = tmp_path / "root"
    folder.mkdir()
    return folder


@pytest.fixture
def secret_library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A library holding `mini`, whose `api_token` parameter is secret."""
    lib = tmp_path / "lib"
    # the secret flows into a step's input, so a plan would show it unless masked
    leaky = MINIMAL.replace("description: ${{ parameters.name }} service", "description: ${{ parameters.api_token }}")
    shutil.copytree(write_template(tmp_path / "work", leaky, V1_FILES), lib / "mini")
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    return lib
