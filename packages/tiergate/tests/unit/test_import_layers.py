"""The engine's import graph: no circles, and lower layers never import upper ones.

Every module under ``src/tiergate`` is parsed with ``ast`` (nothing is imported):
each ``import tiergate...`` and ``from tiergate... import ...`` is an edge,
wherever it is (top level, inside a function, under ``if TYPE_CHECKING:``).
``from tiergate.pkg import name`` is an edge to ``tiergate.pkg.name`` when that
is a module, else to ``tiergate.pkg``; a package's ``__init__.py`` is the
package's module.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "tiergate"

ALLOWED_CYCLES: frozenset[frozenset[str]] = frozenset(
    {
        # The context computes the run's coverage, gaps and matrix once, on first use
        # (a cached property importing the module that computes it, lazily); each of
        # those modules names `Context` only in an annotation (under TYPE_CHECKING).
        # All four sit in one layer, below the gates: nothing here imports upward.
        frozenset({"tiergate.context", "tiergate.measure", "tiergate.gaps", "tiergate.trace.run"}),
    }
)
"""Strongly connected components tolerated, each with its reason."""

LOWER = (
    "tiergate.history",
    "tiergate.runfolder",
    "tiergate.records",
    "tiergate.covdata",
    "tiergate.measure",
    "tiergate.gaps",
    "tiergate.context",
    "tiergate.trace",
)
"""Modules (or packages) below evaluation: storage, the run's artifacts, measurement, context."""
UPPER = ("tiergate.gates", "tiergate.verdict", "tiergate.report")
"""What the lower layers must never import, not even for type checking."""


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` at ``path:line``."""

    source: str
    target: str
    path: Path
    line: int

    def __str__(self) -> str:
        where = self.path.relative_to(SRC.parents[2])
        return f"{where}:{self.line}: {self.source} -> {self.target}"


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _known(name: str) -> str:
    """The longest prefix of ``name`` that is a module of the engine."""
    parts = name.split(".")
    while parts and ".".join(parts) not in MODULES:
        parts.pop()
    return ".".join(parts)


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = package[: len(package) - node.level + 1]
    return ".".join([*base, *([node.module] if node.module else [])])


def _edges_of(module: str, path: Path) -> list[Edge]:
    edges = []
    for node in ast.walk(ast.parse(path.read_bytes(), str(path))):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            imported = _absolute(module, path, node)
            targets = [
                f"{imported}.{alias.name}" if f"{imported}.{alias.name}" in MODULES else imported
                for alias in node.names
            ]
        for target in targets:
            if target == PACKAGE or target.startswith(f"{PACKAGE}."):
                resolved = _known(target)
                edge = Edge(module, resolved, path, node.lineno)
                if resolved and resolved != module and edge not in edges:
                    edges.append(edge)
    return edges


EDGES = [edge for module, path in MODULES.items() for edge in _edges_of(module, path)]


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        for successor in graph[todo.pop()] - seen:
            seen.add(successor)
            todo.append(successor)
    return seen


def _components(edges: list[Edge]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module, in module order.

    A module is in a circle when it reaches itself; its component is every module
    it reaches that reaches it back.
    """
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for edge in edges:
        graph[edge.source].add(edge.target)
    reach = {module: _reachable(graph, module) for module in sorted(graph)}
    found: list[frozenset[str]] = []
    for module, reached in reach.items():
        component = frozenset(other for other in reached if module in reach[other])
        if module in reached and component not in found:
            found.append(component)
    return found


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == prefix or module.startswith(f"{prefix}.") for prefix in prefixes)


def test_the_parser_sees_the_engine_and_its_imports() -> None:
    assert "tiergate.verdict" in MODULES
    assert MODULES["tiergate.gates"].name == "__init__.py"
    assert any(edge.target == "tiergate.gates.base" for edge in EDGES)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from tiergate.gates import base\n", "tiergate.gates.base"),
        ("from tiergate.gates import registry as r\n", "tiergate.gates.registry"),
        ("from tiergate.history import STAR\n", "tiergate.history"),
        ("import tiergate.trace.matrix\n", "tiergate.trace.matrix"),
        ("from . import base\n", "tiergate.gates.base"),
        ("from .registry import GATES\n", "tiergate.gates.registry"),
        ("if TYPE_CHECKING:\n    from tiergate.verdict import V\n", "tiergate.verdict"),
        ("def f():\n    from tiergate.report.html import r\n", "tiergate.report.html"),
    ],
)
def test_imports_resolve_to_the_module_they_load(
    tmp_path: Path, source: str, expected: str
) -> None:
    path = tmp_path / "probe.py"
    path.write_text(source, encoding="utf-8")
    assert [edge.target for edge in _edges_of("tiergate.gates.probe", path)] == [expected]


def test_a_two_module_circle_is_one_component() -> None:
    here = Path(__file__)
    edges = [
        Edge("tiergate.verdict", "tiergate.gates.base", here, 1),
        Edge("tiergate.gates.base", "tiergate.verdict", here, 2),
    ]
    assert _components(edges) == [frozenset({"tiergate.verdict", "tiergate.gates.base"})]


def test_the_engine_has_no_import_circle() -> None:
    circles = [c for c in _components(EDGES) if c not in ALLOWED_CYCLES]
    lines = []
    for component in circles:
        lines.append(f"circle: {', '.join(sorted(component))}")
        lines.extend(
            f"  {edge}" for edge in EDGES if edge.source in component and edge.target in component
        )
    assert not circles, "\n".join(lines)


def test_the_allowed_circles_still_exist() -> None:
    assert set(_components(EDGES)) >= ALLOWED_CYCLES


def test_lower_layers_never_import_evaluation_or_reports() -> None:
    upward = [
        str(edge) for edge in EDGES if _within(edge.source, LOWER) and _within(edge.target, UPPER)
    ]
    assert not upward, "lower layers import upward:\n" + "\n".join(upward)
