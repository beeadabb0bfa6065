"""Helpers shared by the built-in file-writing actions: Backstage and Kubernetes naming rules,
deterministic YAML and writing a file inside the workspace.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import SafeRepresenter

from scaffolder.action import ActionContext

# Backstage: https://backstage.io/docs/features/software-catalog/descriptor-format
ENTITY_NAME = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")
NAMESPACE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
TAG = re.compile(r"^[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*$")
DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
# Kubernetes: a Service name is a DNS-1035 label, other names DNS-1123 labels.
DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
DNS_1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
OWNER_KINDS = ("group", "user")


def name_problems(name: str, what: str = "name") -> list[str]:
    """Why `name` breaks Backstage's metadata.name rule (empty when it does not)."""
    problems = []
    if not 1 <= len(name) <= 63:
        problems.append(f"{what} {name!r} must be 1 to 63 characters long, not {len(name)}")
    if name and not ENTITY_NAME.match(name):
        problems.append(f"{what} {name!r} must be runs of [A-Za-z0-9] separated by single '-', '_' or '.'")
    return problems


def tag_problems(tag: str) -> list[str]:
    """Why `tag` breaks Backstage's tag rule (empty when it does not)."""
    problems = []
    if not 1 <= len(tag) <= 63:
        problems.append(f"tag {tag!r} must be 1 to 63 characters long, not {len(tag)}")
    if tag and not TAG.match(tag):
        problems.append(f"tag {tag!r} must be runs of lowercase [a-z0-9:+#] separated by '-'")
    return problems


def owner_problems(ref: str) -> list[str]:
    """Why `ref` is not an owner reference `[group:|user:][namespace/]name`."""
    kind, sep, rest = ref.partition(":")
    if not sep:
        kind, rest = "group", ref
    namespace, slash, name = rest.rpartition("/")
    problems = []
    if kind.lower() not in OWNER_KINDS:
        problems.append(f"owner {ref!r} must be a group or user reference, like group:payments")
    if slash and not (NAMESPACE.match(namespace) and len(namespace) <= 63):
        problems.append(f"owner {ref!r} has an invalid namespace {namespace!r}")
    problems.extend(name_problems(name, f"owner {ref!r}: name"))
    return problems


def annotation_key_problems(key: str) -> list[str]:
    """Why `key` is not a valid `[prefix/]name` annotation or label key."""
    prefix, slash, name = key.rpartition("/")
    problems = []
    if slash and not (DNS_SUBDOMAIN.match(prefix) and len(prefix) <= 253):
        problems.append(f"key {key!r} has a prefix that is not a DNS subdomain")
    if not (1 <= len(name) <= 63 and ENTITY_NAME.match(name)):
        problems.append(f"key {key!r} must end in 1 to 63 [A-Za-z0-9] separated by '-', '_' or '.'")
    return problems


class _Representer(SafeRepresenter):
    """Writes multi-line strings as literal blocks and no anchors; a subclass, so other dumpers
    are untouched."""

    def represent_str(self, data: str) -> Any:
        style = "|" if "\n" in data else None
        return self.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    def ignore_aliases(self, data: Any) -> bool:
        return True  # repeated objects are written out again, never as &anchors


_Representer.add_representer(str, _Representer.represent_str)


def dump_yaml(*docs: Any) -> str:
    """Block-style YAML of plain data, keys in insertion order, multi-line strings as `|`
    blocks, no line wrapping; several documents are separated by `---`."""
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.Representer = _Representer
    if len(docs) > 1:
        yaml.explicit_start = True
    buf = io.StringIO()
    yaml.dump_all(list(docs), buf)
    return buf.getvalue()


def write_text(ctx: ActionContext, relative: str, text: str) -> Path:
    """Write `text` to a workspace path (refusing escapes), creating folders as needed."""
    target = ctx.resolve(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    return target


def sorted_items(mapping: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    """Items ordered by key, so the same input always yields the same bytes."""
    return sorted(mapping.items())
