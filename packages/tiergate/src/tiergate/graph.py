"""Dependency graphs of named nodes: deterministic topological order, cycles, closures.

A graph maps each node to the nodes it depends on. Every dependency must itself
be a node of the graph.
"""

from __future__ import annotations

import graphlib
import heapq
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


class DependencyCycleError(ValueError):
    """The graph has a cycle; :attr:`cycle` lists it, first node repeated at the end."""

    def __init__(self, cycle: tuple[str, ...]) -> None:
        super().__init__(" -> ".join(cycle))
        self.cycle = cycle


def topological_order(graph: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """Return every node, dependencies first; among ready nodes the smallest name goes first.

    Raises :class:`DependencyCycleError` naming one cycle in "depends on"
    direction (``a -> b -> a``: ``a`` depends on ``b``), starting at its
    smallest node.
    """
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for node in sorted(graph):
        sorter.add(node, *sorted(graph[node]))
    try:
        sorter.prepare()
    except graphlib.CycleError as error:
        # graphlib lists the cycle in "is needed by" direction; reverse it.
        found: list[str] = list(reversed(error.args[1]))[:-1]
        start = found.index(min(found))
        ring = found[start:] + found[:start]
        raise DependencyCycleError((*ring, ring[0])) from None
    ready = list(sorter.get_ready())
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        sorter.done(node)
        for released in sorter.get_ready():
            heapq.heappush(ready, released)
    return tuple(order)


def component_order(graph: Mapping[str, Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    """Return the strongly connected components, dependencies first.

    Each component lists its nodes sorted; a component of more than one node is
    a cycle (allowed in a graph of test-time dependencies). Among ready
    components the one with the smallest name goes first, as in
    :func:`topological_order`.
    """
    closure = {node: reachable(graph, node) for node in graph}
    component_of: dict[str, str] = {}
    for node in sorted(graph):
        if node not in component_of:
            for other in (node, *sorted(closure[node])):
                if other == node or node in closure[other]:
                    component_of.setdefault(other, node)
    members: dict[str, list[str]] = {}
    for node, head in component_of.items():
        members.setdefault(head, []).append(node)
    condensed = {
        head: {component_of[dep] for node in nodes for dep in graph[node]} - {head}
        for head, nodes in members.items()
    }
    return tuple(tuple(sorted(members[head])) for head in topological_order(condensed))


def reachable(graph: Mapping[str, Iterable[str]], start: str) -> frozenset[str]:
    """Return the nodes ``start`` depends on, directly or not (``start`` itself excluded)."""
    seen: set[str] = set()
    stack = list(graph[start])
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(graph[node])
    seen.discard(start)
    return frozenset(seen)


def reverse(graph: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Return the graph of dependents: each node maps to the nodes that depend on it, sorted."""
    dependents: dict[str, list[str]] = {node: [] for node in graph}
    for node, dependencies in graph.items():
        for dependency in dependencies:
            dependents[dependency].append(node)
    return {node: tuple(sorted(users)) for node, users in dependents.items()}
