"""render.js's contract (tests/servers/backstage_scaffolder/): what the comparison tests and the
compatibility suite rely on."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.servers.backstage_engine import SOURCE_DIR, BackstageEngine, BackstageRenderError, render

TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: contract
spec:
  owner: group:platform
  type: service
  parameters:
    - title: Service
      required: [name]
      properties:
        name: {type: string}
        repoUrl: {type: string}
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: {name: '${{ parameters.name }}', user: '${{ user.ref }}', token: '${{ secrets.token }}'}
    - action: publish:github
      input: {repoUrl: '${{ parameters.repoUrl }}', defaultBranch: trunk}
    - id: register
      action: catalog:register
      input: {repoContentsUrl: '${{ steps["step-2"].output.repoContentsUrl }}', catalogInfoPath: /catalog-info.yaml}
    - id: skipped
      if: ${{ parameters.name === 'nobody' }}
      action: debug:log
      input: {message: never}
  output:
    links:
      - title: Repository
        url: ${{ steps['step-2'].output.remoteUrl }}
      - entityRef: ${{ steps.register.output.entityRef }}
"""


@pytest.fixture
def template(tmp_path: Path) -> Path:
    (tmp_path / "t" / "skeleton").mkdir(parents=True)
    (tmp_path / "t" / "skeleton" / "README.md").write_text(
        "${{ values.name }} by ${{ values.user }} (${{ values.token }})\n"
    )
    (tmp_path / "t" / "template.yaml").write_text(TEMPLATE)
    return tmp_path / "t" / "template.yaml"


def test_outputs_steps_stubs_and_context(backstage_engine: BackstageEngine, template: Path, tmp_path: Path) -> None:
    values = {"name": "svc", "repoUrl": "github.com?owner=acme&repo=svc"}
    context = {"user": {"ref": "user:default/jane"}, "secrets": {"token": "t0k"}}
    result = backstage_engine.render(template, values, tmp_path / "out", context=context)
    assert (tmp_path / "out" / "README.md").read_text() == "svc by user:default/jane (t0k)\n"
    assert result["output"]["links"] == [
        {"title": "Repository", "url": "https://github.com/acme/svc"},
        {"entityRef": "component:default/svc"},
    ]
    steps = {step["id"]: (step["action"], step["status"]) for step in result["steps"]}
    assert steps == {
        "fetch": ("fetch:template", "completed"),
        "step-2": ("publish:github", "completed"),  # an id-less step is named as Backstage's router names it
        "register": ("catalog:register", "completed"),
        "skipped": ("debug:log", "skipped"),
    }
    assert result["steps"][1]["output"]["repoContentsUrl"] == "https://github.com/acme/svc/blob/trunk"


def test_values_are_checked_as_backstage_checks_them(backstage_engine: BackstageEngine, template: Path) -> None:
    with pytest.raises(BackstageRenderError, match='requires property "name"'):
        backstage_engine.render(template, {}, template.parent / "out")


def test_the_command_line(template: Path, tmp_path: Path) -> None:
    """`node render.js TEMPLATE VALUES OUT`: one JSON line, exit 1 on a failure, 2 on a usage error."""
    result = render(template, {"name": "cli"}, tmp_path / "cli")
    assert result["ok"] is True and (tmp_path / "cli" / "README.md").read_text().startswith("cli by ")
    script = str(SOURCE_DIR / "render.js")
    failed = subprocess.run(["node", script, str(template), "{}", str(tmp_path / "x")], capture_output=True, text=True)
    assert failed.returncode == 1 and json.loads(failed.stdout)["ok"] is False
    usage = subprocess.run(["node", script], capture_output=True, text=True)
    assert usage.returncode == 2 and "usage:" in usage.stderr
