"""Server-side template injection: a corpus of payloads, in skeleton files and in template.yaml
expressions, each refused with a clear error, nothing created, nothing leaked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.helpers import MINIMAL, write_template

# Classic SSTI payloads (attribute walks to globals, subclasses, os, builtins, file reads).
PAYLOADS = [
    "''.__class__.__mro__[1].__subclasses__()",
    "''.__class__.__base__.__subclasses__()[59]",
    "values.__class__.__init__.__globals__",
    "cycler.__init__.__globals__.os.popen('id').read()",
    "joiner.__init__.__globals__",
    "namespace.__init__.__globals__['os']",
    "lipsum.__globals__['os'].popen('cat /etc/passwd').read()",
    "lipsum.__globals__.__builtins__.open('/etc/passwd').read()",
    "range.__self__",
    "self.__init__.__globals__",
    "''['__class__']['__mro__']",
    "()|attr('__class__')|attr('__base__')|attr('__subclasses__')()",
    "values|attr('__class__')",
    "''.format.__globals__",
    "'{0.__class__.__mro__}'.format('')",
    "'%s'.__mod__.__self__.__class__",
    "config.items()",
    "request.application.__globals__.__builtins__",
    "open('/etc/passwd').read()",
    "__import__('os').system('id')",
    "dict.__subclasses__()",
    "[].__class__.__base__.__subclasses__()",
    "template.__class__.__init__.__globals__",
    "(1).__class__.__base__.__subclasses__()",
    "x.__getattribute__('__class__')",
    "''.__class__.__dict__",
    "values.items.__self__.__class__.__mro__",
]
BLOCK_PAYLOADS = [
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% set x = ''.__class__ %}{{ x.__mro__ }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}{{ os }}",
    "{% extends '/etc/passwd' %}",
    "{% from 'os' import system %}{{ system }}",
]
ARGS = ["--no-input", "--set", "name=orders-api", "--set", "owner=group:payments"]


def assert_refused(result_stdout: str, result_stderr: str, home: Path) -> None:
    text = result_stdout + result_stderr
    assert "Traceback" not in text
    assert "root:" not in text and "uid=" not in text  # nothing read, nothing ran
    assert "<class" not in text and "subclasses" not in text.split("\n", 1)[0]  # nothing leaked
    assert not (home / "runs").exists() and not (home / "forge").exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_skeleton_payload_is_refused(invoke: Invoke, tmp_path: Path, scaffold_home: Path, payload: str) -> None:
    folder = write_template(tmp_path, files={"README.md": "hello\n{{ " + payload + " }}\n"})
    result = invoke("new", str(folder), *ARGS, code=1)
    assert "README.md:2" in result.stderr
    assert_refused(result.stdout, result.stderr, scaffold_home)


@pytest.mark.parametrize("payload", BLOCK_PAYLOADS)
def test_skeleton_block_payload_is_refused(invoke: Invoke, tmp_path: Path, scaffold_home: Path, payload: str) -> None:
    folder = write_template(tmp_path, files={"x.txt": payload + "\n"})
    result = invoke("new", str(folder), *ARGS, code=1)
    assert "x.txt" in result.stderr
    assert_refused(result.stdout, result.stderr, scaffold_home)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_expression_payload_is_refused(invoke: Invoke, tmp_path: Path, scaffold_home: Path, payload: str) -> None:
    text = MINIMAL.replace(
        "description: ${{ parameters.name }} service", "description: '${{ " + payload.replace("'", "''") + " }}'"
    )
    folder = write_template(tmp_path, text)
    result = invoke("new", str(folder), *ARGS, code=1)
    assert "description" in result.stderr
    assert_refused(result.stdout, result.stderr, scaffold_home)


@pytest.mark.parametrize("payload", PAYLOADS[:8])
def test_payload_in_a_path_name_is_refused(invoke: Invoke, tmp_path: Path, scaffold_home: Path, payload: str) -> None:
    folder = write_template(tmp_path, files={"{{ " + payload.replace("/", "") + " }}.txt": "x"})
    result = invoke("new", str(folder), *ARGS, code=1)
    assert_refused(result.stdout, result.stderr, scaffold_home)


def test_payload_in_an_answer_is_just_text(invoke: Invoke, tmp_path: Path, scaffold_home: Path) -> None:
    """Answers are data, never templates: a payload typed as an answer is rendered verbatim."""
    text = MINIMAL.replace("      pattern: '^[a-z][a-z0-9-]{1,61}[a-z0-9]$'\n", "", 1)
    folder = write_template(
        tmp_path,
        text.replace("    - id: api_token\n", "    - {id: motto, type: string}\n    - id: api_token\n"),
        files={"README.md": "{{ values.motto }}\n"},
    )
    payload = "{{ ''.__class__.__mro__ }}"
    invoke(
        "new",
        str(folder),
        "--no-input",
        "-q",
        "--set",
        "name=orders-api",
        "--set",
        "owner=group:payments",
        "--set",
        f"motto={payload}",
    )
    from scaffolder import config

    forge = config.open_forge(config.load())
    repo = forge.get_repo("local", "orders-api")
    assert repo is not None
    assert forge.read_file(repo, "README.md") == (payload + "\n").encode()
