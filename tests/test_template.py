"""The template format: loading, line-numbered errors, and the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from scaffolder import yamlio
from scaffolder.errors import TemplateError
from scaffolder.sources import builtin_library, load_template
from scaffolder.template import json_schema
from tests.helpers import MINIMAL, write_template


def test_minimal_template_loads(tmp_path: Path) -> None:
    template = load_template(write_template(tmp_path))
    assert template.name == "mini"
    assert template.version == "1.0.0"
    assert [p.id for p in template.parameters] == ["name", "owner", "port", "api_token"]
    assert template.steps[3].action == "catalog:register"


def test_every_problem_is_named_with_its_line(tmp_path: Path) -> None:
    broken = (
        MINIMAL.replace("version: 1.0.0", "version: one")
        .replace("  owner: group:test-guild\n", "")
        .replace("      type: integer\n", "      type: integr\n")
        .replace("      help: DNS-safe name\n", "      help: DNS-safe name\n      colour: blue\n")
    )
    folder = write_template(tmp_path, broken)
    with pytest.raises(TemplateError) as info:
        load_template(folder)
    text = info.value.render()
    file = folder / "template.yaml"
    lines = file.read_text().splitlines()
    line_of = lambda needle: next(i for i, text in enumerate(lines, 1) if needle in text)  # noqa: E731
    assert f"{file}:{line_of('version: one')}" in text and "not a semantic version" in text
    assert f"{file}:{line_of('type: integr')}" in text
    assert f"{file}:{line_of('colour: blue')}" in text and "unknown key" in text
    assert "metadata.owner: is required" in text
    assert len(info.value.problems) == 4


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    folder = write_template(tmp_path, MINIMAL.replace("  parameters:\n", "  parameters: [\n"))
    with pytest.raises(TemplateError) as info:
        load_template(folder)
    assert "malformed YAML" in info.value.render()
    assert f"{folder / 'template.yaml'}:" in info.value.render()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    - id: owner\n", "    - id: name\n", "duplicate parameter id(s): name"),
        ("      minimum: 1024\n", "      minimum: 70000\n", "'minimum' is greater than 'maximum'"),
        ("    - id: register\n", "    - id: publish\n", "duplicate step id(s): publish"),
        ("      pattern: '^(group|user):[a-z0-9-]+$'\n", "      pattern: '([a-z'\n", "invalid regular expression"),
    ],
)
def test_parameter_and_step_rules(tmp_path: Path, old: str, new: str, message: str) -> None:
    assert old in MINIMAL
    with pytest.raises(TemplateError) as info:
        load_template(write_template(tmp_path, MINIMAL.replace(old, new)))
    assert message in info.value.render()


def test_schema_is_valid_and_accepts_every_builtin_golden_path() -> None:
    schema = json.loads(json_schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    folders = sorted(p.parent for p in builtin_library().glob("*/template.yaml"))
    assert len(folders) >= 3
    for folder in folders:
        doc = yamlio.plain(yamlio.load(folder / "template.yaml"))
        errors = list(validator.iter_errors(doc))
        assert not errors, f"{folder.name}: {[e.message for e in errors]}"


def test_schema_accepts_both_forms_of_choices(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(json_schema()))
    text = MINIMAL.replace(
        "    - id: api_token\n",
        "    - {id: tier, type: choice, choices: [gold, 3, {value: silver, label: Silver}]}\n    - id: api_token\n",
    )
    folder = write_template(tmp_path, text)
    template = load_template(folder)
    assert [c.value for c in template.parameters[3].choices or []] == ["gold", 3, "silver"]
    assert not list(validator.iter_errors(yamlio.plain(yamlio.load(folder / "template.yaml"))))


def test_schema_rejects_what_the_loader_rejects(tmp_path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(json_schema()))
    doc = yamlio.plain(
        yamlio.load(write_template(tmp_path, MINIMAL.replace("kind: GoldenPath", "kind: Other")) / "template.yaml")
    )
    assert list(validator.iter_errors(doc))
