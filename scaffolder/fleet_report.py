"""One fleet report from the JSON outcomes of every shard of a campaign (`scaffold migrate report`).

Each shard of a sharded campaign prints its outcomes as JSON lines (`scaffold migrate --output json`):
one object per repo, then a closing object with the summary. This module reads those files, keeps
the newest outcome of a repo that several files name (a shard rerun), and renders the merged fleet
as text, JSON or a Markdown job summary. A missing, corrupt or truncated file is never skipped in
silence: every bad file is named in one error.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scaffolder.errors import Problem, ScaffoldError

# States that need a person: the report lists them with their reasons. A state this module does not
# know (a newer scaffold's) counts as needing attention when it carries a reason.
ATTENTION = ("failed", "conflicted", "edited-by-human")
SETTLED = ("opened", "updated", "up-to-date", "no-change", "merged", "declined")
# When outcomes say how their PR's checks went and why it was not merged (`checks`, `merge`): these
# need a person too, whatever the state. A PR left for review (a major step, checks pending) does not.
RED_CHECKS = ("failure", "timed-out")
STUCK_MERGES = ("no merge rights", "merge refused")
MARKDOWN_ROWS = 200  # a job summary is capped at 1 MiB: beyond this many rows, point at the JSON report


class ReportError(ScaffoldError):
    """Some outcome files are missing, unreadable, or not what `migrate --output json` prints."""


@dataclass
class ShardFile:
    """One file of outcomes: its repos' outcomes and its closing summary (None when it has none)."""

    path: Path
    outcomes: list[dict[str, Any]]
    closing: dict[str, Any] | None
    mtime: float


@dataclass
class FleetReport:
    """The merged fleet: one outcome per repo (the newest), and where they came from."""

    files: list[str]
    outcomes: list[dict[str, Any]]
    golden_paths: list[str] = field(default_factory=list)
    to_versions: list[str] = field(default_factory=list)
    shards: int | None = None
    shards_seen: list[int] = field(default_factory=list)
    superseded: int = 0  # outcomes dropped because a newer one for the same repo exists

    @property
    def summary(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            counts[outcome["state"]] = counts.get(outcome["state"], 0) + 1
        return dict(sorted(counts.items()))

    def tally(self, key: str) -> dict[str, int]:
        """Outcomes per value of an optional field (`checks`, `merge`); {} when no outcome has it."""
        counts: dict[str, int] = {}
        for outcome in self.outcomes:
            if outcome.get(key):
                counts[str(outcome[key])] = counts.get(str(outcome[key]), 0) + 1
        return dict(sorted(counts.items()))

    @property
    def attention(self) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if needs_attention(o)]

    @property
    def failed(self) -> bool:
        return "failed" in self.summary

    def to_json(self) -> dict[str, Any]:
        return {
            "golden_path": self.golden_paths[0] if len(self.golden_paths) == 1 else None,
            "golden_paths": self.golden_paths,
            "to_versions": self.to_versions,
            "files": self.files,
            "shards": self.shards,
            "shards_seen": self.shards_seen,
            "total": len(self.outcomes),
            "summary": self.summary,
            "checks": self.tally("checks"),
            "merges": self.tally("merge"),
            "superseded": self.superseded,
            "attention": [o["repo"] for o in self.attention],
            "repos": self.outcomes,
        }


def needs_attention(outcome: dict[str, Any]) -> bool:
    """A repo a person should look at: it failed, holds conflicts, a human took its branch, its PR's
    checks are red, or the bot may not merge it."""
    state = outcome.get("state")
    if state in ATTENTION or outcome.get("checks") in RED_CHECKS or outcome.get("merge") in STUCK_MERGES:
        return True
    return state not in SETTLED and bool(outcome.get("reason"))


def read_file(path: Path) -> ShardFile:
    """Parse one file of `migrate --output json` output (JSON lines, or JSON values one after another,
    or one JSON array of them); raise ValueError saying what is wrong with it."""
    text = path.read_text(encoding="utf-8")
    decoder = json.JSONDecoder()
    values: list[Any] = []
    at = 0
    while True:
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text):
            break
        try:
            value, at = decoder.raw_decode(text, at)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
        values.extend(value if isinstance(value, list) else [value])
    return _shard_file(path, values)


def _shard_file(path: Path, values: list[Any]) -> ShardFile:
    """A file is whole when some run in it finished (its closing line); outcomes of a run that did
    not (a crashed attempt, in any order in a pod's logs) still count, the newest winning."""
    outcomes: list[dict[str, Any]] = []
    closing: dict[str, Any] | None = None
    for number, value in enumerate(values, 1):
        if isinstance(value, dict) and "summary" in value and "total" in value:
            closing = value
        elif isinstance(value, dict) and isinstance(value.get("repo"), str) and isinstance(value.get("state"), str):
            outcomes.append(value)
        else:
            raise ValueError(f"value {number} is neither a repo's outcome nor a closing summary: {str(value)[:60]}")
    if not values:
        raise ValueError("it is empty (the shard printed nothing: did it start?)")
    if closing is None:
        raise ValueError("it has no closing summary line (the shard stopped early: rerun it)")
    return ShardFile(path, outcomes, closing, path.stat().st_mtime)


def _when(outcome: dict[str, Any], file: ShardFile) -> datetime:
    """When an outcome was made: its own `finished_at`, else the file's mtime (older scaffolds' output)."""
    stamp = outcome.get("finished_at")
    if isinstance(stamp, str):
        try:
            parsed = datetime.fromisoformat(stamp)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.fromtimestamp(file.mtime, UTC)


def _shard_of(closing: dict[str, Any] | None) -> tuple[int, int] | None:
    text = (closing or {}).get("shard")
    if not isinstance(text, str) or "/" not in text:
        return None
    index, _, count = text.partition("/")
    return (int(index), int(count)) if index.isdigit() and count.isdigit() else None


def load(paths: Iterable[Path], shards: int | None = None) -> FleetReport:
    """Merge the outcome files into one report; raise ReportError naming every bad file (and, with
    `shards`, every shard no file covers)."""
    paths = list(paths)
    files: list[ShardFile] = []
    problems: list[Problem] = []
    for path in paths:
        if not path.is_file():
            problems.append(Problem(str(path), "no such file" if not path.exists() else "not a file"))
            continue
        try:
            files.append(read_file(path))
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), str(exc).splitlines()[0]))
    seen = sorted({s[0] for f in files if (s := _shard_of(f.closing)) is not None})
    counts = {s[1] for f in files if (s := _shard_of(f.closing)) is not None}
    if shards is not None:
        missing = [i for i in range(1, shards + 1) if i not in seen]
        problems += [Problem(f"shard {i}/{shards}", "no outcome file covers it") for i in missing]
        other = sorted(counts - {shards})
        problems += [Problem(f"shards of {n}", f"a file comes from a run split in {n}, not {shards}") for n in other]
    if problems:
        raise ReportError(f"cannot report the fleet: {len(problems)} problem(s) with the outcome files", problems)
    return _merge(files, shards if shards is not None else (counts.pop() if len(counts) == 1 else None), seen)


def _merge(files: list[ShardFile], shards: int | None, seen: list[int]) -> FleetReport:
    newest: dict[str, tuple[datetime, int, dict[str, Any]]] = {}
    order = 0
    for file in files:
        for outcome in file.outcomes:
            order += 1
            key = (_when(outcome, file), order)
            current = newest.get(outcome["repo"])
            if current is None or key > current[:2]:
                newest[outcome["repo"]] = (*key, outcome)
    outcomes = [newest[repo][2] for repo in sorted(newest)]
    named = [*(f.closing for f in files if f.closing), *outcomes]
    return FleetReport(
        files=[str(f.path) for f in files],
        outcomes=outcomes,
        golden_paths=sorted({str(c["golden_path"]) for c in named if c and c.get("golden_path")}),
        to_versions=sorted({str(o["to_version"]) for o in outcomes if o.get("to_version")}),
        shards=shards,
        shards_seen=seen,
        superseded=order - len(outcomes),
    )


def _why(outcome: dict[str, Any]) -> str:
    """One line saying why a repo needs a look."""
    conflicts = outcome.get("conflicts") or []
    parts = [f"conflicts: {', '.join(str(c) for c in conflicts)}"] if conflicts else []
    if outcome.get("checks") in RED_CHECKS:
        parts.append(f"checks {outcome['checks']}")
    if outcome.get("merge") and outcome.get("merge") not in ("merged", "declined"):
        parts.append(f"merge: {outcome['merge']}")
    if outcome.get("reason"):
        parts.append(" ".join(str(outcome["reason"]).split()))
    return "; ".join(parts) or "-"


def _tallies(report: FleetReport) -> list[str]:
    """`checks: success 3, failure 1` and `merge: ...` lines, for outcomes that carry those fields."""
    return [
        f"{label}: " + ", ".join(f"{value} {n}" for value, n in counts.items())
        for label, counts in (("checks", report.tally("checks")), ("merge", report.tally("merge")))
        if counts
    ]


def _title(report: FleetReport, arrow: str = "->") -> str:
    name = ", ".join(report.golden_paths) or "campaign"
    to = ", ".join(report.to_versions) or "?"
    return f"{name} {arrow} {to}"


def _sources(report: FleetReport) -> str:
    shards = f"{len(report.shards_seen)} of {report.shards} shards, " if report.shards else ""
    rerun = f", {report.superseded} older outcome(s) of rerun shards dropped" if report.superseded else ""
    return f"{shards}{len(report.files)} file(s){rerun}"


def text(report: FleetReport) -> str:
    """The report for a terminal: totals per state, then the repos needing attention."""
    totals = ", ".join(f"{state} {n}" for state, n in report.summary.items()) or "no repos"
    lines = [f"Fleet report: {_title(report)}", f"{len(report.outcomes)} repos ({_sources(report)}): {totals}"]
    lines += _tallies(report)
    attention = report.attention
    if attention:
        lines += ["", f"Needs attention ({len(attention)}):"]
        for o in attention:
            pr = f" #{o['pr_number']} {o.get('pr_url') or ''}".rstrip() if o.get("pr_number") else ""
            lines.append(f"  {o['repo']}  {o['state']}{pr}: {_why(o)[:200]}")
    return "\n".join(lines)


def _cell(value: str) -> str:
    """Text safe in a Markdown table cell: no HTML, no pipes, one line."""
    return html.escape(" ".join(value.split()), quote=False).replace("|", "\\|")


def markdown(report: FleetReport) -> str:
    """The report as a GitHub job summary: totals per state, repos needing attention with PR links."""
    lines = [
        f"## scaffold migrate: {_cell(_title(report, '→'))}",
        "",
        f"**{len(report.outcomes)} repos** ({_cell(_sources(report))})",
        "",
        "| state | repos |",
        "| --- | ---: |",
        *(f"| {_cell(state)} | {n} |" for state, n in report.summary.items()),
    ]
    tallies = _tallies(report)
    lines += ["", *(f"- {_cell(t)}" for t in tallies)] if tallies else []
    attention = report.attention
    lines += ["", f"### Needs attention ({len(attention)})", ""]
    if not attention:
        lines.append("Nothing: every repo is opened, up to date, merged or left as a person decided.")
    else:
        lines += ["| repo | state | pull request | why |", "| --- | --- | --- | --- |"]
        for o in attention[:MARKDOWN_ROWS]:
            pr = f"#{o['pr_number']}" if o.get("pr_number") else "-"
            if o.get("pr_number") and str(o.get("pr_url") or "").startswith(("https://", "http://")):
                pr = f"[{pr}]({str(o['pr_url']).replace(')', '%29').replace(' ', '%20')})"
            lines.append(f"| `{_cell(o['repo'])}` | {_cell(o['state'])} | {pr} | {_cell(_why(o)[:300])} |")
        if len(attention) > MARKDOWN_ROWS:
            more = len(attention) - MARKDOWN_ROWS
            lines += ["", f"... and {more} more: `scaffold migrate report --output json` lists them all."]
    return "\n".join(lines) + "\n"
