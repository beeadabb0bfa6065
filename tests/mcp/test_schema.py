"""A golden path's answers as JSON Schema accept what scaffold accepts and refuse what it refuses."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest

from scaffolder import sources
from scaffolder.errors import AnswersError
from scaffolder.mcp.schema import parameters_schema
from scaffolder.parameters import resolve

GOOD = {"name": "orders-api", "owner": "group:payments"}
BAD = [
    {**GOOD, "name": "Orders_API"},  # pattern, matched in full
    {**GOOD, "name": "xorders-api!"},
    {**GOOD, "port": 80},  # below minimum
    {**GOOD, "log_level": "loud"},  # not a choice
    {**GOOD, "kubernetes": "maybe"},
    {"owner": "group:payments"},  # name is required
]


@pytest.mark.parametrize("name", ["backend-service", "website", "data-pipeline"])
def test_every_built_in_schema_is_valid_json_schema(name: str) -> None:
    jsonschema.Draft202012Validator.check_schema(parameters_schema(sources.resolve(name).template))


def test_good_answers_pass_both_and_bad_ones_fail_both() -> None:
    template = sources.resolve("backend-service").template
    validator = jsonschema.Draft202012Validator(parameters_schema(template))
    validator.validate(GOOD)
    resolve(template, GOOD)
    for bad in BAD:
        assert list(validator.iter_errors(bad)), bad
        with pytest.raises(AnswersError):
            resolve(template, bad)


def test_computed_defaults_and_conditions_are_described_not_given_as_values() -> None:
    schema: dict[str, Any] = parameters_schema(sources.resolve("backend-service").template)["properties"]
    assert "default" not in schema["description"] and "${{ parameters.name }}" in schema["description"]["description"]
    assert schema["replicas"]["x-scaffold-when"] == "${{ parameters.kubernetes }}"
    assert "Asked only when" in schema["replicas"]["description"]
    assert schema["log_level"]["enum"] == ["debug", "info", "warning", "error"]
    assert "info (Info: one line per request)" in schema["log_level"]["description"]
