"""`scaffold template lint PATH... [--base REF] [-o json]`: text and JSON output, exit codes."""

from __future__ import annotations

from pathlib import Path

from scaffolder.registry import load_registry
from tests.cli.conftest import Invoke, as_json
from tests.guild.test_lint import LIBRARY, committed, golden, line_of
from tests.helpers import MINIMAL


def test_builtin_golden_paths_are_ok(invoke: Invoke) -> None:
    paths = sorted(str(p) for p in LIBRARY.iterdir() if (p / "template.yaml").is_file())
    result = invoke("template", "lint", *paths)
    assert result.stdout.splitlines() == [f"{p}: ok" for p in paths]
    assert as_json(invoke("template", "lint", "-o", "json", *paths)) == []
    assert invoke("template", "lint", str(LIBRARY)).stdout.splitlines() == [f"{p}: ok" for p in paths]


def test_problems_of_every_path_as_text_and_exit_1(invoke: Invoke, tmp_path: Path) -> None:
    good = golden(tmp_path / "a")
    bad = golden(tmp_path / "b", MINIMAL.replace("action: repo:create", "action: repo:creat"))
    (bad / "skeleton" / "README.md").write_text("# {{ values.name }}\n{{ values.nmae }}\n")
    result = invoke("template", "lint", str(good), str(bad / "template.yaml"), code=1)
    line = line_of(bad / "template.yaml", "repo:creat")
    assert result.stdout.splitlines() == [
        f"{good}: ok",
        f"{bad}/skeleton/README.md:2: values.nmae is undefined: it is not a parameter (secrets never reach "
        "skeletons) [skeleton-undefined]",
        f"{bad}/template.yaml:{line}: step publish: unknown action 'repo:creat' (installed: "
        f"{', '.join(load_registry().ids())}) [unknown-action]",
    ]
    assert "2 problem(s) in 1 of 2 golden path(s)" in result.stderr


def test_json_lists_file_line_rule_message(invoke: Invoke, tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("  owner: group:test-guild\n", ""))
    data = as_json(invoke("template", "lint", "--output", "json", str(folder), code=1))
    assert data == [
        {
            "file": str(folder / "template.yaml"),
            "line": line_of(folder / "template.yaml", "metadata:"),
            "rule": "owner",
            "message": "metadata.owner: is required",
        }
    ]


def test_base_ref_finds_a_missing_version_bump(invoke: Invoke, tmp_path: Path) -> None:
    folder = committed(tmp_path)
    invoke("template", "lint", "--base", "HEAD", str(folder))
    (folder / "skeleton" / "README.md").write_text("changed\n")
    data = as_json(invoke("template", "lint", "--base", "HEAD", "-o", "json", str(folder), code=1))
    assert [(d["rule"], d["line"]) for d in data] == [("version-bump", line_of(folder / "template.yaml", "version:"))]


def test_usage_errors_exit_2(invoke: Invoke, tmp_path: Path) -> None:
    assert "Missing argument" in invoke("template", "lint", code=2).stderr
    assert "does not exist" in invoke("template", "lint", str(tmp_path / "nope"), code=2).stderr


def test_a_folder_without_template_yaml_is_a_problem(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("template", "lint", str(tmp_path), code=1)
    assert result.stdout == f"{tmp_path}/template.yaml: no template.yaml in {tmp_path} [template-format]\n"
