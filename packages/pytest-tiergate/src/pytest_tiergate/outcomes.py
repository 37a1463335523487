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
_STRICT_XPASS = "[XPASS(strict)]"


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
    by_phase = {r.when: r for r in reports}
    outcome, reason, strict = _setup_outcome(by_phase.get("setup")) or _call_outcome(
        by_phase.get("call")
    )
    teardown = by_phase.get("teardown")
    if outcome == "passed" and teardown is not None and teardown.failed:
        outcome = "error"
    duration = sum(r.duration for r in reports)
    return TestRecord(first.nodeid, tier, outcome, duration, reason, strict)


_Result = tuple[Outcome, str | None, bool]


def _setup_outcome(setup: pytest.TestReport | None) -> _Result | None:
    """The outcome decided in setup (an error, a skip, an xfail), or ``None``."""
    if setup is None or setup.passed:
        return None
    if setup.failed:
        return "error", None, False
    if hasattr(setup, "wasxfail"):
        return "xfailed", str(setup.wasxfail) or None, False
    return "skipped", _skip_reason(setup), False


def _call_outcome(call: pytest.TestReport | None) -> _Result:
    """The outcome of the test's call phase (passed when it never ran one)."""
    if call is None:
        return "passed", None, False
    if hasattr(call, "wasxfail"):
        return ("xfailed" if call.skipped else "xpassed"), str(call.wasxfail) or None, False
    text = call.longrepr if isinstance(call.longrepr, str) else ""
    if call.failed and text.startswith(_STRICT_XPASS):
        return "xpassed", text.removeprefix(_STRICT_XPASS).strip() or None, True
    if call.failed:
        return "failed", None, False
    if call.skipped:
        return "skipped", _skip_reason(call), False
    return "passed", None, False
