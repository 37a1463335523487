"""What the HTML dashboard shows, gathered from a verdict: data, no markup.

Everything comes from what the engine already computes: the verdict and its
context (coverage read once), the history store's recent runs, the gap ranking
and the traceability matrix, gathered into :mod:`tiergate.report.dashboard_model`;
:mod:`tiergate.report.html` only lays it out.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tiergate.covnumbers import total
from tiergate.files import write_whole
from tiergate.history import load_trend
from tiergate.report.dashboard_model import Cell, CoverageRow, Dashboard
from tiergate.report.sessions import session_rows

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from tiergate.measure import Measurements
    from tiergate.verdict import Verdict


def _cell(measured: Measurements, packages: Sequence[str], tiers: Sequence[str] | None) -> Cell:
    if measured.not_run(packages, tiers):
        return Cell("not run", state="not-run")
    counts = total(measured.lines(packages, tiers))
    return Cell(f"{counts.percent(measured.index.precision)}%", counts)


def coverage_rows(verdict: Verdict) -> tuple[CoverageRow, ...]:
    """Member x tier coverage (union over Pythons), each member's total, and the union."""
    measured = verdict.context.coverage
    tiers = tuple(verdict.context.config.tiers)
    rows = []
    for member in measured.members:
        own = measured.tiers[member.name]
        cells = tuple(
            _cell(measured, [member.name], [tier]) if tier in own else Cell("-", state="none")
            for tier in tiers
        )
        whole = _cell(measured, [member.name], None) if own else Cell("-", state="none")
        rows.append(CoverageRow(member.name, cells, whole))
    if measured.members:
        names = [m.name for m in measured.members]
        cells = tuple(
            _cell(measured, [n for n in names if tier in measured.tiers[n]], [tier])
            if any(tier in measured.tiers[n] for n in names)
            else Cell("-", state="none")
            for tier in tiers
        )
        rows.append(CoverageRow("all members", cells, _cell(measured, names, None)))
    return tuple(rows)


def build_dashboard(verdict: Verdict, *, now: datetime | None = None) -> Dashboard:
    """The dashboard of an evaluated run: its coverage, trends, gaps and requirements."""
    context = verdict.context
    config = context.config
    return Dashboard(
        verdict=verdict,
        generated_at=now or datetime.now(UTC),
        tiers=tuple(config.tiers),
        coverage=coverage_rows(verdict),
        trends=tuple(load_trend(context.root, config)),
        gaps=verdict.gaps,
        trace=context.trace if config.requirements is not None else None,
        sessions=session_rows(context),
    )


def write_dashboard(verdict: Verdict, output: Path) -> None:
    """Write the dashboard of ``verdict`` to ``output`` whole, and say where on stderr."""
    from tiergate.report.html import render_html  # noqa: PLC0415 - jinja2 and pygal load on use

    write_whole(output, render_html(build_dashboard(verdict)), "dashboard")
    sys.stderr.write(f"dashboard: {output}\n")
