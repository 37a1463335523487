"""The ratchet gate over a run folder, against a baseline file or main's last recorded run."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tiergate.config import load_config
from tiergate.gates import ratchet
from tiergate.history.baseline import Baseline, find_baseline, write_baseline
from tiergate.history.connect import open_store
from tiergate.history.summary import CoverageRow, RunSummary, ScopeCounts
from tiergate.history.url import resolve_url
from unit.conftest import CALC_PATH, IMPORTED, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.gates.base import GateResult
    from unit.conftest import RunFolder

CREATED = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
UNIT = (*IMPORTED, 5)  # 6 of 10
INTEGRATION = (*IMPORTED, 9, 11)  # 7 of 10; both together: 8 of 10


@pytest.fixture
def ratcheted(alpha: Path, run: RunFolder, configure: Callable[[str], None]) -> RunFolder:
    """alpha's run r1 (unit 60%, integration 70%, combined 80%), ratchet tolerance 0.5."""
    del alpha
    configure("[tool.tiergate.ratchet]\ntolerance = 0.5\n")
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(2), {CALC_PATH: UNIT}),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: INTEGRATION}),
        },
    )
    return run


def _results(run: RunFolder, *, strict: bool = False) -> dict[str, GateResult]:
    return {r.gate: r for r in ratchet.GATE.evaluate(run.context(strict=strict))}


def _summary(run_id: str, covered: int, branch: str = "main") -> RunSummary:
    return RunSummary(
        run_id=run_id,
        recorded_at=CREATED,
        branch=branch,
        verdict="passed",
        exit_code=0,
        strict=True,
        precision=2,
        tiergate_version="0.1.0",
        coverage=(
            CoverageRow(package="*", tier="*", python="*", statements=10, covered=covered),
            CoverageRow(package="alpha", tier="unit", python="3.11", statements=10, covered=1),
        ),
    )


def _record(root: Path, *summaries: RunSummary) -> None:
    with open_store(resolve_url(root, load_config(root).history)) as store:
        for summary in summaries:
            store.record(summary)


def test_without_the_ratchet_table_there_is_no_result(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier(passing(1), {CALC_PATH: UNIT})})
    assert _results(run) == {}


def test_without_any_member_with_source_there_is_no_result(
    workspace: Path,
    add_member: Callable[..., Path],
    run: RunFolder,
    configure: Callable[[str], None],
) -> None:
    del workspace
    add_member("docs", tests=True)
    configure("[tool.tiergate.ratchet]\n")
    assert _results(run) == {}


@pytest.mark.req("FR-064")
def test_no_baseline_warns_locally_and_fails_in_strict_mode(ratcheted: RunFolder) -> None:
    [local] = _results(ratcheted).values()
    assert (local.gate, local.status) == ("ratchet/baseline", "warning")
    assert (
        local.measured
        == "no baseline: no tiergate-baseline.json and no complete green run recorded on main"
    )
    [strict] = _results(ratcheted, strict=True).values()
    assert strict.status == "failed"


@pytest.mark.req("FR-064")
@pytest.mark.req("FR-065")
def test_each_scope_of_the_baseline_file_is_compared_exactly(ratcheted: RunFolder) -> None:
    baseline = Baseline(
        schema_version=1,
        created_at=CREATED,
        combined=ScopeCounts(statements=10, covered=8),  # 80%: no drop
        tiers={
            "unit": ScopeCounts(statements=200, covered=121),  # 60.5%: a drop of 0.5
            "integration": ScopeCounts(statements=1000, covered=706),  # 70.6%: 0.6
            "e2e": ScopeCounts(statements=10, covered=5),  # not in the run
        },
        packages={"alpha": ScopeCounts(statements=10, covered=9)},  # 90%: a drop of 10
    )
    write_baseline(ratcheted.root / "tiergate-baseline.json", baseline)
    results = _results(ratcheted)
    assert {gate: (r.status, r.measured) for gate, r in results.items()} == {
        "ratchet/tier/unit": (
            "passed",
            "60.00% (6/10 lines), baseline 60.50% (121/200 lines): drop 0.5 points",
        ),
        "ratchet/tier/integration": (
            "failed",
            "70.00% (7/10 lines), baseline 70.60% (706/1000 lines): drop 0.6 points",
        ),
        "ratchet/tier/e2e": ("failed", "not run"),
        "ratchet/package/alpha": (
            "failed",
            "80.00% (8/10 lines), baseline 90.00% (9/10 lines): drop 10 points",
        ),
        "ratchet/combined": (
            "passed",
            "80.00% (8/10 lines), baseline 80.00% (8/10 lines): drop 0 points",
        ),
    }
    source = "baseline: baseline file tiergate-baseline.json"
    assert results["ratchet/tier/e2e"].details == ("this scope is not in the run", source)
    assert results["ratchet/tier/integration"].details == (
        source,
        "raise coverage back; lower the baseline only on purpose",
    )
    assert results["ratchet/tier/unit"].bound == "drop <= 0.5 points below 60.50%"


@pytest.mark.req("FR-065")
def test_a_scope_whose_data_is_missing_is_not_run_never_a_drop_to_zero(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.ratchet]\n")
    run.tests(
        "alpha",
        {"unit": Tier(passing(1), {CALC_PATH: UNIT}), "integration": Tier(passing(1), None)},
    )
    write_baseline(
        run.root / "tiergate-baseline.json",
        Baseline(
            schema_version=1,
            created_at=CREATED,
            combined=ScopeCounts(statements=10, covered=8),
            tiers={"unit": ScopeCounts(statements=10, covered=6)},
        ),
    )
    results = _results(run)
    assert results["ratchet/tier/unit"].status == "passed"
    combined = results["ratchet/combined"]
    assert (combined.status, combined.measured) == ("failed", "not run")
    assert combined.details[0] == "no coverage data: alpha (integration)"


@pytest.mark.req("FR-065")
def test_without_a_file_the_baseline_is_main_s_last_run_never_the_run_itself(
    ratcheted: RunFolder,
) -> None:
    root = ratcheted.root
    # recorded in order: main-1, then r1 (this run, already recorded), then a feature branch's
    _record(root, _summary("main-1", 9), _summary("r1", 1), _summary("feat", 1, branch="feature"))
    [combined] = _results(ratcheted).values()
    assert (combined.gate, combined.status) == ("ratchet/combined", "failed")
    assert combined.measured.endswith("baseline 90.00% (9/10 lines): drop 10 points")
    assert combined.details[0] == ("baseline: run main-1 on main in sqlite:///.tiergate/history.db")
    found = find_baseline(root, load_config(root))
    assert found is not None
    assert found.baseline.run_id == "r1"  # without exclude, the last run on main


def test_a_store_without_a_run_on_main_is_no_baseline(ratcheted: RunFolder) -> None:
    root = ratcheted.root
    _record(root, _summary("feat", 9, branch="feature"))
    assert find_baseline(root, load_config(root)) is None
    [result] = _results(ratcheted).values()
    assert result.gate == "ratchet/baseline"


def test_the_baseline_file_wins_over_the_store(ratcheted: RunFolder) -> None:
    root = ratcheted.root
    _record(root, _summary("main-1", 9))
    write_baseline(
        root / "tiergate-baseline.json",
        Baseline(schema_version=1, created_at=CREATED, run_id="saved"),
    )
    found = find_baseline(root, load_config(root), exclude="r1")
    assert found is not None
    assert (found.source, found.baseline.run_id) == (
        "baseline file tiergate-baseline.json",
        "saved",
    )
    # a baseline with no scope compares nothing: red, never a pass
    empty = _results(ratcheted)["ratchet/baseline"]
    assert (empty.status, empty.measured) == (
        "failed",
        "the baseline holds no coverage counts (baseline file tiergate-baseline.json)",
    )
