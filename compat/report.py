"""Results of the suite: one row per comparison, as JSON and as the Markdown table in docs/formats.md."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import procs

START, END = "<!-- compat:start -->", "<!-- compat:end -->"
SHOWN_FILES = 6


@dataclass
class Row:
    """One comparison: a template rendered by both tools (or upgraded by both), and what came of it."""

    id: str
    repo: str
    path: str
    ref: str
    commit: str
    format: str
    operation: str  # "new", or "upgrade A -> B"
    result: str = ""
    files: list[str] = field(default_factory=list)
    scaffold: str = ""  # scaffold's reason when it gave no tree (or a note such as conflicts)
    native: str = ""
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """The row as a JSON object."""
        return asdict(self)


def verdict(row: Row, ours: procs.Side, theirs: procs.Side, diffs: list[str] | None, random: list[str]) -> Row:
    """Fill the row's result from both sides and the differences of their trees (None when not compared).

    Content differences in `random` files (values a hook draws at random, different on every render of either
    tool) are listed but do not make the trees differ.
    """
    row.scaffold, row.native = ours.reason, theirs.reason
    row.seconds = round(ours.seconds + theirs.seconds, 1)
    if not ours.ok and not theirs.ok:
        row.result = f"both refused: scaffold: {ours.reason}; native: {theirs.reason}"
    elif not ours.ok:
        row.result = f"scaffold refused: {ours.reason}"
    elif not theirs.ok:
        row.result = f"native failed: {theirs.reason}"
    else:
        drawn = [d for d in diffs or [] if d.endswith(" (content)") and d.removesuffix(" (content)") in random]
        row.files = [d for d in diffs or [] if d not in drawn]
        row.result = "identical" if not row.files else f"differs ({len(row.files)} files)"
        if drawn and not row.files:
            row.result = f"identical but for random values ({len(drawn)} files)"
        row.files += [d.replace(" (content)", " (random per render)") for d in drawn]
    return row


def _files_cell(files: list[str]) -> str:
    shown = ", ".join(
        f"`{f.split(' (')[0]}`" + (f" ({f.split(' (', 1)[1]}" if " (" in f else "") for f in files[:SHOWN_FILES]
    )
    more = len(files) - SHOWN_FILES
    return (shown + (f", … {more} more" if more > 0 else "")).replace("|", "\\|")


def markdown(rows: list[Row]) -> str:
    """The table: template, commit, format, result, differing files."""
    lines = ["| template | commit | format | result | differing files |", "| --- | --- | --- | --- | --- |"]
    for r in rows:
        where = f"{r.repo}" + (f" `{r.path}`" if r.path else "")
        ref = r.commit[:10] + (f" ({r.ref})" if r.ref and not r.commit.startswith(r.ref) else "")
        fmt = r.format if r.operation == "new" else f"{r.format}, {r.operation}"
        lines.append(f"| {where} | {ref} | {fmt} | {r.result} | {_files_cell(r.files)} |")
    return "\n".join(lines) + "\n"


def summary(rows: list[Row]) -> str:
    """One line of counts by result kind."""
    kinds: dict[str, int] = {}
    for r in rows:
        kind = (
            re.sub(r"[ :(].*", "", r.result)
            if not r.result.startswith(("scaffold refused", "native failed", "both refused"))
            else " ".join(r.result.split()[:2]).rstrip(":")
        )
        kinds[kind] = kinds.get(kind, 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))


def write_docs(doc: Path, table: str, header: str) -> None:
    """Replace what lies between the compat markers of `doc` with `header` and the table."""
    text = doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no {START} ... {END} markers to write the table between")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    doc.write_text(f"{before}{START}\n{header}\n\n{table}{END}{after}", encoding="utf-8")
