"""The Markdown report: for a CI step summary or a pull-request comment.

When the run holds coverage data, a "where to write the next test" section
(the best gaps, :mod:`tiergate.gaps`) ends the report.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tiergate.gaps import Ranking
    from tiergate.verdict import Verdict

_ICONS = {"passed": "✅", "failed": "❌", "warning": "⚠️"}
_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
"""What Markdown could read as syntax inside a line: emphasis, code, links, HTML, table cells."""


def escape_markdown(text: str) -> str:
    """``text`` (a test id, a path, a message) as literal Markdown text, on one line.

    Backslash, backtick, ``*``, ``_``, ``[``, ``]``, ``<``, ``>`` and ``|`` are
    escaped with a backslash (GitHub's Markdown reads an escaped pipe as a pipe inside
    a table cell too); line breaks become spaces, so a cell or a list item stays one.
    """
    return " ".join(_SPECIAL.sub(r"\\\1", text).splitlines())


_cell = escape_markdown


def render_markdown(verdict: Verdict) -> str:
    """A heading with the verdict, a table of gates, then what to act on."""
    failed = [r for r in verdict.results if r.status != "passed"]
    head = "passed" if verdict.passed else f"failed ({sum(not r.passed for r in failed)} gates)"
    lines = [f"## tiergate: {head}", "", "| | gate | measured | bound |", "|---|---|---|---|"]
    lines += [
        f"| {_ICONS[r.status]} | {_cell(r.title)} | {_cell(r.measured)} | {_cell(r.bound)} |"
        for r in verdict.results
    ]
    for result in failed:
        if result.details:
            lines += ["", f"### {_ICONS[result.status]} {_cell(result.title)}", ""]
            lines += [f"- {_cell(detail)}" for detail in result.details]
    gaps = verdict.gaps
    if gaps is not None:
        lines += ["", *_gaps(gaps)]
    return "\n".join(lines) + "\n"


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
