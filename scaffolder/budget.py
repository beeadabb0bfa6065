"""Time and memory budgets for rendering untrusted templates.

A template can loop for ever or build a string of many gigabytes with a few characters of Jinja.
Every render of template content (skeleton files, `${{ }}` expressions, cookiecutter and copier
renders) runs inside `limits(what)`: past the time budget, or when an allocation would take the
process past the memory budget, the render stops with `BudgetExceeded` (exit 1) naming `what`
(the innermost `limits` when they nest; the outermost one's budget holds for the whole block).

- **Time**: in the main thread, a `SIGALRM` timer (`setitimer`) interrupts the Python code that
  renders (Jinja's compiled templates are Python). In other threads (a campaign's, `template
  test`'s) a watchdog thread raises `OutOfTime` in the rendering thread at its deadline
  (`PyThreadState_SetAsyncExc`), and scaffold's sandbox also checks the deadline on every call a
  template makes (`check()`). Neither can stop one long C call, which is why the sandbox refuses
  the operators that make one (`scaffolder.sandbox`).
- **Memory**: the process's address-space limit (`RLIMIT_AS`) is lowered to what it uses now plus
  the budget for as long as the outermost render lasts, so a huge allocation fails at once with
  `MemoryError` (which becomes `OutOfMemory`) instead of swapping; it is put back afterwards.

The defaults (60 s, 2048 MiB) are far above what an honest template needs. They are set by the
config file's top-level `render_timeout` (seconds) and `render_memory` (MiB) through `configure()`,
and the environment variables `SCAFFOLD_RENDER_TIMEOUT` and `SCAFFOLD_RENDER_MEMORY` win over
both; 0 switches one off.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from scaffolder.errors import Problem, RenderError

DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MIB = 2048
SUMMARY = "a render went over its budget"


class BudgetExceeded(RenderError):
    """A render went past its time or memory budget."""


class _State(threading.local):
    """Per thread: the names of the nested `limits` blocks, and the outermost one's deadline."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.deadline: float | None = None
        self.seconds = 0.0
        self.watch: int | None = None  # the watchdog's token for this thread's render


_state = _State()


def _current() -> str:
    return _state.names[-1] if _state.names else "a render"


class OutOfTime(BudgetExceeded):
    """A render is still running at its deadline. Built without arguments, in the thread that
    renders (a signal handler or the watchdog raise the class), so it names that thread's file."""

    def __init__(self) -> None:
        reason = f"still rendering after {_state.seconds:g} s (the time budget)"
        super().__init__(SUMMARY, [Problem(_current(), reason)])


class OutOfMemory(BudgetExceeded):
    """A render needed more memory than its budget."""

    def __init__(self, what: str) -> None:
        reason = f"needed more than {memory_mib():g} MiB of memory (the memory budget)"
        super().__init__(SUMMARY, [Problem(what, reason)])


_configured: dict[str, float] = {}


def configure(*, seconds: float | None = None, memory_mib: float | None = None) -> None:
    """Set the budgets for this process (the config file's `render_timeout`, `render_memory`)."""
    if seconds is not None:
        _configured["seconds"] = max(0.0, float(seconds))
    if memory_mib is not None:
        _configured["memory"] = max(0.0, float(memory_mib))


def _setting(key: str, env: str, default: float) -> float:
    raw = os.environ.get(env)
    if raw:
        try:
            return max(0.0, float(raw))
        except ValueError:
            pass
    return _configured.get(key, default)


def seconds() -> float:
    """The time budget of one render, in seconds (0: none)."""
    return _setting("seconds", "SCAFFOLD_RENDER_TIMEOUT", DEFAULT_SECONDS)


def memory_mib() -> float:
    """The memory budget of one render, in MiB above what the process already uses (0: none)."""
    return _setting("memory", "SCAFFOLD_RENDER_MEMORY", DEFAULT_MEMORY_MIB)


def check() -> None:
    """Raise OutOfTime when this thread's render is past its deadline (called by scaffold's
    sandbox on every call a template makes)."""
    deadline = _state.deadline
    if deadline is not None and time.monotonic() > deadline:
        # One OutOfTime is enough: the timer's or the watchdog's would land while this one is handled.
        _state.deadline = None  # a SIGALRM already on its way is ignored (_on_alarm)
        if _state.watch is not None:
            _watchdog.disarm(_state.watch)
            _state.watch = None
        raise OutOfTime()


class _Watchdog:
    """One daemon thread that raises `OutOfTime` in rendering threads (not the main one, which
    has SIGALRM) when their deadline passes."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: dict[int, tuple[float, int]] = {}  # token -> (deadline, thread ident)
        self._token = 0
        self._thread: threading.Thread | None = None

    def arm(self, deadline: float) -> int:
        with self._cond:
            self._token += 1
            self._due[self._token] = (deadline, threading.get_ident())
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="scaffold-render-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
            return self._token

    def disarm(self, token: int) -> None:
        with self._cond:
            if self._due.pop(token, None) is None:
                # It fired: withdraw the exception if the thread has not received it yet.
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(threading.get_ident()), None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                for token, (deadline, ident) in list(self._due.items()):
                    if deadline <= now:
                        del self._due[token]
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(OutOfTime))
                nearest = min((d for d, _ in self._due.values()), default=None)
                self._cond.wait(None if nearest is None else max(0.0, nearest - now) + 0.001)


_watchdog = _Watchdog()

_mem_lock = threading.Lock()
_mem_users = 0
_mem_saved: tuple[int, int] | None = None
_used_cache: tuple[float, int] | None = None  # (when, bytes): statm is read at most twice a second


def _address_space() -> int | None:
    """Bytes of address space this process maps now (Linux), else None."""
    global _used_cache
    now = time.monotonic()
    if _used_cache is not None and now - _used_cache[0] < 0.5:
        return _used_cache[1]
    try:
        with open("/proc/self/statm", "rb") as fh:  # noqa: PTH123
            used = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None
    _used_cache = (now, used)
    return used


def _limit_memory(budget: float) -> bool:
    """Lower RLIMIT_AS to now + budget while any render runs; True when this call must release."""
    global _mem_users, _mem_saved
    try:
        import resource
    except ImportError:  # not on this platform
        return False
    with _mem_lock:
        _mem_users += 1
        if _mem_users > 1:
            return True
        used = _address_space()
        if used is None or budget <= 0:
            return True
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = used + int(budget * 1024 * 1024)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft != resource.RLIM_INFINITY and soft <= want:
            return True  # already as strict
        try:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
            _mem_saved = (soft, hard)
        except (ValueError, OSError):
            pass
        return True


def _release_memory() -> None:
    global _mem_users, _mem_saved
    import resource

    with _mem_lock:
        _mem_users -= 1
        if _mem_users == 0 and _mem_saved is not None:
            resource.setrlimit(resource.RLIMIT_AS, _mem_saved)
            _mem_saved = None


_alarm_before: Any = None  # the SIGALRM handler there was before scaffold's


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    if _state.deadline is not None:  # inside a render, not already out of time
        raise OutOfTime()
    if callable(_alarm_before):
        _alarm_before(signum, frame)


def _install_alarm() -> None:
    """Install `_on_alarm` unless it is the handler already (installing and restoring it per
    render costs more than most renders); it hands alarms outside renders to the one it replaced."""
    global _alarm_before
    if signal.getsignal(signal.SIGALRM) is not _on_alarm:
        _alarm_before = signal.signal(signal.SIGALRM, _on_alarm)


@contextmanager
def limits(what: str) -> Iterator[None]:
    """Run the block within the render budgets; `what` (a file, a template) is named on a breach.

    Nested uses share the outermost budget and name the innermost `what`. MemoryError inside the
    block becomes OutOfMemory.
    """
    names = _state.names
    names.append(what)
    try:
        if len(names) > 1:
            try:
                yield
            except MemoryError:
                raise OutOfMemory(what) from None
            return
        with _outermost():
            try:
                yield
            except MemoryError:
                raise OutOfMemory(what) from None
    finally:
        names.pop()


@contextmanager
def _outermost() -> Iterator[None]:
    """Arm the time budget (SIGALRM in the main thread, the watchdog elsewhere) and the memory
    budget for the outermost `limits` of this thread; disarm both however the block ends."""
    limit_s = seconds()
    owns_memory = _limit_memory(memory_mib())
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    token = None
    _state.seconds = limit_s
    if limit_s > 0:
        _state.deadline = time.monotonic() + limit_s
    try:
        if limit_s > 0 and main:
            _install_alarm()
            signal.setitimer(signal.ITIMER_REAL, limit_s)
        elif limit_s > 0:
            token = _state.watch = _watchdog.arm(_state.deadline or 0.0)
        yield
    finally:
        _state.deadline = None
        if token is not None and _state.watch is not None:
            _watchdog.disarm(token)
        _state.watch = None
        if limit_s > 0 and main:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if owns_memory:
            _release_memory()
