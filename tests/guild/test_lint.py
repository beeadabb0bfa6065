"""`scaffolder.guild.lint`: one test per kind of bad golden path, each naming the file and line, and the
built-in golden paths lint clean."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from scaffolder.guild.lint import RULES, Finding, lint, lint_path
from scaffolder.sources import cut_release
from tests.helpers import MINIMAL, write_template

LIBRARY = Path(__file__).resolve().parents[2] / "golden_paths"
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n- First release.\n"
EXAMPLE = "name: orders-api\nowner: group:payments\n"


def golden(tmp_path: Path, template_yaml: str = MINIMAL, files: dict[str, str | bytes] | None = None) -> Path:
    """A golden path that lints clean unless the arguments break it."""
    folder = write_template(tmp_path, template_yaml, files)
    (folder / "CHANGELOG.md").write_text(CHANGELOG)
    (folder / "examples").mkdir(exist_ok=True)
    (folder / "examples" / "minimal.yaml").write_text(EXAMPLE)
    return folder


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line of `path` containing `needle`."""
    return next(i for i, text in enumerate(path.read_text().splitlines(), 1) if needle in text)


def only(findings: list[Finding], rule: str) -> Finding:
    picked = [f for f in findings if f.rule == rule]
    assert len(picked) == 1, findings
    return picked[0]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def committed(tmp_path: Path, **kwargs: object) -> Path:
    """A golden path in a git repository, committed (so `--base HEAD` sees later edits)."""
    folder = golden(tmp_path, **kwargs)  # type: ignore[arg-type]
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "v1")
    return folder


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


# --- clean --------------------------------------------------------------------------------


def test_a_valid_golden_path_has_no_findings(tmp_path: Path) -> None:
    assert lint_path(golden(tmp_path)) == []


@pytest.mark.parametrize("name", sorted(p.name for p in LIBRARY.iterdir() if (p / "template.yaml").is_file()))
def test_every_builtin_golden_path_lints_clean(name: str) -> None:
    assert lint_path(LIBRARY / name) == []


def test_a_path_to_template_yaml_is_the_same_as_its_folder(tmp_path: Path) -> None:
    folder = golden(tmp_path)
    edit(folder / "template.yaml", "action: repo:create", "action: repo:creat")
    assert lint_path(folder / "template.yaml") == lint_path(folder)


def test_every_rule_is_documented() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "guilds.md").read_text()
    assert [rule for rule in RULES if f"`{rule}`" not in doc] == []


# --- bad input: the cases -----------------------------------------------------------


def test_syntax_error_in_a_skeleton_file(tmp_path: Path) -> None:
    folder = golden(tmp_path, files={"README.md": "# {{ values.name }}\n\nport {{ values.port | }}\n"})
    finding = only(lint_path(folder), "skeleton-syntax")
    assert (finding.file, finding.line) == (str(folder / "skeleton" / "README.md"), 3)


def test_syntax_error_in_a_skeleton_file_name(tmp_path: Path) -> None:
    folder = golden(tmp_path, files={"{{ values.name | snake }/x.py": "x = 1\n"})
    finding = only(lint_path(folder), "skeleton-syntax")
    assert finding.file == str(folder / "skeleton" / "{{ values.name | snake }" / "x.py")
    assert finding.message.startswith("file name: ")


def test_only_a_skeleton_symlink_that_leads_out_is_a_finding(tmp_path: Path) -> None:
    folder = golden(tmp_path, files={"README.md": "hi\n", "docs/guide.md": "guide\n"})
    (folder / "skeleton" / "docs" / "readme.md").symlink_to("../README.md")  # inside: fine
    (folder / "skeleton" / "manual").symlink_to("docs")
    (folder / "skeleton" / "spec.yaml").symlink_to("../template.yaml")  # inside the golden path only
    finding = only(lint_path(folder), "skeleton-symlink")
    assert finding.file == str(folder / "skeleton" / "spec.yaml")
    assert finding.message == "is a symlink to ../template.yaml, which leads out of the generated project"


def test_unknown_filter_in_a_skeleton_file(tmp_path: Path) -> None:
    folder = golden(tmp_path, files={"a.txt": "\n{{ values.name | snakecase }}\n"})
    finding = only(lint_path(folder), "skeleton-syntax")
    assert (finding.line, finding.message) == (2, "unknown filter 'snakecase'")


def test_undefined_variable_in_a_skeleton_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "README.md": (
            "# {{ values.name }}\n\n{{ values.nmae }}\n{% for x in values.name %}{{ x }}{{ loop.index }}{% endfor %}"
        ),
        "b.txt": "{% set n = 2 %}{{ n }} {{ range(n) | list }}\n{{ version }}\n",
        "c.txt": "{{ values.api_token }} {{ template.name }} {{ template.owner }}\n",
    }
    folder = golden(tmp_path, files=files)
    found = {(Path(f.file).name, f.line, f.message) for f in lint_path(folder) if f.rule == "skeleton-undefined"}
    assert found == {
        ("README.md", 3, "values.nmae is undefined: it is not a parameter (secrets never reach skeletons)"),
        ("b.txt", 2, "'version' is undefined: a skeleton sees values and template"),
        ("c.txt", 1, "values.api_token is undefined: it is not a parameter (secrets never reach skeletons)"),
        ("c.txt", 1, "template.owner is undefined: template has name, version"),
    }


def test_undefined_variable_in_a_step_input_expression(tmp_path: Path) -> None:
    folder = golden(
        tmp_path, MINIMAL.replace("description: ${{ parameters.name }} for", "description: ${{ parameters.nmae }} for")
    )
    findings = lint_path(folder)
    finding = only(findings, "expression-undefined")
    assert (finding.file, finding.line) == (str(folder / "template.yaml"), line_of(folder / "template.yaml", "nmae"))
    assert finding.message == "parameters.nmae is undefined: no parameter has the id 'nmae'"
    assert [f.rule for f in findings] == ["expression-undefined"]  # the failed render says nothing more


def test_undefined_step_outputs_and_later_steps_in_expressions(tmp_path: Path) -> None:
    text = MINIMAL.replace("steps.publish.output.catalog_info_url", "steps.publish.output.catalog_url").replace(
        "description: ${{ parameters.name }} service", "description: ${{ steps.register.output.entity_ref }}"
    )
    folder = golden(tmp_path, text)
    found = {(f.line, f.message) for f in lint_path(folder) if f.rule == "expression-undefined"}
    file = folder / "template.yaml"
    assert (
        line_of(file, "catalog_url"),
        "steps.publish.output.catalog_url is undefined: repo:create outputs "
        "repo_url, clone_url, full_name, commit_sha, catalog_info_url, created",
    ) in found
    assert (
        line_of(file, "steps.register"),
        "steps.register has not run yet here: only earlier steps' outputs are available",
    ) in found


def test_a_default_may_use_only_earlier_parameters(tmp_path: Path) -> None:
    text = MINIMAL.replace("      default: 8080\n", "      default: 8080\n      when: '${{ parameters.api_token }}'\n")
    folder = golden(tmp_path, text)
    finding = only(lint_path(folder), "expression-undefined")
    assert finding.line == line_of(folder / "template.yaml", "when:")
    assert "not answered yet" in finding.message


def test_syntax_error_in_a_template_expression(tmp_path: Path) -> None:
    folder = golden(
        tmp_path,
        MINIMAL.replace("target: ${{ steps.publish.output.catalog_info_url }}", "target: ${{ steps.publish.output. }}"),
    )
    finding = only(lint_path(folder), "expression-syntax")
    assert finding.line == line_of(folder / "template.yaml", "target:")


def test_unknown_action(tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("action: repo:create", "action: repo:creat"))
    finding = only(lint_path(folder), "unknown-action")
    assert (finding.file, finding.line) == (
        str(folder / "template.yaml"),
        line_of(folder / "template.yaml", "repo:creat"),
    )
    assert finding.message.startswith("step publish: unknown action 'repo:creat' (installed: ")


def test_invalid_step_input(tmp_path: Path) -> None:
    text = MINIMAL.replace("description: ${{ parameters.name }} service", "descripton: x\n        visibility: secret")
    folder = golden(tmp_path, text)
    found = {(f.line, f.message) for f in lint_path(folder) if f.rule == "step-input"}
    file = folder / "template.yaml"
    assert found == {
        (
            line_of(file, "descripton"),
            "step publish (repo:create): input descripton: unknown key (with examples/minimal.yaml)",
        ),
        (
            line_of(file, "visibility"),
            "step publish (repo:create): input visibility: Input should be 'public', 'private' "
            "or 'internal' (with examples/minimal.yaml)",
        ),
    }


def test_missing_skeleton_folder(tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("input: {path: skeleton}", "input: {path: skel}"))
    finding = only(lint_path(folder), "step-input")
    assert finding.line == line_of(folder / "template.yaml", "path: skel")
    assert finding.message == "step skeleton: skeleton folder 'skel' does not exist"


def test_missing_owner(tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("  owner: group:test-guild\n", ""))
    finding = only(lint_path(folder), "owner")
    assert (finding.file, finding.line) == (
        str(folder / "template.yaml"),
        line_of(folder / "template.yaml", "metadata:"),
    )
    assert finding.message == "metadata.owner: is required"


def test_owner_that_is_not_an_entity_ref(tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("owner: group:test-guild", "owner: test-guild"))
    finding = only(lint_path(folder), "owner")
    assert finding.line == line_of(folder / "template.yaml", "owner: test-guild")


def test_content_change_without_a_version_bump(tmp_path: Path) -> None:
    folder = committed(tmp_path)
    assert lint_path(folder, base="HEAD") == []
    edit(folder / "skeleton" / "README.md", "port", "listening on port")
    (folder / "skeleton" / "NEW.md").write_text("new\n")
    finding = only(lint_path(folder, base="HEAD"), "version-bump")
    assert (finding.file, finding.line) == (
        str(folder / "template.yaml"),
        line_of(folder / "template.yaml", "version:"),
    )
    assert finding.message == (
        "spec.version 1.0.0 is not greater than 1.0.0 at HEAD, but skeleton/NEW.md, skeleton/README.md changed "
        "since: bump it"
    )


def test_version_bump_without_a_changelog_entry(tmp_path: Path) -> None:
    folder = committed(tmp_path)
    edit(folder / "template.yaml", "version: 1.0.0", "version: 1.0.1")
    finding = only(lint_path(folder, base="HEAD"), "changelog")
    assert (finding.file, finding.line) == (str(folder / "CHANGELOG.md"), line_of(folder / "CHANGELOG.md", "## "))
    assert "no entry for 1.0.1" in finding.message
    edit(folder / "CHANGELOG.md", "## [1.0.0]", "## [1.0.1] - 2026-02-01\n\n- Fix.\n\n## [1.0.0]")
    assert lint_path(folder, base="HEAD") == []


def test_removed_parameter_with_only_a_minor_bump(tmp_path: Path) -> None:
    port = "    - id: port\n      type: integer\n      minimum: 1024\n      maximum: 65535\n      default: 8080\n"
    folder = committed(tmp_path)
    edit(folder / "template.yaml", port, "")
    edit(folder / "template.yaml", "version: 1.0.0", "version: 1.1.0")
    edit(folder / "skeleton" / "README.md", ", port {{ values.port }}", "")
    edit(folder / "CHANGELOG.md", "## [1.0.0]", "## [1.1.0] - 2026-02-01\n\n- No port.\n\n## [1.0.0]")
    finding = only(lint_path(folder, base="HEAD"), "major-bump")
    assert (finding.file, finding.line) == (
        str(folder / "template.yaml"),
        line_of(folder / "template.yaml", "version:"),
    )
    assert finding.message == "parameter 'port' was removed since HEAD: that needs 2.0.0 or above, not 1.1.0"
    edit(folder / "template.yaml", "version: 1.1.0", "version: 2.0.0")
    edit(folder / "CHANGELOG.md", "## [1.1.0]", "## [2.0.0]")
    assert lint_path(folder, base="HEAD") == []


def test_removed_file_and_new_required_parameter_need_a_major_bump(tmp_path: Path) -> None:
    folder = committed(tmp_path)
    (folder / "skeleton" / "README.md").unlink()
    edit(folder / "template.yaml", "    - id: api_token\n", "    - id: region\n    - id: api_token\n")
    edit(folder / "template.yaml", "version: 1.0.0", "version: 1.1.0")
    edit(folder / "CHANGELOG.md", "## [1.0.0]", "## [1.1.0] - 2026-02-01\n\n## [1.0.0]")
    (folder / "examples" / "minimal.yaml").write_text(EXAMPLE + "region: eu\n")
    messages = {f.message for f in lint_path(folder, base="HEAD") if f.rule == "major-bump"}
    assert messages == {
        "skeleton file skeleton/README.md was removed since HEAD: that needs 2.0.0 or above, not 1.1.0",
        "parameter 'region' is new and required without a default since HEAD: that needs 2.0.0 or above, not 1.1.0",
    }


def test_edited_release_snapshot(tmp_path: Path) -> None:
    folder = golden(tmp_path)
    snapshot = cut_release(folder)
    assert lint_path(folder) == []
    edit(snapshot / "skeleton" / "README.md", "port", "PORT")
    finding = only(lint_path(folder), "release-changed")
    assert (finding.file, finding.line) == (str(snapshot / "skeleton" / "README.md"), None)
    assert finding.message == "released snapshot changed after the release was cut"


def test_releases_examples_and_snapshots_need_no_version_bump(tmp_path: Path) -> None:
    folder = committed(tmp_path)
    cut_release(folder)
    (folder / "snapshots").mkdir()
    (folder / "snapshots" / "minimal.txt").write_text("expected render\n")
    (folder / "examples" / "other.yaml").write_text(EXAMPLE)
    assert lint_path(folder, base="HEAD") == []


# --- more bad input ---------------------------------------------------------------------------


def test_template_yaml_that_does_not_load_names_its_lines(tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("version: 1.0.0", "version: one").replace("type: integer", "type: int"))
    found = {(f.line, f.rule) for f in lint_path(folder)}
    file = folder / "template.yaml"
    assert found == {
        (line_of(file, "version: one"), "template-format"),
        (line_of(file, "type: int"), "template-format"),
    }


def test_not_a_golden_path(tmp_path: Path) -> None:
    assert lint_path(tmp_path) == [
        Finding(str(tmp_path / "template.yaml"), None, "template-format", f"no template.yaml in {tmp_path}")
    ]


def test_examples_missing_or_wrong(tmp_path: Path) -> None:
    folder = golden(tmp_path)
    (folder / "examples" / "minimal.yaml").unlink()
    finding = only(lint_path(folder), "examples")
    assert (finding.file, finding.line) == (str(folder / "examples"), None)
    (folder / "examples" / "bad.yaml").write_text(EXAMPLE + "prot: 9000\nport: 80\n")
    found = {(f.line, f.message.split(":")[0]) for f in lint_path(folder) if f.rule == "examples"}
    assert found == {(3, "prot"), (4, "port")}


def test_a_default_that_breaks_its_parameter_rules(tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("default: 8080", "default: 80"))
    finding = only(lint_path(folder), "parameter-default")
    assert finding.line == line_of(folder / "template.yaml", "default: 80")
    assert finding.message == "the default of parameter port: must be at least 1024, got 80"
    assert [f.rule for f in lint_path(folder)] == ["parameter-default"]  # not again for the example


def test_a_skeleton_folder_outside_the_golden_path(tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("input: {path: skeleton}", "input: {path: ../../etc}"))
    assert (
        only(lint_path(folder), "step-input").message
        == "step skeleton: skeleton folder '../../etc' is outside the golden path"
    )


def test_changelog_missing(tmp_path: Path) -> None:
    folder = golden(tmp_path)
    (folder / "CHANGELOG.md").unlink()
    finding = only(lint_path(folder), "changelog")
    assert (finding.file, finding.line) == (str(folder / "CHANGELOG.md"), None)


def test_copy_without_render_binary_and_suffix_files_are_not_parsed(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "raw/x.txt": "{{ not jinja",
        "logo.png": b"\x89PNG\r\n\x1a\n\x00{{ values.nope",
        "plain.txt": "{% if %}",
        "README.md.jinja": "# {{ values.name }}\n",
    }
    text = MINIMAL.replace(
        "input: {path: skeleton}", "input: {path: skeleton, copy_without_render: ['raw/*'], template_suffix: .jinja}"
    )
    assert lint_path(golden(tmp_path, text, files)) == []


def test_delimiters_and_explicit_values_of_the_step(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "catalog.yaml": "name: ${{ values.component }}\nraw: {{ kept }}\nx: ${{ values.name }}\n"
    }
    text = MINIMAL.replace(
        "input: {path: skeleton}",
        "input:\n        path: skeleton\n        values: {component: '${{ parameters.name }}'}\n"
        # '${{' alone would start an expression in template.yaml
        """        delimiters: {variable_start: '${{ "${{" }}', variable_end: '}}'}""",
    )
    folder = golden(tmp_path, text, files)
    finding = only(lint_path(folder), "skeleton-undefined")
    assert (Path(finding.file).name, finding.line) == ("catalog.yaml", 3)
    assert finding.message == "values.name is undefined: it is not a key of step skeleton's values input"


def test_without_examples_placeholder_answers_still_plan_the_steps(tmp_path: Path) -> None:
    folder = golden(tmp_path, MINIMAL.replace("description: ${{ parameters.name }} service", "visibility: secret"))
    (folder / "examples" / "minimal.yaml").unlink()
    finding = only(lint_path(folder), "step-input")
    assert finding.message.endswith("(with placeholder answers)")


def test_base_outside_git_or_unknown_ref(tmp_path: Path) -> None:
    folder = golden(tmp_path / "plain")
    assert "needs the golden path in a git work tree" in only(lint_path(folder, base="HEAD"), "base").message
    folder = committed(tmp_path / "repo")
    assert "is not a commit of" in only(lint_path(folder, base="no-such-ref"), "base").message


def test_a_library_folder_stands_for_its_golden_paths(tmp_path: Path) -> None:
    first = golden(tmp_path / "lib")
    second = Path(shutil.copytree(first, tmp_path / "lib" / "other"))
    assert lint([tmp_path / "lib"]) == {first: [], second: []}
    assert list(lint([LIBRARY])) == sorted(p.parent for p in LIBRARY.glob("*/template.yaml"))


def test_lint_collects_every_path(tmp_path: Path) -> None:
    good = golden(tmp_path / "a")
    bad = golden(tmp_path / "b", MINIMAL.replace("action: repo:create", "action: repo:creat"))
    results = lint([good, bad])
    assert results[good] == [] and [f.rule for f in results[bad]] == ["unknown-action"]


def test_a_golden_path_at_the_top_of_its_repository(tmp_path: Path) -> None:
    folder = golden(tmp_path)
    git(folder, "init", "-q")
    git(folder, "add", "-A")
    git(folder, "commit", "-qm", "v1")
    edit(folder / "template.yaml", "description: A tiny", "description: A small")
    assert [(f.rule, f.file) for f in lint_path(folder, base="HEAD")] == [
        ("version-bump", str(folder / "template.yaml"))
    ]


def test_migrations_use_installed_actions_and_see_no_step_outputs(tmp_path: Path) -> None:
    migrations = (
        "  migrations:\n"
        "    - to: 1.0.0\n"
        "      steps:\n"
        "        - action: fs:rname\n"
        "        - action: fs:delete\n"
        "          input: {files: ['${{ steps.publish.output.repo_url }}', '${{ parameters.name }}.txt']}\n"
    )
    folder = golden(tmp_path, MINIMAL.replace("  output:\n", migrations + "  output:\n"))
    file = folder / "template.yaml"
    unknown, undefined = lint_path(folder)
    assert (unknown.rule, unknown.line) == ("unknown-action", line_of(file, "fs:rname"))
    assert unknown.message.startswith("migration to 1.0.0: unknown action 'fs:rname' (installed: ")
    assert (undefined.rule, undefined.line) == ("expression-undefined", line_of(file, "files: ['${{ steps"))
    assert undefined.message == "'steps' is undefined here (an expression here sees parameters, template, run)"


def test_checks_expressions_are_analysed(tmp_path: Path) -> None:
    checks = (
        "  checks:\n"
        "    - name: smoke\n"
        "      run: [python, -m, '${{ parameters.nmae | snake }}']\n"
        "      when: '${{ parameters.port > }}'\n"
    )
    folder = golden(tmp_path, MINIMAL.replace("  output:\n", checks + "  output:\n"))
    file = folder / "template.yaml"
    found = {(f.rule, f.line) for f in lint_path(folder)}
    assert found == {("expression-undefined", line_of(file, "nmae")), ("expression-syntax", line_of(file, "when:"))}
