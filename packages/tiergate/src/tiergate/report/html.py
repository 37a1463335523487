"""The HTML dashboard: one self-contained file (no network, no external assets).

The page is a Jinja2 template with autoescaping on (a test name is always text,
never markup); the trend charts are SVG drawn by pygal and inlined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from tiergate.report.sessions import cached_note

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tiergate.covnumbers import Counts
    from tiergate.history.summary import RunSummary
    from tiergate.report.dashboard_model import Dashboard

_CHART_SIZE = {"width": 900, "height": 320}
_TREND_POINTS = 2
"""A trend needs two runs."""
_GREEN, _RED, _PALETTE = "#2e7d32", "#c62828", ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a")


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("tiergate.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _svg(chart: object) -> Markup:
    """A pygal chart as inline SVG. pygal escapes every label it draws."""
    render = getattr(chart, "render")  # noqa: B009 - pygal ships no type information
    return Markup(render(is_unicode=True))  # noqa: S704 - pygal escapes its SVG  # nosec B704


def _style(colors: Sequence[str]) -> object:
    from pygal.style import Style  # noqa: PLC0415 - pygal is imported only to draw charts

    return Style(
        background="transparent",
        plot_background="transparent",
        font_family="system-ui, sans-serif",
        colors=tuple(colors),
    )


def _percent(counts: Counts | None) -> float | None:
    """coverage.py's percentage (what ``--fail-under`` compares), for drawing only."""
    return None if counts is None else counts.pc_covered()


def _label(run: RunSummary) -> str:
    return f"{run.recorded_at:%m-%d %H:%M}" + (f" {run.commit[:7]}" if run.commit else "")


def coverage_chart(runs: Sequence[RunSummary], tiers: Sequence[str]) -> Markup:
    """Coverage of the last runs, oldest first: combined and each tier (gaps: not run)."""
    import pygal  # noqa: PLC0415 - pygal is imported only to draw charts

    chart = pygal.Line(
        js=[],  # no external script: the file must work offline
        disable_xml_declaration=True,
        title="Coverage over the last runs (%)",
        x_label_rotation=30,
        range=(0, 100),
        show_minor_x_labels=True,
        style=_style(_PALETTE),
        **_CHART_SIZE,
    )
    chart.x_labels = [_label(run) for run in runs]
    chart.add("combined", [_percent(run.counts()) for run in runs])
    for tier in tiers:
        chart.add(tier, [_percent(run.counts(tier=tier)) for run in runs])
    return _svg(chart)


def outcome_chart(runs: Sequence[RunSummary]) -> Markup:
    """Tests per run, stacked: failed or errored (red) on the others (green)."""
    import pygal  # noqa: PLC0415 - pygal is imported only to draw charts

    chart = pygal.StackedBar(
        js=[],
        disable_xml_declaration=True,
        title="Tests per run",
        x_label_rotation=30,
        truncate_legend=-1,
        style=_style((_GREEN, _RED)),
        **_CHART_SIZE,
    )
    chart.x_labels = [_label(run) for run in runs]
    chart.add("not failed", [run.tests_total - run.tests_failed for run in runs])
    chart.add("failed or errored", [run.tests_failed for run in runs])
    return _svg(chart)


def render_html(dashboard: Dashboard) -> str:
    """The whole page."""
    runs = dashboard.trends
    charts = (
        (coverage_chart(runs, dashboard.tiers), outcome_chart(runs))
        if len(runs) >= _TREND_POINTS
        else ()
    )
    verdict = dashboard.verdict
    failed = [r for r in verdict.results if not r.passed]
    return (
        _environment()
        .get_template("dashboard.html.j2")
        .render(
            d=dashboard,
            verdict=verdict,
            failed=failed,
            warnings=[r for r in verdict.results if r.status == "warning"],
            charts=charts,
            cached=cached_note(dashboard.sessions),
        )
    )
