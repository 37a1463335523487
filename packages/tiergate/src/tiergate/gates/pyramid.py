"""The test pyramid: each tier's share of the tests, against configured bounds.

A test counts once per member (not once per Python). Shares are compared
exactly (``count * 100 >= min * total``), never through a rounded percentage.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from tiergate.gates.base import GateResult

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tiergate.context import Context

NAME = "pyramid"


class PyramidGate:
    """One result per tier that has a configured share."""

    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Count distinct tests per tier and compare each share with its bounds."""
        if not context.config.pyramid:
            return
        tests: dict[str, set[tuple[str, str]]] = {tier: set() for tier in context.config.tiers}
        for artifacts, records in context.records:
            package = artifacts.session.package
            tests[artifacts.tier].update((package, r.nodeid) for r in records)
        total = sum(len(found) for found in tests.values())
        for tier, bounds in context.config.pyramid.items():
            count = len(tests[tier])
            share = Fraction(count * 100, total) if total else Fraction(0)
            ok = total > 0
            if bounds.min is not None:
                ok = ok and share >= Fraction(str(bounds.min))
            if bounds.max is not None:
                ok = ok and share <= Fraction(str(bounds.max))
            limits = [
                f">= {bounds.min:g}%" if bounds.min is not None else "",
                f"<= {bounds.max:g}%" if bounds.max is not None else "",
            ]
            yield GateResult(
                gate=f"{NAME}/{tier}",
                title=f"share of {tier} tests",
                status="passed" if ok else "failed",
                measured=f"{float(share):.1f}% ({count} of {total})",
                bound=" and ".join(limit for limit in limits if limit),
            )


GATE = PyramidGate()
