"""GitHub's rate limits: how hard one call tries (PyGithub's `GithubRetry`) and how every answer's
rate-limit signals reach a budget shared with other processes.

The two combine so: `GithubRetry` retries one request in this process (5xx, connection errors,
and rate limits, honouring `Retry-After` and `x-ratelimit-reset` up to `max_rate_limit_wait`); every
answer it sees, refused or not, is shown to the shared budget, which pauses the other processes on
the same token too, and every call waits out that pause before it starts. When `GithubRetry` gives
up, the call fails as `RateLimited` and the budget retries the write once the pause is over.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from github import GithubRetry

if TYPE_CHECKING:
    from github.Requester import Requester


class RateSignals(Protocol):
    """What a shared budget offers a forge (scaffolder.forge_budget.ForgeBudget)."""

    def wait(self) -> None: ...

    def observe(self, status: int, headers: Mapping[str, str]) -> None: ...


Observe = Callable[[int, Mapping[str, str]], None]


class ObservedRetry(GithubRetry):
    """`GithubRetry` that first shows every answer it is asked about to `observe` (the rate-limited
    ones included, before it sleeps on them)."""

    def __init__(self, observe: Observe | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.observe = observe

    def new(self, **kw: Any) -> ObservedRetry:
        kw["observe"] = self.observe
        return super().new(**kw)

    def increment(self, method: Any = None, url: Any = None, response: Any = None, *args: Any, **kwargs: Any) -> Any:
        if response is not None and self.observe is not None:
            self.observe(int(response.status), dict(response.headers))
        return super().increment(method, url, response, *args, **kwargs)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before a GitHub call becomes a `ForgeError`.

    `attempts` retries (after the first try) apply to 5xx answers, rate limits and connection
    errors; `connect_attempts` caps the retries of connection errors (an unreachable host fails
    fast). Backoff between retries is `backoff * 2**(n-1)` seconds up to `backoff_max`, unless the
    answer says how long to wait (`Retry-After`, or a primary limit's `x-ratelimit-reset`). A
    secondary rate limit without `Retry-After` waits `secondary_rate_wait` (GitHub: at least a
    minute). A wait longer than `max_rate_limit_wait` is not waited: it raises at once.
    """

    attempts: int = 5
    connect_attempts: int = 2
    backoff: float = 0.5
    backoff_max: float = 30.0
    secondary_rate_wait: float = 60.0
    max_rate_limit_wait: float = 300.0

    def build(self, observe: Observe | None = None) -> GithubRetry:
        methods = frozenset(GithubRetry.DEFAULT_ALLOWED_METHODS) | {"GET", "POST", "PATCH"}
        return ObservedRetry(
            observe,
            total=self.attempts,
            connect=self.connect_attempts,
            backoff_factor=self.backoff,
            backoff_max=self.backoff_max,
            secondary_rate_wait=self.secondary_rate_wait,
            max_rate_limit_wait=self.max_rate_limit_wait,
            allowed_methods=methods,
        )


class Signals:
    """Connects one forge's calls to a shared budget, once `budget` is set: each call waits out
    the budget's pause first (`before`), and the rate-limit state of its answer is shown after."""

    def __init__(self, requester: Callable[[], Requester]) -> None:
        self.budget: RateSignals | None = None
        self._requester = requester

    def observe(self, status: int, headers: Mapping[str, str]) -> None:
        if self.budget is not None:
            self.budget.observe(status, headers)

    def before(self) -> None:
        if self.budget is not None:
            self.budget.wait()

    def after(self) -> None:
        if self.budget is None:
            return
        requester = self._requester()
        remaining, _limit = requester.rate_limiting
        reset = requester.rate_limiting_resettime
        if remaining >= 0 and reset:
            self.budget.observe(200, {"x-ratelimit-remaining": str(remaining), "x-ratelimit-reset": str(reset)})
