"""Where scaffold's documentation lives on the web, for help texts and messages.

pip and pipx users have no source tree, so help never names a file in it; `[project.urls]` in
pyproject.toml holds the same addresses (tests/cli/test_help.py keeps them equal).
"""

from __future__ import annotations

REPOSITORY = "https://github.com/goldenpath/scaffold"
DOCUMENTATION = f"{REPOSITORY}/blob/main/docs"
SECURITY = f"{REPOSITORY}/blob/main/SECURITY.md"
CHANGELOG = f"{REPOSITORY}/blob/main/CHANGELOG.md"
ISSUES = f"{REPOSITORY}/issues"


def doc(page: str) -> str:
    """The web address of a page under docs/, such as `cli.md`."""
    return f"{DOCUMENTATION}/{page}"
