"""Reports of a verdict: terminal (rich), Markdown (CI step summary, PR comment), JSON."""

from __future__ import annotations

from tiergate.report.jsonreport import render_json
from tiergate.report.markdown import render_markdown
from tiergate.report.terminal import render_terminal

__all__ = ["render_json", "render_markdown", "render_terminal"]
