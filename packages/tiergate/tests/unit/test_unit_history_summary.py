"""What the history keeps of an evaluated run: whole counts per scope, tests, gate results."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.covnumbers import Counts
from tiergate.history.summary import (
    CoverageRow,
    GateRow,
    TierTests,
    build_summary,
    scope_counts,
    stable_run_id,
    tiergate_version,
)
from unit.conftest import CALC_PATH, IMPORTED, STARTED, RunFolder, Tier, passing, record

if TYPE_CHECKING:
    from pathlib import Path

NOW = datetime(2026, 11, 22, 11, 0, tzinfo=UTC)
UNIT = "packages/alpha/tests/unit/test_calc.py"


def _row(package: str, tier: str, python: str, covered: int) -> CoverageRow:
    return CoverageRow(package=package, tier=tier, python=python, statements=10, covered=covered)


def _two_pythons(workspace: Path, run: RunFolder) -> None:
    """3.11 ran unit (6 of 10) and integration (5 of 10); 3.12 unit (7 of 10), integration (?)."""
    (workspace / ".python-version").write_text("3.11\n3.12\n")
    outcomes = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
    unit = tuple(record(f"{UNIT}::test_{outcome}", outcome) for outcome in outcomes)
    run.tests(
        "alpha",
        {
            "unit": Tier(unit, {CALC_PATH: (*IMPORTED, 5)}),
            "integration": Tier(passing(2, "integration"), {CALC_PATH: IMPORTED}),
        },
    )
    run.started = STARTED + timedelta(minutes=5)
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: (*IMPORTED, 9, 11)}),
            "integration": Tier(passing(1, "integration"), None),  # its data is missing
        },
        python="3.12",
    )


@pytest.mark.req("FR-060")
def test_a_scope_that_did_not_run_is_not_stored(
    workspace: Path, alpha: Path, run: RunFolder
) -> None:
    del alpha
    _two_pythons(workspace, run)
    verdict = run.verdict(only=("tests",))
    summary = build_summary(verdict, run_id="r1", recorded_at=NOW, commit="c" * 40, branch="x")
    assert summary.coverage == (
        # each data file alone, then the unions whose data is complete
        _row("*", "unit", "*", 8),
        _row("alpha", "integration", "3.11", 5),
        _row("alpha", "unit", "*", 8),
        _row("alpha", "unit", "3.11", 6),
        _row("alpha", "unit", "3.12", 7),
    )
    # integration did not run on 3.12: no row for it, for alpha as a whole, or combined
    assert summary.counts(tier="integration") is None
    assert summary.counts("alpha") is None
    assert summary.counts() is None
    assert summary.counts(tier="unit") == Counts(10, 8)


@pytest.mark.req("FR-060")
def test_tests_are_counted_per_outcome_and_gates_kept_in_order(
    workspace: Path, alpha: Path, run: RunFolder
) -> None:
    del alpha
    _two_pythons(workspace, run)
    verdict = run.verdict(only=("tests",))
    summary = build_summary(verdict, run_id="r1", recorded_at=NOW, commit=None, branch=None)
    assert summary.tests == (
        TierTests(package="alpha", tier="integration", python="3.11", passed=2, duration=0.5),
        TierTests(package="alpha", tier="integration", python="3.12", passed=1, duration=0.25),
        TierTests(
            package="alpha",
            tier="unit",
            python="3.11",
            passed=1,
            failed=1,
            errors=1,
            skipped=1,
            xfailed=1,
            xpassed=1,
            duration=1.5,
        ),
        TierTests(package="alpha", tier="unit", python="3.12", passed=1, duration=0.25),
    )
    assert (summary.tests_total, summary.tests_failed) == (10, 2)
    assert summary.gates == tuple(
        GateRow(gate=r.gate, status=r.status, measured=r.measured, bound=r.bound)
        for r in verdict.results
    )
    assert summary.gates[0] == GateRow(
        gate="tests/failures", status="failed", measured="2 failed or errored of 10", bound="0"
    )
    assert summary.gates_failed == 1
    assert (summary.verdict, summary.exit_code, summary.passed) == ("failed", 1, False)
    assert summary.started_at == STARTED  # the first session's start
    assert (summary.recorded_at, summary.strict, summary.precision) == (NOW, False, 2)
    assert summary.tiergate_version == tiergate_version() != "unknown"


def test_a_complete_run_keeps_every_scope(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: (*IMPORTED, 5)}),
            "integration": Tier(passing(1), {CALC_PATH: (*IMPORTED, 9, 11)}),
        },
    )
    counts, not_run = scope_counts(run.context().coverage)
    assert (counts, not_run) == (
        {
            ("*", "unit"): Counts(10, 6),
            ("*", "integration"): Counts(10, 7),
            ("alpha", "*"): Counts(10, 8),
            ("*", "*"): Counts(10, 8),
        },
        {},
    )
    summary = build_summary(
        run.verdict(only=("coverage",)), run_id="r1", recorded_at=NOW, commit=None, branch=None
    )
    assert summary.counts() == Counts(10, 8)
    assert summary.counts("alpha", "integration", "3.11") == Counts(10, 7)
    # the coverage gates have no bound to judge here: nothing evaluated is red
    assert summary.verdict == "failed"
    assert [gate.gate for gate in summary.gates] == ["verdict/nothing-evaluated"]


def test_scopes_that_did_not_run_say_what_is_missing(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier(passing(1), {CALC_PATH: IMPORTED})})
    counts, not_run = scope_counts(run.context().coverage)
    assert counts == {("*", "unit"): Counts(10, 5)}
    assert not_run == {
        ("*", "integration"): ["alpha (integration)"],
        ("alpha", "*"): ["alpha (integration)"],
        ("*", "*"): ["alpha (integration)"],
    }


def test_the_run_id_comes_from_the_run_folders(alpha: Path, run: RunFolder) -> None:
    del alpha
    assert stable_run_id(run.context()) is None  # no session at all
    run.tests("alpha", {"unit": Tier(passing(1), {CALC_PATH: IMPORTED})})
    assert stable_run_id(run.context()) == "r1"

    local = RunFolder(run.root, "local")
    local.lint()
    by_hand = stable_run_id(local.context())  # made of the sessions run by hand
    assert by_hand is not None
    assert re.fullmatch(r"local-20261122T100030Z-[0-9a-f]{8}", by_hand)
    assert stable_run_id(local.context()) == by_hand
    context = run.context()
    context.sessions = {**context.sessions, **local.context().sessions}
    assert stable_run_id(context) == f"{by_hand}+r1"

    local.started += timedelta(minutes=5)
    local.lint()  # run again by hand: another run
    again = stable_run_id(local.context())
    assert again is not None
    assert again.startswith("local-20261122T100530Z-")
