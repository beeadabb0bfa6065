"""A run's state on disk: what was asked, the step journal, and the workspace, so it can resume.

`runs/<id>/run.json` holds the golden path, the answers without secrets, the status and the
process running it; `journal.jsonl` gets one line per finished step (appended and fsynced before
the next step starts); `workspace/` is where the steps write. Secrets are never written here.
A `running` run whose process is gone reads as `interrupted`; a folder that is not a readable run
reads as `broken`, so neither is ever invisible or mistaken for a live run.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from scaffolder.errors import Problem, RunError

Status = Literal["running", "failed", "interrupted", "done", "broken"]
FINISHED: tuple[Status, ...] = ("failed", "interrupted", "done", "broken")  # no process is working on these
# The answers that name the service a run makes, in the order golden paths and foreign formats use them.
NAME_KEYS = ("name", "component_id", "project_slug", "repo_name", "project_name", "name_of_repo")


def new_run_id(template: str) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    return f"{stamp}-{template}-{secrets.token_hex(3)}"


@cache
def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
    except OSError:
        return ""


def process_token(pid: int) -> str | None:
    """What tells this process apart from a later one given the same pid: the boot and the
    process's start time (Linux `/proc`); None where that cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
    except OSError:
        return None
    start = stat.rsplit(")", 1)[-1].split()[19]  # field 22, counted after the command name
    return f"{_boot_id()}:{start}"


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
    # The process running it (pid, host, start token), so a run whose process died is not `running`.
    pid: int | None = None
    host: str | None = None
    process: str | None = None
    # What the run made outside its folder: {"repository": url, "catalog_entry": ref, ...}.
    created: dict[str, str] = field(default_factory=dict)

    def claim(self) -> None:
        """Mark this process as the one running the run."""
        self.pid, self.host, self.process = os.getpid(), socket.gethostname(), process_token(os.getpid())

    def alive(self) -> bool:
        """Whether the process that last ran it may still be running (unknown counts as alive)."""
        if self.pid is None or self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            pass
        return self.process is None or process_token(self.pid) in (None, self.process)


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
        """The run of that id; a folder that is not a readable run is named as broken."""
        run = cls(runs_dir / run_id)
        if "/" in run_id or run_id.startswith(".") or not (run.folder.is_dir() or run.folder.is_symlink()):
            known = sorted(p.name for p in runs_dir.iterdir()) if runs_dir.is_dir() else []
            hint = f"; recent: {', '.join(known[-3:])}" if known else ""
            raise RunError(f"no run {run_id!r} under {runs_dir}{hint}")
        reason = broken_reason(run.folder)
        if reason is not None:
            raise RunError(
                f"run {run_id} is broken ({reason}); it cannot be resumed, remove it with: scaffold runs rm {run_id}",
                [Problem(str(run.folder), reason)],
            )
        return run

    def info(self) -> RunInfo:
        try:
            data = json.loads(self.info_path.read_text(encoding="utf-8"))
            known = {f.name for f in fields(RunInfo)}
            if not isinstance(data, dict) or set(data) - known:
                raise TypeError(
                    f"not a run: unknown keys {sorted(set(data) - known) if isinstance(data, dict) else data}"
                )
            return RunInfo(**data)
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

    def remove(self) -> None:
        """Delete the run's folder (a broken one too)."""
        if self.folder.is_symlink() or not self.folder.is_dir():
            self.folder.unlink(missing_ok=True)
        else:
            shutil.rmtree(self.folder)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def broken_reason(folder: Path) -> str | None:
    """Why `folder` is not a readable run, or None when it is one."""
    if folder.is_symlink() or not folder.is_dir():
        return "not a folder"
    run = Run(folder)
    if not run.info_path.is_file():
        held = sorted(p.name for p in folder.iterdir())
        return f"no run.json (it holds {', '.join(held[:5]) if held else 'nothing'})"
    try:
        run.info()
    except RunError as exc:
        return f"run.json is unreadable: {exc.problems[0].message if exc.problems else exc.message}"
    except OSError as exc:
        return f"run.json is unreadable: {exc.strerror or exc}"
    return None


def service_name(answers: dict[str, Any]) -> str:
    """The name of the service a run makes (its `name` answer or a foreign format's like it); "" if none."""
    for key in NAME_KEYS:
        if isinstance(answers.get(key), str) and answers[key]:
            return str(answers[key])
    return ""


def current(info: RunInfo) -> RunInfo:
    """`info` as it stands now: a `running` run whose process is gone is `interrupted` (resumable)."""
    if info.status == "running" and not info.alive():
        info.status = "interrupted"
        info.error = info.error or f"the process running it (pid {info.pid}) is gone; finish it with scaffold resume"
    return info


def broken(folder: Path, reason: str) -> RunInfo:
    """A stand-in for a folder that is not a readable run, so listings show it."""
    return RunInfo(folder.name, "?", "?", "", "", {}, [], "", "", status="broken", error=reason)


DURATION = re.compile(r"(\d+)([smhdw])")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """Seconds in a duration such as `30m`, `12h`, `7d` or `1w2d`; ValueError for anything else."""
    parts = DURATION.findall(text.strip())
    if not parts or "".join(n + u for n, u in parts) != text.strip():
        raise ValueError(f"{text!r} is not a duration; write a number and a unit (s, m, h, d, w), e.g. 7d or 12h")
    return float(sum(int(n) * UNITS[u] for n, u in parts))


def age(info: RunInfo, runs_dir: Path) -> float:
    """Seconds since the run started (its folder's last change when `run.json` is unreadable)."""
    try:
        started = datetime.fromisoformat(info.started_at).timestamp()
    except ValueError:
        try:
            started = (runs_dir / info.run_id).lstat().st_mtime
        except OSError:
            return 0.0
    return max(0.0, time.time() - started)


def list_runs(runs_dir: Path) -> list[RunInfo]:
    """Every run folder, oldest first: readable runs as they stand now, the others as `broken`."""
    if not runs_dir.is_dir():
        return []
    out = []
    for folder in sorted(runs_dir.iterdir()):
        if folder.name.startswith("."):
            continue
        reason = broken_reason(folder)
        out.append(broken(folder, reason) if reason is not None else current(Run(folder).info()))
    return out
