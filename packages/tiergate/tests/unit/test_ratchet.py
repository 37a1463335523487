"""The ratchet's comparison: exact arithmetic on integer counts, both numbers and the drop shown."""

from __future__ import annotations

from fractions import Fraction

import pytest

from tiergate.config import TiergateConfig
from tiergate.covnumbers import Counts
from tiergate.gates.ratchet import judge, no_baseline, points, scope_names
from tiergate.history.summary import STAR

BASELINE = Counts(statements=10_000, covered=8_500)  # 85.00%
COMBINED = (STAR, STAR)


@pytest.mark.req("FR-064")
def test_a_drop_equal_to_the_tolerance_passes() -> None:
    result = judge(COMBINED, BASELINE, Counts(10_000, 8_490), tolerance=0.1, precision=2)
    assert result.status == "passed"
    assert result.measured == (
        "84.90% (8490/10000 lines), baseline 85.00% (8500/10000 lines): drop 0.1 points"
    )
    assert result.bound == "drop <= 0.1 points below 85.00%"


@pytest.mark.req("FR-064")
def test_a_drop_just_over_the_tolerance_fails_with_the_numbers() -> None:
    result = judge(
        COMBINED, BASELINE, Counts(10_000, 8_489), tolerance=0.1, precision=2, source="file x"
    )
    assert result.status == "failed"
    assert result.gate == "ratchet/combined"
    assert result.measured == (
        "84.89% (8489/10000 lines), baseline 85.00% (8500/10000 lines): drop 0.11 points"
    )
    assert result.details[0] == "baseline: file x"


@pytest.mark.req("FR-064")
def test_the_comparison_is_exact_not_on_rounded_percentages() -> None:
    # 66.666..% - 66.633..% is 1/30 of a point exactly: 0.0333 is too little, 0.0334 enough
    baseline, current = Counts(3, 2), Counts(3000, 1999)
    drop = (Fraction(2, 3) - Fraction(1999, 3000)) * 100  # exactly 1/30 of a point
    assert judge(COMBINED, baseline, current, tolerance=0.0333, precision=2).status == "failed"
    assert judge(COMBINED, baseline, current, tolerance=0.0334, precision=2).status == "passed"
    assert points(drop) == "about 0.0333"


def test_a_rise_passes_and_says_so() -> None:
    result = judge((STAR, "unit"), BASELINE, Counts(10_000, 9_000), tolerance=0, precision=1)
    assert result.status == "passed"
    assert result.measured.endswith(": rise 5 points")
    assert result.title == "ratchet of tier unit"


def test_a_scope_missing_from_the_run_is_not_run_never_a_drop_to_zero() -> None:
    result = judge(("app", STAR), BASELINE, None, tolerance=5, precision=2, not_run=["app (e2e)"])
    assert (result.status, result.measured) == ("failed", "not run")
    assert result.details == ("no coverage data: app (e2e)",)
    gone = judge(("old", STAR), BASELINE, None, tolerance=5, precision=2)
    assert gone.details == ("this scope is not in the run",)


@pytest.mark.parametrize(
    ("scope", "names"),
    [
        ((STAR, STAR), ("ratchet/combined", "ratchet, combined")),
        ((STAR, "e2e"), ("ratchet/tier/e2e", "ratchet of tier e2e")),
        (("app", STAR), ("ratchet/package/app", "ratchet of app")),
    ],
)
def test_scope_names(scope: tuple[str, str], names: tuple[str, str]) -> None:
    assert scope_names(scope) == names


def test_no_baseline_warns_locally_and_fails_in_strict_mode() -> None:
    config = TiergateConfig.model_validate({"ratchet": {"baseline-file": "base.json"}})
    local = no_baseline(config, strict=False)
    assert local.status == "warning"
    assert local.measured == "no baseline: no base.json and no complete green run recorded on main"
    assert "tiergate baseline save" in local.details[0]
    assert no_baseline(config, strict=True).status == "failed"


@pytest.mark.req("FR-065")
def test_a_scope_that_measured_no_statement_is_red_not_a_rise_to_100() -> None:
    result = judge(COMBINED, BASELINE, Counts(0, 0), tolerance=5, precision=2, source="file x")
    assert (result.status, result.measured) == ("failed", "0 statements measured")
    assert result.details == (
        "baseline: file x",
        "nothing of its source was measured: check [tool.coverage] source and omit",
    )
    # a scope that had nothing to measure before and has nothing now is no drop
    assert judge(COMBINED, Counts(0, 0), Counts(0, 0), tolerance=0, precision=2).passed
