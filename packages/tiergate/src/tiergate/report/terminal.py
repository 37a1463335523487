"""The terminal report: a rich table, colour only on a TTY, then what to act on.

When the run holds coverage data, a short "where to write the next test"
table (the best gaps, :mod:`tiergate.gaps`) follows the details, before the verdict.
When a session's result was reused from the cache, a table of every session
(``ran`` or ``cached``, and where from) follows the gates, and the verdict says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from tiergate.report.sessions import cached_note, session_rows

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rich.console import Console

    from tiergate.gaps import Ranking
    from tiergate.report.sessions import SessionRow
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
    rows = session_rows(verdict.context)
    note = cached_note(rows)
    if note is not None:
        render_sessions(rows, note, console)
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
    cached = "" if note is None else f" ({note})"
    if verdict.passed:
        console.print(f"[bold green]PASSED[/]: every gate passed{cached}")
    else:
        failed = sum(not r.passed for r in verdict.results)
        console.print(f"[bold red]FAILED[/]: {failed} of {len(verdict.results)} gates{cached}")


def render_sessions(rows: Sequence[SessionRow], note: str, console: Console) -> None:
    """Every session of the run: ``ran`` now, or ``cached`` and where the result came from."""
    table = Table(title="sessions", caption=note)
    for column in ("session", "ran or cached", "outcome", "cached from"):
        table.add_column(column, overflow="fold")
    for row in rows:
        status = "[bold yellow]cached[/]" if row.status == "cached" else "ran"
        table.add_row(escape(row.name), status, row.outcome, escape(row.origin))
    console.print(table)


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
