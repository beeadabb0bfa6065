"""Security tests drive the CLI in-process like the CLI tests do."""

from tests.cli.conftest import invoke, library  # noqa: F401
