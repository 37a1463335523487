"""The terminal report: a rich table, colour only on a TTY, then what to act on.

When the run holds coverage data, a short "where to write the next test"
table (the best gaps, :mod:`tiergate.gaps`) follows the details, before the verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from rich.console import Console

    from tiergate.gaps import Ranking
    from tiergate.verdict import Verdict

_STYLES = {"passed": "green", "failed": "bold red", "warning": "bold yellow"}


def render_terminal(verdict: Verdict, console: Console) -> None:
    """Print the table of gates, the details of each that did not pass, and the verdict."""
    table = Table(title="tiergate gates")
    for column in ("gate", "result", "measured", "bound"):
        table.add_column(column)
    for r in verdict.results:
        status = f"[{_STYLES[r.status]}]{r.status.upper() if r.status != 'passed' else r.status}[/]"
        table.add_row(escape(r.title), status, escape(r.measured), escape(r.bound))
    console.print(table)
    for r in verdict.results:
        if r.status != "passed" and r.details:
            console.print(f"[{_STYLES[r.status]}]{escape(r.title)}[/]:")
            for detail in r.details:
                console.print(f"  {escape(detail)}", soft_wrap=True)
    gaps = verdict.gaps
    if gaps is not None:
        render_gaps(gaps, console)
    warnings = [r for r in verdict.results if r.status == "warning"]
    if warnings:
        console.print(
            f"[bold red]WARNING: {len(warnings)} gate(s) did NOT look (see above); "
            "this fails in CI (CI=true) or with --strict.[/]"
        )
    if verdict.passed:
        console.print("[bold green]PASSED[/]: every gate passed")
    else:
        failed = sum(not r.passed for r in verdict.results)
        console.print(f"[bold red]FAILED[/]: {failed} of {len(verdict.results)} gates")


def render_gaps(gaps: Ranking, console: Console) -> None:
    """The "where to write the next test" table (also what ``tiergate gaps`` prints)."""
    if not gaps.gaps:
        console.print("where to write the next test: no uncovered statement in the ranked members")
    else:
        shown = f"{len(gaps.gaps)} of {gaps.found}"
        table = Table(title=f"where to write the next test ({shown} gaps)", caption=gaps.weighed)
        for column in ("score", "uncovered", "churn"):
            table.add_column(column, justify="right")
        table.add_column("where", overflow="fold")
        table.add_column("missing lines", overflow="fold")
        for gap in gaps.gaps:
            churn = "-" if gap.churn is None else str(gap.churn)
            table.add_row(
                f"{gap.score:.1f}",
                str(gap.uncovered),
                churn,
                escape(gap.where),
                escape(gap.ranges),
            )
        console.print(table)
    if gaps.not_ranked:
        console.print(f"not ranked (coverage not run): {escape(', '.join(gaps.not_ranked))}")
