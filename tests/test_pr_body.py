"""The migration PR's body: why (changelog), what changed, what conflicts remain and how to resolve
them, the metadata block bots read back, and GitHub's 65,536-character limit."""

from __future__ import annotations

import json

from scaffolder.fleet import metadata
from scaffolder.forges.base import PullRequest
from scaffolder.pr_body import MAX_BODY, pr_body
from scaffolder.upgrade.result import UpgradeResult


def parsed(body: str) -> dict[str, object]:
    return metadata(PullRequest(1, "u", "scaffold/svc", "main", "t", body, "open", "sha"))


def result(**fields: object) -> UpgradeResult:
    return UpgradeResult("svc", "1.0.0", "2.0.0", **fields)  # type: ignore[arg-type]


def test_the_body_says_why_what_changed_and_how_to_resolve() -> None:
    upgrade = result(
        added=["docs/index.md"],
        modified=["app.py", "README.md"],
        deleted=["setup.cfg"],
        renamed=[("deploy/app.yaml", "k8s/app.yaml")],
        conflicts=["app.py", "logo.png"],
        conflict_kinds={"app.py": "content", "logo.png": "binary"},
        kept_deleted=["old.txt"],
    )
    body = pr_body("svc", "1.0.0", "2.0.0", upgrade, "## [2.0.0]\n- Timeouts on every request.\n", asked=["ann"])

    assert "## Changelog" in body and "- Timeouts on every request." in body
    assert "Files: 1 added, 2 changed, 1 removed, 1 renamed." in body
    assert "- `deploy/app.yaml` -> `k8s/app.yaml`" in body and "- `setup.cfg`" in body
    assert "- `app.py` (content: both changed the same lines: conflict markers written)" in body
    assert "- `logo.png` (binary: both changed a binary file: yours kept)" in body
    assert "git switch scaffold/svc" in body and "git push origin scaffold/svc" in body
    assert "git diff --check origin/main" in body and "where yours was kept" in body
    assert "### [2.0.0]" in body  # the changelog's headings sit under the body's own
    assert "scaffold upgrade --to 2.0.0" in body and "`old.txt`" in body
    assert parsed(body) == {
        "template": "svc",
        "from": "1.0.0",
        "to": "2.0.0",
        "conflicts": ["app.py", "logo.png"],
        "conflict_kinds": {"app.py": "content", "logo.png": "binary"},
        "asked": ["ann"],
    }
    assert body.rstrip().endswith("-->")


def test_without_conflicts_no_resolution_steps() -> None:
    body = pr_body("svc", "1.0.0", "2.0.0", result(added=["a.txt"]), "")
    assert "Needs a human" not in body and "git switch" not in body
    assert "(no changelog entries between these versions)" in body
    assert parsed(body) == {"template": "svc", "from": "1.0.0", "to": "2.0.0", "conflicts": []}


def test_huge_upgrades_stay_under_githubs_limit_with_counts() -> None:
    added = [f"generated/module_{i:05d}/with/a/long/path/file.py" for i in range(5000)]
    body = pr_body("svc", "1.0.0", "2.0.0", result(added=added, modified=["x.py"]), "- entry\n" * 20_000)
    assert len(body) <= MAX_BODY
    assert "Files: 5000 added, 1 changed." in body
    assert "more" in body and "- `x.py`" in body and "changelog cut" in body
    assert parsed(body)["to"] == "2.0.0"


def test_a_huge_conflict_list_keeps_a_parseable_metadata_block() -> None:
    conflicts = [f"src/very/long/directory/name/number/{i:05d}/conflicted_file.py" for i in range(3000)]
    upgrade = result(conflicts=conflicts, conflict_kinds=dict.fromkeys(conflicts, "content"))
    body = pr_body("svc", "1.0.0", "2.0.0", upgrade, "- entry\n")
    assert len(body) <= MAX_BODY
    meta = parsed(body)
    assert meta["conflicts_total"] == 3000 and meta["conflicts"] == conflicts[:100]
    assert json.dumps(meta)  # the block parses back
    assert "3000 file(s) need a look" in body
