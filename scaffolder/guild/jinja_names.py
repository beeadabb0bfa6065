"""Static analysis of Jinja source with Jinja's own AST: syntax problems, unknown filters and
tests, and every name a template reads without defining it (with the keys read after it), so
lint can tell an undefined name from a typo before anything renders."""

from __future__ import annotations

from collections.abc import Iterator

from jinja2 import Environment, TemplateSyntaxError, meta, nodes

# The keys of the names every expression and skeleton may read besides the answers.
BUILTINS = {"template": ("name", "version"), "run": ("id",)}


def parse(env: Environment, source: str) -> tuple[nodes.Template | None, list[tuple[int | None, str]]]:
    """The AST and every syntax problem (line, sentence), unknown filters and tests included."""
    try:
        ast = env.parse(source)
    except TemplateSyntaxError as exc:
        return None, [(exc.lineno, exc.message or "syntax error")]
    problems: list[tuple[int | None, str]] = [
        (n.lineno, f"unknown filter {n.name!r}") for n in ast.find_all(nodes.Filter) if n.name not in env.filters
    ]
    problems += [(n.lineno, f"unknown test {n.name!r}") for n in ast.find_all(nodes.Test) if n.name not in env.tests]
    return ast, problems


def names(ast: nodes.Template) -> Iterator[tuple[str, list[str], int]]:
    """(root, keys, line) of every name the template reads but does not define itself, with the
    constant attribute and item keys after it: `steps.publish.output.url` -> ("steps",
    ["publish", "output", "url"]). A method call drops its method name; a dynamic key ends the keys."""
    try:
        undeclared = meta.find_undeclared_variables(ast)
    except TemplateSyntaxError:  # an unknown filter or test (reported by parse): every name read
        undeclared = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}
    inner = {id(n.node) for n in ast.find_all(nodes.Getattr)} | {id(n.node) for n in ast.find_all(nodes.Getitem)}
    called = {id(n.node) for n in ast.find_all(nodes.Call)}
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        if id(node) in inner:
            continue
        keys: list[str] = []  # outermost first
        current: nodes.Node = node
        while isinstance(current, nodes.Getattr | nodes.Getitem):
            if isinstance(current, nodes.Getattr):
                keys.append(current.attr)
            elif isinstance(current.arg, nodes.Const) and isinstance(current.arg.value, str):
                keys.append(current.arg.value)
            else:
                keys = []
            current = current.node
        if isinstance(current, nodes.Name) and current.ctx == "load" and current.name in undeclared:
            if id(node) in called and keys:
                keys = keys[1:]
            yield current.name, keys[::-1], node.lineno
