"""Turn pytest's reports of one test (setup, call, teardown) into one outcome.

Outcomes come from pytest's own reports, not from JUnit XML, which writes a
strict xfail that passed as a skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pytest

Outcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed"]


@dataclass(frozen=True)
class TestRecord:
    """One test as the run folder's ``tests.jsonl`` holds it."""

    __test__ = False  # not a test class, whatever its name

    nodeid: str
    tier: str | None
    outcome: Outcome
    duration: float
    skip_reason: str | None = None
    strict_xpass: bool = False
    requirements: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """The JSON object written for this test."""
        return {
            "nodeid": self.nodeid,
            "tier": self.tier,
            "outcome": self.outcome,
            "duration": round(self.duration, 6),
            "skip_reason": self.skip_reason,
            "strict_xpass": self.strict_xpass,
            "requirements": list(self.requirements),
        }


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        reason = str(longrepr[2])
        return reason.removeprefix("Skipped: ")
    return str(longrepr)


def outcome_of(reports: Sequence[pytest.TestReport], *, tier_key: str) -> TestRecord:
    """The outcome of one test from all its reports."""
    first = reports[0]
    tier = next((str(v) for k, v in first.user_properties if k == tier_key), None)
    duration = sum(r.duration for r in reports)

    def record(outcome: Outcome, reason: str | None = None, *, strict: bool = False) -> TestRecord:
        return TestRecord(first.nodeid, tier, outcome, duration, reason, strict)

    by_phase = {r.when: r for r in reports}
    setup, call = by_phase.get("setup"), by_phase.get("call")
    if setup is not None and setup.failed:
        return record("error")
    if setup is not None and setup.skipped:
        if hasattr(setup, "wasxfail"):
            return record("xfailed", str(setup.wasxfail) or None)
        return record("skipped", _skip_reason(setup))
    if call is not None:
        if hasattr(call, "wasxfail"):
            return record("xfailed" if call.skipped else "xpassed", str(call.wasxfail) or None)
        if call.failed:
            text = str(call.longrepr) if isinstance(call.longrepr, str) else ""
            if text.startswith("[XPASS(strict)]"):
                reason = text.removeprefix("[XPASS(strict)]").strip() or None
                return record("xpassed", reason, strict=True)
            return record("failed")
        if call.skipped:
            return record("skipped", _skip_reason(call))
    teardown = by_phase.get("teardown")
    if teardown is not None and teardown.failed:
        return record("error")
    return record("passed")
