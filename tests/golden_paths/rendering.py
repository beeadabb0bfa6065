"""Render a golden path the way a run does, minus the forge and catalog: the runner's dry run
(`Runner.render`, as upgrades render), with an example's answers. Used to pin releases byte for byte.

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
from scaffolder.catalogs.null import NullCatalog
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import Answers, resolve
from scaffolder.record import manifest
from scaffolder.runner import Runner
from scaffolder.template import Template

RENDERINGS = Path(__file__).resolve().parent / "renderings"
# A fixed forge location (nothing is written there): catalog-info.yaml names the repo's URL.
FORGE = Path("/srv/scaffold/forge")


def example_answers(template: Template, example: str) -> Answers:
    given = yamlio.plain(yamlio.load(template.path / "examples" / example))
    return resolve(template, given)


def render_project(template: Template, answers: Answers, workspace: Path) -> dict[str, dict[str, Any]]:
    """Generate the project into `workspace` as a run would, touching no forge or catalog; returns
    the steps' outputs by step id."""
    return Runner(LocalForge(FORGE), NullCatalog()).render(template, answers, workspace, run_id="rendering")


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
    from scaffolder import sources

    name, version = sys.argv[1:3]
    print(json.dumps(rendering(sources.resolve(f"{name}@{version}").template), indent=1, sort_keys=True))
