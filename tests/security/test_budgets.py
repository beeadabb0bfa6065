"""Route 5, resources: an endless loop, a huge string, a huge `**` and a YAML alias bomb, in every
place a template (or a values file) can hold one, each stop with one clear error naming the file
(exit 1, no traceback, nothing created), with `new` and `new --dry-run`.

The time budget is 2 s here (`SCAFFOLD_RENDER_TIMEOUT`), so a test that hangs is a failure of the
budget; the tests assert the error, never a time.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from scaffolder import budget, yamlio
from scaffolder.errors import RenderError
from scaffolder.render import make_environment, render_text
from tests.security.attack import (
    BACKSTAGE_STEPS,
    FORMATS,
    NATIVE_STEPS,
    Scene,
    backstage_template,
    cookiecutter_template,
    copier_template,
    native_template,
    write,
)

LOOP = "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}"
# What each payload's error says (a substring of stderr).
SKELETON_PAYLOADS = {
    "loop": (LOOP, "(the time budget)"),
    "huge-string": ("{{ 'a' * 10 ** 10 }}", "`*` would make a str of 10,000,000,000 items"),
    "huge-padding": ("{{ 'a'|center(10 ** 11) }}", "(the memory budget)"),
    "power": ("{{ 10 ** 10000000000 }}", "`**` would make an integer"),
}
EXPRESSION_PAYLOADS = {
    "loop": ("lipsum(10 ** 9)", "(the time budget)"),
    "huge-string": ("'a' * 10 ** 10", "`*` would make a str"),
    "huge-padding": ("'a'|center(10 ** 11)", "(the memory budget)"),
    "power": ("10 ** 10000000000", "`**` would make an integer"),
}
MODES = {"new": (), "dry-run": ("--dry-run",)}
BOMB = """\
lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]
lol1: &lol1 [*lol0, *lol0, *lol0, *lol0, *lol0, *lol0, *lol0, *lol0, *lol0]
lol2: &lol2 [*lol1, *lol1, *lol1, *lol1, *lol1, *lol1, *lol1, *lol1, *lol1]
lol3: &lol3 [*lol2, *lol2, *lol2, *lol2, *lol2, *lol2, *lol2, *lol2, *lol2]
lol4: &lol4 [*lol3, *lol3, *lol3, *lol3, *lol3, *lol3, *lol3, *lol3, *lol3]
lol5: &lol5 [*lol4, *lol4, *lol4, *lol4, *lol4, *lol4, *lol4, *lol4, *lol4]
lol6: &lol6 [*lol5, *lol5, *lol5, *lol5, *lol5, *lol5, *lol5, *lol5, *lol5]
lol7: &lol7 [*lol6, *lol6, *lol6, *lol6, *lol6, *lol6, *lol6, *lol6, *lol6]
lol8: &lol8 [*lol7, *lol7, *lol7, *lol7, *lol7, *lol7, *lol7, *lol7, *lol7]
"""
BOMB_LINE = 5  # where the aliases pass the limit, in a file that starts with BOMB
BOMB_ERROR = "aliases expand to more than 10,000 nodes"


@pytest.fixture(autouse=True)
def quick_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCAFFOLD_RENDER_TIMEOUT", "2")


def _skeleton_template(fmt: str, root: Path, payload: str) -> tuple[Path, str]:
    """A template of `fmt` whose one skeleton file holds `payload` on its line 2; (folder, file name)."""
    text = f"hello\n{payload}\n"
    if fmt == "native":
        return native_template(root, {"README.md": text}), "README.md"
    if fmt == "backstage":  # Backstage's skeletons print with ${{ }}
        return backstage_template(root, {"README.md": text.replace("{{ ", "${{ ")}), "README.md"
    if fmt == "cookiecutter":
        return cookiecutter_template(root, {}, {"README.md": text}), "README.md"
    return copier_template(root, "slug: {type: str, default: victim-svc}\n", {"README.md.jinja": text}), "README.md"


def _new(scene: Scene, folder: Path, mode: str, *extra: str) -> str:
    owner = () if (folder / "template.yaml").is_file() else ("--set", "owner=group:victims")
    result = scene.run("new", str(folder), "--no-input", "--yes", *owner, *extra, *MODES[mode], code=1)
    scene.assert_harmless(result)
    return result.stderr


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("payload", SKELETON_PAYLOADS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_skeleton_file_over_budget_is_one_clear_error(
    scene: Scene, tmp_path: Path, fmt: str, payload: str, mode: str
) -> None:
    source, expected = SKELETON_PAYLOADS[payload]
    folder, name = _skeleton_template(fmt, tmp_path, source)
    stderr = _new(scene, folder, mode)
    assert expected in stderr
    assert name in stderr
    assert len(stderr) < 2000  # one short error, not the document


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("payload", EXPRESSION_PAYLOADS)
@pytest.mark.parametrize("fmt", ["native", "backstage"])
def test_template_yaml_expression_over_budget_is_one_clear_error(
    scene: Scene, tmp_path: Path, fmt: str, payload: str, mode: str
) -> None:
    expression, expected = EXPRESSION_PAYLOADS[payload]
    if fmt == "native":
        steps = NATIVE_STEPS.replace(
            "input: {name: '${{ parameters.name }}'}", f'input: {{name: "${{{{ {expression} }}}}"}}'
        )
        folder = native_template(tmp_path, {"README.md": "hello\n"}, steps)
    else:
        steps = BACKSTAGE_STEPS.replace("'${{ parameters.name }}'", f'"${{{{ {expression} }}}}"')
        folder = backstage_template(tmp_path, {"README.md": "hello\n"}, steps)
    assert expression in (folder / "template.yaml").read_text()
    stderr = _new(scene, folder, mode)
    assert expected in stderr
    assert "template.yaml:" in stderr
    assert len(stderr) < 2000


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_alias_bomb_in_a_values_file_is_refused(scene: Scene, tmp_path: Path, fmt: str, mode: str) -> None:
    folder, _ = _skeleton_template(fmt, tmp_path, "plain")
    values = write(tmp_path / "answers", {"values.yaml": BOMB})
    stderr = _new(scene, folder, mode, "--values", str(values / "values.yaml"))
    assert f"values.yaml:{BOMB_LINE}" in stderr and BOMB_ERROR in stderr
    assert "lol, lol" not in stderr and len(stderr) < 2000


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fmt", ["native", "backstage", "copier"])
def test_alias_bomb_in_the_template_file_is_refused(scene: Scene, tmp_path: Path, fmt: str, mode: str) -> None:
    folder, _ = _skeleton_template(fmt, tmp_path, "plain")
    file = folder / ("copier.yml" if fmt == "copier" else "template.yaml")
    file.write_text(BOMB + file.read_text())
    stderr = _new(scene, folder, mode)
    assert f"{file.name}" in stderr and f"{BOMB_LINE}" in stderr and BOMB_ERROR in stderr
    assert "lol, lol" not in stderr and len(stderr) < 2000


def test_a_recursive_alias_is_refused(scene: Scene, tmp_path: Path) -> None:
    folder, _ = _skeleton_template("native", tmp_path, "plain")
    values = write(tmp_path / "answers", {"values.yaml": "name: svc\nloop: &loop [1, *loop]\n"})
    stderr = _new(scene, folder, "new", "--values", str(values / "values.yaml"))
    assert "values.yaml:2" in stderr and "recursive alias" in stderr


def test_honest_anchors_and_aliases_still_load(scene: Scene, tmp_path: Path) -> None:
    folder, _ = _skeleton_template("native", tmp_path, "{{ values.name }} by {{ values.owner }}")
    values = write(tmp_path / "answers", {"values.yaml": "name: &team orders-api\nowner: *team\n"})
    assert yamlio.plain(yamlio.load(values / "values.yaml")) == {"name": "orders-api", "owner": "orders-api"}
    merged = "base: &base {a: 1, b: [x, y]}\none:\n  <<: *base\n  c: 2\ntwo: *base\n"
    assert yamlio.plain(yamlio.load(Path("merged.yaml"), merged))["one"] == {"a": 1, "b": ["x", "y"], "c": 2}
    scene.invoke("new", str(folder), "--no-input", "--yes", "--dry-run", "--values", str(values / "values.yaml"))


def test_a_render_in_another_thread_stops_at_the_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Campaigns and `template test` render in worker threads, where SIGALRM cannot reach: the
    watchdog stops them, also inside a loop that makes no call the sandbox could check."""
    monkeypatch.setenv("SCAFFOLD_RENDER_TIMEOUT", "0.5")
    errors: list[BaseException] = []

    def work() -> None:
        try:
            render_text(make_environment(), f"x\n{LOOP}\n", {}, "threaded.txt")
        except BaseException as exc:  # recorded for the assertion
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive(), "the render in a thread went on past its deadline"
    assert len(errors) == 1 and isinstance(errors[0], budget.BudgetExceeded)
    assert "threaded.txt:2: still rendering after 0.5 s (the time budget)" in errors[0].render()
    # The thread is usable afterwards: nothing pending was left to fire later.
    assert render_text(make_environment(), "{{ 1 + 1 }}", {}, "after.txt") == "2"


def test_a_render_that_ends_in_time_is_untouched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCAFFOLD_RENDER_TIMEOUT", "5")
    text = "{% for i in range(1000) %}{{ i }}{% endfor %}"
    assert render_text(make_environment(), text, {}, "ok.txt") == "".join(str(i) for i in range(1000))
    with budget.limits("outer"), budget.limits("inner"):
        assert budget.check() is None


def test_the_sandbox_refusals_are_render_errors_naming_the_line() -> None:
    env = make_environment()
    for source, expected in [
        ("a\n{{ '%*d' % (10 ** 9, 1) }}", "`%` would pad to 1,000,000,000 characters"),
        ("a\n{{ '%99999999999d' % 1 }}", "`%` would pad to more than 10,000,000 characters"),
        ("a\n{{ '%*s'|format(10 ** 9, 'x') }}", "`%` would pad to 1,000,000,000 characters"),
        ("a\n{{ [1, 2] * 10 ** 8 }}", "`*` would make a list of 200,000,000 items"),
    ]:
        with pytest.raises(RenderError) as info:
            render_text(env, source, {}, "f.txt")
        assert "f.txt:2" in info.value.render() and expected in info.value.render()
    # Honest uses of the same operators still work.
    assert render_text(env, "{{ '=' * 3 }}{{ 2 ** 10 }}{{ '%05d' % 42 }}{{ '%s-%s'|format(1, 2) }}", {}, "g") == (
        "===102400042" + "1-2"
    )
