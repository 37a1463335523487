"""The Markdown report: for a CI step summary or a pull-request comment.

When the run holds coverage data, a "where to write the next test" section
(the best gaps, :mod:`tiergate.gaps`) ends the report. When a session's result
was reused from the cache, the heading says how many were, and a table of
every session (``ran`` or ``cached``, and where from) follows the gates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.mdtext import escape_markdown
from tiergate.report.sessions import cached_note, session_rows

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tiergate.gaps import Ranking
    from tiergate.report.sessions import SessionRow
    from tiergate.verdict import Verdict

_ICONS = {"passed": "✅", "failed": "❌", "warning": "⚠️"}
_cell = escape_markdown


def render_markdown(verdict: Verdict) -> str:
    """A heading with the verdict, a table of gates, then what to act on."""
    failed = [r for r in verdict.results if r.status != "passed"]
    head = "passed" if verdict.passed else f"failed ({sum(not r.passed for r in failed)} gates)"
    rows = session_rows(verdict.context)
    note = cached_note(rows)
    if note is not None:
        head += f"; {note}"
    lines = [f"## tiergate: {head}", "", "| | gate | measured | bound |", "|---|---|---|---|"]
    lines += [
        f"| {_ICONS[r.status]} | {_cell(r.title)} | {_cell(r.measured)} | {_cell(r.bound)} |"
        for r in verdict.results
    ]
    if note is not None:
        lines += ["", *_sessions(rows)]
    for result in failed:
        if result.details:
            lines += ["", f"### {_ICONS[result.status]} {_cell(result.title)}", ""]
            lines += [f"- {_cell(detail)}" for detail in result.details]
    gaps = verdict.gaps
    if gaps is not None:
        lines += ["", *_gaps(gaps)]
    return "\n".join(lines) + "\n"


def _sessions(rows: Sequence[SessionRow]) -> list[str]:
    lines = ["### Sessions", "", "| session | ran or cached | outcome | cached from |"]
    lines.append("|---|---|---|---|")
    lines += [
        f"| {_cell(row.name)} | {'**cached**' if row.status == 'cached' else 'ran'} "
        f"| {row.outcome} | {_cell(row.origin)} |"
        for row in rows
    ]
    return lines


def _gaps(gaps: Ranking) -> list[str]:
    lines = ["### Where to write the next test", ""]
    if not gaps.gaps:
        lines.append("No uncovered statement in the ranked members.")
    else:
        lines += [
            f"The best {len(gaps.gaps)} of {gaps.found} gaps, {gaps.weighed}.",
            "",
            "| score | uncovered | churn | where | missing lines |",
            "|---:|---:|---:|---|---|",
        ]
        lines += [
            f"| {gap.score:.1f} | {gap.uncovered} | {'-' if gap.churn is None else gap.churn} "
            f"| {_cell(gap.path)}:{gap.line} {_cell(gap.function or '(module level)')} "
            f"| {_cell(gap.ranges)} |"
            for gap in gaps.gaps
        ]
    if gaps.not_ranked:
        lines += ["", f"Not ranked (coverage not run): {_cell(', '.join(gaps.not_ranked))}."]
    return lines
