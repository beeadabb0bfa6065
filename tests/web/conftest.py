"""A fleet of `mini` repos in several states, for the dashboard's route and browser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke, github_profile, invoke, library  # noqa: F401  (fixtures of the CLI tests)
from tests.cli.test_migrate import break_record

SECRET = "s3cr3t-token-value"
REPOS = {  # name -> owner
    "alpha": "group:payments",
    "beta": "group:payments",
    "gamma": "group:search",
    "delta": "group:search",
    "epsilon": "group:search",
}


@pytest.fixture
def fleet(invoke: Invoke, library: Path, tmp_path: Path) -> dict[str, str]:  # noqa: F811
    """alpha: open PR; beta: PR merged (at 2.0.0); gamma: PR declined; delta: no PR; epsilon: unreadable record.
    Returns each repo's expected migration PR state."""
    for name, owner in REPOS.items():
        invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", f"name={name}", "--set", f"owner={owner}",
               "--set", f"api_token={SECRET}")  # fmt: skip
    invoke("migrate", "mini", "--repo", "alpha", "--repo", "beta", "--repo", "gamma", "-q")
    invoke("forge", "merge", "local/beta", "1")
    invoke("forge", "close", "local/gamma", "1")
    break_record(tmp_path, "epsilon", "template: [unclosed\n")
    return {"local/alpha": "open", "local/beta": "merged", "local/gamma": "closed", "local/delta": "none"}
