"""The traceability matrix as JSON (published schema), Markdown, or a terminal table."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from tiergate.mdtext import escape_markdown

if TYPE_CHECKING:
    from rich.console import Console

    from tiergate.trace.matrix import RequirementEntry, TraceMatrix

_GOOD = {"proven", "tested"}
_ICONS = {True: "✅", False: "❌"}
_STYLES = {True: "green", False: "bold red"}


def render_json(matrix: TraceMatrix) -> str:
    """The matrix as JSON, ending with a newline; the same matrix gives the same bytes."""
    return matrix.model_dump_json(indent=2) + "\n"


def headline(matrix: TraceMatrix) -> str:
    """``29 of 35 requirements proven (82.86%)``, and the bound when there is one."""
    summary = matrix.summary
    verb = "proven" if matrix.source == "run" else "named by a test"
    bound = f", bound >= {summary.min_share:g}%" if summary.min_share is not None else ""
    return (
        f"{summary.covered} of {summary.requirements} requirements {verb} "
        f"({summary.share:.2f}%{bound})"
    )


def source_line(matrix: TraceMatrix) -> str:
    """Where the tests and outcomes come from."""
    if matrix.source == "static":
        return "source: static scan of the test files (no outcomes)"
    return "source: run " + ", ".join(matrix.run_dirs)


def tests_cell(row: RequirementEntry) -> str:
    """``2 passed, 1 skipped (unit, e2e)``, or ``2 tests (unit)`` in a static scan."""
    if not row.tests:
        return "-"
    counts = Counter(test.verdict for test in row.tests)
    if None in counts:
        what = f"{len(row.tests)} test{'s' if len(row.tests) > 1 else ''}"
    else:
        what = ", ".join(f"{counts[v]} {v}" for v in ("passed", "failed", "skipped") if counts[v])
    tiers = sorted({test.tier or "no tier" for test in row.tests})
    return f"{what} ({', '.join(tiers)})"


_cell = escape_markdown


def render_markdown(matrix: TraceMatrix) -> str:
    """A heading with the share, a table of requirements, then unknown IDs and mentions."""
    lines = [
        f"## Requirement traceability: {headline(matrix)}",
        "",
        _cell(source_line(matrix)),
        "",
        "| | ID | requirement | tiers | status | tests |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {_ICONS[row.status in _GOOD]} | {_cell(row.id)} | {_cell(row.title)} | "
        f"{_cell(', '.join(row.tiers) or 'any')} | {row.status} | {_cell(tests_cell(row))} |"
        for row in matrix.requirements
    ]
    if matrix.unknown:
        lines += ["", "### ❌ Tests naming IDs that no spec defines", ""]
        lines += [
            f"- {_cell(u.id)}: " + ", ".join(_cell(test) for test in u.tests)
            for u in matrix.unknown
        ]
    if matrix.dangling_mentions:
        lines += ["", "### Spec mentions of IDs that no spec defines", ""]
        lines += [f"- {_cell(m.id)} at {_cell(m.file)}:{m.line}" for m in matrix.dangling_mentions]
    return "\n".join(lines) + "\n"


def render_terminal(matrix: TraceMatrix, console: Console) -> None:
    """A table of requirements, the tests naming unknown IDs, and the headline."""
    table = Table(title="requirement traceability")
    for column in ("ID", "requirement", "tiers", "status", "tests"):
        table.add_column(column, overflow="fold")
    for row in matrix.requirements:
        good = row.status in _GOOD
        table.add_row(
            escape(row.id),
            escape(row.title),
            escape(", ".join(row.tiers) or "any"),
            f"[{_STYLES[good]}]{row.status if good else row.status.upper()}[/]",
            escape(tests_cell(row)),
        )
    console.print(table)
    console.print(escape(source_line(matrix)), soft_wrap=True)
    for unknown in matrix.unknown:
        named = ", ".join(unknown.tests)
        console.print(f"[bold red]unknown ID {escape(unknown.id)}[/]: named by {escape(named)}")
    for mention in matrix.dangling_mentions:
        where = f"{mention.file}:{mention.line}"
        console.print(f"[yellow]spec mentions undefined {escape(mention.id)}[/] at {escape(where)}")
    console.print(escape(headline(matrix)))
