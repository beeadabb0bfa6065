"""Running a golden path's `spec.checks` (the generated project's own tests) in a rendered example.

Each check is an argv list run without a shell in the rendered project, with a timeout; `python`
(or `python3`) as the command means the given environment's interpreter (`check_env`: built from
the project's declared dependencies, its `bin` first on PATH), or else the one scaffold runs on.
A failing check keeps the tail of its output for the report.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scaffolder.errors import ScaffoldError
from scaffolder.expressions import render_value, truthy
from scaffolder.parameters import Answers
from scaffolder.plan import expression_context
from scaffolder.template import Check, Template

TAIL_LINES = 25
PYTHON_NAMES = ("python", "python3")


@dataclass
class CheckResult:
    """One check's outcome in one rendered example."""

    name: str
    command: list[str]
    ok: bool
    seconds: float
    exit_code: int | None = None  # None: it could not start, or timed out
    output: str = ""  # the tail of stdout and stderr, kept when it failed
    timed_out: bool = False

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "command": self.command,
            "exit_code": self.exit_code,
        }
        if not self.ok:
            data["output"] = self.output
        return data


def _tail(text: str, lines: int = TAIL_LINES) -> str:
    kept = text.rstrip().splitlines()[-lines:]
    return "\n".join(kept)


def _argv(check: Check, context: dict[str, Any]) -> list[str]:
    return [str(a) for a in render_value(check.run, context, f"checks.{check.name}.run")]


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: int) -> tuple[int | None, str]:
    """(exit code or None, combined output); the whole process group is stopped on timeout."""
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except OSError as exc:
        return None, f"cannot run {argv[0]}: {exc.strerror or exc}"
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        text = out.decode("utf-8", "replace")
        return None, f"{text}\n(timed out after {timeout} s)"
    return proc.returncode, out.decode("utf-8", "replace")


def _environment(python: Path | None) -> dict[str, str]:
    """The checks' environment variables: the given virtual environment's `bin` first on PATH."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if python is not None:
        env["VIRTUAL_ENV"] = str(python.parent.parent)
        env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
        env.pop("PYTHONHOME", None)
    return env


def run_checks(
    template: Template, answers: Answers, project: Path, python: Path | None = None, timeout: int | None = None
) -> list[CheckResult]:
    """Run every check whose `when` holds, in order, in `project` (with `python` for `python`
    commands, each stopped after its own timeout or `timeout`, the sooner); failures do not stop
    the others."""
    context = expression_context(template, answers.values, {}, "render")
    base_env = _environment(python)
    results = []
    for check in template.model.spec.checks:
        try:
            if not truthy(check.when, context, f"checks.{check.name}.when"):
                continue
            argv = _argv(check, context)
        except ScaffoldError as exc:
            results.append(CheckResult(check.name, list(check.run), False, 0.0, None, exc.render()))
            continue
        env = {**base_env, **check.env}
        began = time.perf_counter()
        interpreter = str(python) if python is not None else sys.executable
        executable = [interpreter, *argv[1:]] if argv[0] in PYTHON_NAMES else argv
        limit = min(check.timeout, timeout) if timeout else check.timeout
        code, output = _run(executable, project, env, limit)
        seconds = time.perf_counter() - began
        ok = code == 0
        late = code is None and output.endswith(f"(timed out after {limit} s)")
        results.append(CheckResult(check.name, argv, ok, seconds, code, "" if ok else _tail(output), late))
    return results
