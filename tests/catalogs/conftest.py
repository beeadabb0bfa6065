"""Fixtures for catalog tests: the session's real Backstage backend."""

from tests.servers.backstage_server import backstage  # noqa: F401
