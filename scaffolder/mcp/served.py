"""What a running server was started with: its profile, its roots and whether it may write."""

from __future__ import annotations

from dataclasses import dataclass

from scaffolder import config
from scaffolder.errors import ScaffoldError
from scaffolder.mcp.roots import Roots


class WritesOff(ScaffoldError):
    """A write tool was called on a server started without `--allow-writes`."""


@dataclass(frozen=True)
class Served:
    """The server's fixed choices; each tool call loads the settings afresh, as each CLI command does."""

    roots: Roots
    profile: str | None = None
    allow_writes: bool = False

    def settings(self) -> config.Settings:
        return config.load(self.profile)

    def require_writes(self, tool: str, does: str) -> None:
        """Refuse `tool` (which `does` something) unless the server may write; a dry run needs no permission."""
        if not self.allow_writes:
            raise WritesOff(
                f"{tool} would {does}, and this server was started without --allow-writes;"
                " call it with dry_run=true to see what it would do, or restart the server with --allow-writes"
            )
