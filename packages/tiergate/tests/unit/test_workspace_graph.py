from __future__ import annotations

import pytest

from tiergate.graph import (
    DependencyCycleError,
    component_order,
    reachable,
    reverse,
    topological_order,
)


def test_empty_graph_has_empty_order() -> None:
    assert topological_order({}) == ()


@pytest.mark.req("FR-003")
def test_dependencies_come_first() -> None:
    assert topological_order({"a": ["b"], "b": ["c"], "c": []}) == ("c", "b", "a")


@pytest.mark.req("FR-003")
def test_ties_are_broken_by_name_at_every_step() -> None:
    # "b" becomes ready once "a" is done, and goes before the already ready "z".
    graph = {"z": [], "a": [], "b": ["a"], "c": ["b", "z"]}
    assert topological_order(graph) == ("a", "b", "z", "c")


def test_order_does_not_depend_on_insertion_order() -> None:
    graph = {"d": ["b", "c"], "b": ["a"], "c": ["a"], "a": []}
    assert topological_order(graph) == topological_order(dict(reversed(graph.items())))
    assert topological_order(graph) == ("a", "b", "c", "d")


@pytest.mark.req("FR-003")
def test_two_node_cycle_is_named_in_depends_on_direction() -> None:
    with pytest.raises(DependencyCycleError) as caught:
        topological_order({"b": ["a"], "a": ["b"]})
    assert caught.value.cycle == ("a", "b", "a")
    assert str(caught.value) == "a -> b -> a"


def test_longer_cycle_starts_at_its_smallest_node() -> None:
    graph = {"x": ["c"], "c": ["d"], "d": ["b"], "b": ["c"]}
    with pytest.raises(DependencyCycleError) as caught:
        topological_order(graph)
    assert caught.value.cycle == ("b", "c", "d", "b")


def test_self_dependency_is_a_cycle() -> None:
    with pytest.raises(DependencyCycleError) as caught:
        topological_order({"a": ["a"]})
    assert caught.value.cycle == ("a", "a")


def test_reachable_is_transitive_and_excludes_the_start() -> None:
    graph = {"a": ["b"], "b": ["c", "d"], "c": ["d"], "d": [], "e": ["a"]}
    assert reachable(graph, "a") == {"b", "c", "d"}
    assert reachable(graph, "d") == frozenset()


def test_reverse_lists_dependents_sorted_and_keeps_every_node() -> None:
    graph = {"a": ["c"], "b": ["c"], "c": [], "d": []}
    assert reverse(graph) == {"a": (), "b": (), "c": ("a", "b"), "d": ()}


@pytest.mark.req("FR-090")
def test_components_of_an_acyclic_graph_are_single_nodes_in_topological_order() -> None:
    graph = {"d": ["b", "c"], "b": ["a"], "c": ["a"], "a": []}
    assert component_order(graph) == (("a",), ("b",), ("c",), ("d",))


@pytest.mark.req("FR-090")
def test_a_test_time_cycle_is_one_component_placed_after_its_dependencies() -> None:
    # tiergate's tests use pytest-tiergate, which depends on tiergate; the root's tests use all.
    graph = {
        "tiergate": ["pytest-tiergate"],
        "pytest-tiergate": ["tiergate"],
        "tiergate-nox": ["tiergate"],
        "monorepo": ["pytest-tiergate", "tiergate", "tiergate-nox"],
    }
    assert component_order(graph) == (
        ("pytest-tiergate", "tiergate"),
        ("tiergate-nox",),
        ("monorepo",),
    )


def test_components_do_not_depend_on_insertion_order() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a"], "x": ["c"], "w": []}
    assert component_order(graph) == component_order(dict(reversed(graph.items())))
    assert component_order(graph) == (("a", "b", "c"), ("w",), ("x",))


def test_a_self_loop_is_a_component_of_one() -> None:
    assert component_order({"a": ["a"], "b": ["a"]}) == (("a",), ("b",))
