"""Time and memory budgets for rendering untrusted templates.

A template can loop for ever or build a string of many gigabytes with a few characters of Jinja.
Every render of template content (skeleton files, `${{ }}` expressions, cookiecutter and copier
renders) runs inside `limits(what)`: past the time budget, or when an allocation would take the
process past the memory budget, the render stops with `BudgetExceeded` (exit 1) naming `what`.

- **Time**: in the main thread, a `SIGALRM` timer (`setitimer`) interrupts the Python code that
  renders (Jinja's compiled templates are Python). Other threads get a deadline that scaffold's
  own sandbox checks on every call a template makes (`check()`).
- **Memory**: the process's address-space limit (`RLIMIT_AS`) is lowered to what it uses now plus
  the budget for as long as the outermost render lasts, so a huge allocation fails at once with
  `MemoryError` instead of swapping; it is put back afterwards.

The defaults (60 s, 2048 MiB) are far above what an honest template needs; `SCAFFOLD_RENDER_TIMEOUT`
(seconds) and `SCAFFOLD_RENDER_MEMORY` (MiB) or `configure()` change them; 0 switches one off.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from scaffolder.errors import Problem, RenderError

DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MIB = 2048


class BudgetExceeded(RenderError):
    """A render went past its time or memory budget."""


_configured: dict[str, float] = {}
_state = threading.local()
_mem_lock = threading.Lock()
_mem_users = 0
_mem_saved: tuple[int, int] | None = None


def configure(*, seconds: float | None = None, memory_mib: float | None = None) -> None:
    """Set the budgets for this process (the config file's `render_timeout`, `render_memory`)."""
    if seconds is not None:
        _configured["seconds"] = float(seconds)
    if memory_mib is not None:
        _configured["memory"] = float(memory_mib)


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


def _exceeded(what: str, reason: str) -> BudgetExceeded:
    return BudgetExceeded("a render went over its budget", [Problem(what, reason)])


def check() -> None:
    """Raise BudgetExceeded when this thread's render is past its deadline (called by scaffold's
    sandbox on every call a template makes, for renders outside the main thread)."""
    deadline = getattr(_state, "deadline", None)
    if deadline is not None and time.monotonic() > deadline[0]:
        raise _exceeded(deadline[1], f"still rendering after {seconds():g} s (the time budget)")


def _address_space() -> int | None:
    """Bytes of address space this process maps now (Linux), else None."""
    try:
        with open("/proc/self/statm", "rb") as fh:  # noqa: PTH123
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _limit_memory(budget: float) -> bool:
    """Lower RLIMIT_AS to now + budget for the outermost render; True when this call owns it."""
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


@contextmanager
def limits(what: str) -> Iterator[None]:
    """Run the block within the render budgets; `what` (a file, a template) is named on a breach.

    Nested uses share the outermost budget. MemoryError inside the block becomes BudgetExceeded.
    """
    if getattr(_state, "depth", 0) > 0:
        _state.depth += 1
        try:
            yield
        finally:
            _state.depth -= 1
        return
    limit_s = seconds()
    owns_memory = _limit_memory(memory_mib())
    main = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    previous_handler = None
    _state.depth = 1
    if limit_s > 0:
        _state.deadline = (time.monotonic() + limit_s, what)
    try:
        if main and limit_s > 0:

            def on_alarm(signum: int, frame: FrameType | None) -> None:
                raise _exceeded(what, f"still rendering after {limit_s:g} s (the time budget)")

            previous_handler = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, limit_s)
        try:
            yield
        except MemoryError:
            raise _exceeded(
                what, f"needed more than {memory_mib():g} MiB of memory (the memory budget)"
            ) from None
    finally:
        if main and limit_s > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous_handler or signal.SIG_DFL)
        _state.depth = 0
        _state.deadline = None
        if owns_memory:
            _release_memory()
