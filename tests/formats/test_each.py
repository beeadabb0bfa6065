"""`each` on steps (Backstage's): one run per item, outputs as lists, checked before anything
runs; and inputs that only an earlier step's output gives, checked when the step runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from scaffolder.catalogs.null import NullCatalog
from scaffolder.errors import ActionError, RenderError
from scaffolder.forges.local import LocalForge
from scaffolder.parameters import resolve
from scaffolder.plan import plan
from scaffolder.runner import Runner
from scaffolder.sources import load_template

TEMPLATE = """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata: {name: each-demo, owner: group:test}
spec:
  version: 1.0.0
  parameters:
    - {id: envs, type: multi-choice, choices: [dev, staging, prod], default: [dev, prod]}
    - {id: labels, type: string, default: x}
  steps:
    - id: dirs
      action: fs:rename
      each: ${{ parameters.envs }}
      input:
        missing_ok: true
        files: [{from: 'missing-${{ each.key }}', to: 'deploy/${{ each.value }}'}]
    - id: by_name
      action: debug:log
      each: {api: 1, worker: 2}
      input: {message: '${{ each.key }}=${{ each.value }}'}
    - id: after
      action: debug:log
      input: {message: 'skipped ${{ steps.dirs.output.skipped | length }}, ${{ steps.by_name.output.message }}'}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "template.yaml").write_text(TEMPLATE)
    return tmp_path / "t"


def test_each_runs_once_per_item_and_collects_outputs(folder: Path, tmp_path: Path) -> None:
    template = load_template(folder)
    answers = resolve(template, {})
    planned = {p.step.id: p for p in plan(template, answers)}
    assert [i["files"][0]["to"] for i in planned["dirs"].inputs or []] == ["deploy/dev", "deploy/prod"]
    assert planned["by_name"].input == {"each": [{"message": "api=1"}, {"message": "worker=2"}]}
    outputs = Runner(LocalForge(tmp_path / "forge"), NullCatalog()).render(template, answers, tmp_path / "ws")
    assert outputs["dirs"]["skipped"] == [["missing-0"], ["missing-1"]]  # keys of a list: "0", "1"
    assert outputs["by_name"]["message"] == ["api=1", "worker=2"]
    assert outputs["after"]["message"] == "skipped 2, ['api=1', 'worker=2']"


def test_each_must_be_a_list_or_a_mapping(folder: Path) -> None:
    (folder / "template.yaml").write_text(
        TEMPLATE.replace("each: ${{ parameters.envs }}", "each: ${{ parameters.labels }}")
    )
    template = load_template(folder)
    with pytest.raises(ActionError) as info:
        plan(template, resolve(template, {}))
    assert "template.yaml:12: steps.dirs.each: needs a list or a mapping, not 'x'" in info.value.render()


def test_every_item_is_validated_before_anything_runs(folder: Path) -> None:
    (folder / "template.yaml").write_text(TEMPLATE.replace("missing_ok: true", "missing_ok: '${{ each.value }}'"))
    template = load_template(folder)
    with pytest.raises(ActionError) as info:
        plan(template, resolve(template, {}))
    assert "step dirs (fs:rename): input missing_ok" in info.value.render()


def test_an_input_from_an_earlier_output_is_checked_when_it_runs(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "template.yaml").write_text(
        """\
apiVersion: scaffold/v1
kind: GoldenPath
metadata: {name: later, owner: group:test}
spec:
  version: 1.0.0
  steps:
    - {id: first, action: debug:log, input: {message: 'Not A Repo Name!'}}
    - {id: publish, action: repo:create, input: {name: '${{ steps.first.output.message }}'}}
"""
    )
    template = load_template(tmp_path / "t")
    plan(template, resolve(template, {}))  # a placeholder cannot be judged yet
    runner = Runner(LocalForge(tmp_path / "forge"), NullCatalog())
    with pytest.raises(ActionError) as info:
        runner.render(template, resolve(template, {}), tmp_path / "ws")
    assert "step publish (repo:create) cannot take its input" in info.value.render()
    assert "steps.publish.input.name" in info.value.render()


def test_an_undefined_name_in_each_is_reported(folder: Path) -> None:
    (folder / "template.yaml").write_text(TEMPLATE.replace("${{ parameters.envs }}", "${{ parameters.nope }}"))
    template = load_template(folder)
    with pytest.raises(ActionError) as info:
        plan(template, resolve(template, {}))
    assert "undefined" in info.value.render()
    assert isinstance(info.value, ActionError) and not isinstance(info.value, RenderError)
