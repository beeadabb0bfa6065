"""Fixtures for forge tests: the GitHub test server and GitHub forges pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.servers.github_api import GitHubServer

# Fast enough for tests, same code paths as production: retries on, backoff and waits tiny.
FAST_RETRY: dict[str, Any] = {
    "attempts": 3,
    "connect_attempts": 1,
    "backoff": 0.0,
    "secondary_rate_wait": 0.05,
    "max_rate_limit_wait": 10.0,
}


@pytest.fixture
def make_github_forge(github_server: GitHubServer) -> Iterator[Callable[..., Any]]:
    """Build `GitHubForge`s against the test server (default: its token, fast retries)."""
    from scaffolder.forges.github import GitHubForge, RetryPolicy

    made: list[GitHubForge] = []

    def make(server: GitHubServer | None = None, **kwargs: Any) -> GitHubForge:
        target = server or github_server
        kwargs.setdefault("token", target.token)
        kwargs.setdefault("base_url", target.base_url)
        kwargs.setdefault("min_write_interval", 0.01)
        kwargs.setdefault("min_request_interval", 0.0)
        kwargs.setdefault("retry", RetryPolicy(**FAST_RETRY))
        forge = GitHubForge(**kwargs)
        made.append(forge)
        return forge

    yield make
    for forge in made:
        forge.close()


@pytest.fixture
def github_forge(make_github_forge: Callable[..., Any]) -> Any:
    """A GitHubForge for the test server's token user."""
    return make_github_forge()
