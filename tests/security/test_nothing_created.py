"""Nothing is created on bad input: every service of a values file is checked together (unique
repo and catalog names, valid answers, names not taken on the forge) before the first one runs,
in every format that publishes a repo."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from scaffolder import config
from tests.cli.conftest import as_json
from tests.security.attack import (
    Scene,
    backstage_template,
    cookiecutter_template,
    copier_template,
    native_template,
)

BACKSTAGE_PUBLISH = """\
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: {name: '${{ parameters.name }}'}
    - id: publish
      action: publish:github
      input:
        repoUrl: 'github.com?owner=local&repo=${{ parameters.name }}'
"""


def template_of(fmt: str, root: Path) -> tuple[Path, str]:
    """An honest template of `fmt` that publishes a repo, and the answer that names it."""
    if fmt == "native":
        return native_template(root, {"README.md": "# {{ values.name }}\n"}), "name"
    if fmt == "backstage":
        return backstage_template(root, {"README.md": "# ${{ values.name }}\n"}, BACKSTAGE_PUBLISH), "name"
    if fmt == "cookiecutter":
        return cookiecutter_template(root, {}, {"README.md": "# {{ cookiecutter.slug }}\n"}), "slug"
    questions = """
        repo_name:
          type: str
          default: victim-svc
    """
    return copier_template(root, questions, {"README.md.jinja": "# {{ repo_name }}\n"}), "repo_name"


def values_file(root: Path, key: str, names: list[str], owner: bool = True) -> Path:
    """A values file of one service per name (with an owner answer where the format asks one)."""
    path = root / "values.yaml"
    path.write_text(yaml.safe_dump([{key: n, **({"owner": "group:victims"} if owner else {})} for n in names]))
    return path


@pytest.mark.parametrize("fmt", ["native", "backstage", "cookiecutter", "copier"])
def test_a_repeated_name_in_a_values_file_creates_nothing(scene: Scene, tmp_path: Path, fmt: str) -> None:
    template, key = template_of(fmt, tmp_path)
    values = values_file(tmp_path, key, ["first-svc", "dup-svc", "dup-svc"], fmt != "backstage")
    result = scene.run("new", str(template), "-f", str(values), "--no-input", "-o", "json", code=1)
    error = as_json(result)
    assert "nothing was created" in error["message"]
    assert {p["where"] for p in error["problems"]} == {"service 3"}
    assert any("repository" in p["message"] and "dup-svc" in p["message"] for p in error["problems"])
    assert all("service 2" in p["message"] for p in error["problems"])
    scene.assert_harmless(result)


@pytest.mark.parametrize("fmt", ["native", "backstage", "cookiecutter", "copier"])
def test_a_name_taken_on_the_forge_fails_the_whole_batch_before_anything_runs(
    scene: Scene, tmp_path: Path, fmt: str
) -> None:
    template, key = template_of(fmt, tmp_path)
    owner = () if fmt == "backstage" else ("--set", "owner=group:x")
    scene.invoke("new", str(template), "--no-input", "-q", "--set", f"{key}=taken-svc", *owner)
    forge = config.open_forge(config.load())
    runs_before = sorted(p.name for p in (scene.home / "runs").iterdir())

    values = values_file(tmp_path, key, ["fresh-svc", "taken-svc"], fmt != "backstage")
    result = scene.run("new", str(template), "-f", str(values), "--no-input", "-o", "json", code=1)
    error = as_json(result)
    assert "nothing was created" in error["message"]
    assert any(p["where"].startswith("service 2") and "already exists" in p["message"] for p in error["problems"])
    assert [r.name for r in forge.list_repos()] == ["taken-svc"]  # service 1 was not created either
    assert sorted(p.name for p in (scene.home / "runs").iterdir()) == runs_before


@pytest.mark.parametrize("fmt", ["native", "cookiecutter"])
def test_an_invalid_answer_in_one_service_creates_nothing(scene: Scene, tmp_path: Path, fmt: str) -> None:
    template, key = template_of(fmt, tmp_path)
    values = values_file(tmp_path, key, ["good-svc", "Bad Name!"])
    result = scene.run("new", str(template), "-f", str(values), "--no-input", "-o", "json", code=1)
    assert any(p["where"].startswith("service 2") for p in as_json(result)["problems"])
    scene.assert_harmless(result)


def test_distinct_services_of_one_values_file_are_all_created(scene: Scene, tmp_path: Path) -> None:
    template, key = template_of("cookiecutter", tmp_path)
    values = values_file(tmp_path, key, ["one-svc", "two-svc"])
    data = as_json(scene.run("new", str(template), "-f", str(values), "--no-input", "-q", "-o", "json", code=0))
    assert data["failed"] == 0 and len(data["results"]) == 2
    forge = config.open_forge(config.load())
    assert sorted(r.name for r in forge.list_repos()) == ["one-svc", "two-svc"]
