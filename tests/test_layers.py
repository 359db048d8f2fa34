"""The package's shape: imports run one way, from higher layers to lower ones, and never in
a circle.

Each module of ``eventstudy`` belongs to a layer (``LAYERS``, lowest first); a module may
import modules of lower layers and, inside a subpackage, its own siblings. Imports inside
functions count; imports under ``if TYPE_CHECKING:`` do not (they are types, not code that
runs). ``docs/architecture.md`` explains the layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import eventstudy

PACKAGE = Path(eventstudy.__file__).resolve().parent

#: Layers from the bottom up: a module may import from its own layer's package and below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "_typing", "_measures", "_json", "_blocks", "_version", "format"),
    ("markets",),
    ("securities",),
    ("calendar",),
    ("sources",),
    ("limits",),
    ("events",),
    ("panel",),
    ("models",),
    ("statistics",),
    ("spec",),
    ("engine",),
    ("claims",),
    ("plots",),
    ("results",),
    ("api",),
    ("simulate",),
    ("report",),
    ("cli",),
    ("__init__", "__main__"),
)


def _unit(module: str) -> str:
    """The layer unit of a dotted module name: its first component below ``eventstudy``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _rank(unit: str) -> int:
    for rank, units in enumerate(LAYERS):
        if unit in units:
            return rank
    raise AssertionError(
        f"eventstudy.{unit} is in no layer: add it to LAYERS in tests/test_layers.py and to "
        "docs/architecture.md"
    )


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
            else:
                stack.append(child)


def _imports(module: str, path: Path) -> set[str]:
    """The eventstudy modules that ``module`` imports at run time."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("eventstudy")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name.startswith("eventstudy"):
                # ``from eventstudy import plots`` imports the module eventstudy.plots
                subs = {f"{name}.{a.name}" for a in node.names} & MODULE_NAMES
                found |= subs or {name}
    return found - {module}


MODULE_NAMES = {module for module, _ in _modules()}
GRAPH = {module: _imports(module, path) for module, path in _modules()}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_follow_the_layers(module: str) -> None:
    rank = _rank(_unit(module))
    upward = sorted(
        name
        for name in GRAPH[module]
        if _unit(name) != _unit(module) and _rank(_unit(name)) > rank
    )
    assert not upward, f"{module} (layer {rank}) imports from higher layers: {upward}"


def test_no_import_circle() -> None:
    known = set(GRAPH)

    def target(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    edges = {m: {t for n in names if (t := target(n)) and t != m} for m, names in GRAPH.items()}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt]
                raise AssertionError("import circle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
