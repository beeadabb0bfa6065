"""Campaign history: what each campaign run did and where each fleet stood, over time, in SQLite under
`$SCAFFOLD_HOME` (`history.db`), so the dashboard can draw a burndown and show each repo's last outcome.

`scaffold migrate` records a snapshot (repos per version) and one outcome per repo; `scaffold migrate
status` records a snapshot. Recording never fails the command that records: a locked or unwritable
database is skipped with a warning in the log.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder.versions import key as semver_key

FILE = "history.db"
SAME_WITHIN = 3600.0
log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, at REAL NOT NULL, kind TEXT NOT NULL,
  target TEXT, versions TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS snapshots_name ON snapshots (name, at);
CREATE TABLE IF NOT EXISTS outcomes (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL, at REAL NOT NULL, repo TEXT NOT NULL, state TEXT NOT NULL,
  from_version TEXT, to_version TEXT, pr_number INTEGER, conflicts TEXT NOT NULL, reason TEXT);
CREATE INDEX IF NOT EXISTS outcomes_name ON outcomes (name, repo, at);
"""


@dataclass(frozen=True)
class Point:
    """One snapshot of a fleet: when, how many repos at each version, and how many are behind `newest`."""

    at: float
    kind: str  # "campaign" or "status"
    versions: dict[str, int]
    behind: int
    total: int

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at, "kind": self.kind, "versions": self.versions, "behind": self.behind, "total": self.total}


@dataclass(frozen=True)
class LastOutcome:
    """A repo's outcome in the newest campaign that touched it."""

    at: float
    state: str
    from_version: str | None
    to_version: str | None
    pr_number: int | None
    conflicts: list[str] = field(default_factory=list)
    reason: str | None = None


@contextmanager
def _db(home: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(home / FILE, timeout=30)) as conn:
        conn.executescript(_SCHEMA)
        with conn:
            yield conn


def _count(versions: Iterable[str | None]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for version in versions:
        counts[version or "?"] = counts.get(version or "?", 0) + 1
    return dict(sorted(counts.items()))


def record_snapshot(
    home: Path, name: str, versions: Iterable[str | None], kind: str, target: str | None = None
) -> None:
    """Remember how many repos of golden path `name` are at each version now (a snapshot equal to the
    previous one within `SAME_WITHIN` seconds adds nothing: the dashboard records on every view)."""
    counts = _count(versions)
    text = json.dumps(counts, sort_keys=True)
    try:
        with _db(home) as conn:
            last = conn.execute(
                "SELECT at, versions FROM snapshots WHERE name = ? ORDER BY at DESC, id DESC LIMIT 1", (name,)
            ).fetchone()
            if last is not None and last[1] == text and time.time() - float(last[0]) < SAME_WITHIN:
                return
            conn.execute(
                "INSERT INTO snapshots (name, at, kind, target, versions) VALUES (?, ?, ?, ?, ?)",
                (name, time.time(), kind, target, text),
            )
    except (sqlite3.Error, OSError) as exc:
        log.warning("campaign history not recorded (%s): %s", home / FILE, exc)


def record_campaign(home: Path, name: str, to_version: str, outcomes: Iterable[Any], whole: bool = True) -> None:
    """Remember a campaign run: each repo's outcome, and (when it ran over the `whole` fleet, not a
    shard or a list of repos) the fleet's versions it found."""
    outcomes = list(outcomes)
    now = time.time()
    rows = [
        (name, now, o.repo, o.state, o.from_version, o.to_version, o.pr_number, json.dumps(o.conflicts), o.reason)
        for o in outcomes
    ]
    try:
        with _db(home) as conn:
            conn.executemany(
                "INSERT INTO outcomes (name, at, repo, state, from_version, to_version, pr_number, conflicts, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
    except (sqlite3.Error, OSError) as exc:
        log.warning("campaign history not recorded (%s): %s", home / FILE, exc)
        return
    if whole:
        record_snapshot(home, name, [o.from_version for o in outcomes if o.state != "failed"], "campaign", to_version)


def behind(versions: Mapping[str, int], newest: str | None) -> int:
    """How many repos are at a version older than `newest` (unknown versions count as behind)."""
    if newest is None:
        return 0
    newest_key = semver_key(newest)
    total = 0
    for version, count in versions.items():
        try:
            older = semver_key(version) < newest_key
        except ValueError:
            older = True
        total += count if older else 0
    return total


def burndown(home: Path, name: str, newest: str | None, limit: int = 200) -> list[Point]:
    """The fleet's snapshots, oldest first (the newest `limit`), each counting the repos behind `newest`."""
    if not (home / FILE).is_file():
        return []
    with _db(home) as conn:
        rows = conn.execute(
            "SELECT at, kind, versions FROM snapshots WHERE name = ? ORDER BY at DESC, id DESC LIMIT ?", (name, limit)
        ).fetchall()
    points = []
    for at, kind, text in reversed(rows):
        versions = {str(k): int(v) for k, v in json.loads(text).items()}
        points.append(Point(float(at), str(kind), versions, behind(versions, newest), sum(versions.values())))
    return points


def last_outcomes(home: Path, name: str) -> dict[str, LastOutcome]:
    """Each repo's outcome in the newest campaign run that touched it."""
    if not (home / FILE).is_file():
        return {}
    with _db(home) as conn:
        rows = conn.execute(
            "SELECT repo, at, state, from_version, to_version, pr_number, conflicts, reason FROM outcomes"
            " WHERE name = ? ORDER BY at, id",
            (name,),
        ).fetchall()
    return {
        str(repo): LastOutcome(float(at), str(state), frm, to, pr, list(json.loads(conflicts)), reason)
        for repo, at, state, frm, to, pr, conflicts, reason in rows
    }
