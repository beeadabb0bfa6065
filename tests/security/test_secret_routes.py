"""Route 4 of the attack corpus, "secrets shown": a marker secret pushed through every error path.

- validation errors of integer, choice and multi-choice secrets, and type mismatches from a values
  file, for each format that has secrets (native, Backstage, copier; cookiecutter has none);
- values computed from a secret (a filter, a concatenation) in `debug:log`, the journal, the plan,
  `run.json`, the record, commits, resume and dry runs;
- forge and catalog errors whose answer echoes the request's Authorization header;
- crash logs.

After each, every output, every file under `$SCAFFOLD_HOME` and `git log -p --all` of every repo
are grepped (`sweep`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.cli.conftest import Invoke, github_profile  # noqa: F401
from tests.helpers import MINIMAL, write_template
from tests.security.attack import NATIVE_STEPS, Scene, backstage_template, copier_template, native_template
from tests.security.test_secrets import MARKER, sweep, two_releases
from tests.servers.github_api import GitHubServer

SECRET_FORMATS = ("native", "backstage", "copier")  # cookiecutter has no secret questions

NATIVE_SECRETS = """\
    - id: pin
      type: integer
      secret: true
      required: false
    - id: vault
      type: choice
      choices: [alpha, beta]
      secret: true
      required: false
    - id: scopes
      type: multi-choice
      choices: [read, write]
      secret: true
      required: false
    - id: token
      type: string
      secret: true
      required: false
"""

BACKSTAGE_SECRETS = """\
        pin: {type: integer, 'ui:widget': password}
        vault: {type: string, enum: [alpha, beta], 'ui:field': Secret}
        scopes: {type: array, items: {type: string, enum: [read, write]}, 'ui:widget': password}
        token: {type: string, 'ui:field': Secret}
"""

COPIER_SECRETS = """\
slug: {type: str, default: victim-svc}
pin: {type: int, secret: true, default: 1}
vault: {type: str, choices: [alpha, beta], secret: true, default: alpha}
scopes: {type: str, choices: [read, write], multiselect: true, secret: true, default: [read]}
token: {type: str, secret: true, default: none}
"""


def secret_template(root: Path, fmt: str) -> Path:
    """A template of format `fmt` with a secret integer, choice, multi-choice and text parameter."""
    if fmt == "native":
        folder = native_template(root, {"README.md": "# {{ values.name }}\n"})
        text = (folder / "template.yaml").read_text()
        (folder / "template.yaml").write_text(text.replace("  steps:\n", NATIVE_SECRETS + "  steps:\n", 1))
        return folder
    if fmt == "backstage":
        folder = backstage_template(root, {"README.md": "# ${{ values.name }}\n"})
        text = (folder / "template.yaml").read_text()
        anchor = "        name: {type: string, default: victim-svc}\n"
        (folder / "template.yaml").write_text(text.replace(anchor, anchor + BACKSTAGE_SECRETS, 1))
        return folder
    return copier_template(root, COPIER_SECRETS, {"README.md.jinja": "# {{ slug }}\n"})


# (parameter, value): a secret that breaks its parameter's type or choices.
BAD_SETS = [
    ("pin", MARKER),  # integer
    ("vault", MARKER),  # choice
    ("scopes", f"read,{MARKER}"),  # multi-choice
]
BAD_VALUES = [
    ("token", [MARKER]),  # text given as a list
    ("token", {"key": MARKER}),  # text given as a mapping
    ("pin", [MARKER]),
    ("pin", {"key": MARKER}),
    ("vault", [MARKER]),
    ("vault", {"key": MARKER}),
    ("scopes", {"key": MARKER}),
    ("scopes", [MARKER]),
]


@pytest.mark.parametrize("fmt", SECRET_FORMATS)
@pytest.mark.parametrize(("param", "value"), BAD_SETS, ids=[p for p, _ in BAD_SETS])
def test_a_bad_secret_given_with_set_is_not_echoed(
    scene: Scene, tmp_path: Path, fmt: str, param: str, value: str
) -> None:
    folder = secret_template(tmp_path / "tpl", fmt)
    for extra in ([], ["-o", "json"]):
        result = scene.run("new", str(folder), "--no-input", "--set", f"{param}={value}", *extra, code=1)
        assert param in result.stderr  # the message still says which answer is wrong
        scene.assert_harmless(result, secrets=(MARKER,))
        sweep(scene.home, result.stdout, result.stderr)


@pytest.mark.parametrize("fmt", SECRET_FORMATS)
@pytest.mark.parametrize(("param", "value"), BAD_VALUES, ids=[f"{p}-{type(v).__name__}" for p, v in BAD_VALUES])
def test_a_secret_of_the_wrong_type_in_a_values_file_is_not_echoed(
    scene: Scene, tmp_path: Path, fmt: str, param: str, value: object
) -> None:
    folder = secret_template(tmp_path / "tpl", fmt)
    values = tmp_path / "values.yaml"
    values.write_text(yaml.safe_dump({param: value}))
    for extra in ([], ["-o", "json"]):
        result = scene.run("new", str(folder), "--no-input", "-f", str(values), *extra, code=1)
        assert param in result.stderr
        assert "hidden" in result.stderr or "got a" in result.stderr  # says what is wrong, not the value
        scene.assert_harmless(result, secrets=(MARKER,))


# --- values computed from a secret --------------------------------------------------------------

UPPER = MARKER.upper()
SWAPPED = MARKER.replace("tok_", "kot_")
DERIVED = (MARKER, UPPER, SWAPPED)

NATIVE_DEBUG = """\
    - id: shout
      action: debug:log
      input: {message: 'token ${{ parameters.token | upper }}'}
    - id: swap
      action: debug:log
      input: {message: "${{ parameters.token | replace('tok_', 'kot_') }}"}
    - id: joined
      action: debug:log
      input: {message: "${{ parameters.name ~ ':' ~ (parameters['token'] | upper) }}"}
"""

BACKSTAGE_DEBUG = """\
    - id: shout
      action: debug:log
      input: {message: 'token ${{ secrets.token | upper }}'}
    - id: swap
      action: debug:log
      input: {message: "${{ parameters.token | replace('tok_', 'kot_') }}"}
    - id: joined
      action: debug:log
      input: {message: "${{ parameters.name ~ ':' ~ (parameters.token | upper) }}"}
"""


def derived_template(root: Path, fmt: str) -> Path:
    """A golden path whose `debug:log` steps print values computed from the secret `token`."""
    if fmt == "native":
        folder = native_template(root, {"README.md": "# {{ values.name }}\n"}, steps=NATIVE_DEBUG + NATIVE_STEPS)
        text = (folder / "template.yaml").read_text()
        (folder / "template.yaml").write_text(text.replace("  steps:\n", NATIVE_SECRETS + "  steps:\n", 1))
        return folder
    steps = (
        BACKSTAGE_DEBUG
        + """\
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values: {name: '${{ parameters.name }}'}
"""
    )
    folder = backstage_template(root, {"README.md": "# ${{ values.name }}\n"}, steps=steps)
    text = (folder / "template.yaml").read_text()
    anchor = "        name: {type: string, default: victim-svc}\n"
    (folder / "template.yaml").write_text(text.replace(anchor, anchor + BACKSTAGE_SECRETS, 1))
    return folder


@pytest.mark.parametrize("fmt", ["native", "backstage"])
def test_values_computed_from_a_secret_are_masked_everywhere(
    invoke: Invoke, scaffold_home: Path, tmp_path: Path, fmt: str
) -> None:
    folder = derived_template(tmp_path / "tpl", fmt)
    outputs: list[str] = []
    for extra in (["--dry-run"], ["--dry-run", "-o", "json"], ["-o", "json"]):
        result = invoke("new", str(folder), "--no-input", "--set", f"token={MARKER}", *extra)
        assert result.stderr.count("[debug:log] ********\n") == 3  # each message is logged, masked
        outputs += [result.stdout, result.stderr]
    done = json.loads(outputs[-2])
    assert done["status"] == "done" and done["steps"]["shout"]["message"] == "********"
    outputs.append(invoke("runs", "-o", "json").stdout)
    sweep(scaffold_home, *outputs, markers=DERIVED)


def test_a_derived_value_in_a_failed_step_and_its_resume(
    invoke: Invoke, scaffold_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.catalogs.sqlite import SqliteCatalog
    from scaffolder.errors import CatalogError

    folder = derived_template(tmp_path / "tpl", "native")
    real = SqliteCatalog.register

    def down(self: SqliteCatalog, *args: object, **kwargs: object) -> object:
        raise CatalogError(f"catalog unreachable while holding {UPPER} and {SWAPPED}")

    monkeypatch.setattr(SqliteCatalog, "register", down)
    failed = invoke("new", str(folder), "--no-input", "--set", f"token={MARKER}", "-o", "json", code=1)
    run_id = json.loads(failed.stdout)["run_id"]
    assert "********" in failed.stderr
    monkeypatch.setattr(SqliteCatalog, "register", real)
    resumed = invoke("resume", run_id, "--no-input", "--set", f"token={MARKER}", "-o", "json")
    assert json.loads(resumed.stdout)["status"] == "done"
    assert "[debug:log]" not in resumed.stderr  # finished steps are replayed, not logged again
    sweep(scaffold_home, failed.stdout, failed.stderr, resumed.stdout, resumed.stderr, markers=DERIVED)


def test_a_parameter_computed_from_a_secret_is_secret(invoke: Invoke, scaffold_home: Path, tmp_path: Path) -> None:
    folder = native_template(tmp_path / "tpl", {"README.md": "# {{ values.name }}\n"})
    derived = """\
    - id: token
      type: string
      secret: true
    - id: header
      type: string
      default: Bearer ${{ parameters.token | upper }}
"""
    text = (folder / "template.yaml").read_text()
    (folder / "template.yaml").write_text(text.replace("  steps:\n", derived + "  steps:\n", 1))
    result = invoke("new", str(folder), "--no-input", "--set", f"token={MARKER}", "-o", "json")
    sweep(scaffold_home, result.stdout, result.stderr, markers=DERIVED)
    [info] = [json.loads(p.read_text()) for p in (scaffold_home / "runs").glob("*/run.json")]
    assert "header" not in info["answers"]
    assert info["secret_parameters"] == ["token"]  # computed again on resume, never asked for


@pytest.mark.parametrize(
    "where",
    [
        "input: {message: '${{ {}[parameters.token | upper] }}'}",  # Jinja quotes the missing key
        "input: {message: '${{ ({}) }}'}\n      if: '${{ {}[parameters.token | upper] }}'",
        "each: '${{ {}[parameters.token | upper] }}'\n      input: {message: x}",
    ],
    ids=["input", "if", "each"],
)
def test_an_expression_error_that_quotes_a_derived_value_is_not_echoed(
    scene: Scene, tmp_path: Path, where: str
) -> None:
    steps = f"""\
    - id: shout
      action: debug:log
      {where}
"""
    folder = native_template(tmp_path / "tpl", {"README.md": "x\n"}, steps=steps)
    text = (folder / "template.yaml").read_text()
    (folder / "template.yaml").write_text(text.replace("  steps:\n", NATIVE_SECRETS + "  steps:\n", 1))
    for extra in ([], ["-o", "json"]):
        result = scene.run("new", str(folder), "--no-input", "--set", f"token={MARKER}", *extra, code=1)
        assert "the expression reads a secret" in result.stderr
        scene.assert_harmless(result, secrets=DERIVED)


def test_a_default_computed_from_a_secret_that_fails_is_not_echoed(scene: Scene, tmp_path: Path) -> None:
    folder = native_template(tmp_path / "tpl", {"README.md": "x\n"})
    params = """\
    - id: token
      type: string
      secret: true
    - id: header
      type: string
      default: ${{ {}[parameters.token | upper] }}
"""
    text = (folder / "template.yaml").read_text()
    (folder / "template.yaml").write_text(text.replace("  steps:\n", params + "  steps:\n", 1))
    for extra in ([], ["-o", "json"]):
        result = scene.run("new", str(folder), "--no-input", "--set", f"token={MARKER}", *extra, code=1)
        assert "header" in result.stderr and "the expression reads a secret" in result.stderr
        scene.assert_harmless(result, secrets=DERIVED)


# --- forge and catalog errors that echo the token -----------------------------------------------


def test_a_github_error_echoing_the_authorization_header_is_masked(
    invoke: Invoke,
    github_profile: GitHubServer,  # noqa: F811
    scaffold_home: Path,
    tmp_path: Path,
) -> None:
    token = github_profile.token
    echo = f"Authorization: token {token}"
    body = {
        "message": f"Validation failed ({echo})",
        "errors": [{"resource": "Repository", "field": "name", "message": f"request had {echo}"}],
    }
    golden = write_template(tmp_path / "tpl", MINIMAL)
    outputs: list[str] = []
    for extra in ([], ["-o", "json"]):
        github_profile.inject(422, method="POST", path=r"/repos$", body=body)
        result = invoke(
            "new", str(golden), "--no-input", "--set", "name=orders-api", "--set", "owner=group:pay", *extra, code=1
        )
        assert "422" in result.stderr and "********" in result.stderr
        outputs += [result.stdout, result.stderr]
    for text in outputs:
        assert token not in text
    for path in scaffold_home.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path


class _EchoBackstage(BaseHTTPRequestHandler):
    """A catalog that fails every request with an error quoting the request's Authorization header."""

    def _fail(self) -> None:
        body = json.dumps(
            {"error": {"name": "Error", "message": f"cannot serve {self.headers.get('Authorization')}"}}
        ).encode()
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = _fail  # noqa: N815 (http.server's naming)
    do_POST = _fail  # noqa: N815
    do_DELETE = _fail  # noqa: N815

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def echo_backstage() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoBackstage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("where", ["env", "config"])
def test_a_backstage_error_echoing_the_token_is_masked(
    invoke: Invoke,
    scaffold_home: Path,
    tmp_path: Path,
    echo_backstage: str,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    token = "bs_" + MARKER
    auth = 'token_env = "MY_CATALOG_TOKEN"\n' if where == "env" else f'token = "{token}"\n'
    config = tmp_path / "config.toml"  # the user's file, outside the home scaffold writes in
    monkeypatch.setenv("SCAFFOLD_CONFIG", str(config))
    config.write_text(
        f'default_profile = "bs"\n[profiles.bs.catalog]\nkind = "backstage"\nbase_url = "{echo_backstage}"\n{auth}'
    )
    monkeypatch.setenv("MY_CATALOG_TOKEN", token)
    golden = write_template(tmp_path / "tpl", MINIMAL)
    outputs: list[str] = []
    for extra in ([], ["-o", "json"]):
        result = invoke(
            "new",
            str(golden),
            "--no-input",
            "--set",
            f"name=svc-{len(extra)}",
            "--set",
            "owner=group:pay",
            *extra,
            code=1,
        )
        assert "cannot serve Bearer ********" in result.stderr
        outputs += [result.stdout, result.stderr]
    sweep(scaffold_home, *outputs, markers=(token, MARKER))


# --- crash logs ---------------------------------------------------------------------------------


def test_a_crash_log_holds_no_token_and_no_derived_secret(
    invoke: Invoke, scaffold_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder.catalogs.sqlite import SqliteCatalog

    token = "ghp_" + MARKER
    monkeypatch.setenv("GITHUB_TOKEN", token)

    def boom(self: SqliteCatalog, *args: object, **kwargs: object) -> object:
        raise RuntimeError(f"bug while holding {token} and {UPPER} and {SWAPPED}")

    monkeypatch.setattr(SqliteCatalog, "register", boom)
    folder = derived_template(tmp_path / "tpl", "native")
    outputs: list[str] = []
    for extra in ([], ["-o", "json"]):
        result = invoke(
            "new",
            str(folder),
            "--no-input",
            "--set",
            f"name=svc-{len(extra)}",
            "--set",
            f"token={MARKER}",
            *extra,
            code=3,
        )
        assert "the traceback is in" in result.stderr
        outputs += [result.stdout, result.stderr]
    logs = list((scaffold_home / "logs").glob("crash-*.log"))
    assert logs and all("bug while holding" in log.read_text() for log in logs)
    sweep(scaffold_home, *outputs, markers=(token, *DERIVED))


def test_upgrade_and_migrate_re_render_with_the_taint(
    invoke: Invoke, scaffold_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scaffolder import config

    debug = "    - id: shout\n      action: debug:log\n      input: {message: '${{ parameters.api_token | upper }}'}\n"
    folder = write_template(tmp_path / "tpl", MINIMAL.replace("  steps:\n", "  steps:\n" + debug, 1))
    two_releases(folder, tmp_path / "lib", monkeypatch)
    outputs: list[str] = []
    for name in ("alpha", "beta"):
        made = invoke(
            "new",
            "mini@1.0.0",
            "--no-input",
            "--set",
            f"name={name}",
            "--set",
            "owner=group:pay",
            "--set",
            f"api_token={MARKER}",
        )
        outputs += [made.stdout, made.stderr]
    forge = config.open_forge(config.load())
    repo = forge.get_repo("local", "alpha")
    assert repo is not None
    clone = forge.clone(repo, tmp_path / "alpha")
    up = invoke("upgrade", str(clone), "--no-input", "--set", f"api_token={MARKER}", "-o", "json")
    migrated = invoke("migrate", "mini", "--repo", "beta", "--set", f"api_token={MARKER}", "-o", "json")
    assert '"state": "opened"' in migrated.stdout
    assert "[debug:log] ********" in up.stderr  # the re-render logs it again, masked
    outputs += [up.stdout, up.stderr, migrated.stdout, migrated.stderr]
    for path in clone.rglob("*"):
        if path.is_file():
            assert UPPER.encode() not in path.read_bytes(), path
    sweep(scaffold_home, *outputs, markers=DERIVED)
