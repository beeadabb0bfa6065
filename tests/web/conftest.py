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


@pytest.fixture
def follow_fleet(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:  # noqa: F811
    """A trusted `mini` with a check (it fails on a BROKEN file), 0.9.0 and 1.0.0 released, 1.1.0
    current; a campaign (no automerge) opened one PR per repo and ran their checks:
    alpha 1.0.0 green minor, beta 1.0.0 red minor (BROKEN), delta 0.9.0 green major.
    Returns each repo's expected merge verdict."""
    from tests.cli.test_migrate_follow import V0_FILES, human_commit, make_library
    from tests.helpers import V1_FILES, V2_FILES

    lib = make_library(tmp_path, [("0.9.0", V0_FILES), ("1.0.0", V1_FILES), ("1.1.0", V2_FILES)])
    monkeypatch.setenv("SCAFFOLD_LIBRARY", str(lib))
    monkeypatch.setenv("SCAFFOLD_TRUSTED_SOURCES", str(lib))  # its checks run without --trust
    for name, version in (("alpha", "1.0.0"), ("beta", "1.0.0"), ("delta", "0.9.0")):
        invoke("new", f"mini@{version}", "--no-input", "-q", "--set", f"name={name}", "--set", "owner=group:payments")
    human_commit("beta", tmp_path, {"BROKEN": "a red build\n"})
    invoke("migrate", "mini", "-q")
    return {"local/alpha": "ready", "local/beta": "checks failing", "local/delta": "major step"}
