"""Render a golden path the way a run does, minus the forge and catalog: the skeleton and every
file-writing step, with an example's answers. Used to pin releases byte for byte.

`python -m tests.golden_paths.rendering NAME VERSION` prints the JSON stored in
`tests/golden_paths/renderings/NAME-VERSION.json` (made before the release was snapshotted).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from scaffolder import yamlio
from scaffolder.action import ActionContext
from scaffolder.catalogs.sqlite import SqliteCatalog
from scaffolder.expressions import render_value, truthy
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import Answers, resolve
from scaffolder.plan import expression_context
from scaffolder.record import manifest
from scaffolder.registry import get_action
from scaffolder.template import Template

FILE_STEPS = ("fetch:template", "catalog:write", "ci:github-actions", "kubernetes:manifests")
RENDERINGS = Path(__file__).resolve().parent / "renderings"
# A fixed forge location (nothing is written there): catalog-info.yaml names the repo's URL.
FORGE = Path("/srv/scaffold/forge")


def example_answers(template: Template, example: str) -> Answers:
    given = yamlio.plain(yamlio.load(template.path / "examples" / example))
    return resolve(template, given)


def render_project(template: Template, answers: Answers, workspace: Path) -> dict[str, Any]:
    """Run the file-writing steps into `workspace`; returns their outputs by step id."""
    workspace.mkdir(parents=True, exist_ok=True)
    ctx = ActionContext(
        workspace=workspace,
        template_dir=template.path,
        template=template,
        parameters=answers.values,
        forge=LocalForge(FORGE),
        catalog=SqliteCatalog(workspace.parent / "catalog.db"),
        run_id="rendering",
    )
    outputs: dict[str, Any] = {}
    for step in template.steps:
        context = expression_context(template, answers.values, outputs, "rendering")
        if step.action not in FILE_STEPS or not truthy(step.if_, context):
            continue
        outputs[step.id] = get_action(step.action).run(ctx, render_value(step.input, context)).model_dump(mode="json")
    return outputs


def rendering(template: Template) -> dict[str, dict[str, str]]:
    """example file -> (generated file -> sha256) for every example of the golden path."""
    out = {}
    for example in sorted(p.name for p in (template.path / "examples").glob("*.yaml")):
        with tempfile.TemporaryDirectory() as tmp:
            workspace = Path(tmp) / "ws"
            render_project(template, example_answers(template, example), workspace)
            out[example] = manifest(workspace)
    return out


if __name__ == "__main__":
    from scaffolder import library

    name, version = sys.argv[1:3]
    print(json.dumps(rendering(library.find(f"{name}@{version}")[0]), indent=1, sort_keys=True))
