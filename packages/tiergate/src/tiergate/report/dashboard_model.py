"""The dashboard's model: what one page shows, shared by the gathering and the rendering.

:mod:`tiergate.report.dashboard` fills it from a verdict; :mod:`tiergate.report.html`
lays it out. Both import this module, neither imports the other's types.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from tiergate.covnumbers import Counts
    from tiergate.gaps import Ranking
    from tiergate.history.summary import RunSummary
    from tiergate.report.sessions import SessionRow
    from tiergate.trace.matrix import TraceMatrix
    from tiergate.verdict import Verdict


@dataclass(frozen=True)
class Cell:
    """One coverage figure: ``86.00%`` with its counts, or why there is none."""

    text: str
    counts: Counts | None = None
    state: str = "measured"
    """``measured``, ``not-run`` (expected data missing: red) or ``none`` (no tests there)."""


@dataclass(frozen=True)
class CoverageRow:
    """A member's coverage per tier and over all its tiers (or the combined row)."""

    name: str
    tiers: tuple[Cell, ...]
    total: Cell


@dataclass(frozen=True)
class Dashboard:
    """Everything one dashboard page shows."""

    verdict: Verdict
    generated_at: datetime
    tiers: tuple[str, ...]
    coverage: tuple[CoverageRow, ...]
    trends: tuple[RunSummary, ...] = ()
    """Recorded runs, oldest first."""
    gaps: Ranking | None = None
    """``None``: the run holds no coverage data."""
    trace: TraceMatrix | None = None
    """``None``: traceability is not configured."""
    sessions: tuple[SessionRow, ...] = ()
    """Every session of the run, ``ran`` or ``cached``."""
