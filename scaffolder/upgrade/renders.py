"""Renders shared by the repos of a campaign: each (golden path release, answers) pair is rendered
once per campaign, not once per repo.

A campaign upgrades many repos from the same release to the same release, and repos made with
the same answers (and the same recorded run id and date) render to the same files: the render
is a pure function of those (`Runner.render` is a dry run that touches nothing else). While a
campaign runs (`shared()`), `render` keeps the collected files of each render and hands them to
the next repo that asks for the same one, with the values the render learned from secrets (so
redaction still hides them); a copy of the rendered folder is kept too, for an upgrade whose
migrations run on the old render (they change it in place, so each gets its own copy). Outside a
campaign nothing is kept.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.merge import State
from scaffolder.parameters import Answers
from scaffolder.render import scratch_dir
from scaffolder.runner import Runner
from scaffolder.template import Template

KEEP = 16  # renders kept at once (two per version step and set of answers); the oldest goes first


@dataclass(frozen=True)
class _Render:
    template: Template  # held so its id is not reused while the entry lives
    files: dict[str, State]
    derived: frozenset[str]
    folder: Path | None = None  # a copy of the rendered folder (inside a campaign)


class _Cache:
    """The renders of one campaign, shared by its threads; each render is made by one thread
    while the others asking for it wait. The rendered folders are kept under `folder`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._entries: OrderedDict[tuple[Any, ...], _Render] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[tuple[Any, ...], threading.Lock] = {}
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...], make: Callable[[], _Render]) -> _Render:
        with self._lock:
            maker = self._making.setdefault(key, threading.Lock())
        with maker:
            with self._lock:
                found = self._entries.get(key)
                if found is not None:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return found
            made = make()  # a failure is not kept: the next repo meets it again
            with self._lock:
                self.misses += 1
                self._entries[key] = made
                while len(self._entries) > KEEP:
                    self._entries.popitem(last=False)
                self._making.pop(key, None)
            return made


_active: list[_Cache] = []
_active_lock = threading.Lock()


@contextmanager
def shared() -> Iterator[_Cache]:
    """While the block lasts, renders are shared (a campaign wraps its run in it)."""
    with tempfile.TemporaryDirectory(prefix="scaffold-renders-", dir=scratch_dir()) as folder:
        cache = _Cache(Path(folder))
        with _active_lock:
            _active.append(cache)
        try:
            yield cache
        finally:
            with _active_lock:
                _active.remove(cache)


def _current() -> _Cache | None:
    with _active_lock:
        return _active[-1] if _active else None


def _key(template: Template, answers: Answers, run_id: str, started_at: str, trusted: bool) -> tuple[Any, ...] | None:
    """What a render depends on, or None when the answers cannot be compared as JSON."""
    try:
        values = json.dumps(answers.values, sort_keys=True)
    except (TypeError, ValueError):
        return None
    return (id(template), values, tuple(sorted(answers.secret)), run_id, started_at, trusted)


def render(
    runner: Runner,
    template: Template,
    answers: Answers,
    dest: Path,
    collect: Callable[[Path], dict[str, State]],
    *,
    run_id: str,
    started_at: str,
    on_disk: bool = False,
) -> dict[str, State]:
    """The files `runner.render` makes for (template, answers), collected: rendered into `dest`,
    or, inside `shared()`, taken from an earlier repo's identical render (`dest` then holds a copy
    of that render when `on_disk`, else nothing)."""
    cache = _current()
    key = _key(template, answers, run_id, started_at, runner.trusted) if cache is not None else None
    if cache is None or key is None:
        runner.render(template, answers, dest, run_id=run_id, started_at=started_at)
        return collect(dest)

    def make() -> _Render:
        before = set(answers.derived)
        runner.render(template, answers, dest, run_id=run_id, started_at=started_at)
        kept = Path(tempfile.mkdtemp(dir=cache.folder))
        shutil.copytree(dest, kept, symlinks=True, dirs_exist_ok=True)
        return _Render(template, collect(dest), frozenset(answers.derived - before), kept)

    made = cache.get(key, make)
    if made.derived:
        answers.learn(made.derived)
    if on_disk and not dest.exists() and made.folder is not None:
        shutil.copytree(made.folder, dest, symlinks=True)
    return dict(made.files)  # the states are frozen; the dict is the caller's to change
