"""One write budget per forge and token, shared by every scaffold process on this machine.

Campaign shards run as separate processes on one token; GitHub counts their requests together. The
budget's state lives in a small JSON file under `$SCAFFOLD_HOME/budget/` guarded by a file lock: the
next moment a write may start (writes are spaced by a floor interval across all processes) and a
pause until which nobody calls the forge (set from the forge's own signals: `x-ratelimit-remaining`
low -> until `x-ratelimit-reset`; `Retry-After`; a secondary limit). A write refused by a rate limit
pauses everyone and is retried, after `check` looked whether it went through after all.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from filelock import FileLock

from scaffolder.errors import RateLimited

_T = TypeVar("_T")
OnWait = Callable[[float, str], None]
"""Told when this process starts waiting out a pause: (until, epoch seconds; why)."""


class ForgeBudget:
    """The shared budget of one forge and token (`key`), kept in `folder`.

    `interval`: seconds between two writes of any process. `reserve`: when the forge says fewer
    requests than this remain, everyone pauses until its reset. `secondary_wait`: the pause after a
    secondary limit that names no time (GitHub: at least a minute). `max_wait`: a write that would
    need to wait longer in all raises instead.
    """

    def __init__(
        self,
        key: str,
        folder: Path,
        interval: float = 0.0,
        *,
        reserve: int = 20,
        secondary_wait: float = 60.0,
        max_wait: float = 3600.0,
        attempts: int = 50,
        on_wait: OnWait | None = None,
    ) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        self.path = folder / f"{digest}.json"
        self._lock = FileLock(str(folder / f"{digest}.lock"))
        self._threads = threading.Lock()  # one thread of this process in the file at a time
        self.interval = max(0.0, interval)
        self.reserve = reserve
        self.secondary_wait = secondary_wait
        self.max_wait = max_wait
        self.attempts = attempts
        self.on_wait = on_wait
        self._local = threading.local()
        self._told = 0.0

    # -- shared state ------------------------------------------------------------------------

    def _update(self, change: Callable[[dict[str, Any]], _T]) -> _T:
        """Read the shared state, let `change` edit it, write it back; all under the file lock."""
        with self._threads, self._lock:
            try:
                state = json.loads(self.path.read_text())
            except (OSError, ValueError):
                state = {}
            if not isinstance(state, dict):
                state = {}
            before = dict(state)
            result = change(state)
            if state != before:
                tmp = self.path.with_suffix(".tmp")
                tmp.write_text(json.dumps(state))
                tmp.replace(self.path)
            return result

    def paused_until(self) -> tuple[float, str]:
        """Until when everyone waits (epoch seconds, 0 when nobody does) and why."""
        return self._update(lambda s: (float(s.get("until", 0.0)), str(s.get("why", ""))))

    def pause(self, until: float, why: str) -> None:
        """Make every process wait until `until` (a later pause already set is kept)."""

        def change(state: dict[str, Any]) -> None:
            if until > float(state.get("until", 0.0)):
                state["until"], state["why"] = until, why

        self._update(change)

    # -- waiting -----------------------------------------------------------------------------

    def waited(self) -> float:
        """Seconds this thread has waited for the budget so far (a campaign reports it per repo)."""
        return float(getattr(self._local, "waited", 0.0))

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)
        self._local.waited = self.waited() + seconds

    def _tell(self, until: float, why: str) -> None:
        if self.on_wait is not None and until > self._told:
            self._told = until
            self.on_wait(until, why)

    def wait(self) -> None:
        """Return once no pause holds (any call to the forge, reads too, waits here first)."""
        while True:
            until, why = self.paused_until()
            left = until - time.time()
            if left <= 0:
                return
            self._tell(until, why)
            self._sleep(min(left, 5.0))  # look again: another process may have moved it

    def _take_slot(self) -> None:
        """Wait for this process's turn to write: after any pause and `interval` after the last write."""

        def take(state: dict[str, Any]) -> tuple[float, str]:
            now = time.time()
            ready = max(float(state.get("next", 0.0)), float(state.get("until", 0.0)))
            if ready <= now:
                state["next"] = now + self.interval
                return 0.0, ""
            paused = float(state.get("until", 0.0)) > now
            return ready, str(state.get("why", "")) if paused else ""

        while True:
            ready, why = self._update(take)
            if not ready:
                return
            if why:
                self._tell(ready, why)
            self._sleep(min(max(ready - time.time(), 0.0), 5.0))

    def write(self, action: Callable[[], _T], check: Callable[[], _T | None] | None = None) -> _T:
        """Run one forge write in its turn. Refused by a rate limit, it pauses everyone and runs
        again once the pause is over; `check` first looks whether it went through after all (its
        non-None answer is returned instead of writing twice)."""
        began = time.time()
        for attempt in range(1, self.attempts + 1):
            self._take_slot()
            if attempt > 1 and check is not None:
                done = check()
                if done is not None:
                    return done
            try:
                return action()
            except RateLimited as exc:
                # when the forge said nothing, back off 1, 2, 4... seconds (the pause it may have set holds too)
                backoff = min(self.secondary_wait, 2.0 ** (attempt - 1))
                until = exc.retry_at if exc.retry_at is not None else time.time() + backoff
                if until - began > self.max_wait or attempt == self.attempts:
                    raise
                self.pause(until, exc.message)
        raise AssertionError("unreachable")

    __call__ = write

    # -- the forge's signals -----------------------------------------------------------------

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        """Read a forge answer's rate-limit signals and pause everyone when they say so."""
        found = {k.lower(): v for k, v in headers.items()}
        now = time.time()
        retry_after = _retry_after(found.get("retry-after"), now)
        if status in (403, 429) and retry_after is not None:
            self.pause(retry_after, f"the forge asked to retry after {retry_after - now:.0f}s")
            return
        remaining, reset = _number(found.get("x-ratelimit-remaining")), _number(found.get("x-ratelimit-reset"))
        if remaining is not None and reset is not None and remaining <= self.reserve and reset > now:
            self.pause(reset + 1, f"{remaining:.0f} requests left until the rate limit resets")
        elif status == 429:
            self.pause(now + self.secondary_wait, "secondary rate limit")


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _retry_after(value: str | None, now: float) -> float | None:
    """`Retry-After` (seconds, or an HTTP date) as an epoch time."""
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return now + max(seconds, 0.0)
    try:
        return email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None


def for_forge(forge: object, interval: float = 0.0, on_wait: OnWait | None = None) -> ForgeBudget:
    """The budget shared by every process using `forge` (its `budget_key()`, or its kind and
    folder), spaced by `interval` or the forge's own `min_write_interval`, whichever is longer;
    a forge that reads rate-limit signals (`use_budget`) is connected to it."""
    from scaffolder import config

    key_of = getattr(forge, "budget_key", None)
    key = str(key_of()) if callable(key_of) else f"{getattr(forge, 'kind', 'forge')}:{getattr(forge, 'root', '')}"
    floor = float(getattr(forge, "min_write_interval", 0.0) or 0.0)
    budget = ForgeBudget(key, config.home() / "budget", max(interval, floor), on_wait=on_wait)
    use = getattr(forge, "use_budget", None)
    if callable(use):
        use(budget)
    return budget
