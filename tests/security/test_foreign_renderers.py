"""Foreign renderers are fenced: cookiecutter and copier templates run no code without trust, write
nothing outside their output folder (refused before anything is created, with `--dry-run` too),
hold no symlink that leads out, and their render errors are the template's fault (exit 1, file
and line). Symlinks are refused in native and Backstage skeletons as well."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.security.attack import (
    Scene,
    backstage_template,
    cookiecutter_template,
    copier_template,
    native_template,
    write,
)

DRY = [pytest.param((), id="run"), pytest.param(("--dry-run",), id="dry-run")]
OWNER = ("--set", "owner=group:victims")
REPO = ("--set", "repo_name=victim-svc")  # copier templates without a name question get this one


def new(folder: Path, *extra: str) -> tuple[str, ...]:
    return ("new", str(folder), "--no-input", *OWNER, *extra)


def pwn(scene: Scene) -> str:
    """Python that creates the marker file when it runs."""
    return f"from pathlib import Path\nPath({str(scene.marker)!r}).write_text('pwned')\n"


def hostile_extension(scene: Scene) -> str:
    return pwn(scene) + "from jinja2.ext import Extension\n\nclass TimeExtension(Extension):\n    pass\n"


# --- route 1: no code without trust -------------------------------------------------------------


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize(
    ("extension", "module"),
    [
        ("jinja2_time.TimeExtension", "/jinja2_time/__init__.py"),  # shadows an allowed (absent) package
        ("local_ext.TimeExtension", "/local_ext.py"),  # the template's own
        ("cookiecutter.extensions.os.TimeExtension", "/cookiecutter/extensions/os.py"),  # not a safe module
    ],
)
def test_cookiecutter_extension_shipped_by_the_template_needs_trust(
    scene: Scene, tmp_path: Path, extension: str, module: str, dry: tuple[str, ...]
) -> None:
    folder = cookiecutter_template(
        tmp_path, {"_extensions": [extension]}, {"README.md": "hi\n", module: hostile_extension(scene)}
    )
    result = scene.run(*new(folder, *dry), code=1)
    assert f"the Jinja extension {extension}" in result.stderr and "--trust" in result.stderr
    scene.assert_harmless(result)


@pytest.mark.parametrize("dry", DRY)
def test_cookiecutter_template_folder_is_not_importable_even_as_the_working_folder(
    scene: Scene, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dry: tuple[str, ...]
) -> None:
    folder = cookiecutter_template(
        tmp_path,
        {"_extensions": ["jinja2_time.TimeExtension"]},
        {"README.md": "hi\n", "/jinja2_time/__init__.py": hostile_extension(scene)},
    )
    monkeypatch.chdir(folder)
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    result = scene.run(*new(Path(), *dry), code=1)
    assert "jinja2_time" in result.stderr
    scene.assert_harmless(result)


NESTED_STEPS = """\
    - id: fetch
      action: fetch:cookiecutter
      input: {path: cc}
"""


@pytest.mark.parametrize("dry", DRY)
def test_cookiecutter_extension_the_static_check_cannot_see_is_refused_when_the_renderer_loads_it(
    scene: Scene, tmp_path: Path, dry: tuple[str, ...]
) -> None:
    """A nested template (cookiecutter's `templates`) brings its own `_extensions`: refused when the
    environment that would load them is made, before anything is created."""
    folder = native_template(tmp_path, {}, steps=NESTED_STEPS)
    nested = {"_extensions": ["jinja2_time.TimeExtension"], "name": "x"}
    write(
        folder / "cc",
        {
            "cookiecutter.json": json.dumps({"templates": {"inner": {"path": "./inner", "title": "Inner"}}}),
            "inner/cookiecutter.json": json.dumps(nested),
            "inner/{{cookiecutter.name}}/README.md": "hi\n",
            "inner/jinja2_time/__init__.py": hostile_extension(scene),
        },
    )
    result = scene.run("new", str(folder), "--no-input", *dry, code=1)
    assert "the Jinja extension jinja2_time.TimeExtension" in result.stderr
    scene.assert_harmless(result)


@pytest.mark.parametrize("dry", DRY)
def test_cookiecutter_hooks_need_trust(scene: Scene, tmp_path: Path, dry: tuple[str, ...]) -> None:
    hooks = {"/hooks/pre_prompt.py": pwn(scene), "/hooks/post_gen_project.py": pwn(scene)}
    folder = cookiecutter_template(tmp_path, {}, {"README.md": "hi\n", **hooks})
    result = scene.run(*new(folder, *dry), code=1)
    assert "hooks/pre_prompt.py: the hook script would run" in result.stderr
    assert "hooks/post_gen_project.py: the hook script would run" in result.stderr
    scene.assert_harmless(result)


def test_cookiecutter_local_extensions_work_with_trust(scene: Scene, tmp_path: Path) -> None:
    shout = (
        "from jinja2.ext import Extension\n\nclass Shout(Extension):\n"
        "    def __init__(self, environment):\n        super().__init__(environment)\n"
        "        environment.filters['shout'] = lambda s: s.upper()\n"
    )
    folder = cookiecutter_template(
        tmp_path,
        {"_extensions": ["local_ext.Shout"]},
        {"README.md": "{{ cookiecutter.slug | shout }}\n", "/local_ext.py": shout},
    )
    result = scene.run(*new(folder, "--trust", "--dry-run", "-o", "json"), code=0)
    assert "README.md" in json.loads(result.stdout)["files"]
    assert not any(p.endswith("local_ext.py") for p in (getattr(m, "__file__", "") or "" for m in sys.modules.values()))
    assert str(folder) not in sys.path


# --- route 2: no file outside the workspace -----------------------------------------------------


def climb(scene: Scene) -> str:
    """A relative prefix that climbs from any scratch folder to `scene.outside`."""
    return "../" * 40 + str(scene.outside).lstrip("/") + "/"


def cookiecutter_escape(scene: Scene, tmp_path: Path, how: str) -> tuple[Path, tuple[str, ...], str]:
    """A cookiecutter template whose names escape `how`; (folder, extra args, the file it names)."""
    up = climb(scene)
    context: dict[str, object] = {"where": "here-"}
    files: dict[str, str] = {"{{cookiecutter.where}}precious.txt": "overwritten\n"}
    project = "{{cookiecutter.slug}}"
    args: tuple[str, ...] = ()
    named = "{{cookiecutter.where}}precious.txt"
    if how == "absolute project folder":
        context = {"slug": str(scene.outside)}
        files, named = {"precious.txt": "overwritten\n"}, project
    elif how == "default":
        context["where"] = up
    elif how == "answer":
        args = ("--set", f"where={up}")
    elif how == "computed default":
        context = {"base": "X", "where": "{{ cookiecutter.base | replace('X', '" + up + "') }}"}
    elif how == "folder":
        context["where"] = up
        files, named = {"{{cookiecutter.where}}sub/precious.txt": "x\n"}, "{{cookiecutter.where}}sub"
    elif how == "copied without rendering":
        context = {"where": up, "_copy_without_render": ["*assets*"]}
        files, named = {"{{cookiecutter.where}}assets/precious.txt": "x\n"}, "{{cookiecutter.where}}assets"
    folder = cookiecutter_template(tmp_path, context, files, project)
    return folder, args, named


ESCAPES = ["absolute project folder", "default", "answer", "computed default", "folder", "copied without rendering"]


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("how", ESCAPES)
def test_cookiecutter_names_that_escape_are_refused_before_anything_is_created(
    scene: Scene, tmp_path: Path, how: str, dry: tuple[str, ...]
) -> None:
    folder, args, named = cookiecutter_escape(scene, tmp_path, how)
    result = scene.run(*new(folder, *args, *dry), code=1)
    assert "outside the project folder" in result.stderr, result.stderr
    assert named in result.stderr
    if how != "absolute project folder":
        assert "(from where)" in result.stderr or "(from base, where)" in result.stderr
    scene.assert_harmless(result)


def test_cookiecutter_fence_holds_at_run_time_too(scene: Scene, tmp_path: Path) -> None:
    """The render in the run is fenced as well (a trusted template with a pre_prompt hook skips the
    preflight render): the escaping name fails the step, nothing is written outside."""
    folder, _, _ = cookiecutter_escape(scene, tmp_path, "default")
    write(folder, {"hooks/pre_prompt.py": "print('hello')\n"})
    result = scene.run(*new(folder, "--trust", "--dry-run"), code=1)
    assert "outside the project folder" in result.stderr
    scene.assert_harmless(result)


def copier_escape(scene: Scene, tmp_path: Path, how: str) -> tuple[Path, tuple[str, ...]]:
    up = climb(scene)
    questions = "where:\n  type: str\n  default: here-\n"
    files = {"{{ where }}precious.txt.jinja": "overwritten\n"}
    args: tuple[str, ...] = ()
    if how == "absolute project folder":
        questions = f"where:\n  type: str\n  default: {scene.outside}/\n"
    elif how == "default":
        questions = f"where:\n  type: str\n  default: {up}\n"
    elif how == "answer":
        args = ("--set", f"where={up}")
    elif how == "computed default":
        questions = f"base: X\nwhere:\n  type: str\n  default: \"{{{{ base | replace('X', '{up}') }}}}\"\n"
    elif how == "folder":
        questions = f"where:\n  type: str\n  default: {up}\n"
        files = {"{{ where }}sub/precious.txt": "x\n"}
    elif how == "copied without rendering":
        questions = f"_templates_suffix: .tmpl\nwhere:\n  type: str\n  default: {up}\n"
        files = {"{{ where }}precious.txt": "x\n"}
    return copier_template(tmp_path, questions, files), args


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("how", ESCAPES)
def test_copier_names_that_escape_are_refused_before_anything_is_created(
    scene: Scene, tmp_path: Path, how: str, dry: tuple[str, ...]
) -> None:
    folder, args = copier_escape(scene, tmp_path, how)
    result = scene.run(*new(folder, *REPO, *args, *dry), code=1)
    assert "outside the project folder (from where)" in result.stderr
    assert str(folder / "{{ where }}") in result.stderr  # the template's file or folder
    scene.assert_harmless(result)


# --- route 3: symlinks --------------------------------------------------------------------------

FORMATS = ("native", "backstage", "cookiecutter", "copier")


def template_with_link(scene: Scene, tmp_path: Path, fmt: str, name: str, target: str) -> tuple[Path, Path]:
    """A template of `fmt` whose files include the symlink `name` -> `target`; (folder, the link)."""
    files = {"README.md": "hi\n"}
    if fmt == "native":
        folder = native_template(tmp_path, files)
        files_dir = folder / "skeleton"
    elif fmt == "backstage":
        folder = backstage_template(tmp_path, files)
        files_dir = folder / "skeleton"
    elif fmt == "cookiecutter":
        folder = cookiecutter_template(tmp_path, {}, files)
        files_dir = folder / "{{cookiecutter.slug}}"
    else:
        folder = copier_template(tmp_path, "name:\n  type: str\n  default: victim-svc\n", files)
        files_dir = folder
    link = files_dir / name
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    return folder, link


def args_for(fmt: str, folder: Path, *extra: str) -> tuple[str, ...]:
    if fmt == "copier":
        return new(folder, *REPO, *extra)
    if fmt == "cookiecutter":
        return new(folder, *extra)
    return ("new", str(folder), "--no-input", *extra)


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("kind", ["absolute file", "relative climb", "folder"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_symlink_out_of_the_template_is_refused_naming_it(
    scene: Scene, tmp_path: Path, fmt: str, kind: str, dry: tuple[str, ...]
) -> None:
    target = {
        "absolute file": str(scene.outside / "precious.txt"),
        "relative climb": "../" * 30 + str(scene.outside / "precious.txt").lstrip("/"),
        "folder": str(scene.outside),
    }[kind]
    folder, _ = template_with_link(scene, tmp_path, fmt, "docs/leak.txt", target)
    result = scene.run(*args_for(fmt, folder, *dry), code=1)
    assert "leak.txt" in result.stderr and "symlink" in result.stderr
    assert "the user's file" not in result.stdout + result.stderr
    scene.assert_harmless(result)


@pytest.mark.parametrize("fmt", ["cookiecutter", "copier"])
def test_a_symlink_inside_a_foreign_template_stays_allowed(scene: Scene, tmp_path: Path, fmt: str) -> None:
    folder, _ = template_with_link(scene, tmp_path, fmt, "alias.md", "README.md")
    result = scene.run(*args_for(fmt, folder, "--dry-run", "-o", "json"), code=0)
    assert "alias.md" in json.loads(result.stdout)["files"]
    scene.assert_harmless(result)


def template_with_links(tmp_path: Path, fmt: str, links: dict[str, str]) -> Path:
    """A template of `fmt` whose project holds `links` (name -> target) and a folder `docs/`: in the
    skeleton (native, Backstage), in a copier `_subdirectory` with `_preserve_symlinks`, or made by
    a cookiecutter post-generation hook (which runs with --trust)."""
    files = {"README.md": "hi\n", "docs/guide.md": "guide\n"}
    if fmt == "cookiecutter":
        hook = "import os\n\n" + "".join(
            f"os.makedirs(os.path.dirname({k!r}) or '.', exist_ok=True)\nos.symlink({v!r}, {k!r})\n"
            for k, v in links.items()
        )
        return cookiecutter_template(tmp_path, {}, {**files, "/hooks/post_gen_project.py": hook})
    if fmt == "copier":
        questions = "name:\n  type: str\n  default: victim-svc\n_subdirectory: project\n_preserve_symlinks: true\n"
        folder = copier_template(tmp_path, questions, {f"project/{k}": v for k, v in files.items()})
        files_dir = folder / "project"
    else:
        folder = (native_template if fmt == "native" else backstage_template)(tmp_path, files)
        files_dir = folder / "skeleton"
    for name, target in links.items():
        (files_dir / name).parent.mkdir(parents=True, exist_ok=True)
        (files_dir / name).symlink_to(target)
    return folder


LEAVING = {  # links that stay inside the template folder but not inside the generated project
    "out of the project": ({"docs/leak.md": "../../README.md"}, "docs/leak.md: is a symlink to ../../README.md"),
    "through .git": ({"cfg": ".git/config"}, "cfg: is a symlink to .git/config, which names .git"),
    "through .GIT.": ({"cfg": "docs/../.GIT./config"}, "cfg: is a symlink to docs/../.GIT./config, which names .git"),
    "dangling chain": ({"a.md": "b.md", "b.md": "gone.md"}, "b.md: is a symlink to gone.md, which is not in the"),
    "cycle": ({"a.md": "b.md", "b.md": "a.md"}, "a.md: is a symlink to b.md, which is a cycle of links"),
    "climb through a link to the top": ({"top": ".", "up.md": "top/../README.md"}, "up.md: is a symlink to top/.."),
}


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("kind", list(LEAVING))
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_symlink_leading_out_of_the_generated_project_is_refused_naming_link_and_target(
    scene: Scene, tmp_path: Path, fmt: str, kind: str, dry: tuple[str, ...]
) -> None:
    links, message = LEAVING[kind]
    folder = template_with_links(tmp_path, fmt, links)
    trust = ("--trust",) if fmt == "cookiecutter" else ()
    result = scene.run(*args_for(fmt, folder, *trust, *dry), code=1)
    if fmt == "copier" and kind == "cycle":  # the check of the template's own links comes first
        assert "b.md: is a symlink to a.md, outside the template" in result.stderr
    else:
        assert message in result.stderr
    assert "resume" not in result.stderr
    scene.assert_harmless(result)


# copier 9 itself stops on such a template with an AssertionError (`_render_allowed`), before scaffold
# sees its output: fetch:copier maps it to a one-line refusal.
@pytest.mark.parametrize("fmt", ["native", "backstage", "cookiecutter", "copier"])
def test_a_symlink_replacing_a_folder_the_render_writes_through_is_refused(
    scene: Scene, tmp_path: Path, fmt: str
) -> None:
    if fmt == "cookiecutter":  # the hook replaces the folder docs/ by a link after cookiecutter wrote it
        folder = cookiecutter_template(
            tmp_path,
            {},
            {"docs/guide.md": "x\n", "/hooks/post_gen_project.py": (
                "import os, shutil\n\nshutil.rmtree('docs')\nos.symlink('../../outside', 'docs')\n"
            )},
        )  # fmt: skip
        result = scene.run(*args_for(fmt, folder, "--trust"), code=1)
        assert "docs: is a symlink to ../../outside, which leads out" in result.stderr
    else:  # a link whose name renders to docs, a folder the skeleton also writes into
        name = "${{ 'docs' }}" if fmt == "backstage" else "{{ 'docs' }}"
        folder = template_with_links(tmp_path, fmt, {name: "README.md"})
        result = scene.run(*args_for(fmt, folder), code=1)
        if fmt == "copier":
            assert "copier stopped on its own check of the paths it renders (AssertionError)" in result.stderr
        else:
            assert "docs/guide.md: would be written through the symlink docs -> README.md" in result.stderr
    scene.assert_harmless(result)


# --- route 1 (copier): code needs trust, copier's own fences hold -------------------------------


def copier_code(scene: Scene, tmp_path: Path, how: str) -> Path:
    ext = pwn(scene) + "from jinja2.ext import Extension\n\nclass Ext(Extension):\n    pass\n"
    task = f"python3 -c \"open('{scene.marker}', 'w').write('x')\""
    questions, files = "name:\n  type: str\n  default: victim-svc\n", {"README.md.jinja": "{{ name }}\n"}
    if how == "extension":
        questions += "_jinja_extensions: [evil_ext.Ext]\n"
        files["evil_ext.py"] = ext
    elif how == "shadowed extension":  # a module named like copier's own default extension
        files["jinja2_ansible_filters/__init__.py"] = ext
    elif how == "task":
        questions += f"_tasks: [{json.dumps(task)}]\n"
    elif how == "included extension":
        questions = f"---\n!include more.yml\n---\n{questions}"
        files.update({"more.yml": "_jinja_extensions: [evil_ext.Ext]\n", "evil_ext.py": ext})
    elif how == "subdirectory":
        questions += "sub:\n  type: str\n  default: ../../..\n_subdirectory: '{{ sub }}'\n"
    elif how == "external data":
        questions += f"_external_data:\n  leak: {scene.outside / 'precious.txt'}\n"
        files["README.md.jinja"] = "{{ _external_data.leak }}\n"
    return copier_template(tmp_path, questions, files)


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize(
    "how", ["extension", "task", "included extension", "subdirectory", "external data", "shadowed extension"]
)
def test_copier_code_and_reads_outside_need_trust(scene: Scene, tmp_path: Path, how: str, dry: tuple[str, ...]) -> None:
    folder = copier_code(scene, tmp_path, how)
    code = 0 if how == "shadowed extension" else 1  # copier's installed extension renders
    result = scene.run(*new(folder, *REPO, *dry), code=code)
    if how == "extension":
        assert "the Jinja extension evil_ext.Ext (_jinja_extensions) would run" in result.stderr
    if how == "task":
        assert "the task `python3 -c" in result.stderr
    assert "the user's file" not in result.stdout + result.stderr
    if code == 1 or dry:
        scene.assert_harmless(result)
    assert not scene.marker.exists()


COPIER_URL_STEPS = """\
    - id: fetch
      action: fetch:copier
      input: {{url: '{url}'}}
"""


@pytest.mark.parametrize("dry", DRY)
def test_copier_url_cannot_use_the_ext_transport(scene: Scene, tmp_path: Path, dry: tuple[str, ...]) -> None:
    """Even when the user's git configuration allows `ext::` (which runs a command)."""
    with (scene.home / "gitconfig").open("a") as config:
        config.write('[protocol "ext"]\n\tallow = always\n')
    url = f"git+ext::sh -c touch% {scene.marker}"
    folder = native_template(tmp_path, {}, steps=COPIER_URL_STEPS.format(url=url))
    result = scene.run("new", str(folder), "--no-input", *dry, code=1)
    assert "transport 'ext' not allowed" in result.stderr
    scene.assert_harmless(result)


# --- route 4: a render error is the template's fault --------------------------------------------

CC_ERRORS = {
    "missing variable": ({}, {"README.md": "line one\n{{ cookiecutter.missing }}\n"}, "README.md:2"),
    "syntax error": ({}, {"README.md": "one\ntwo\n{% if %}\n"}, "README.md:3"),
    "syntax error in a file name": ({}, {"{{ cookiecutter.slug | }}.txt": "x\n"}, "{{ cookiecutter.slug | }}.txt"),
    "missing variable in a file name": ({}, {"{{ cookiecutter.nope }}.txt": "x\n"}, "{{ cookiecutter.nope }}.txt"),
    "missing variable in a computed default": ({"other": "{{ cookiecutter.nope }}"}, {}, "cookiecutter.json: "),
}


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("case", list(CC_ERRORS))
def test_cookiecutter_render_error_is_exit_1_naming_file_and_line(
    scene: Scene, tmp_path: Path, case: str, dry: tuple[str, ...]
) -> None:
    context, files, where = CC_ERRORS[case]
    folder = cookiecutter_template(tmp_path, context, {"ok.txt": "fine\n", **files})
    result = scene.run(*new(folder, *dry), code=1)
    base = "" if where.startswith("cookiecutter.json") else "{{cookiecutter.slug}}/"
    assert f"{folder}/{base}{where}" in result.stderr
    assert "bug in scaffold" not in result.stderr and "Context:" not in result.stderr  # no dump of every answer
    scene.assert_harmless(result)


COPIER_ERRORS = {
    "missing variable": ("", {"README.md.jinja": "line one\n{{ missing }}\n"}, "README.md.jinja:2"),
    "syntax error": ("", {"README.md.jinja": "one\ntwo\n{% if %}\n"}, "README.md.jinja:3"),
    "syntax error in a file name": ("", {"{{ name | }}.txt": "x\n"}, "{{ name | }}.txt"),
    "missing variable in a file name": ("", {"{{ nope }}.txt": "x\n"}, "{{ nope }}.txt"),
    "missing variable in a computed default": ("other:\n  type: str\n  default: '{{ nope }}'\n", {}, "copier.yml: "),
}


@pytest.mark.parametrize("dry", DRY)
@pytest.mark.parametrize("case", list(COPIER_ERRORS))
def test_copier_render_error_is_exit_1_naming_file_and_line(
    scene: Scene, tmp_path: Path, case: str, dry: tuple[str, ...]
) -> None:
    questions, files, where = COPIER_ERRORS[case]
    questions = "_envops: {undefined: jinja2.StrictUndefined}\nname:\n  type: str\n  default: victim-svc\n" + questions
    folder = copier_template(tmp_path, questions, {"ok.txt": "fine\n", **files})
    result = scene.run(*new(folder, *REPO, *dry), code=1)
    assert f"{folder}/{where}" in result.stderr
    assert "bug in scaffold" not in result.stderr
    scene.assert_harmless(result)
