"""Expected failures: each carries a one-line message (plus the problems it found) and an exit code.

Anything that is not a `ScaffoldError` is a bug: the CLI writes its traceback to a log file and
exits 3. The tree::

    ScaffoldError (exit 1)
    ├── TemplateError            a golden path cannot be found, loaded or validated
    │   └── TemplateNotFound
    ├── AnswersError             answers break the parameters' rules (every problem listed)
    ├── ActionError              unknown or duplicate action, bad step input
    ├── RenderError              an expression or skeleton file fails to render, a path escapes
    ├── ForgeError               the forge refused or could not be reached
    │   └── RepoConflict         the repo exists with other content
    ├── CatalogError             the catalog refused or could not be reached
    ├── RunError                 a run cannot be found or resumed
    ├── ConfigError              the config file or environment is wrong
    ├── UnresolvedConflicts      an upgrade's conflicts (markers, unmerged paths) are still there
    └── Interrupted (exit 130)   Ctrl-C; the journal is kept, `scaffold resume` finishes the run

Exit codes: 0 ok, 1 the user's input or template is wrong or a remote refused, 2 usage
(click), 3 unexpected (traceback in a log file), 4 an upgrade left conflicts to resolve,
130 interrupted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

EXIT_OK = 0
EXIT_INPUT = 1
EXIT_USAGE = 2
EXIT_BUG = 3
EXIT_CONFLICTS = 4
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is (file:line, a parameter, a step) and what."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class ScaffoldError(Exception):
    """An expected failure with a one-line summary and, optionally, every problem found."""

    exit_code = EXIT_INPUT

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        self.message = message
        self.problems = tuple(problems)
        # Machine-readable facts for JSON output, e.g. what a failed run created and how to finish it.
        self.details: dict[str, object] = {}
        super().__init__(self.render())

    def render(self) -> str:
        """The full message: the summary, then one indented line per problem."""
        lines = [self.message]
        lines.extend(f"  - {p}" for p in self.problems)
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "problems": [{"where": p.where, "message": p.message} for p in self.problems],
            "exit_code": self.exit_code,
            **self.details,
        }


class TemplateError(ScaffoldError):
    """A golden path cannot be loaded or is invalid."""


class TemplateNotFound(TemplateError):
    """No golden path of that name or path."""


class AnswersError(ScaffoldError):
    """Answers break the parameters' rules."""


class ActionError(ScaffoldError):
    """An action is unknown, registered twice, or given input it does not accept."""


class RenderError(ScaffoldError):
    """An expression or a skeleton file failed to render, or a rendered path escapes."""


class ForgeError(ScaffoldError):
    """The forge refused a request or could not be reached."""


class RepoConflict(ForgeError):
    """A repo of that name exists and holds other content."""


class RateLimited(ForgeError):
    """The forge's rate limit refused a call; `retry_at` (epoch seconds) says when it may be tried
    again, None when the forge did not say (the shared write budget then decides)."""

    def __init__(self, message: str, retry_at: float | None = None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class CatalogError(ScaffoldError):
    """The catalog refused a request or could not be reached."""


class RunError(ScaffoldError):
    """A run cannot be found or resumed."""


class UnresolvedConflicts(ScaffoldError):
    """The last upgrade's conflicts are not resolved yet: another upgrade would bury them."""


class ConfigError(ScaffoldError):
    """The configuration is wrong."""


class Interrupted(ScaffoldError):
    """The user pressed Ctrl-C; the run's journal is kept so it can be resumed."""

    exit_code = EXIT_INTERRUPTED
