"""A Backstage template's parameter pages (JSON Schema forms) as scaffold parameters.

- `type: string` (`minLength`, `maxLength`, `pattern`, `default`): string; `integer` (bounds,
  exclusive bounds too): integer; `number`: string checked as a number (expressions see a number); `boolean`: boolean;
- `enum` (+ `enumNames` as labels): choice; an `array` of `items.enum`: multi-choice; an `array`
  of text (`EntityTagsPicker`, ...): comma-separated text that expressions see as a list;
- `ui:field`: `OwnerPicker`/`MyGroupsPicker` ask for an owner reference (`group:payments`),
  `EntityPicker`/`OwnedEntityPicker` for an entity reference of the allowed kinds,
  `EntityNamePicker` for an entity name, `RepoUrlPicker` for `HOST?owner=OWNER&repo=NAME`
  (checked against `allowedHosts`, `allowedOwners`, `allowedRepos`);
- `ui:widget: password` and `ui:field: Secret`: secret;
- a page's `required` list: required (the others are optional);
- `dependencies` (`oneOf` branches keyed by a `const` or `enum`, or plain schema dependencies)
  and `allOf`/`if`-`then`-`else`: `when` on the branch's parameters.

A parameter a condition can hide is absent from the answers; expressions of the template see it
as `none` (as Backstage's templating sees it undefined).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from scaffolder.errors import Problem
from scaffolder.formats._common import IDENT, OWNER_HELP, ident

NUMBER = r"^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$"
OWNER_REF = r"^((?i:group|user):)?([a-z0-9]+(-[a-z0-9]+)*/)?[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$"
ENTITY_REF = r"^([A-Za-z][A-Za-z0-9]*:)?([a-z0-9]+(-[a-z0-9]+)*/)?[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$"
ENTITY_NAME = r"^(?=.{1,63}$)[A-Za-z0-9]+([-_.][A-Za-z0-9]+)*$"
OWNER_FIELDS = {"OwnerPicker", "MyGroupsPicker"}
ENTITY_FIELDS = {"EntityPicker", "OwnedEntityPicker"}
SECRET_FIELDS = {"Secret"}


@dataclass
class Converted:
    """The parameters, and what expressions need to know about them."""

    parameters: list[dict[str, Any]] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # Backstage property name -> parameter id
    conditional: set[str] = field(default_factory=set)  # parameter ids a condition can hide
    lists: set[str] = field(default_factory=set)  # comma-separated text that expressions see as a list
    secrets: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)  # `type: number`: text that expressions see as a number


def literal(value: Any) -> str:
    """A JSON value as a Jinja literal."""
    if value is None:
        return "none"
    return json.dumps(value).replace("null", "none")


def _kinds(options: dict[str, Any]) -> list[str]:
    kinds = options.get("allowedKinds") or []
    flt = options.get("catalogFilter")
    for item in flt if isinstance(flt, list) else [flt] if isinstance(flt, dict) else []:
        kind = item.get("kind") if isinstance(item, dict) else None
        kinds += kind if isinstance(kind, list) else [kind] if kind else []
    return [str(k) for k in kinds]


def _repo_url(options: dict[str, Any]) -> tuple[str, str]:
    """RepoUrlPicker's value as a pattern and a help sentence."""

    def alternatives(key: str, default: str) -> str:
        allowed = [re.escape(str(v)) for v in options.get(key) or []]
        return f"(?:{'|'.join(allowed)})" if allowed else default

    host = alternatives("allowedHosts", r"[A-Za-z0-9.-]+(?::\d+)?")
    owner = alternatives("allowedOwners", r"[A-Za-z0-9_.-]+")
    repo = alternatives("allowedRepos", r"[A-Za-z0-9_.-]+")
    pattern = rf"^{host}\?(?=(?:.*&)?owner={owner}(?:&|$))(?=(?:.*&)?repo={repo}(?:&|$))[^?#\s]*$"
    hosts = options.get("allowedHosts") or ["github.com"]
    owners = options.get("allowedOwners") or ["acme"]
    example = f"{hosts[0]}?owner={owners[0]}&repo=orders-api"
    return pattern, f"where to create the repository: HOST?owner=OWNER&repo=NAME, e.g. {example}"


def _property(
    pid: str, schema: dict[str, Any], required: bool, out: Converted, problems: list[Problem], where: str
) -> dict[str, Any] | None:
    """One JSON Schema property as a parameter (None and a problem when it cannot be asked)."""
    kinds = schema.get("type")
    kind = next((k for k in kinds if k != "null"), "string") if isinstance(kinds, list) else (kinds or "string")
    ui_field = str(schema.get("ui:field") or "")
    widget = str(schema.get("ui:widget") or "")
    options = schema.get("ui:options") if isinstance(schema.get("ui:options"), dict) else {}
    assert isinstance(options, dict)
    param: dict[str, Any] = {"id": pid, "required": required}
    if schema.get("title"):
        param["title"] = str(schema["title"])
    helps = [str(schema["description"]).strip()] if schema.get("description") else []
    if "default" in schema:
        param["default"] = schema["default"]
    if widget == "password" or ui_field in SECRET_FIELDS:
        param["secret"] = True
        out.secrets.add(pid)
    enum = schema.get("enum")
    items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
    assert isinstance(items, dict)
    if enum is not None and kind in ("string", "integer", "number"):
        names = schema.get("enumNames") or []
        param["type"] = "choice"
        param["choices"] = [{"value": v, "label": str(names[i])} if i < len(names) else v for i, v in enumerate(enum)]
    elif kind == "array" and isinstance(items.get("enum"), list):
        names = items.get("enumNames") or []
        param["type"] = "multi-choice"
        param["choices"] = [
            {"value": v, "label": str(names[i])} if i < len(names) else v for i, v in enumerate(items["enum"])
        ]
    elif kind == "array" and items.get("type", "string") == "string":
        out.lists.add(pid)
        helps.append("comma-separated")
        if isinstance(param.get("default"), list):
            param["default"] = ", ".join(str(v) for v in param["default"])
    elif kind == "boolean":
        param["type"] = "boolean"
    elif kind == "integer":
        param["type"] = "integer"
        for key, bound, step in (("minimum", "minimum", 0), ("exclusiveMinimum", "minimum", 1)):
            if isinstance(schema.get(key), int | float):
                param[bound] = int(schema[key]) + step
        for key, bound, step in (("maximum", "maximum", 0), ("exclusiveMaximum", "maximum", -1)):
            if isinstance(schema.get(key), int | float):
                param[bound] = int(schema[key]) + step
    elif kind == "number":
        param["pattern"] = NUMBER
        out.numbers.add(pid)
        helps.append("a number")
    elif kind == "string":
        for key, target in (("minLength", "minLength"), ("maxLength", "maxLength"), ("pattern", "pattern")):
            if key in schema:
                param[target] = schema[key]
        if ui_field in OWNER_FIELDS:
            param.setdefault("pattern", OWNER_REF)
            helps.append(OWNER_HELP)
        elif ui_field in ENTITY_FIELDS:
            param.setdefault("pattern", ENTITY_REF)
            allowed = _kinds(options)
            helps.append(
                f"a catalog entity reference ({', '.join(allowed)})"
                if allowed
                else "a catalog entity reference, kind:namespace/name"
            )
        elif ui_field == "EntityNamePicker":
            param.setdefault("pattern", ENTITY_NAME)
            helps.append("a catalog entity name")
        elif ui_field == "RepoUrlPicker":
            pattern, text = _repo_url(options)
            param.setdefault("pattern", pattern)
            helps.append(text)
    else:
        problems.append(Problem(where, f"parameter {pid}: type {kind!r} cannot be asked in a terminal"))
        return None
    if ui_field and ui_field not in OWNER_FIELDS | ENTITY_FIELDS | SECRET_FIELDS | {
        "EntityNamePicker",
        "RepoUrlPicker",
    }:
        helps.append(f"Backstage field {ui_field}")
    if isinstance(param.get("default"), dict | list) and param.get("type") != "multi-choice":
        param.pop("default")
    if helps:
        param["help"] = "; ".join(helps)
    return param


def _condition(key: str, branch: dict[str, Any], out: Converted) -> str | None:
    """The condition a `oneOf` branch or an `if` puts on property `key` (None: it names none)."""
    pid = out.ids.get(key, key)
    ref = f"(parameters.{pid} | default(none))"
    props = branch.get("properties") if isinstance(branch.get("properties"), dict) else {}
    assert isinstance(props, dict)
    spec = props.get(key)
    if isinstance(spec, dict) and "const" in spec:
        return f"{ref} == {literal(spec['const'])}"
    if isinstance(spec, dict) and isinstance(spec.get("enum"), list):
        return f"{ref} in {literal(spec['enum'])}"
    return None


@dataclass
class _Page:
    properties: dict[str, Any]
    required: set[str]
    conditions: dict[str, list[str]] = field(default_factory=dict)  # property -> alternatives (or-ed)


def _add(page: _Page, props: dict[str, Any], required: list[Any], condition: str, skip: str | None) -> None:
    for name, schema in props.items():
        if name == skip or not isinstance(schema, dict):
            continue
        if name not in page.properties:
            page.properties[name] = schema
        page.conditions.setdefault(name, []).append(condition)
        if name in required:
            page.required.add(name)


def _branches(page: _Page, spec: dict[str, Any], out: Converted) -> None:
    """Fold `dependencies` and `allOf`/`if` conditionals into the page's conditional properties."""
    deps = spec.get("dependencies") if isinstance(spec.get("dependencies"), dict) else {}
    assert isinstance(deps, dict)
    for key, dep in deps.items():
        if not isinstance(dep, dict):
            continue  # a property dependency (a list of names): nothing to ask differently
        pid = out.ids.get(key, key)
        present = f"(parameters.{pid} | default(none)) not in [none, '']"
        for branch in dep.get("oneOf") or dep.get("anyOf") or []:
            if isinstance(branch, dict):
                cond = _condition(key, branch, out) or present
                _add(page, branch.get("properties") or {}, branch.get("required") or [], cond, key)
        if isinstance(dep.get("properties"), dict):
            _add(page, dep["properties"], dep.get("required") or [], present, key)
    rules = [r for r in (spec.get("allOf") or []) if isinstance(r, dict)]
    if "if" in spec:
        rules.append(spec)
    for rule in rules:
        test = rule.get("if") if isinstance(rule.get("if"), dict) else None
        if test is None or not isinstance(test.get("properties"), dict):
            continue
        parts = [c for key in test["properties"] if (c := _condition(key, test, out)) is not None]
        if not parts:
            continue
        cond = " and ".join(parts)
        for branch, when in (("then", cond), ("else", f"not ({cond})")):
            body = rule.get(branch)
            if isinstance(body, dict):
                _add(page, body.get("properties") or {}, body.get("required") or [], when, None)


def convert_parameters(raw: Any, where: str, problems: list[Problem]) -> Converted:
    """Every page's properties, in order, as parameters (see the module docs)."""
    out = Converted()
    pages = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    taken: set[str] = set()
    for spec in pages:
        if not isinstance(spec, dict):
            continue
        props = spec.get("properties") if isinstance(spec.get("properties"), dict) else {}
        assert isinstance(props, dict)
        page = _Page(dict(props), {str(r) for r in spec.get("required") or []})
        for name in page.properties:
            out.ids.setdefault(name, name if IDENT.match(name) and name not in taken else ident(name, taken))
            taken.add(out.ids[name])
        _branches(page, spec, out)
        for name, schema in page.properties.items():
            if name not in out.ids:
                out.ids[name] = name if IDENT.match(name) and name not in taken else ident(name, taken)
                taken.add(out.ids[name])
            if not isinstance(schema, dict):
                continue
            pid = out.ids[name]
            if any(p["id"] == pid for p in out.parameters):
                continue
            param = _property(pid, schema, name in page.required, out, problems, where)
            if param is None:
                continue
            alternatives = page.conditions.get(name)
            if alternatives:
                param["when"] = "${{ " + " or ".join(f"({c})" for c in alternatives) + " }}"
                out.conditional.add(pid)
            out.parameters.append(param)
    return out
