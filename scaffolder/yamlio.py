"""YAML reading with line numbers, so errors can name `file:line` for any key of a document.

Aliases are bounded: a document whose aliases would expand to more than `ALIAS_LIMIT` nodes (the
"billion laughs" alias bomb: a few lines that expand to billions of nodes once anything walks
them), or an alias inside the node it names, is refused while it is parsed, naming the line.
Every YAML scaffold reads from a template or a user goes through `load` or `loader`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import Node

from scaffolder.errors import Problem

ALIAS_LIMIT = 10_000  # nodes the aliases of one document may add to it, all aliases together


class YamlSyntaxError(Exception):
    """Malformed YAML; `problem` names the file and line."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class AliasLimitError(ComposerError):
    """A document's aliases expand past ALIAS_LIMIT, or an alias names a node that holds it."""

    def __str__(self) -> str:
        line = f"line {self.problem_mark.line + 1}: " if self.problem_mark is not None else ""
        return f"{line}{self.problem}"


def _expanded_size(node: Node, sizes: dict[int, int]) -> int:
    """How many nodes `node` stands for once every alias inside it is expanded (memoised)."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    total = 1
    if isinstance(node.value, list):
        for item in node.value:
            if isinstance(item, tuple):  # a mapping's (key, value)
                total += _expanded_size(item[0], sizes) + _expanded_size(item[1], sizes)
            else:
                total += _expanded_size(item, sizes)
    sizes[id(node)] = total
    return total


class _BoundedComposer(Composer):
    """ruamel's composer, counting what each alias expands to (the size of the node it names)."""

    def compose_document(self) -> Any:
        self._added = 0
        self._sizes: dict[int, int] = {}
        self._complete: set[int] = set()
        return super().compose_document()

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            event = self.parser.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None:
                if id(target) not in self._complete:
                    problem = f"alias *{event.anchor} is inside the node it names (a recursive alias)"
                    raise AliasLimitError(None, None, problem, event.start_mark)
                self._added += _expanded_size(target, self._sizes)
                if self._added > ALIAS_LIMIT:
                    problem = f"aliases expand to more than {ALIAS_LIMIT:,} nodes (an alias bomb?); refused"
                    raise AliasLimitError(None, None, problem, event.start_mark)
            return super().compose_node(parent, index)
        node = super().compose_node(parent, index)
        self._complete.add(id(node))
        return node


def loader(typ: str = "rt") -> YAML:
    """A ruamel YAML loader (`rt` keeps positions, `safe` gives plain data) with aliases bounded."""
    yaml = YAML(typ=typ, pure=True)
    yaml.Composer = _BoundedComposer
    return yaml


def load(path: Path, text: str | None = None) -> Any:
    """Parse one YAML document keeping positions (round-trip mode)."""
    yaml = loader()
    try:
        return yaml.load(path.read_text(encoding="utf-8") if text is None else text)
    except AliasLimitError as exc:
        line = f":{exc.problem_mark.line + 1}" if exc.problem_mark is not None else ""
        raise YamlSyntaxError(Problem(f"{path}{line}", str(exc.problem))) from None
    except RecursionError:
        raise YamlSyntaxError(Problem(str(path), "nested too deeply")) from None
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
