"""A corpus of broken golden paths and answer files: each gives one clear error (exit 1, no
traceback) and has no side effect (no run folder, no repo, no catalog entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.helpers import MINIMAL, write_template

# (id, old, new, expected text in the error): each mutates the minimal golden path.
TEMPLATES = [
    ("empty-file", MINIMAL, "", "must be a mapping"),
    ("a-list", MINIMAL, "- 1\n- 2\n", "must be a mapping"),
    ("bad-yaml", "kind: GoldenPath", "kind: [GoldenPath", "malformed YAML"),
    ("tab-indent", "  name: mini", "\tname: mini", "malformed YAML"),
    ("wrong-api", "apiVersion: scaffold/v1", "apiVersion: scaffold/v9", "apiVersion"),
    ("wrong-kind", "kind: GoldenPath", "kind: Template", "kind"),
    ("no-metadata-name", "  name: mini\n", "", "metadata.name: is required"),
    ("bad-name", "  name: mini", "  name: Mini_Service!", "metadata.name"),
    ("no-owner", "  owner: group:test-guild\n", "", "metadata.owner: is required"),
    ("bad-lifecycle", "  owner: group:test-guild\n", "  owner: group:test-guild\n  lifecycle: forever\n", "lifecycle"),
    ("bad-version", "version: 1.0.0", "version: v1", "not a semantic version"),
    ("unknown-spec-key", "  version: 1.0.0\n", "  version: 1.0.0\n  colour: red\n", "unknown key"),
    ("bad-param-type", "      type: integer", "      type: float", "type"),
    ("bad-param-id", "    - id: port", "    - id: 2port", "id"),
    ("dup-param", "    - id: owner\n", "    - id: name\n", "duplicate parameter"),
    ("bad-regex", "pattern: '^(group|user):[a-z0-9-]+$'", "pattern: '(['", "invalid regular expression"),
    ("min-over-max", "      minimum: 1024", "      minimum: 99999", "'minimum' is greater than 'maximum'"),
    (
        "choice-without-choices",
        "      type: integer\n      minimum: 1024\n      maximum: 65535\n",
        "      type: choice\n",
        "needs 'choices'",
    ),
    (
        "bounds-on-string",
        "    - id: owner\n      type: string\n",
        "    - id: owner\n      type: string\n      minimum: 3\n",
        "only apply to integer",
    ),
    ("bad-default-type", "      default: 8080", "      default: eighty", "port"),
    ("default-expression-error", "      default: 8080", "      default: '${{ parameters.nope }}'", "nope"),
    ("bad-when", "    - id: api_token\n", "    - id: api_token\n      when: '${{ parameters.nope }}'\n", "nope"),
    ("unknown-action", "action: catalog:write", "action: catalog:wrte", "unknown action 'catalog:wrte'"),
    ("bad-action-id", "action: catalog:write", "action: CatalogWrite", "unknown action"),
    ("bad-step-input-key", "input: {path: skeleton}", "input: {path: skeleton, colour: 1}", "colour: unknown key"),
    ("bad-step-input-type", "input: {path: skeleton}", "input: {path: [1, 2]}", "path"),
    (
        "missing-step-input",
        "        target: ${{ steps.publish.output.catalog_info_url }}\n",
        "        catalog_info_path: catalog-info.yaml\n",
        "target",
    ),
    ("undefined-output", "steps.publish.output.catalog_info_url", "steps.publish.output.nope", "nope"),
    (
        "forward-reference",
        "        name: ${{ parameters.name }}\n        owner:",
        "        name: ${{ steps.publish.output.repo_url }}\n        owner:",
        "publish",
    ),
    ("dup-step", "    - id: register\n", "    - id: publish\n", "duplicate step"),
    (
        "bad-if",
        "    - id: register\n      action: catalog:register\n",
        "    - id: register\n      action: catalog:register\n      if: '${{ parameters.nope }}'\n",
        "nope",
    ),
    (
        "expression-syntax",
        "description: ${{ parameters.name }} service",
        "description: '${{ parameters.name + }}'",
        "description",
    ),
    ("missing-skeleton", "input: {path: skeleton}", "input: {path: nowhere}", "no folder"),
    ("escaping-skeleton", "input: {path: skeleton}", "input: {path: ../../etc}", "resolves outside"),
    ("bad-link", "  output:\n", "  output:\n    text: 5\n    colour: x\n", "unknown key"),
]

# (id, answers file content, expected text)
ANSWERS = [
    ("yaml-syntax", "name: [orders\n", "malformed"),
    ("scalar", "just text\n", "must be a mapping"),
    ("list-of-scalars", "- a\n- b\n", "must be a mapping"),
    ("empty", "", "is empty"),
    ("unknown-key", "name: orders-api\nowner: group:p\ncolour: red\n", "colour: unknown parameter"),
    ("wrong-type", "name: orders-api\nowner: group:p\nport: [1]\n", "port: expected an integer"),
    ("bad-pattern", "name: Orders API\nowner: group:p\n", "did you mean orders-api?"),
    ("bool-for-int", "name: orders-api\nowner: group:p\nport: true\n", "expected an integer"),
    ("out-of-bounds", "name: orders-api\nowner: group:p\nport: 80\n", "at least 1024"),
    ("missing-required", "owner: group:p\n", "name: is required"),
    ("one-bad-service", "- {name: orders-api, owner: 'group:p'}\n- {name: X, owner: 'group:p'}\n", "service 2: name"),
]


def assert_clean_failure(stdout: str, stderr: str, home: Path, expected: str) -> None:
    assert stderr.startswith("error: "), stderr
    assert "Traceback" not in stdout + stderr
    assert expected in stderr, stderr
    for leftover in ("runs", "forge", "catalog.db"):
        assert not (home / leftover).exists(), leftover


@pytest.mark.parametrize(("case", "old", "new", "expected"), TEMPLATES, ids=[t[0] for t in TEMPLATES])
def test_broken_template(
    invoke: Invoke, tmp_path: Path, scaffold_home: Path, case: str, old: str, new: str, expected: str
) -> None:
    assert old in MINIMAL, case
    folder = write_template(tmp_path, MINIMAL.replace(old, new, 1))
    result = invoke(
        "new", str(folder), "--no-input", "--set", "name=orders-api", "--set", "owner=group:payments", code=1
    )
    assert_clean_failure(result.stdout, result.stderr, scaffold_home, expected)


@pytest.mark.parametrize(("case", "content", "expected"), ANSWERS, ids=[a[0] for a in ANSWERS])
def test_broken_answers(
    invoke: Invoke, tmp_path: Path, scaffold_home: Path, case: str, content: str, expected: str
) -> None:
    folder = write_template(tmp_path)
    values = tmp_path / "values.yaml"
    values.write_text(content)
    result = invoke("new", str(folder), "--no-input", "-f", str(values), code=1)
    assert_clean_failure(result.stdout, result.stderr, scaffold_home, expected)


def test_the_corpus_is_big_enough() -> None:
    assert len(TEMPLATES) + len(ANSWERS) >= 30
