"""One harness drives every installed action's examples through the action protocol."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder import git, render
from scaffolder.action import ActionContext, AnyAction
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.forges.base import RepoSpec
from scaffolder.forges.local import LocalForge
from scaffolder.registry import load_registry
from scaffolder.sources import load_template
from tests.helpers import write_template

CATALOG_INFO = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders-api
spec:
  type: service
  lifecycle: experimental
  owner: group:payments
"""

# Templates of other formats inside the golden path, and a repository on the forge, for the
# examples of fetch:cookiecutter, fetch:copier and publish:github:pull-request.
FOREIGN = {
    "cookiecutter/cookiecutter.json": '{"project_name": "Demo", "slug": "{{ cookiecutter.project_name.lower() }}"}',
    "cookiecutter/{{cookiecutter.slug}}/README.md": "# {{ cookiecutter.project_name }}\n",
    "copier/copier.yml": "project_name:\n  type: str\n  default: Demo\n",
    "copier/README.md.jinja": "# {{ project_name }}\n",
}


def _with_other_formats(folder: Path, forge: LocalForge, tmp_path: Path) -> None:
    for rel, text in FOREIGN.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    repo = forge.create_repo(RepoSpec(name="docs-site", owner="acme"))
    clone = tmp_path / "docs-site"
    (clone / "README.md").parent.mkdir(parents=True)
    (clone / "README.md").write_text("# Docs\n")
    git.init(clone)
    git.commit_all(clone, "first", "2026-01-01T00:00:00+00:00")
    forge.push(repo, clone, ["HEAD:refs/heads/main"])


CASES = [(a, i) for a in sorted(load_registry().values(), key=lambda a: a.id) for i in range(len(a.examples))]


@pytest.mark.parametrize(("action", "index"), CASES, ids=[f"{a.id}#{i}" for a, i in CASES])
def test_example_runs(action: AnyAction, index: int, tmp_path: Path) -> None:
    folder = write_template(tmp_path / "tpl")
    workspace = tmp_path / "ws"
    workspace.mkdir()
    for rel in ("catalog-info.yaml", "docs/catalog-info.yaml"):  # where the examples look
        (workspace / rel).parent.mkdir(parents=True, exist_ok=True)
        (workspace / rel).write_text(CATALOG_INFO)
    forge = LocalForge(tmp_path / "forge")
    _with_other_formats(folder, forge, tmp_path)
    ctx = ActionContext(
        workspace=workspace,
        template_dir=folder,
        template=load_template(folder),
        parameters={"name": "orders-api", "owner": "group:payments", "port": 8080},
        forge=forge,
        catalog=SqliteCatalog(tmp_path / "catalog.db"),
        run_id="example",
        started_at="2026-01-01T00:00:00+00:00",
        renderer=render,
    )
    example = action.examples[index]
    output = action.run(ctx, example.input)
    assert isinstance(output, action.output), example.description
