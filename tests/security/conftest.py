"""Security tests drive the CLI in-process like the CLI tests do."""

from tests.cli.conftest import invoke  # noqa: F401
