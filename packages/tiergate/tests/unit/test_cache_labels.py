"""A restored (cached) session is labelled ``cached`` in every report, never shown as run now."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import jsonschema
import pytest
from rich.console import Console

from tiergate.cache import Hit, ResultCache
from tiergate.config import load_config
from tiergate.inputs import InputKey
from tiergate.report import render_json, render_markdown, render_terminal
from tiergate.report.dashboard import build_dashboard
from tiergate.report.html import render_html
from tiergate.runfolder import MANIFEST, read_manifest
from tiergate.schemas import FOLDER
from tiergate.verdict import evaluate
from unit.conftest import CALC_PATH, IMPORTED, TODAY, RunFolder, Tier, passing

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.verdict import Verdict

ALPHA = "tests-3.11(package='alpha')"
KEY = InputKey.of({"packages/alpha/src/alpha/calc.py": hashlib.sha256(b"calc").hexdigest()})
RESTORED = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FROM = "cached from run r1 (finished 2026-11-22 10:00:30 UTC)"
ONLY = ("sessions", "tests")


@pytest.fixture
def first(alpha: Path, run: RunFolder) -> Verdict:
    """Run r1: alpha's tests session ran and passed."""
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), {CALC_PATH: IMPORTED}),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: IMPORTED}),
        },
    )
    return run.verdict(only=ONLY)


@pytest.fixture
def cached(workspace: Path, first: Verdict, run: RunFolder) -> Verdict:
    """Run r2: alpha's result restored from the cache, lint ran in it."""
    del first
    cache = ResultCache.of(workspace, load_config(workspace))
    cache.save(run.path / "sessions" / "tests-3.11-alpha", KEY)
    second = RunFolder(workspace, run_id="r2")
    hit = cache.lookup(ALPHA, KEY)
    assert isinstance(hit, Hit)
    cache.restore(hit, second.path, now=RESTORED)
    second.lint()
    return evaluate(workspace, [second.path], strict=False, today=TODAY, only=ONLY)


def _terminal(verdict: Verdict) -> list[str]:
    out = io.StringIO()
    render_terminal(verdict, Console(file=out, width=200))
    return [line.rstrip() for line in out.getvalue().splitlines()]


@pytest.mark.req("FR-207")
def test_the_sessions_gate_says_cached_and_from_where_and_the_verdict_is_unchanged(
    first: Verdict, cached: Verdict
) -> None:
    ran = {r.gate: r for r in first.results}
    again = {r.gate: r for r in cached.results}
    assert ran[f"sessions/{ALPHA}"].measured == "ran: unit, integration"
    assert again[f"sessions/{ALPHA}"].measured == f"{FROM}: unit, integration"
    assert [(r.gate, r.status) for r in cached.results] == [
        (r.gate, r.status) for r in first.results
    ]
    assert (cached.passed, cached.exit_code) == (first.passed, first.exit_code)
    manifest = read_manifest(cached.run_dirs[0] / "sessions/tests-3.11-alpha" / MANIFEST)
    assert manifest.run_id == "r2"


@pytest.mark.req("FR-207")
def test_the_terminal_report_lists_each_session_as_ran_or_cached(cached: Verdict) -> None:
    lines = _terminal(cached)
    text = "\n".join(lines)
    gate = [line for line in lines if line.startswith("│ session tests-3.11(package='alpha')")]
    bound = "every tier ran and left results"
    assert [" ".join(row.replace("│", " ").split()) for row in gate] == [
        f"session tests-3.11(package='alpha') passed {FROM}: unit, integration {bound}"
    ]
    rows = [line for line in lines if line.startswith(("│ lint", "│ tests-"))]
    assert [" ".join(row.replace("│", " ").split()) for row in rows] == [
        "lint ran passed",
        "tests-3.11(package='alpha') cached passed run r1, finished 2026-11-22 10:00:30 UTC",
    ]
    note = "1 of 2 sessions cached: reused from earlier runs with the same inputs, not run now"
    assert note in text
    assert lines[-1] == f"PASSED: every gate passed ({note})"


@pytest.mark.req("FR-207")
def test_the_markdown_report_lists_each_session_as_ran_or_cached(cached: Verdict) -> None:
    text = render_markdown(cached)
    assert text.startswith(
        "## tiergate: passed; 1 of 2 sessions cached: reused from earlier runs with the same "
        "inputs, not run now\n"
    )
    assert (
        "### Sessions\n\n"
        "| session | ran or cached | outcome | cached from |\n"
        "|---|---|---|---|\n"
        "| lint | ran | passed |  |\n"
        "| tests-3.11(package='alpha') | **cached** | passed "
        "| run r1, finished 2026-11-22 10:00:30 UTC |\n"
    ) in text


@pytest.mark.req("FR-207")
def test_the_json_report_lists_each_session_as_ran_or_cached(cached: Verdict) -> None:
    document = json.loads(render_json(cached))
    jsonschema.validate(document, json.loads((FOLDER / "gates-report.schema.json").read_text()))
    assert document["sessions"] == [
        {
            "session": "lint",
            "kind": "lint",
            "outcome": "passed",
            "status": "ran",
            "cached_from": None,
        },
        {
            "session": ALPHA,
            "kind": "tests",
            "outcome": "passed",
            "status": "cached",
            "cached_from": {
                "run_id": "r1",
                "finished_at": "2026-11-22T10:00:30Z",
                "digest": KEY.digest,
            },
        },
    ]


@pytest.mark.req("FR-207")
def test_the_dashboard_lists_each_session_as_ran_or_cached(cached: Verdict) -> None:
    page = render_html(build_dashboard(cached, now=RESTORED))
    assert '<tr class="session-ran"><td><code>lint</code></td>' in page
    assert (
        '<tr class="session-cached"><td><code>tests-3.11(package=&#39;alpha&#39;)</code></td>'
        '<td><span class="badge cached">cached</span></td><td>passed</td>'
        "<td>run r1, finished 2026-11-22 10:00:30 UTC</td></tr>"
    ) in page
    assert 'id="cached-note"' in page


def test_reports_of_a_run_where_every_session_ran_say_ran(first: Verdict) -> None:
    document = json.loads(render_json(first))
    assert [(s["session"], s["status"]) for s in document["sessions"]] == [(ALPHA, "ran")]
    assert "cached" not in render_markdown(first)
    assert not any("cached" in line for line in _terminal(first))
    page = render_html(build_dashboard(first, now=RESTORED))
    assert 'class="session-cached"' not in page
    assert 'id="cached-note"' not in page
    assert '<tr class="session-ran">' in page


def test_a_manifest_written_before_reused_existed_still_reads(first: Verdict) -> None:
    path = first.run_dirs[0] / "sessions/tests-3.11-alpha" / MANIFEST
    data = json.loads(path.read_text())
    del data["reused"]
    path.write_text(json.dumps(data))
    manifest = read_manifest(path)
    assert (manifest.reused, manifest.label) == (None, "ran")


@pytest.mark.req("FR-207")
def test_a_cached_tool_session_says_so_in_its_own_gate_row(
    alpha: Path, workspace: Path, run: RunFolder
) -> None:
    del alpha
    run.lint()
    cache = ResultCache.of(workspace, load_config(workspace))
    cache.save(run.path / "sessions" / "lint", KEY)
    second = RunFolder(workspace, run_id="r2")
    hit = cache.lookup("lint", KEY)
    assert isinstance(hit, Hit)
    cache.restore(hit, second.path, now=RESTORED)
    verdict = evaluate(workspace, [second.path], strict=False, today=TODAY, only=("tools",))
    (row,) = [r for r in verdict.results if r.gate == "tools/lint"]
    assert row.status == "passed"
    assert row.measured.startswith("0 findings; cached from run r1 (finished ")
