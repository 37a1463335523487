"""Requirements: each one proven by a passing test, in every tier its spec demands.

Red when a requirement has no test, when a test of it failed, when all its
tests were skipped, when no passing test proves it in a tier its spec demands,
or when a test names an ID that no spec defines. The share of proven
requirements is reported, and gated by ``min-share`` when it is set. Only on
when ``[tool.tiergate.requirements]`` is present.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from tiergate.gates.base import GateResult, percent_bound

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tiergate.context import Context
    from tiergate.trace.matrix import RequirementEntry, Status, TraceMatrix

NAME = "requirements"
_SHOWN = 20


class RequirementsGate:
    """Six results over the run: untested, failing, skipped, tiers, unknown IDs, share."""

    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Read the specs, join them with the run's test records, judge the matrix."""
        if context.config.requirements is None:
            return
        yield from judge(context.trace)


def judge(matrix: TraceMatrix) -> Iterator[GateResult]:
    """The gate's results for a matrix (a static one has no failing or skipped results)."""
    total = len(matrix.requirements)
    yield _by_status(matrix, "untested", "requirements without a test", _defined)
    if matrix.source == "run":
        yield _by_status(matrix, "failing", "requirements with a failing test", _failing)
        yield _by_status(matrix, "skipped", "requirements whose tests were all skipped", _defined)
    yield _by_status(
        matrix, "missing-tier", "requirements not proven in a tier they demand", _tiers
    )
    named = [f"{u.id}: named by {test}" for u in matrix.unknown for test in u.tests]
    yield GateResult(
        gate=f"{NAME}/unknown",
        title="tests naming requirement IDs that no spec defines",
        status="failed" if matrix.unknown else "passed",
        measured=f"{len(matrix.unknown)} unknown",
        bound="0",
        details=_listed(named),
    )
    dangling = [f"{m.id}: mentioned at {m.file}:{m.line}" for m in matrix.dangling_mentions]
    yield GateResult(
        gate=f"{NAME}/undefined-mentions",
        title="spec mentions of IDs that no spec defines",
        status="failed" if dangling else "passed",
        measured=f"{len(dangling)} mentions",
        bound="0",
        details=_listed(dangling)
        + (
            ("define each where its ID starts a list item, a table row or a heading",)
            if dangling
            else ()
        ),
    )
    share, bound = matrix.share(), matrix.summary.min_share
    ok = total > 0 and (bound is None or share >= Fraction(str(bound)))
    verb = "proven by passing tests" if matrix.source == "run" else "named by a test"
    yield GateResult(
        gate=f"{NAME}/share",
        title=f"share of requirements {verb}",
        status="passed" if ok else "failed",
        measured=f"{matrix.summary.share:.2f}% ({matrix.summary.covered} of {total})",
        bound=percent_bound(bound) if bound is not None else "none (reported, not gated)",
        details=() if total else ("no requirement is defined in the spec files",),
    )


def _by_status(
    matrix: TraceMatrix,
    status: Status,
    title: str,
    describe: Callable[[RequirementEntry], list[str]],
) -> GateResult:
    rows = [row for row in matrix.requirements if row.status == status]
    return GateResult(
        gate=f"{NAME}/{status}",
        title=title,
        status="failed" if rows else "passed",
        measured=f"{len(rows)} of {len(matrix.requirements)}",
        bound="0",
        details=_listed([line for row in rows for line in describe(row)]),
    )


def _defined(row: RequirementEntry) -> list[str]:
    return [f"{row.id} ({row.file}:{row.line}): {row.title}"]


def _failing(row: RequirementEntry) -> list[str]:
    return [
        f"{row.id}: {run.outcome}: {test.test} ({test.package}, Python {run.python}, {test.tier})"
        for test in row.tests
        if test.verdict == "failed"
        for run in test.runs
        if run.verdict == "failed"
    ]


def _tiers(row: RequirementEntry) -> list[str]:
    missing = [tier for tier in row.tiers if tier not in row.proven_in]
    found = ", ".join(row.proven_in) or "none"
    return [f"{row.id} ({row.file}:{row.line}): not proven in {', '.join(missing)} (in: {found})"]


def _listed(lines: list[str]) -> tuple[str, ...]:
    extra = len(lines) - _SHOWN
    return tuple(lines[:_SHOWN]) + ((f"... and {extra} more",) if extra > 0 else ())


GATE = RequirementsGate()
