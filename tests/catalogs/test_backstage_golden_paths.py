"""Backstage itself validates the catalog-info.yaml that every built-in golden path generates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffolder import config, create, sources
from scaffolder.catalogs.backstage import BackstageCatalog
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.forges.local import LocalForge
from scaffolder.runner import Runner

EXAMPLES = sorted(
    (folder.name, example)
    for folder in sources.builtin_library().iterdir()
    if (folder / "template.yaml").is_file()
    for example in sorted((folder / "examples").glob("*.yaml"))
)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "example"), EXAMPLES, ids=[f"{n}/{e.stem}" for n, e in EXAMPLES])
def test_generated_catalog_info_is_valid_for_backstage(
    name: str, example: Path, backstage: Any, tmp_path: Path
) -> None:
    settings = config.load()
    prepared = create.prepare(name, create.load_values(example), settings)
    forge = LocalForge(tmp_path / "forge")
    outcome = Runner(forge, SqliteCatalog(tmp_path / "c.db")).start(
        prepared[0].template, "builtin", prepared[0].answers, tmp_path / "runs", "test"
    )
    repo = forge.list_repos()[0]
    text = forge.read_file(repo, "catalog-info.yaml")
    assert text is not None
    entity = yaml.safe_load(text)
    assert entity["metadata"]["annotations"]["scaffold.dev/template"] == name
    catalog = BackstageCatalog(backstage.base_url, token=backstage.token)
    catalog.validate(entity, f"https://forge.example/{repo.full_name}/blob/main/catalog-info.yaml")  # raises if invalid
    assert outcome.status == "done"
