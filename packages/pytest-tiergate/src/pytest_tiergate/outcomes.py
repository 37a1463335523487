"""Turn pytest's reports of one test (setup, call, teardown) into one outcome.

Outcomes come from pytest's own reports, not from JUnit XML, which writes a
strict xfail that passed as a skip. A skip the never-skip policy turned into a
failure is ``failed``, and keeps its skip reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NamedTuple

from pytest_tiergate.skips import SKIP_ALLOWED, SKIP_REASON, skip_reason

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
    skip_allowed: bool | None = None
    strict_xpass: bool = False
    requirements: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """The JSON object written for this test."""
        return {
            "nodeid": self.nodeid,
            "tier": self.tier,
            "outcome": self.outcome,
            "duration": round(float(self.duration), 6),
            "skip_reason": self.skip_reason,
            "skip_allowed": self.skip_allowed,
            "strict_xpass": self.strict_xpass,
            "requirements": list(self.requirements),
        }


class _Verdict(NamedTuple):
    outcome: Outcome
    reason: str | None = None
    skip_allowed: bool | None = None
    strict_xpass: bool = False


def outcome_of(
    reports: Sequence[pytest.TestReport], *, tier_key: str, requirements_key: str | None = None
) -> TestRecord:
    """The outcome of one test from all its reports: the first phase that did not pass.

    A failed report of no phase (pytest-xdist's report of a test whose worker
    crashed) makes the test ``failed``.

    The tier and the requirement IDs (a JSON list) come from the user properties
    under ``tier_key`` and ``requirements_key`` (see :func:`requirement_ids`).
    """
    first = reports[0]
    tier = next((str(v) for k, v in first.user_properties if k == tier_key), None)
    listed = next((str(v) for k, v in first.user_properties if k == requirements_key), "[]")
    by_phase = {r.when: r for r in reports}
    verdict = (
        _phase(by_phase.get("setup"), failure="error")
        or _phase(by_phase.get("call"), failure="failed")
        or _phase(by_phase.get("teardown"), failure="error")
        or (_Verdict("failed") if any(r.failed for r in reports) else _Verdict("passed"))
    )
    duration = sum(r.duration for r in reports)
    return TestRecord(
        nodeid=first.nodeid,
        tier=tier,
        outcome=verdict.outcome,
        duration=duration,
        skip_reason=verdict.reason,
        skip_allowed=verdict.skip_allowed,
        strict_xpass=verdict.strict_xpass,
        requirements=requirement_ids(listed),
    )


def requirement_ids(listed: str) -> tuple[str, ...]:
    """The requirement IDs of the user property the plugin wrote: a JSON list of strings.

    The plugin writes it from the ``req`` markers, which it has checked; but any test
    can record a property under the same key, so a value that is not such a list
    (not JSON, another shape, nested without end) names no requirement, and never
    stops the records from being written.
    """
    try:
        value = json.loads(listed)
    except (ValueError, RecursionError):
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return ()
    return tuple(value)


def _phase(report: pytest.TestReport | None, *, failure: Outcome) -> _Verdict | None:
    """What one phase decides (``failure`` when it failed), or ``None`` when it passed."""
    if report is None:
        return None
    if hasattr(report, "wasxfail"):  # xfail is not a skip, whatever pytest's outcome says
        return _Verdict("xfailed" if report.skipped else "xpassed", str(report.wasxfail) or None)
    if report.passed:
        return None
    reason: str | None = getattr(report, SKIP_REASON, None)
    if report.skipped or reason is not None:  # a skip, maybe failed by the never-skip policy
        return _Verdict(
            "skipped" if report.skipped else "failed",
            skip_reason(report) if reason is None else reason,
            skip_allowed=bool(getattr(report, SKIP_ALLOWED, False)),
        )
    text = report.longrepr if isinstance(report.longrepr, str) else ""
    if text.startswith(_STRICT_XPASS):
        reason = text.removeprefix(_STRICT_XPASS).strip() or None
        return _Verdict("xpassed", reason, strict_xpass=True)
    return _Verdict(failure)
