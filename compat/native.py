"""The native side: each template rendered by its own tool with the same answers scaffold got.

cookiecutter and copier run through their Python APIs (native_py.py, in the venv's Python); Backstage
templates through Backstage's own scaffolder engine (`node render.js TEMPLATE_YAML VALUES_JSON OUTPUT_DIR`,
tests/servers/backstage_scaffolder/), whose output folder is the final workspace.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import procs
import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_RENDER_JS = HERE.parent / "tests" / "servers" / "backstage_scaffolder" / "render.js"


def _line(out: str) -> dict[str, Any]:
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            try:
                data: dict[str, Any] = json.loads(line)
                return data
            except json.JSONDecodeError:
                break
    return {"ok": False, "error": procs.one_line(out) if out.strip() else "printed no result"}


def _python(
    python: Path, args: list[str], run_dir: Path, timeout: float, cwd: Path | None = None
) -> tuple[dict[str, Any], float]:
    env = procs.environment(run_dir / "native-home")
    command = [str(python), str(HERE / "native_py.py"), *args]
    code, out, err, seconds = procs.run(command, env, cwd or run_dir, timeout)
    if code == -1:
        return {"ok": False, "error": err}, seconds
    data = _line(out)
    if not data.get("ok") and not data.get("error"):
        data["error"] = procs.one_line(err)
    return data, seconds


def cookiecutter(python: Path, template: Path, answers: Path, run_dir: Path, timeout: float) -> procs.Side:
    """cookiecutter's `cookiecutter()` with no_input and the answers as extra_context; the folder it generated.

    It runs in run_dir/native, the folder scaffold ran in, with cookiecutter's default output folder (`.`), so the
    `_output_dir` both record is the same folder.
    """
    out = run_dir / "native"
    out.mkdir(exist_ok=True)
    data, seconds = _python(python, ["cookiecutter", str(template), ".", str(answers)], run_dir, timeout, cwd=out)
    if not data.get("ok"):
        return procs.Side(False, reason=procs.one_line(str(data.get("error"))), seconds=seconds)
    return procs.Side(True, Path(data["dir"]), seconds=seconds)


def copier_copy(python: Path, template: Path, ref: str, answers: Path, dest: Path, timeout: float) -> procs.Side:
    """copier's `run_copy` at `ref` with the answers as data and defaults for the rest; the destination."""
    data, seconds = _python(python, ["copy", str(template), str(dest), str(answers), ref], dest.parent, timeout)
    if not data.get("ok"):
        return procs.Side(False, reason=procs.one_line(str(data.get("error"))), seconds=seconds)
    return procs.Side(True, dest, seconds=seconds)


def copier_update(python: Path, dest: Path, ref: str, answers: Path, timeout: float) -> procs.Side:
    """copier's `run_update` of `dest` (a committed repository) to `ref`, defaults and overwrite on."""
    data, seconds = _python(python, ["update", str(dest), str(answers), ref], dest.parent, timeout)
    if not data.get("ok"):
        return procs.Side(False, reason=procs.one_line(str(data.get("error"))), seconds=seconds)
    return procs.Side(True, dest, seconds=seconds)


def commit_all(folder: Path, env: dict[str, str]) -> None:
    """Make `folder` a git repository with everything committed (copier update works on one)."""
    for cmd in (["init", "--quiet"], ["add", "-A"], ["commit", "--quiet", "--allow-empty", "-m", "copier copy"]):
        subprocess.run(["git", "-C", str(folder), *cmd], env=env, check=True, capture_output=True)


def backstage_answers(template_yaml: Path, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with each page's top-level defaults filled in, as Backstage's form sends them."""
    spec = (yaml.safe_load(template_yaml.read_text(encoding="utf-8")) or {}).get("spec") or {}
    pages = spec.get("parameters") or []
    filled = dict(answers)
    for page in pages if isinstance(pages, list) else [pages]:
        for key, schema in ((page or {}).get("properties") or {}).items():
            if key not in filled and isinstance(schema, dict) and "default" in schema:
                filled[key] = schema["default"]
    return filled


def source_path(template_yaml: Path, answers: dict[str, Any]) -> str:
    """The workspace folder the template publishes (`sourcePath` of its first publish step), '' for all of it."""
    spec = (yaml.safe_load(template_yaml.read_text(encoding="utf-8")) or {}).get("spec") or {}
    for step in spec.get("steps") or []:
        if str(step.get("action", "")).startswith("publish:"):
            value = str((step.get("input") or {}).get("sourcePath") or "")
            return re.sub(r"\$\{\{\s*parameters\.(\w+)\s*\}\}", lambda m: str(answers.get(m.group(1), "")), value)
    return ""


def backstage(render_js: Path, template_yaml: Path, values: Path, run_dir: Path, timeout: float) -> procs.Side:
    """Backstage's engine on the template; the part of the workspace its publish step would push."""
    if not render_js.is_file():
        return procs.Side(False, reason=f"no Backstage engine at {render_js} (see --render-js)")
    out = run_dir / "native"
    env = procs.environment(run_dir / "native-home")
    code, stdout, stderr, seconds = procs.run(
        ["node", str(render_js), str(template_yaml), str(values), str(out)], env, run_dir, timeout
    )
    data = _line(stdout) if code != -1 else {"ok": False, "error": stderr}
    if not data.get("ok"):
        return procs.Side(False, reason=procs.one_line(str(data.get("error") or stderr)), seconds=seconds)
    sub = source_path(template_yaml, json.loads(values.read_text(encoding="utf-8")))
    return procs.Side(True, out / sub if sub else out, seconds=seconds)
