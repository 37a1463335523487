from __future__ import annotations

import pytest

from pytest_tiergate.outcomes import TestRecord, outcome_of


def _report(when: str, outcome: str, **extra: object) -> pytest.TestReport:
    report = pytest.TestReport(
        nodeid="t.py::test_x",
        location=("t.py", 1, "test_x"),
        keywords={},
        outcome=outcome,  # type: ignore[arg-type]
        longrepr=extra.pop("longrepr", None),  # type: ignore[arg-type]
        when=when,  # type: ignore[arg-type]
        user_properties=[("tiergate_tier", "unit")],
        duration=0.25,
    )
    for key, value in extra.items():
        setattr(report, key, value)
    return report


def test_a_passing_test_sums_its_phase_durations() -> None:
    record = outcome_of(
        [_report("setup", "passed"), _report("call", "passed"), _report("teardown", "passed")],
        tier_key="tiergate_tier",
    )
    assert record == TestRecord("t.py::test_x", "unit", "passed", 0.75)


def test_a_teardown_failure_is_an_error() -> None:
    reports = [_report("setup", "passed"), _report("call", "passed"), _report("teardown", "failed")]
    assert outcome_of(reports, tier_key="tiergate_tier").outcome == "error"


def test_a_skip_in_setup_keeps_its_reason() -> None:
    skipped = _report("setup", "skipped", longrepr=("t.py", 3, "Skipped: needs postgres"))
    record = outcome_of([skipped], tier_key="tiergate_tier")
    assert (record.outcome, record.skip_reason) == ("skipped", "needs postgres")


def test_a_strict_xpass_is_marked_strict() -> None:
    call = _report("call", "failed", longrepr="[XPASS(strict)] should fail")
    record = outcome_of([_report("setup", "passed"), call], tier_key="tiergate_tier")
    assert (record.outcome, record.strict_xpass, record.skip_reason) == (
        "xpassed",
        True,
        "should fail",
    )


def test_a_record_serialises_every_field() -> None:
    record = TestRecord("a::b", "e2e", "skipped", 1.0, "why", requirements=("FR-001",))
    assert record.to_json() == {
        "nodeid": "a::b",
        "tier": "e2e",
        "outcome": "skipped",
        "duration": 1.0,
        "skip_reason": "why",
        "strict_xpass": False,
        "requirements": ["FR-001"],
    }
