"""What the commands print: results on stdout, errors and progress on stderr, each URL once, a
batch's lines naming their service, rich drawing only on a terminal, and the README's example."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Invoke, as_json

ROOT = Path(__file__).resolve().parents[2]
NEW = ["new", "backend-service", "--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]
URL = re.compile(r"(?:file|sqlite|https?)://\S+")


class Terminal(io.StringIO):
    """A stream that says it is a terminal, as a real one does."""

    def isatty(self) -> bool:
        return True


def test_new_prints_each_url_once_as_the_readme_shows(invoke: Invoke, scaffold_home: Path) -> None:
    out = invoke(*NEW).stdout
    repo = f"file://{scaffold_home}/forge/local/orders-api.git"
    entry = f"sqlite://{scaffold_home}/catalog.db#component:default/orders-api"
    # `repository:` and `clone: git clone URL`, then the catalog entry: never again as the golden path's links
    assert [u.rstrip(")") for u in URL.findall(out)] == [repo, repo, entry]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```\nCreated from ", 1)[1].split("```", 1)[0]

    def labels(text: str) -> list[str]:
        return [re.sub(r"\(run [^)]+\)", "(run ID)", line.split(":", 1)[0]) for line in text.strip().splitlines()]

    assert labels(out) == labels("Created from " + block)


def test_resume_prints_each_url_once(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffolder.catalogs.sqlite import SqliteCatalog
    from scaffolder.errors import CatalogError

    real = SqliteCatalog.register

    def down(self: SqliteCatalog, *args: object, **kwargs: object) -> object:
        raise CatalogError("the catalog is unreachable (injected)")

    monkeypatch.setattr(SqliteCatalog, "register", down)
    run_id = invoke(*NEW, code=1).stderr.split("scaffold resume ")[1].split(")")[0].strip()
    monkeypatch.setattr(SqliteCatalog, "register", real)
    urls = URL.findall(invoke("resume", run_id, "--no-input").stdout)
    assert len(urls) == len(set(urls)) + 1  # the repository URL is shown once, and once in `git clone`


def test_a_failing_service_of_a_batch_goes_to_stderr_and_every_line_names_its_service(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.catalogs.sqlite import SqliteCatalog
    from scaffolder.errors import CatalogError

    real = SqliteCatalog.register

    def flaky(self: SqliteCatalog, entity: Any, location: str, dry_run: bool = False) -> Any:
        if "billing-api" in str(entity) and not dry_run:  # the batch's rehearsal passes, the run fails
            raise CatalogError("the catalog is unreachable (injected)")
        return real(self, entity, location, dry_run)

    monkeypatch.setattr(SqliteCatalog, "register", flaky)
    values = tmp_path / "services.yaml"
    values.write_text("- {name: orders-api, owner: 'group:payments'}\n- {name: billing-api, owner: 'group:payments'}\n")
    result = invoke("new", "backend-service", "-f", str(values), "--no-input", code=1)
    assert "error" not in result.stdout and "unreachable" not in result.stdout, result.stderr
    assert result.stdout.strip(), result.stderr
    assert all(line.startswith("orders-api: ") for line in result.stdout.splitlines())
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors and all(line.startswith("billing-api: error: ") for line in errors)
    assert "unreachable (injected)" in result.stderr
    progress = [line for line in result.stderr.splitlines() if re.search(r"\[\d/\d\]", line)]
    assert {line.split(":")[0] for line in progress} == {"orders-api", "billing-api"}
    values.write_text("- {name: stock-api, owner: 'group:payments'}\n- {name: billing-api2, owner: 'group:payments'}\n")
    result = invoke("new", "backend-service", "-f", str(values), "--no-input", "-o", "json", code=1)
    data = as_json(result)  # the JSON of every service on stdout, the error on stderr too
    assert data["failed"] == 1 and [r["service"] for r in data["results"]] == ["stock-api", "billing-api2"]
    assert "billing-api2: error: " in result.stderr


def test_tables_are_drawn_by_rich_on_a_terminal_only(monkeypatch: pytest.MonkeyPatch) -> None:
    from scaffolder.cli._common import table

    rows, headers = [["orders-api", "done"]], ["SERVICE", "STATUS"]
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert table(rows, headers) == "SERVICE     STATUS\norders-api  done"  # piped: plain, no escapes
    monkeypatch.setattr(sys, "stdout", Terminal())
    drawn = table(rows, headers)
    assert "\x1b[1;36mSERVICE" in drawn and "orders-api" in drawn  # bold cyan headers
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in table(rows, headers)
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert table(rows, headers) == "SERVICE     STATUS\norders-api  done"


def _events() -> list[Any]:
    from scaffolder.runner import Event

    class Step:
        def __init__(self, id: str, action: str) -> None:
            self.id, self.action = id, action

    skeleton, publish = Step("skeleton", "fetch:template"), Step("[bold]publish", "repo:create")
    return [
        Event("start", 1, 2, skeleton),  # type: ignore[arg-type]
        Event("done", 1, 2, skeleton, 0.5),  # type: ignore[arg-type]
        Event("start", 2, 2, publish),  # type: ignore[arg-type]
        Event("done", 2, 2, publish, 0.25),  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "piped"])
def test_step_progress_on_a_terminal_and_piped_and_quiet(monkeypatch: pytest.MonkeyPatch, terminal: bool) -> None:
    from scaffolder.cli._console import Steps

    monkeypatch.setenv("TERM", "xterm")
    stream = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    steps = Steps(quiet=False, batch=True)
    with steps.shown():
        assert (steps.progress is not None) is terminal  # rich draws a bar only on a terminal
        steps.on_service("orders-api")
        for event in _events():
            steps.on_event(event)
    text = stream.getvalue()
    assert "orders-api: [1/2] skeleton (fetch:template) done in 0.50s" in text
    assert "orders-api: [2/2] [bold]publish (repo:create) done in 0.25s" in text  # names are not markup
    if not terminal:
        assert "\x1b" not in text and len(text.splitlines()) == 2
    quiet = Steps(quiet=True)
    monkeypatch.setattr(sys, "stderr", stream := Terminal())
    with quiet.shown():
        for event in _events():
            quiet.on_event(event)
    assert stream.getvalue() == ""


def test_quiet_new_prints_no_progress(invoke: Invoke) -> None:
    result = invoke(*NEW, "--quiet")
    assert result.stderr == "" and "Created from" in result.stdout


def test_rich_is_not_imported_by_help_or_piped_output(scaffold_home: Path) -> None:
    code = (
        "import sys; from scaffolder.cli import cli\n"
        "try: cli.main(sys.argv[1:], standalone_mode=False)\nexcept SystemExit: pass\n"
        "print('rich' in sys.modules)"
    )
    for args in (["--help"], ["runs"], ["list"]):
        run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
        assert run.stdout.strip().splitlines()[-1] == "False", args


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "piped"])
def test_template_test_and_upgrade_progress(monkeypatch: pytest.MonkeyPatch, terminal: bool) -> None:
    from scaffolder.cli._console import busy, spinner

    monkeypatch.setenv("TERM", "xterm")
    stream = Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    with spinner(quiet=False) as say:
        say("mini: rendering example minimal")
        say("mini: [bold] checks passed")
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue()).replace("\r", "\n")
    lines = {line.strip() for line in plain.splitlines()}
    assert {"mini: rendering example minimal", "mini: [bold] checks passed"} <= lines  # each stays, as it is
    with busy("upgrading ."):
        pass
    with busy("asking", enabled=False):
        pass
    if not terminal:
        assert stream.getvalue().count("\n") == 2 and "upgrading" not in stream.getvalue()
    monkeypatch.setattr(sys, "stderr", quiet := Terminal())
    with spinner(quiet=True) as say:
        say("nothing")
    assert quiet.getvalue() == ""
