"""`scaffold migrate` on the embedded forge asks the owning group's members from the configured
SQLite catalog, and `scaffold forge prs` shows who was asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scaffolder import config
from tests.cli.conftest import Invoke, as_json


def entity(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": {"name": name}, "spec": spec}


def test_migrate_asks_the_owning_groups_members(invoke: Invoke, library: Path) -> None:
    template = library / "mini" / "template.yaml"
    template.write_text(
        template.read_text().replace("  steps:\n", "  campaign:\n    labels: [platform]\n  steps:\n", 1)
    )
    invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", "name=alpha", "--set", "owner=group:payments")
    catalog = config.open_catalog(config.load())
    catalog.register(entity("Group", "payments", {"type": "team", "children": [], "members": ["bob"]}), "file:///o")
    catalog.register(entity("User", "ann", {"memberOf": ["payments"]}), "file:///o")
    catalog.register(entity("User", "bob", {"memberOf": []}), "file:///o")

    lines = [json.loads(line) for line in invoke("migrate", "mini", "-o", "json").stdout.splitlines()]
    assert lines[0]["state"] == "opened" and lines[0]["reviewers"] == ["ann", "bob"]
    assert lines[0]["people_note"] is None

    (pr,) = as_json(invoke("forge", "prs", "-o", "json"))
    assert pr["reviewers"] == ["ann", "bob"] and pr["labels"] == ["scaffold-upgrade", "platform"]


def test_migrate_says_why_nobody_was_asked(invoke: Invoke, library: Path) -> None:
    invoke("new", "mini@1.0.0", "--no-input", "-q", "--set", "name=alpha", "--set", "owner=group:ghosts")
    out = invoke("migrate", "mini").stdout
    assert "opened" in out and "group:default/ghosts is not in the catalog" in out
    (pr,) = as_json(invoke("forge", "prs", "-o", "json"))
    assert pr["reviewers"] == [] and pr["state"] == "open"
