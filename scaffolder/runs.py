"""A run's state on disk: what was asked, the step journal, and the workspace, so it can resume.

`runs/<id>/run.json` holds the golden path, the answers without secrets and the status;
`journal.jsonl` gets one line per finished step (appended and fsynced before the next step
starts); `workspace/` is where the steps write. Secrets are never written here.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from scaffolder.errors import Problem, RunError

Status = Literal["running", "failed", "interrupted", "done"]


def new_run_id(template: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return f"{stamp}-{template}-{secrets.token_hex(3)}"


@dataclass
class RunInfo:
    """What `run.json` holds."""

    run_id: str
    template: str
    version: str
    template_path: str
    library: str
    answers: dict[str, Any]
    secret_parameters: list[str]
    started_at: str
    profile: str
    status: Status = "running"
    error: str | None = None
    outputs: dict[str, Any] = field(default_factory=dict)
    ref: str | None = None  # the release the golden path came from (a tag or version)


@dataclass(frozen=True)
class JournalEntry:
    step: str
    status: Literal["done", "skipped"]
    output: dict[str, Any]


class Run:
    """One run's folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def run_id(self) -> str:
        return self.folder.name

    @property
    def workspace(self) -> Path:
        return self.folder / "workspace"

    @property
    def info_path(self) -> Path:
        return self.folder / "run.json"

    @property
    def journal_path(self) -> Path:
        return self.folder / "journal.jsonl"

    @classmethod
    def create(cls, runs_dir: Path, info: RunInfo) -> Run:
        run = cls(runs_dir / info.run_id)
        run.workspace.mkdir(parents=True)
        run.save(info)
        return run

    @classmethod
    def open(cls, runs_dir: Path, run_id: str) -> Run:
        run = cls(runs_dir / run_id)
        if not run.info_path.is_file() or "/" in run_id or run_id.startswith("."):
            known = sorted(p.name for p in runs_dir.iterdir()) if runs_dir.is_dir() else []
            hint = f"; recent: {', '.join(known[-3:])}" if known else ""
            raise RunError(f"no run {run_id!r} under {runs_dir}{hint}")
        return run

    def info(self) -> RunInfo:
        try:
            return RunInfo(**json.loads(self.info_path.read_text(encoding="utf-8")))
        except (ValueError, TypeError) as exc:
            raise RunError(f"run {self.run_id} is unreadable", [Problem(str(self.info_path), str(exc))]) from None

    def save(self, info: RunInfo) -> None:
        tmp = self.info_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(info), indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(self.info_path)

    def journal(self) -> dict[str, JournalEntry]:
        """Finished steps by id; a torn last line (killed mid-write) is ignored."""
        out: dict[str, JournalEntry] = {}
        if not self.journal_path.is_file():
            return out
        for line in self.journal_path.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(line)
                out[data["step"]] = JournalEntry(data["step"], data["status"], data.get("output", {}))
            except (ValueError, KeyError, TypeError):
                continue
        return out

    def append(self, entry: JournalEntry) -> None:
        line = json.dumps(asdict(entry), sort_keys=True) + "\n"
        with self.journal_path.open("a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def list_runs(runs_dir: Path) -> list[RunInfo]:
    if not runs_dir.is_dir():
        return []
    out = []
    for folder in sorted(runs_dir.iterdir()):
        try:
            out.append(Run(folder).info())
        except (RunError, OSError):
            continue
    return out
