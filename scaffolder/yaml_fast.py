"""Plain data from a simple YAML document at C speed, with exactly the values scaffold's YAML 1.2
reading (`yamlio`, ruamel.yaml's pure-Python parser) gives, or None when it cannot vouch for that.

`migrate status` reads a record from every repo of a fleet, and ruamel's round-trip parse of a
record's head (about 20 lines) costs more than the git process that reads it. libyaml (PyYAML's C
parser) builds the document's node tree; each plain scalar is then typed by ruamel's own YAML 1.2
resolver, so `yes`, `on`, `0777` or `1:20` mean what they mean to `yamlio`, not what YAML 1.1
says. Only null, bool, decimal int and str scalars are built here; anything else (a float, a
timestamp, an octal or hex int, a tag, an anchor or alias, a complex or duplicate key, a
directive, a syntax error) returns None and the caller parses the text with `yamlio`.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_SIMPLE_TYPES = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:str"}


class _Unsure(Exception):
    """The document holds something this module does not build the way `yamlio` would."""


@cache
def _parts() -> tuple[Any, Any, Any, Any] | None:
    """libyaml's loader and PyYAML's node classes, or None without libyaml."""
    try:
        import yaml
    except ImportError:
        return None
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return None
    return loader, yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


@cache
def _tag_of_plain(text: str) -> str:
    """The tag ruamel's YAML 1.2 resolver gives a plain (unquoted) scalar."""
    from ruamel.yaml import YAML
    from ruamel.yaml.nodes import ScalarNode

    return str(YAML(typ="safe", pure=True).resolver.resolve(ScalarNode, text, (True, False)))


def _scalar(node: Any) -> Any:
    if node.style:  # quoted or block: a string, whatever it spells
        if node.tag != "tag:yaml.org,2002:str":
            raise _Unsure
        return node.value
    tag = _tag_of_plain(node.value) if len(node.value) < 200 else "long"
    if tag not in _SIMPLE_TYPES:
        raise _Unsure
    if tag.endswith(":str"):
        return node.value
    if tag.endswith(":null"):
        return None
    if tag.endswith(":bool"):
        return node.value.lower() == "true"
    if not _DECIMAL.match(node.value):
        raise _Unsure  # 0o17, 0x1f, +1, 1_000: left to ruamel
    return int(node.value)


def _build(node: Any, kinds: tuple[Any, Any, Any], depth: int = 0) -> Any:
    scalar, mapping, sequence = kinds
    if depth > 50:
        raise _Unsure
    if isinstance(node, scalar):
        return _scalar(node)
    if isinstance(node, sequence):
        if node.tag != "tag:yaml.org,2002:seq":
            raise _Unsure
        return [_build(item, kinds, depth + 1) for item in node.value]
    if not isinstance(node, mapping) or node.tag != "tag:yaml.org,2002:map":
        raise _Unsure
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, scalar):
            raise _Unsure
        key = str(_scalar(key_node))  # as `yamlio.plain` makes every key a string
        if key in out or key == "<<":
            raise _Unsure  # ruamel refuses duplicate keys; merge keys are its business
        out[key] = _build(value_node, kinds, depth + 1)
    return out


def load(text: str) -> Any:
    """The document's plain data (dicts, lists, str, int, bool, None), or None when only `yamlio`
    may say what it holds (see the module docstring)."""
    parts = _parts()
    if parts is None or not text.strip() or any(c in text for c in "&*!%\t"):
        return None  # anchors, aliases, tags, directives, tabs: ruamel's business
    loader, *kinds = parts
    import yaml

    try:
        node = yaml.compose(text, Loader=loader)
        return None if node is None else _build(node, (kinds[0], kinds[1], kinds[2]))
    except (_Unsure, yaml.YAMLError, RecursionError, ValueError):
        return None
