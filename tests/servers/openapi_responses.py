"""The test server's answers checked against GitHub's OpenAPI description, as strictly as its questions.

Each JSON answer is validated against the schema the description gives for its operation and status
(OpenAPI 3.0 rules: `nullable`, `readOnly`, formats), so every field it returns has GitHub's type and
nullability and every required field is present. Where GitHub's own example for that answer breaks
a rule of its schema (the description is not always consistent with itself), that one rule is not
enforced: full-schema validation wherever GitHub's examples pass it, and a drift between the stand-in
and GitHub fails a test everywhere else.
"""

from __future__ import annotations

import urllib.parse
from functools import cache
from typing import Any

from jsonschema import validators
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

_BASE = "urn:github-openapi"


def _nullable(keyword: str) -> Any:
    """`keyword` (oneOf, anyOf, allOf, enum) that lets null through when its schema says `nullable`:
    GitHub writes `nullable: true` beside a `oneOf` (e.g. a commit's `author`) or an `enum` without
    null (e.g. a running check run's `conclusion`) and answers null there."""
    check = OAS30ReadValidator.VALIDATORS[keyword]

    def validate(validator: Any, value: Any, instance: Any, schema: dict[str, Any]) -> Any:
        if instance is None and schema.get("nullable"):
            return iter(())
        return check(validator, value, instance, schema)

    return validate


_Validator = validators.extend(OAS30ReadValidator, {k: _nullable(k) for k in ("oneOf", "anyOf", "allOf", "enum")})


class ResponseChecker:
    """Problems of one answer (operation, status, decoded JSON) against the description."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._spec = spec
        resource = Resource.from_contents(spec, default_specification=DRAFT4)
        self._registry: Registry[Any] = Registry().with_resource(_BASE, resource)

    def problems(self, template: str, method: str, status: int, payload: Any) -> list[str]:
        """One line per rule the answer breaks (and GitHub's own examples keep); empty when it fits."""
        found = self._validator(template, method.lower(), str(status))
        if found is None:
            return []
        validator, tolerated = found
        lines = []
        for error in validator.iter_errors(payload):
            if _rule(error) not in tolerated:
                where = "/".join(str(p) for p in error.absolute_path) or "<body>"
                lines.append(f"answer {status} at {where}: {error.message[:300]}")
        return lines

    @cache  # noqa: B019 (one checker per description, kept for the session)
    def _validator(self, template: str, method: str, status: str) -> tuple[Any, frozenset[str]] | None:
        """The validator of one answer's schema and the rules GitHub's examples break, or None when
        the description gives no JSON schema for it."""
        located = self._locate(["paths", template, method, "responses", status])
        if located is None:
            return None
        response, pointer = located
        media = response.get("content", {}).get("application/json")
        if not media or "schema" not in media:
            return None
        ref = f"{_BASE}#{urllib.parse.quote(pointer)}/content/application~1json/schema"
        validator = _Validator({"$ref": ref}, registry=self._registry, format_checker=oas30_format_checker)
        tolerated = {_rule(e) for example in self._examples(media) for e in validator.iter_errors(example)}
        return validator, frozenset(tolerated)

    def _locate(self, parts: list[str]) -> tuple[dict[str, Any], str] | None:
        """The node at `parts` (following `$ref`s on the way) and its JSON pointer, or None."""
        node: Any = self._spec
        pointer = ""
        for part in parts:
            node, pointer = self._resolve(node, pointer)
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
            pointer += "/" + part.replace("~", "~0").replace("/", "~1")
        return self._resolve(node, pointer)

    def _resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        while isinstance(node, dict) and "$ref" in node:
            pointer = str(node["$ref"]).removeprefix("#")
            node = self._spec
            for part in pointer.removeprefix("/").split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
        return node, pointer

    def _examples(self, media: dict[str, Any]) -> list[Any]:
        examples = [self._resolve(e, "")[0].get("value") for e in media.get("examples", {}).values()]
        if "example" in media:
            examples.append(media["example"])
        return [e for e in examples if e is not None]


def _rule(error: ValidationError) -> str:
    """The rule an error breaks: its place in the schema (a missing property names the property)."""
    path = "/".join(str(p) for p in error.absolute_schema_path)
    return f"{path}:{error.message}" if error.validator == "required" else path
