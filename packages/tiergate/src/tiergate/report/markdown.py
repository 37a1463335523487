"""The Markdown report: for a CI step summary or a pull-request comment."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tiergate.verdict import Verdict

_ICONS = {"passed": "✅", "failed": "❌", "warning": "⚠️"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


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
            lines += [f"- `{_cell(detail)}`" for detail in result.details]
    return "\n".join(lines) + "\n"
