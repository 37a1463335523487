"""Tests: failures and errors, too few tests, skips outside the allow-list, strict xpasses.

Outcomes come from pytest-tiergate's per-test records, which are read from
pytest's own reports (JUnit XML writes a strict xfail that passed as a skip).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING

from tiergate.gates.base import GateResult

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tiergate.context import Context
    from tiergate.records import TestRecord

NAME = "tests"
_SHOWN = 10


@dataclass(frozen=True)
class _Ran:
    where: str
    """``package, Python, tier``."""
    min_tests: int
    records: tuple[TestRecord, ...]


class TestsGate:
    """Four results over the whole run: failures, collected, skips, strict xpass."""

    __test__ = False  # a gate, not a test class
    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Read every tier's records and judge them."""
        ran = list(_runs(context))
        everything = [record for run in ran for record in run.records]
        yield _failures(ran, len(everything))
        yield _collected(ran)
        yield _skips(context, ran)
        yield _strict_xpass(ran)


def _runs(context: Context) -> Iterator[_Ran]:
    for artifacts, records in context.records:  # missing ones: the sessions gate
        expected = artifacts.session
        overrides = context.member_configs[expected.package]
        minimum = overrides.min_tests or context.config.min_tests
        where = f"{expected.package}, Python {expected.python}, {artifacts.tier}"
        yield _Ran(where, minimum, records)


def _listed(lines: list[str]) -> tuple[str, ...]:
    extra = len(lines) - _SHOWN
    return tuple(lines[:_SHOWN]) + ((f"... and {extra} more",) if extra > 0 else ())


def _failures(ran: list[_Ran], total: int) -> GateResult:
    bad = [
        f"{record.outcome}: {record.nodeid} ({run.where})"
        for run in ran
        for record in run.records
        if record.outcome in {"failed", "error"}
        and record.skip_allowed is not False
        and not record.strict_xpass
    ]
    return GateResult(
        gate=f"{NAME}/failures",
        title="failing tests",
        status="failed" if bad else "passed",
        measured=f"{len(bad)} failed or errored of {total}",
        bound="0",
        details=_listed(bad),
    )


def _collected(ran: list[_Ran]) -> GateResult:
    short = [
        f"{run.where}: {len(run.records)} < {run.min_tests}"
        for run in ran
        if len(run.records) < run.min_tests
    ]
    return GateResult(
        gate=f"{NAME}/collected",
        title="tests collected per session and tier",
        status="failed" if short else "passed",
        measured=f"{len(short)} of {len(ran)} runs below their minimum",
        bound="every run at or above min-tests",
        details=_listed(short),
    )


def _skips(context: Context, ran: list[_Ran]) -> GateResult:
    allow = context.config.skips.allow
    expired = [
        f"allow-list entry {entry.test!r} expired on {entry.expires}"
        for entry in allow
        if entry.expires < context.today
    ]
    bad, allowed = [], 0
    for run in ran:
        for record in run.records:
            if record.skip_reason is None or record.outcome in {"xfailed", "xpassed"}:
                continue
            if record.skip_allowed is True or any(
                fnmatchcase(record.nodeid, e.test) for e in allow
            ):
                allowed += 1
            else:
                bad.append(f"{record.nodeid} ({run.where}): {record.skip_reason}")
    problems = expired + bad
    return GateResult(
        gate=f"{NAME}/skips",
        title="skips outside the allow-list",
        status="failed" if problems else "passed",
        measured=f"{len(bad)} not allowed, {allowed} allowed, {len(expired)} expired entries",
        bound="0 not allowed, 0 expired",
        details=_listed(problems),
    )


def _strict_xpass(ran: list[_Ran]) -> GateResult:
    passed = [
        f"{record.nodeid} ({run.where})"
        for run in ran
        for record in run.records
        if record.strict_xpass
    ]
    return GateResult(
        gate=f"{NAME}/strict-xpass",
        title="strict xfails that passed",
        status="failed" if passed else "passed",
        measured=str(len(passed)),
        bound="0",
        details=_listed(passed),
    )


GATE = TestsGate()
