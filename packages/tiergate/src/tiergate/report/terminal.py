"""The terminal report: a rich table, colour only on a TTY, then what to act on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from rich.console import Console

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
