"""Templates of other formats (tests/formats/fixtures/), copied into git repositories and run
through the command line and the wizard, in-process."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from scaffolder import config, create, git, wizard
from scaffolder.runner import Outcome
from tests.cli.conftest import github_profile, invoke  # noqa: F401 (fixtures the tests here use)

# The fixtures are templates, not tests: their Python files hold Jinja.
collect_ignore_glob = ["fixtures/*"]

FIXTURES = Path(__file__).parent / "fixtures"
BACKSTAGE = FIXTURES / "backstage" / "python-service"
COOKIECUTTER = FIXTURES / "cookiecutter" / "cookiecutter-pyservice"
COPIER = FIXTURES / "copier" / "copier-pyservice"
DATE = "2026-03-01T00:00:00+00:00"

DOWN = "\x1b[B"
ENTER = "\r"
SPACE = " "
CLEAR = "\x15"


def copy(fixture: Path, dest: Path) -> Path:
    """A copy of a fixture template at `dest` (its folder name kept as the last part)."""
    shutil.copytree(fixture, dest)
    return dest


def commit_and_tag(repo: Path, tag: str, message: str = "release") -> str:
    """Commit everything in the work tree `repo` and tag it; returns the commit."""
    git.init(repo)
    git.commit_all(repo, message, DATE)
    return git.tag(repo, tag)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


def run_wizard(ref: str, keys: str, *, trusted: bool = False, given: dict[str, Any] | None = None) -> Outcome:
    """`scaffold new REF` answered through the wizard (keystrokes in a prompt_toolkit pipe), then
    run as `scaffold new` runs it."""
    settings = config.load()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)

        def ask(template: Any, values: Any) -> Any:
            return wizard.ask(template, dict(values), input=pipe, output=DummyOutput())

        prepared = create.prepare(ref, [dict(given or {})], settings, ask=ask)
    results = create.run_prepared(prepared, settings, trusted=trusted)
    outcome = results[0]
    assert isinstance(outcome, Outcome), outcome
    return outcome


Clone = Callable[[str], Path]
