"""The corpus table (markdown, for docs/upgrades.md between its markers) and the JSON report."""

from __future__ import annotations

import platform
import re
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from upgrades_corpus.gitmerge import GitVerdict
from upgrades_corpus.scenarios import BY_ID
from upgrades_corpus.score import Score

START, END = "<!-- corpus:start -->", "<!-- corpus:end -->"


def summary(scores: Sequence[Score], tools: Sequence[str]) -> list[dict[str, Any]]:
    rows = []
    for tool in tools:
        mine = [s for s in scores if s.tool == tool]
        codes = sorted({s.exit_code for s in mine if s.needs_human})
        rows.append(
            {
                "tool": tool,
                "scenarios": len(mine),
                "correct": sum(s.correct for s in mine),
                "edits_lost": sum(s.edits_lost for s in mine),
                "conflicts_not_reported": sum(len(s.not_reported) for s in mine),
                "conflicts_expected": sum(len(BY_ID[s.scenario].report) for s in mine if s.scenario in BY_ID),
                "exit_on_conflict": codes,
                "seconds": round(sum(s.seconds for s in mine), 2),
            }
        )
    return rows


def versions() -> str:
    """The peers' versions and scaffold's commit, for the table's header."""
    found = []
    for package in ("copier", "cruft", "cookiecutter"):
        try:
            found.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            found.append(f"{package} (not installed)")
    root = Path(__file__).resolve().parent.parent
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return f"scaffold at {head.stdout.strip() or '?'}, {', '.join(found)}, {git}"


def markdown(scores: Sequence[Score], verdicts: Sequence[GitVerdict], tools: Sequence[str], jobs: int) -> str:
    rows = summary(scores, tools)
    out = [
        f"{len(verdicts)} scenarios; `python -m upgrades_corpus --jobs {jobs}` on {platform.python_version()} "
        f"(time: the upgrade commands only, summed, {jobs} at a time on a shared machine); {versions()}.",
        "",
        "| tool | scenarios correct | edits lost | conflicts not reported | exit code on conflict | time (s) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        codes = ", ".join(str(c) for c in r["exit_on_conflict"]) or "-"
        out.append(
            f"| {r['tool']} | {r['correct']}/{r['scenarios']} | {r['edits_lost']} | "
            f"{r['conflicts_not_reported']} of {r['conflicts_expected']} | {codes} | {r['seconds']} |"
        )
    agree = sum(v.agrees for v in verdicts)
    out += ["", f"Plain `git merge` of the three renders agrees with {agree} of {len(verdicts)} expectations."]
    out += [f"- `{v.scenario}`: {'; '.join(v.disagreements)}" for v in verdicts if not v.agrees]
    out += ["", _matrix(scores, verdicts, tools)] if tools else []
    return "\n".join(out) + "\n"


def _cell(score: Score | None) -> str:
    if score is None:
        return "-"
    if score.correct and not score.problems:
        return "ok"
    shown = "; ".join(score.problems[:2]) + ("; ..." if len(score.problems) > 2 else "")
    return ("ok: " if score.correct else "**wrong**: ") + shown.replace("|", "\\|")


def _matrix(scores: Sequence[Score], verdicts: Sequence[GitVerdict], tools: Sequence[str]) -> str:
    """One row per scenario: git's agreement with the expectation and each tool's verdict."""
    by = {(s.scenario, s.tool): s for s in scores}
    rows = [
        "<details><summary>Per scenario</summary>",
        "",
        "| scenario | git merge | " + " | ".join(tools) + " |",
        "| --- | --- | " + " | ".join("---" for _ in tools) + " |",
    ]
    for v in verdicts:
        git = "agrees" if v.agrees else "differs"
        cells = " | ".join(_cell(by.get((v.scenario, t))) for t in tools)
        rows.append(f"| `{v.scenario}` | {git} | {cells} |")
    return "\n".join([*rows, "", "</details>"])


def write_docs(doc: Path, table: str) -> None:
    """Replace what lies between the markers in `doc` (the markers must be there)."""
    text = doc.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"{doc} has no {START} ... {END} section")
    new = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: f"{START}\n{table}{END}", text, flags=re.S)
    doc.write_text(new, encoding="utf-8")
