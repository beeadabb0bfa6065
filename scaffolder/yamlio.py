"""YAML reading with line numbers, so errors can name `file:line` for any key of a document."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from scaffolder.errors import Problem


class YamlSyntaxError(Exception):
    """Malformed YAML; `problem` names the file and line."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def load(path: Path, text: str | None = None) -> Any:
    """Parse one YAML document keeping positions (round-trip mode)."""
    yaml = YAML(typ="rt")
    try:
        return yaml.load(path.read_text(encoding="utf-8") if text is None else text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        raise YamlSyntaxError(Problem(f"{path}{line}", f"malformed YAML: {exc.problem}")) from None


def line_of(doc: Any, loc: Sequence[str | int]) -> int | None:
    """1-based line of the deepest node on `loc` that exists in the document."""
    line: int | None = None
    node = doc
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            with contextlib.suppress(KeyError, TypeError):
                line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
            with contextlib.suppress(KeyError, TypeError):
                line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    if line is None and isinstance(doc, CommentedMap | CommentedSeq):
        line = doc.lc.line + 1
    return line


def plain(node: Any) -> Any:
    """Round-trip containers to plain dicts and lists (for models and JSON)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def dump(data: Any) -> str:
    """Block-style YAML for plain data, keys in insertion order."""
    import io

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
