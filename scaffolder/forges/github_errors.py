"""Failed GitHub calls as one clear `ForgeError` each, with the token masked everywhere.

Every PyGithub call of the GitHub forge runs through `GitHubErrors.call` (or `find`, which turns
"not there" answers into None): one place decides how a rate limit, a rejected token, a 4xx or 5xx
answer and an unreachable host read, and no message or problem it produces holds the token.
"""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, NoReturn, TypeVar

from github import GithubException, RateLimitExceededException
from github.GithubException import BadCredentialsException, RateLimitExceededExceedsMaxWait

from scaffolder import redact
from scaffolder.errors import ForgeError, Problem, RateLimited

_T = TypeVar("_T")
_MASK = "********"
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")

Explain = Callable[[GithubException], "ForgeError | None"]
"""Turns an answer the caller expects (a 404 meaning "no such team") into its own error, or None."""


class GitHubErrors:
    """How the failures of one forge's GitHub calls read; `attempts` and `max_wait` (seconds) come
    from its retry policy, `base_url` names the server."""

    def __init__(self, token: str, base_url: str, attempts: int, max_wait: float) -> None:
        self._secrets = [token, basic_auth(token)]
        self.base_url = base_url
        self.attempts = attempts
        self.max_wait = max_wait
        # around every call: wait out a shared rate budget's pause, then show it the answer's limits
        self.before: Callable[[], None] | None = None
        self.after: Callable[[], None] | None = None

    def scrub(self, text: str) -> str:
        """`text` with the token (and its Basic-auth form) masked."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, _MASK)
        return text

    def call(self, what: str, func: Callable[[], _T], explain: Explain | None = None) -> _T:
        """`func()`, or one masked ForgeError ("cannot WHAT: ...") when GitHub or the network fails;
        `explain` words the answers the caller expects."""
        if self.before is not None:
            self.before()
        try:
            return func()
        except GithubException as exc:
            explained = explain(exc) if explain is not None else None
            self._fail(what, exc, explained)
        except OSError as exc:  # requests' ConnectionError, Timeout and RetryError
            self._fail(what, exc)
        finally:
            if self.after is not None:
                self.after()

    def find(
        self, what: str, func: Callable[[], _T], absent: Collection[int] = (404,), explain: Explain | None = None
    ) -> _T | None:
        """Like `call`, but an answer whose status is in `absent` means "not there": None."""

        def attempt() -> _T | None:
            try:
                return func()
            except GithubException as exc:
                if exc.status in absent:
                    return None
                raise

        return self.call(what, attempt, explain)

    def _fail(self, what: str, exc: Exception, explained: ForgeError | None = None) -> NoReturn:
        raise redact.error(explained or self._error(what, exc), self._secrets) from None

    def _error(self, what: str, exc: Exception) -> ForgeError:
        if isinstance(exc, RateLimitExceededExceedsMaxWait):
            return RateLimited(
                self.scrub(
                    f"cannot {what}: GitHub's rate limit would need a wait of about "
                    f"{exc.wait:.0f}s (more than {self.max_wait:.0f}s); try again later"
                ),
                time.time() + (exc.wait or 0.0),
            )
        if isinstance(exc, GithubException) and (isinstance(exc, RateLimitExceededException) or _limited(exc)):
            return RateLimited(
                self.scrub(
                    f"cannot {what}: GitHub's rate limit was still exceeded after "
                    f"{self.attempts} retries ({message(exc)}); try again later"
                ),
                retry_at(exc.headers or {}),
            )
        if isinstance(exc, BadCredentialsException) or (isinstance(exc, GithubException) and exc.status == 401):
            return ForgeError(
                f"cannot {what}: GitHub at {self.base_url} rejected the token (401 "
                f"{message(exc) or 'Bad credentials'}); check that it is valid, not expired, "
                "and meant for this server"
            )
        if isinstance(exc, GithubException):
            problems = [Problem(str(e.get("field") or e.get("resource") or ""), describe(e)) for e in errors(exc)]
            if exc.status >= 500:
                return ForgeError(
                    self.scrub(
                        f"cannot {what}: GitHub kept failing ({exc.status} {message(exc)}) "
                        f"after {self.attempts} retries"
                    )
                )
            return ForgeError(self.scrub(f"cannot {what}: GitHub answered {exc.status} {message(exc)}"), problems)
        if isinstance(exc, OSError):
            return self._network_error(what, str(exc))
        return ForgeError(self.scrub(f"cannot {what}: {type(exc).__name__}: {exc}"))

    def _network_error(self, what: str, text: str) -> ForgeError:
        status = re.search(r"too many (\d{3}) error responses", text)
        if status and status.group(1) in ("403", "429"):
            return RateLimited(
                self.scrub(
                    f"cannot {what}: GitHub's rate limit was still exceeded after {self.attempts} retries; "
                    "try again later"
                )
            )
        if status:
            return ForgeError(
                self.scrub(f"cannot {what}: GitHub kept failing ({status.group(1)}) after {self.attempts} retries")
            )
        return ForgeError(self.scrub(f"cannot {what}: GitHub at {self.base_url} cannot be reached ({short(text)})"))


def _limited(exc: GithubException) -> bool:
    """A rate-limit answer PyGithub raises as a plain GithubException (a 429, a 403 saying so)."""
    return exc.status == 429 or (exc.status == 403 and "rate limit" in message(exc).lower())


def retry_at(headers: Mapping[str, Any]) -> float | None:
    """When a rate-limited answer says the call may be tried again (epoch seconds), if it says."""
    found = {str(k).lower(): str(v) for k, v in headers.items()}
    try:
        if "retry-after" in found:
            return time.time() + float(found["retry-after"])
        if found.get("x-ratelimit-remaining") == "0" and "x-ratelimit-reset" in found:
            return float(found["x-ratelimit-reset"]) + 1
    except ValueError:
        pass
    return None


def basic_auth(token: str) -> str:
    """The Basic-auth credentials git sends for a token (`x-access-token:TOKEN`, base64)."""
    return base64.b64encode(f"x-access-token:{token}".encode()).decode()


def check_name(value: str, what: str) -> str:
    """`value` when it is a valid GitHub owner or repo name, else a ForgeError naming the rule."""
    if not _NAME.match(value) or value in (".", ".."):
        raise ForgeError(
            f"invalid {what} name {value!r}",
            [Problem(what, "use 1-100 of A-Z a-z 0-9 . _ -, not '.' or '..'")],
        )
    return value


def message(exc: GithubException) -> str:
    """The first line of GitHub's `message` in an error answer."""
    data = exc.data
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return str(data["message"]).splitlines()[0]
    return exc.message or ""


def errors(exc: GithubException) -> list[dict[str, Any]]:
    """The `errors` list of a validation-failed answer, each as a dict."""
    data = exc.data
    found = data.get("errors") if isinstance(data, dict) else None
    return [e if isinstance(e, dict) else {"message": str(e)} for e in found or []]


def describe(error: dict[str, Any]) -> str:
    """One entry of `errors` as words."""
    if error.get("message"):
        return str(error["message"])
    parts = [str(error.get(k)) for k in ("resource", "field", "code") if error.get(k)]
    return " ".join(parts) or "invalid"


def short(text: str, limit: int = 300) -> str:
    """`text` on one line, cut to `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
