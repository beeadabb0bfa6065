"""Backstage Software Templates (`apiVersion: scaffolder.backstage.io/v1beta3`, `kind: Template`)
converted to golden paths.

Parameters: see `scaffolder.formats.backstage_parameters`. Steps keep their order, `id`, `name`,
`if` and `each`; each action is mapped onto a scaffold action (docs/formats.md has the table):

- `fetch:template` -> `fetch:template`: `url` becomes `path` (a folder of the template),
  `targetPath`, `values`; skeletons render with `${{ }}` (`delimiters`), or `{{ cookiecutter.x }}`
  with `cookiecutterCompat`, in the `nunjucks` dialect (undefined renders empty, as in Backstage);
  `copyWithoutTemplating` keeps Backstage's globs, and the deprecated `copyWithoutRender` is
  ignored as Backstage 2.0.0 and later ignore it; `templateFileExtension` becomes `template_suffix`;
- `fetch:template:file` -> `fetch:template` with `path` naming one file;
- `fetch:plain`, `fetch:plain:file` -> `fetch:plain`; `fetch:cookiecutter` -> `fetch:cookiecutter`;
- `publish:github`, `publish:github:pull-request`, `fs:rename`, `fs:delete`, `debug:log`: scaffold
  actions of the same ids take Backstage's inputs;
- `catalog:register`: `catalogInfoUrl`, or `repoContentsUrl` + `catalogInfoPath`, become
  `target`; its outputs `entityRef` and `catalogInfoUrl` keep their Backstage names in expressions;
- `catalog:write`: `filePath` and `entity`, written as given with `backstage.io/source-template`
  added, as Backstage writes it;
- any other id scaffold has installed runs as it is.

An action that is neither is reported by name, with every other such problem, before anything
runs. Expressions keep their meaning: `steps['publish'].output.remoteUrl`, `parameters.x`,
`each.value`, Backstage's filters (`parseRepoUrl`, `parseEntityRef`, `pick`, `projectSlug`).
`${{ user.* }}` (the signed-in Backstage user) has no counterpart in a terminal and is an error.

Backstage templates have no version: the record names the `scaffold.dev/version` annotation when
there is one, else the release tag whose tree is the template (git), else a hash of the template's
content (see `scaffolder.formats.versions`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scaffolder import versions, yamlio
from scaffolder.errors import Problem, TemplateError
from scaffolder.formats import BACKSTAGE_API_VERSION
from scaffolder.formats._common import build, fail, ident, template_name
from scaffolder.formats.backstage_parameters import Converted, convert_parameters
from scaffolder.formats.versions import version_for
from scaffolder.template import TEMPLATE_FILE, Template

VERSION_ANNOTATION = "scaffold.dev/version"
# `${{` itself, written as an expression: step inputs are rendered before the action sees them
DELIMITERS = {"variable_start": "${{ '${{' }}", "variable_end": "}}"}
OUTPUT_ALIASES: dict[str, dict[str, str]] = {
    "catalog:register": {"entityRef": "entity_ref", "catalogInfoUrl": "location"}
}
_BLOCKS = {"trim_blocks": "trimBlocks", "lstrip_blocks": "lstripBlocks"}  # nunjucks' options, as Jinja's
_SPAN = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_NAME = r"(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['\"])(.*?)\{q}\s*\])"
_PARAM = re.compile(r"(?<![\w.$])parameters\s*" + _NAME.format(q="2"))
_SECRET = re.compile(r"(?<![\w.$])secrets\s*" + _NAME.format(q="2"))
_STEP = re.compile(
    r"(?<![\w.$])steps\s*" + _NAME.format(q="2") + r"(\s*\.\s*output\b(?:\s*" + _NAME.format(q="6") + r")?)?"
)
_USER = re.compile(r"(?<![\w.$])user\s*[.\[]")


@dataclass
class _Context:
    """What rewriting a template's expressions needs: its parameters and its steps."""

    params: Converted
    steps: dict[str, tuple[str, str]] = field(default_factory=dict)  # Backstage id -> (scaffold id, action)
    problems: list[Problem] = field(default_factory=list)


def _param_ref(ctx: _Context, name: str) -> str | None:
    pid = ctx.params.ids.get(name)
    if pid is None:
        return None
    if pid in ctx.params.lists:
        return f"((parameters.{pid} | default('', true)).split(',') | map('trim') | reject('equalto', '') | list)"
    ref = f"(parameters.{pid} | default(none))" if pid in ctx.params.conditional else f"parameters.{pid}"
    return f"({ref} | jsNumber)" if pid in ctx.params.numbers else ref


_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_OPERATOR = re.compile(r"===|!==|&&|\|\||!(?!=)|\?")
_REFUSED = {"&&": "and", "||": "or", "!": "not", "?": "`b if a else c`"}


def _operators(text: str) -> str | None:
    """JavaScript's `===` and `!==` as Jinja's `==` and `!=` (outside string literals); None when
    the expression uses `&&`, `||`, `!` or `? :`, which Backstage's templating cannot parse either."""
    out, pos = [], 0
    for literal in [*_STRING.finditer(text), None]:
        end = literal.start() if literal else len(text)
        code = text[pos:end]
        if any(op in _REFUSED for op in _OPERATOR.findall(code)):
            return None
        out.append(code.replace("===", "==").replace("!==", "!="))
        if literal:
            out.append(literal[0])
            pos = literal.end()
    return "".join(out)


def _rewrite_inner(ctx: _Context, text: str, where: str) -> str:
    def param(match: re.Match[str]) -> str:
        name = match[1] or match[3]
        return _param_ref(ctx, name) or match[0]

    def secret(match: re.Match[str]) -> str:
        name = match[1] or match[3]
        pid = ctx.params.ids.get(name)
        if pid is None or pid not in ctx.params.secrets:
            ctx.problems.append(Problem(where, f"secrets.{name}: no secret parameter (ui:field: Secret) named {name}"))
            return match[0]
        return _param_ref(ctx, name) or match[0]

    def step(match: re.Match[str]) -> str:
        name = match[1] or match[3]
        if name not in ctx.steps:
            return match[0]
        sid, action = ctx.steps[name]
        out = f"steps.{sid}"
        if match[4]:
            key = match[5] or match[7]
            out += ".output"
            if key:
                out += "." + OUTPUT_ALIASES.get(action, {}).get(key, key)
        return out

    if _USER.search(text):
        ctx.problems.append(Problem(where, "`user` (the signed-in Backstage user) does not exist in scaffold"))
    translated = _operators(text)
    if translated is None:  # kept as written, as Backstage keeps it (`template lint` warns)
        return text
    return _STEP.sub(step, _SECRET.sub(secret, _PARAM.sub(param, translated)))


def rewrite(ctx: _Context, value: Any, where: str) -> Any:
    """Every `${{ }}` in nested data, with Backstage's names mapped to scaffold's."""
    if isinstance(value, str):
        return _SPAN.sub(lambda m: "${{" + _rewrite_inner(ctx, m[1], where) + "}}", value)
    if isinstance(value, dict):
        return {k: rewrite(ctx, v, where) for k, v in value.items()}
    if isinstance(value, list):
        return [rewrite(ctx, v, where) for v in value]
    return value


# --- steps ----------------------------------------------------------------------------------------

Translator = Callable[[dict[str, Any], list[str]], tuple[str, dict[str, Any]]]


def _relative(url: Any, problems: list[str]) -> Any:
    text = str(url)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", text):
        problems.append(f"url {text!r}: only a folder inside the template can be fetched")
    return re.sub(r"^(\./)+", "", text) or "."


def _fetch_template(inp: dict[str, Any], problems: list[str]) -> tuple[str, dict[str, Any]]:
    out: dict[str, Any] = {"path": _relative(inp.pop("url", "."), problems), "values": inp.pop("values", None) or {}}
    if "targetPath" in inp:
        out["target_path"] = inp.pop("targetPath")
    globs = list(inp.pop("copyWithoutTemplating", None) or [])
    inp.pop("copyWithoutRender", None)  # deprecated, and ignored by Backstage since scaffolder-backend 2.0.0
    if globs:
        out["copy_without_templating"] = globs
    out["dialect"] = "nunjucks"
    blocks = {key: True for key, name in _BLOCKS.items() if inp.pop(name, False) is True}
    if inp.pop("cookiecutterCompat", False):
        out["cookiecutter_compat"] = True
        if blocks:
            out["delimiters"] = blocks
    else:
        out["delimiters"] = {**DELIMITERS, **blocks}
    extension = inp.pop("templateFileExtension", None)
    if extension:
        out["template_suffix"] = ".njk" if extension is True else str(extension)
    for ignored in ("replace", "token"):
        inp.pop(ignored, None)
    return "fetch:template", {**out, **inp}


def _fetch_template_file(inp: dict[str, Any], problems: list[str]) -> tuple[str, dict[str, Any]]:
    """Backstage's fetch:template:file: one file of the template rendered to `targetPath`."""
    if not inp.get("targetPath"):
        problems.append("targetPath is required (the path of the file to write)")
    return _fetch_template(inp, problems)


def _fetch_plain(inp: dict[str, Any], problems: list[str]) -> tuple[str, dict[str, Any]]:
    out: dict[str, Any] = {"path": _relative(inp.pop("url", "."), problems)}
    if "targetPath" in inp:
        out["target_path"] = inp.pop("targetPath")
    inp.pop("token", None)
    return "fetch:plain", {**out, **inp}


def _fetch_cookiecutter(inp: dict[str, Any], problems: list[str]) -> tuple[str, dict[str, Any]]:
    out: dict[str, Any] = {"path": _relative(inp.pop("url", "."), problems), "values": inp.pop("values", None) or {}}
    if "targetPath" in inp:
        out["target_path"] = inp.pop("targetPath")
    out["backstage"] = True  # the folder is the project, values its context (Backstage's module)
    for ignored in ("imageName", "token"):
        inp.pop(ignored, None)
    return "fetch:cookiecutter", {**out, **inp}


def _catalog_register(inp: dict[str, Any], problems: list[str]) -> tuple[str, dict[str, Any]]:
    inp.pop("optional", None)
    path = str(inp.pop("catalogInfoPath", "/catalog-info.yaml"))
    out: dict[str, Any] = {"catalog_info_path": path.lstrip("/") or "catalog-info.yaml"}
    if "catalogInfoUrl" in inp:
        out["target"] = inp.pop("catalogInfoUrl")
    elif "repoContentsUrl" in inp:
        # publish:github's repoContentsUrl ends in the separator its forge's file URLs need
        out["target"] = f"{inp.pop('repoContentsUrl')}{path.lstrip('/')}"
    else:
        problems.append("needs catalogInfoUrl, or repoContentsUrl and catalogInfoPath")
    return "catalog:register", {**out, **inp}


def _catalog_write(inp: dict[str, Any], problems: list[str]) -> tuple[str, dict[str, Any]]:
    """Backstage's catalog:write writes the entity it is given as it is (any kind, any keys)."""
    entity = inp.pop("entity", None)
    out: dict[str, Any] = {"file_path": inp.pop("filePath", "catalog-info.yaml")}
    if not isinstance(entity, dict | str):  # a string: an expression giving the entity
        problems.append("entity must be a mapping (the entity to write)")
        return "catalog:write", out
    return "catalog:write", {**out, "entity": entity, **inp}


def _same(action: str) -> Translator:
    return lambda inp, problems: (action, inp)


TRANSLATORS: dict[str, Translator] = {
    "fetch:template": _fetch_template,
    "fetch:template:file": _fetch_template_file,
    "fetch:plain": _fetch_plain,
    "fetch:plain:file": _fetch_plain,
    "fetch:cookiecutter": _fetch_cookiecutter,
    "catalog:register": _catalog_register,
    "catalog:write": _catalog_write,
    **{a: _same(a) for a in ("publish:github", "publish:github:pull-request", "fs:rename", "fs:delete", "debug:log")},
}


def _steps(doc: Any, raw: Any, ctx: _Context, file: Path) -> list[dict[str, Any]]:
    from scaffolder.registry import load_registry

    installed = load_registry()
    steps = raw if isinstance(raw, list) else []
    taken: set[str] = set()
    for index, step in enumerate(steps):
        if isinstance(step, dict):
            original = str(step.get("id") or f"step-{index + 1}")
            ctx.steps[original] = (ident(original, taken), str(step.get("action", "")))
    out: list[dict[str, Any]] = []
    unmapped: list[Problem] = []
    for index, step in enumerate(steps):
        where = f"{file}:{yamlio.line_of(doc, ('spec', 'steps', index))}"
        if not isinstance(step, dict) or not step.get("action"):
            ctx.problems.append(Problem(where, f"step {index + 1} has no action"))
            continue
        original = str(step.get("id") or f"step-{index + 1}")
        sid, action = ctx.steps[original]
        translator = TRANSLATORS.get(action) or (_same(action) if action in installed else None)
        if translator is None:
            where = f"{file}:{yamlio.line_of(doc, ('spec', 'steps', index, 'action'))}"
            unmapped.append(Problem(where, f"step {original}: action {action!r} has no scaffold counterpart"))
            continue
        inp = step.get("input") if isinstance(step.get("input"), dict) else {}
        assert isinstance(inp, dict)
        problems: list[str] = []
        target, translated = translator(dict(inp), problems)
        ctx.problems.extend(Problem(where, f"step {original} ({action}): {p}") for p in problems)
        converted: dict[str, Any] = {"id": sid, "action": target, "input": rewrite(ctx, translated, where)}
        if step.get("name"):
            converted["name"] = str(step["name"])
        for key in ("if", "each"):
            if key in step:
                converted[key] = rewrite(ctx, step[key], where)
        out.append(converted)
    ctx.problems[:0] = unmapped
    return out


def _links(raw: Any, ctx: _Context, where: str) -> list[dict[str, Any]]:
    output = raw if isinstance(raw, dict) else {}
    links = []
    for link in output.get("links") or []:
        if not isinstance(link, dict):
            continue
        url = link.get("url")
        if url is None and link.get("entityRef") is not None:
            ref = rewrite(ctx, str(link["entityRef"]), where)
            url = re.sub(r"^\$\{\{\s*(steps\.\w+\.output)\.entity_ref\s*\}\}$", r"${{ \1.entity_url }}", ref)
        else:
            url = rewrite(ctx, str(url or ""), where)
        item = {"title": str(link.get("title") or url), "url": url}
        if link.get("icon"):
            item["icon"] = str(link["icon"])
        links.append(item)
    return links


def convert(folder: Path, doc: Any, *, version: str | None = None, file_name: str = TEMPLATE_FILE) -> Template:
    """The Backstage template `folder/file_name` (already loaded as `doc`) as a golden path;
    TemplateError lists every problem, actions with no counterpart first, or says in one sentence
    that an older apiVersion (v1beta2) is not supported."""
    file = folder / file_name
    data = yamlio.plain(doc)
    api = str(data.get("apiVersion", ""))
    if api != BACKSTAGE_API_VERSION:
        version_name = api.rpartition("/")[2] or api
        raise TemplateError(
            f"{version_name} templates are not supported; scaffold runs {BACKSTAGE_API_VERSION}",
            [Problem(f"{file}:{yamlio.line_of(doc, ('apiVersion',))}", f"apiVersion: {api}")],
        )
    problems: list[Problem] = []
    if data.get("kind") != "Template":
        problems.append(Problem(f"{file}:{yamlio.line_of(doc, ('kind',))}", "kind must be Template"))
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
    assert isinstance(metadata, dict) and isinstance(spec, dict)
    if not metadata.get("name"):
        problems.append(Problem(f"{file}:{yamlio.line_of(doc, ('metadata',))}", "metadata.name is required"))
    params = convert_parameters(
        spec.get("parameters"), f"{file}:{yamlio.line_of(doc, ('spec', 'parameters'))}", problems
    )
    ctx = _Context(params)
    steps = _steps(doc, spec.get("steps"), ctx, file)
    links = _links(spec.get("output"), ctx, f"{file}:{yamlio.line_of(doc, ('spec', 'output'))}")
    problems = ctx.problems + problems
    annotations = metadata.get("annotations") if isinstance(metadata.get("annotations"), dict) else {}
    assert isinstance(annotations, dict)
    declared = annotations.get(VERSION_ANNOTATION)
    if declared is not None and not versions.is_valid(str(declared)):
        problems.append(
            Problem(file.as_posix(), f"annotation {VERSION_ANNOTATION}: {declared!r} is not a semantic version")
        )
        declared = None
    if problems:
        raise fail(folder, file_name, "backstage", problems)
    model = {
        "apiVersion": "scaffold/v1",
        "kind": "GoldenPath",
        "metadata": {
            "name": template_name(str(metadata["name"])),
            "title": str(metadata.get("title") or metadata["name"]),
            "description": str(metadata.get("description") or "").strip(),
            "owner": str(spec.get("owner") or "unknown"),
            "tags": [str(t) for t in metadata.get("tags") or []],
        },
        "spec": {
            "version": version_for(folder, declared=str(declared) if declared else None, hint=version),
            "type": str(spec.get("type") or "service"),
            "parameters": params.parameters,
            "steps": steps,
            "output": {"links": links},
        },
    }
    return build(model, folder, file=file_name, fmt="backstage", doc=doc)
