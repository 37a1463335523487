"""What the xdist controller keeps of its workers: usage errors handed over, collection errors."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from pytest_tiergate.workers import Controller, hand_over


def test_a_worker_hands_over_its_usage_error_and_runs_nothing() -> None:
    config = SimpleNamespace(workeroutput={})
    items = ["test_a", "test_b"]
    hand_over(config, pytest.UsageError("--tiergate-reads: cannot write"), items)  # type: ignore[arg-type]
    assert config.workeroutput == {"tiergate_usage_error": "--tiergate-reads: cannot write"}
    assert items == []


def test_the_controller_keeps_each_handed_over_error_once() -> None:
    controller = Controller()
    handed = {"tiergate_usage_error": "--tiergate-reads: cannot write"}
    for node in (
        SimpleNamespace(workeroutput=handed),
        SimpleNamespace(workeroutput=dict(handed)),
        SimpleNamespace(workeroutput={}),
        SimpleNamespace(),  # a worker that went down before it said anything
        SimpleNamespace(workeroutput={"tiergate_usage_error": 3}),
    ):
        controller.pytest_testnodedown(node, None)
    assert controller.errors == ["--tiergate-reads: cannot write"]


def test_the_controller_counts_failed_collection_reports_only() -> None:
    controller = Controller()
    for failed in (True, False, True):
        controller.pytest_collectreport(SimpleNamespace(failed=failed))  # type: ignore[arg-type]
    assert controller.collection_errors == 2
