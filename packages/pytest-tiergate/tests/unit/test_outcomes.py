from __future__ import annotations

import pytest

from pytest_tiergate.outcomes import TestRecord, outcome_of
from pytest_tiergate.skips import SKIP_ALLOWED, SKIP_REASON


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


def _outcome(*reports: pytest.TestReport) -> TestRecord:
    return outcome_of(reports, tier_key="tiergate_tier")


def test_a_passing_test_sums_its_phase_durations() -> None:
    record = _outcome(
        _report("setup", "passed"), _report("call", "passed"), _report("teardown", "passed")
    )
    assert record == TestRecord("t.py::test_x", "unit", "passed", 0.75)


@pytest.mark.req("FR-022")
def test_a_teardown_failure_is_an_error() -> None:
    reports = [_report("setup", "passed"), _report("call", "passed"), _report("teardown", "failed")]
    assert _outcome(*reports).outcome == "error"


def test_a_setup_failure_is_an_error_and_a_call_failure_a_failure() -> None:
    assert _outcome(_report("setup", "failed")).outcome == "error"
    call = _report("call", "failed", longrepr="assert False")
    assert _outcome(_report("setup", "passed"), call).outcome == "failed"


def test_a_skip_in_setup_keeps_its_reason() -> None:
    skipped = _report("setup", "skipped", longrepr=("t.py", 3, "Skipped: needs postgres"))
    record = _outcome(skipped)
    assert (record.outcome, record.skip_reason) == ("skipped", "needs postgres")


def test_a_judged_skip_carries_the_policy_verdict() -> None:
    allowed = _report(
        "call",
        "skipped",
        longrepr=("t.py", 3, "Skipped: raw"),
        **{SKIP_REASON: "needs postgres", SKIP_ALLOWED: True},
    )
    record = _outcome(_report("setup", "passed"), allowed)
    assert (record.outcome, record.skip_reason, record.skip_allowed) == (
        "skipped",
        "needs postgres",
        True,
    )


@pytest.mark.parametrize("when", ["setup", "call"])
def test_a_skip_the_policy_failed_is_failed_in_any_phase(when: str) -> None:
    failed = _report(
        when, "failed", longrepr="tiergate: skip not allowed", **{SKIP_REASON: "no db"}
    )
    reports = [failed] if when == "setup" else [_report("setup", "passed"), failed]
    record = _outcome(*reports)
    assert (record.outcome, record.skip_reason, record.skip_allowed) == ("failed", "no db", False)


def test_an_xfail_is_not_a_skip() -> None:
    notrun = _report("setup", "skipped", longrepr=("t.py", 3, "[NOTRUN] slow"), wasxfail="slow")
    record = _outcome(notrun)
    assert (record.outcome, record.skip_reason, record.skip_allowed) == ("xfailed", "slow", None)
    loose = _report("call", "passed", wasxfail="")
    assert _outcome(_report("setup", "passed"), loose).outcome == "xpassed"


@pytest.mark.req("FR-022", "FR-045")
def test_a_strict_xpass_is_marked_strict() -> None:
    call = _report("call", "failed", longrepr="[XPASS(strict)] should fail")
    record = _outcome(_report("setup", "passed"), call)
    assert (record.outcome, record.strict_xpass, record.skip_reason, record.skip_allowed) == (
        "xpassed",
        True,
        "should fail",
        None,
    )


def test_a_record_serialises_every_field() -> None:
    record = TestRecord(
        "a::b", "e2e", "skipped", 1.0, "why", skip_allowed=True, requirements=("FR-001",)
    )
    assert record.to_json() == {
        "nodeid": "a::b",
        "tier": "e2e",
        "outcome": "skipped",
        "duration": 1.0,
        "skip_reason": "why",
        "skip_allowed": True,
        "strict_xpass": False,
        "requirements": ["FR-001"],
    }


@pytest.mark.parametrize(
    ("listed", "expected"),
    [
        ('["FR-001", "FR-002"]', ("FR-001", "FR-002")),
        ("not json", ()),
        ('{"FR-001": 1}', ()),
        ('["FR-001", 2]', ()),
        ("[" * 100_000 + "]" * 100_000, ()),
    ],
)
def test_requirements_come_only_from_a_json_list_of_strings(
    listed: str, expected: tuple[str, ...]
) -> None:
    report = _report("call", "passed")
    report.user_properties.append(("tiergate_requirements", listed))
    record = outcome_of(
        [report], tier_key="tiergate_tier", requirements_key="tiergate_requirements"
    )
    assert record.requirements == expected
