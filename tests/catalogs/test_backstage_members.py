"""A group's members through Backstage's own relations, on the real catalog backend: users naming
the group in `spec.memberOf` and users the group lists in `spec.members` both count."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder.catalogs.backstage import BackstageCatalog
from tests.servers.backstage_server import BackstageServer

pytestmark = pytest.mark.slow


def entity(kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": {"name": name}, "spec": spec}


def test_members_of_a_group_come_from_both_sides(backstage: BackstageServer, tmp_path: Path) -> None:
    catalog = BackstageCatalog(backstage.base_url, token=backstage.token, poll_interval=0.1)
    tag = uuid.uuid4().hex[:8]
    team, ann, bob, erin = f"team-{tag}", f"ann-{tag}", f"bob-{tag}", f"erin-{tag}"
    entities = [
        entity("Group", team, {"type": "team", "children": [], "members": [bob]}),
        entity("User", ann, {"memberOf": [f"group:default/{team}"]}),
        entity("User", bob, {"memberOf": []}),
        entity("User", erin, {"memberOf": []}),
    ]
    for one in entities:
        path = tmp_path / f"{one['metadata']['name']}.yaml"
        path.write_text(yaml.safe_dump(one, sort_keys=False))
        catalog.register(one, str(path))

    deadline = time.monotonic() + 20  # Backstage stitches relations shortly after an entity appears
    while True:
        names = [u["metadata"]["name"] for u in catalog.members(f"group:{team}")]
        if names == [ann, bob] or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert names == [ann, bob]
    assert catalog.members(f"group:nobody-{tag}") == []
