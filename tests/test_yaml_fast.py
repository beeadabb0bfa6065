"""yaml_fast gives exactly what yamlio gives (values and types), or None and yamlio decides."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scaffolder import record, yaml_fast, yamlio

# Plain scalars YAML 1.1 and 1.2 read differently, numbers in every spelling, and plain strings.
TRICKY = [
    "yes", "no", "on", "off", "y", "n", "True", "false", "TRUE", "Null", "~", "", "null", "NULL",
    "0777", "0o17", "0x1F", "+12", "-3", "0", "1_000", "12:30", "1:20:30", "1e3", "1.5", ".inf", "-.Inf", ".nan",
    "2026-12-07", "2026-12-07T01:00:00Z", "3.12", "8080", "group:payments", "a: b", "- x", "#x", "x #y",
    "é ünïcode", "multi\nline", "  padded  ", "'quoted'", '"dq"', "back\\slash", "tab\there", "=", "<<",
]  # fmt: skip


def _typed(value: Any) -> Any:
    """Values with their exact types (ruamel's str and int subclasses count as str and int)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, str):
        return ("str", str(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return ("int", int(value))  # ruamel reads `0` as its ScalarInt: the same int
    return (type(value).__name__, value)


def _same_or_none(text: str) -> Any:
    fast = yaml_fast.load(text)
    if fast is not None:
        assert _typed(fast) == _typed(yamlio.plain(yamlio.load(Path("t.yaml"), text))), text
    return fast


@pytest.mark.parametrize("value", TRICKY)
def test_each_tricky_scalar_as_scaffold_writes_it(value: str) -> None:
    """yamlio.dump writes the answers of a record: read back, the value is the same either way."""
    text = yamlio.dump({"answers": {"v": value, value or "empty": [value, {"k": value}]}})
    _same_or_none(text)


@pytest.mark.parametrize("spelling", ["yes", "on", "0777", "0x1F", "1e3", "1.5", "2026-12-07", "12:30", "+12", "1_000"])
def test_plain_scalars_are_read_as_yaml_1_2_or_left_to_ruamel(spelling: str) -> None:
    text = f"a: {spelling}\nb: [{spelling}]\n{spelling}: x\n"
    fast = _same_or_none(text)
    if spelling in ("yes", "on"):
        assert fast == {"a": spelling, "b": [spelling], spelling: "x"}  # strings in YAML 1.2, not booleans
    if spelling in ("0x1F", "1e3", "1.5", "2026-12-07", "+12", "1_000"):
        assert fast is None  # not built here: yamlio decides


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # anchors and aliases
        "a: !!str 1\n",  # tags
        "%YAML 1.1\n---\na: yes\n",  # a directive
        "a: 1\na: 2\n",  # a duplicate key (ruamel refuses it)
        "? [a, b]\n: c\n",  # a complex key
        "<<: {a: 1}\n",  # a merge key
        "a: [1, 2\n",  # a syntax error: yamlio names the line
        "a:\n\t- 1\n",  # a tab
        "",
    ],
)
def test_what_only_ruamel_may_read_is_left_to_it(text: str) -> None:
    assert yaml_fast.load(text) is None


def test_nested_and_quoted_values_are_the_same() -> None:
    text = (
        "a: 'it''s'\nb: \"tab\\there\\u00e9\"\nc: |\n  line\n  two\nd: >-\n  folded\n  text\n"
        "e: {x: [1, -2, null, true, ~, '']}\nf:\n- - deep\n  - 0\ng: plain text, no colon\n"
    )
    assert _same_or_none(text) is not None


def test_a_record_reads_the_same_through_either_path(tmp_path: Path) -> None:
    head = (
        "apiVersion: scaffold/v1\nkind: Record\ntemplate: {name: svc, version: 1.0.0, source: builtin, ref: 1.0.0}\n"
        "answers:\n  name: seed\n  port: 8080\n  python_version: '3.12'\n  kubernetes: true\n  system: null\n"
        "  tags: [on, 'yes', '0777']\nsecret_parameters: []\nrun_id: r1\ncreated_at: '2026-12-07T01:51:44+00:00'\n"
    )
    text = head + "files:\n  README.md: " + "a" * 64 + "\n"
    fast = record.parse(text, tmp_path / "record.yaml")
    slow = record.Record.model_validate(yamlio.plain(yamlio.load(tmp_path / "r.yaml", text)))
    assert fast == slow and fast.answers["tags"] == ["on", "yes", "0777"] and fast.answers["port"] == 8080
