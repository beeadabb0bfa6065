"""A golden path's parameters as JSON Schema, so an assistant sees types, defaults and rules up front."""

from __future__ import annotations

from typing import Any

from scaffolder.template import Parameter, Template

_COMPUTED = "${{"


def _typed(p: Parameter) -> dict[str, Any]:
    """The type part of one parameter's schema: what scaffold's own validation will accept."""
    values = [c.value for c in p.choices or []]
    if p.type == "integer":
        schema: dict[str, Any] = {"type": "integer"}
        schema.update({k: v for k, v in (("minimum", p.minimum), ("maximum", p.maximum)) if v is not None})
        return schema
    if p.type == "boolean":
        return {"type": "boolean"}
    if p.type == "choice":
        return {"enum": values}
    if p.type == "multi-choice":
        return {"type": "array", "items": {"enum": values}, "uniqueItems": True}
    schema = {"type": "string"}
    if p.pattern is not None:
        schema["pattern"] = f"^(?:{p.pattern})$"  # scaffold matches in full; JSON Schema searches
    schema.update({k: v for k, v in (("minLength", p.min_length), ("maxLength", p.max_length)) if v is not None})
    return schema


def _described(p: Parameter) -> str:
    """The help, plus what a schema keyword cannot say: labels, computed defaults, conditions."""
    parts = [p.help or ""]
    labelled = [f"{c.value} ({c.label})" for c in p.choices or [] if c.label]
    if labelled:
        parts.append("Choices: " + "; ".join(labelled) + ".")
    if isinstance(p.default, str) and _COMPUTED in p.default:
        parts.append(f"Default, computed from other answers: {p.default}")
    if p.when is not None:
        parts.append(f"Asked only when: {p.when}")
    if p.secret:
        parts.append("Secret: used, never recorded or echoed back.")
    return " ".join(part for part in parts if part)


def parameter_schema(p: Parameter) -> dict[str, Any]:
    """One parameter's JSON Schema, with scaffold's facts (`when`, `secret`) under `x-scaffold-*`."""
    schema = {"title": p.prompt, **_typed(p)}
    description = _described(p)
    if description:
        schema["description"] = description
    if p.default is not None and not (isinstance(p.default, str) and _COMPUTED in p.default):
        schema["default"] = p.default
    if p.when is not None:
        schema["x-scaffold-when"] = p.when
    if p.secret:
        schema["writeOnly"] = True
        schema["x-scaffold-secret"] = True
    return schema


def required_ids(template: Template) -> list[str]:
    """The answers that must be given: required, no default, and asked unconditionally."""
    return [p.id for p in template.parameters if p.required and p.default is None and p.when is None]


def parameters_schema(template: Template) -> dict[str, Any]:
    """The JSON Schema of the answers `template` accepts (the object `plan_new` and `create_from_golden_path` take)."""
    return {
        "type": "object",
        "title": f"{template.name}@{template.version}",
        "properties": {p.id: parameter_schema(p) for p in template.parameters},
        "required": required_ids(template),
        "additionalProperties": False,
    }
