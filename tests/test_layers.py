"""The house keeps its shape: `scaffolder/` and `actions/` import one way down the layers (CLI >
engine > actions and the action contract > forges and catalogs > foundation), with no import loop,
top-level or inside a function, and no module over 500 lines. There is no list of exceptions: a
failure names every offending import by file and line (see docs/architecture.md for the layers)."""

from __future__ import annotations

import ast
import functools
import sys
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_LINES = 500
# Lowest first. A module belongs to the first layer one of whose names it is or is inside;
# everything else in `scaffolder` is the engine.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    (
        "foundation",
        (
            "scaffolder.errors",
            "scaffolder.yamlio",
            "scaffolder.paths",
            "scaffolder.redact",
            "scaffolder.git",
            "scaffolder.git_process",
            # what every render uses, needing nothing of scaffold above this layer
            "scaffolder.filters",
            "scaffolder.globs",
            "scaffolder.budget",
            "scaffolder.sandbox",
            "scaffolder.foreign_files",
            "scaffolder.litter",
        ),
    ),
    ("forges and catalogs", ("scaffolder.forges", "scaffolder.catalogs")),
    ("actions and the action contract", ("scaffolder.actions", "scaffolder.action")),
    ("engine", ("scaffolder",)),
    ("CLI", ("scaffolder.cli", "scaffolder.__main__", "scaffolder.mcp")),  # front ends
]
ENGINE = 3


@dataclass(frozen=True)
class Import:
    """`source` imports `target` (both module names) at `where` (file:line); `kind` is "top",
    "function" (inside a function: it still runs) or "type" (under TYPE_CHECKING: it never runs)."""

    source: str
    target: str
    where: str
    kind: str


def layer(module: str) -> int:
    """The index in `LAYERS` of the layer `module` belongs to: the longest name it is or is inside
    (the package `scaffolder` itself is foundation: its `__init__` holds only the version)."""
    if module == "scaffolder":
        return 0
    best, length = ENGINE, 0
    for i, (_, names) in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and len(name) > length:
                best, length = i, len(name)
    return best


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[0] == "actions":  # installed as scaffolder.actions
        parts = ["scaffolder", *parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(root: Path) -> dict[str, Path]:
    files = sorted([*root.glob("scaffolder/**/*.py"), *root.glob("actions/*.py")])
    return {module_name(root, p): p for p in files}


def _names_type_checking(test: ast.expr) -> bool:
    """`TYPE_CHECKING` or `typing.TYPE_CHECKING`."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _import_nodes(nodes: list[ast.AST], kind: str = "top") -> Iterator[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import statement under `nodes` with its kind: "top", "function" or "type" (a typing
    import inside a function stays "type")."""
    for node in nodes:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, kind
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _import_nodes(list(ast.iter_child_nodes(node)), "type" if kind == "type" else "function")
        elif isinstance(node, ast.If) and _names_type_checking(node.test):
            yield from _import_nodes(list(node.body), "type")
            yield from _import_nodes(list(node.orelse), kind)
        else:
            yield from _import_nodes(list(ast.iter_child_nodes(node)), kind)


def imports(root: Path) -> list[Import]:
    """Every import from one module of the tree to another, top-level, in functions and typing-only."""
    mods = modules(root)

    def resolve(name: str) -> str | None:
        parts = name.split(".")
        return next((".".join(parts[:i]) for i in range(len(parts), 0, -1) if ".".join(parts[:i]) in mods), None)

    found: list[Import] = []
    for module, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node, kind in _import_nodes([tree]):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join([*up, base] if base else up)
                names = [f"{base}.{a.name}" for a in node.names]
            where = f"{path.relative_to(root).as_posix()}:{node.lineno}"
            for name in names:
                target = resolve(name) if name.split(".")[0] == "scaffolder" else None
                if target is not None and target != module:
                    found.append(Import(module, target, where, kind))
    return sorted(set(found), key=lambda i: (i.where.split(":")[0], int(i.where.split(":")[1]), i.target))


def climbing(edges: list[Import]) -> list[str]:
    """The imports that run and reach a higher layer, one line each."""
    return [
        f"{e.where}: {e.source} ({LAYERS[layer(e.source)][0]}) imports {e.target} ({LAYERS[layer(e.target)][0]})"
        + (" inside a function" if e.kind == "function" else "")
        for e in edges
        if e.kind != "type" and layer(e.target) > layer(e.source)
    ]


def cycles(edges: list[Import]) -> list[str]:
    """Each set of modules that import each other when they run (Tarjan's strongly connected
    components), with the imports that close the loop."""
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        if e.kind != "type":
            graph[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = {stack.pop()}
            while v not in component:
                component.add(stack.pop())
            if len(component) > 1:
                components.append(component)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph) + 100))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    out = []
    for component in components:
        closing = [
            f"    {e.where}: -> {e.target} ({e.kind})"
            for e in edges
            if e.kind != "type" and {e.source, e.target} <= component
        ]
        out.append(f"{', '.join(sorted(component))}:\n" + "\n".join(closing))
    return out


def beyond_contract(edges: list[Import]) -> list[str]:
    """Imports of an action module (`actions/`) of anything of scaffold's but the action contract
    (`scaffolder.action`) and its sibling action modules: a built-in action needs what a plugin
    gets, no more, typing-only imports included."""
    return [
        f"{e.where}: {e.source} imports {e.target}"
        for e in edges
        if e.source.startswith("scaffolder.actions")
        and e.target != "scaffolder.action"
        and not e.target.startswith("scaffolder.actions")
    ]


def oversized(root: Path) -> list[str]:
    sizes = {p: len(p.read_text(encoding="utf-8").splitlines()) for p in modules(root).values()}
    return [f"{p.relative_to(root).as_posix()}: {n} lines" for p, n in sorted(sizes.items()) if n > MAX_LINES]


# --- the project ----------------------------------------------------------------------------------


@functools.cache
def project_imports() -> list[Import]:
    return imports(ROOT)


def test_no_import_loops() -> None:
    found = cycles(project_imports())
    assert not found, "modules that import each other (a loop, even inside a function):\n" + "\n".join(found)


def test_no_import_climbs_a_layer() -> None:
    found = climbing(project_imports())
    order = " > ".join(name for name, _ in reversed(LAYERS))
    assert not found, f"imports that climb a layer ({order}):\n" + "\n".join(found)


def test_actions_import_only_the_action_contract() -> None:
    found = beyond_contract(project_imports())
    assert not found, "action modules reaching past scaffolder.action:\n" + "\n".join(found)


def test_no_module_over_500_lines() -> None:
    found = oversized(ROOT)
    assert not found, f"modules over {MAX_LINES} lines (split them by concept):\n" + "\n".join(found)


def test_every_module_is_in_a_layer() -> None:
    mods = modules(ROOT)
    assert {"scaffolder.cli", "scaffolder.action", "scaffolder.forges.base", "scaffolder.errors"} <= set(mods)
    assert [layer(m) for m in ("scaffolder.cli.new", "scaffolder.runner", "scaffolder.actions.fs_rename")] == [4, 3, 2]
    assert [layer(m) for m in ("scaffolder.action", "scaffolder.catalogs.sqlite", "scaffolder.git")] == [2, 1, 0]
    assert layer("scaffolder.gitlab") == ENGINE  # a name's prefix is not its package


# --- the checks themselves, on a small tree ----------------------------------------------------------


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    files = {
        "scaffolder/__init__.py": "",
        "scaffolder/errors.py": "",
        "scaffolder/runner.py": "from scaffolder import errors\n\ndef go():\n    from scaffolder.cli import main\n",
        "scaffolder/plan.py": "def f():\n    from . import runner\n",
        "scaffolder/render.py": "import scaffolder.plan\n",
        "scaffolder/cli/__init__.py": "from scaffolder.runner import go\nmain = go\n",
        "scaffolder/action.py": "import typing\nif typing.TYPE_CHECKING:\n    from scaffolder.runner import go\n",
        "actions/fs_x.py": "from scaffolder.action import x\nfrom scaffolder.render import y\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_a_loop_through_a_function_level_import_is_found(tree: Path) -> None:
    found = cycles(imports(tree))
    assert len(found) == 1 and found[0].startswith("scaffolder.cli, scaffolder.runner:")
    assert "scaffolder/runner.py:4: -> scaffolder.cli (function)" in found[0]


def test_an_upward_import_is_found_and_a_typing_only_one_is_not(tree: Path) -> None:
    assert climbing(imports(tree)) == [
        "actions/fs_x.py:2: scaffolder.actions.fs_x (actions and the action contract) imports scaffolder.render"
        " (engine)",
        "scaffolder/runner.py:4: scaffolder.runner (engine) imports scaffolder.cli (CLI) inside a function",
    ]


def test_an_action_reaching_past_the_contract_is_found(tree: Path) -> None:
    assert beyond_contract(imports(tree)) == ["actions/fs_x.py:2: scaffolder.actions.fs_x imports scaffolder.render"]


def test_relative_imports_resolve(tree: Path) -> None:
    assert Import("scaffolder.plan", "scaffolder.runner", "scaffolder/plan.py:2", "function") in imports(tree)


def test_a_long_module_is_found(tree: Path) -> None:
    (tree / "scaffolder/runner.py").write_text("x = 1\n" * (MAX_LINES + 1))
    assert oversized(tree) == [f"scaffolder/runner.py: {MAX_LINES + 1} lines"]
