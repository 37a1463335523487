"""The HTML dashboard, written by the CLI and loaded in real headless Chromium.

Two runs of a throwaway workspace are recorded by ``tiergate gates`` (so the
history store holds a trend), then ``tiergate report --html`` writes the page,
which Chromium loads from the file system with the network off.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from run_cli import tiergate

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HOSTILE_ID = "<script>console.error('executed')</script>"
TESTS = f"""import pytest

from alpha import double


def test_double() -> None:
    assert double(2) == 4


@pytest.mark.parametrize("value", [3], ids=[{HOSTILE_ID!r}])
def test_named_like_markup(value: int) -> None:
    assert double(value) == 7
"""

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/run does)"
)


def _chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


@pytest.fixture
def dashboard(
    ws_root: Path,
    add_member: Callable[..., Path],
    run_tier: Callable[..., Path],
    built_once: BuiltOnce,
) -> Path:
    """Two recorded runs of alpha and the dashboard of the second, built once per module."""
    page = ws_root / "dashboard.html"

    def build() -> None:
        (ws_root / ".python-version").write_text("3.11\n")
        source = (
            "def double(x: int) -> int:\n    return 2 * x\n\n\ndef never() -> int:\n    return 0\n"
        )
        files = {"src/alpha/__init__.py": source, "tests/unit/test_alpha.py": TESTS}
        add_member("alpha", package="alpha", tests=True, files=files)
        for run_id in ("r1", "r2"):
            run_tier("alpha", "unit", run_id=run_id)
            recorded = tiergate(ws_root, "gates", "--run", f".tiergate/runs/{run_id}")
            assert recorded.returncode == 1, recorded.stdout + recorded.stderr
            assert f"history: recorded run {run_id}" in recorded.stderr
        report = tiergate(ws_root, "report", "--html", str(page), "--run", ".tiergate/runs/r2")
        assert report.returncode == 1, report.stderr  # the verdict's exit code: a test failed

    built_once(build)
    return page


@pytest.mark.req("FR-080")
def test_the_report_command_writes_one_page_with_the_run_and_its_trend(dashboard: Path) -> None:
    page = dashboard.read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('class="pygal-chart"') == 2
    assert "alpha" in page
    assert '<section id="trace">' not in page  # traceability is not configured here
    assert not (dashboard.parent / f".{dashboard.name}.partial").exists()


@needs_chromium
@pytest.mark.req("FR-081")
def test_the_dashboard_renders_in_chromium_without_console_errors(
    dashboard: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "dashboard.png"
    browser = _chromium(dashboard, tmp_path, f"--screenshot={shot}", "--window-size=1200,1600")
    assert shot.is_file(), browser.stderr[-2000:]
    console = [line for line in browser.stderr.splitlines() if ":CONSOLE" in line]
    assert console == []
    with Image.open(shot) as image:
        pixels = image.convert("RGB").resize((120, 160))
        colours = pixels.getcolors(maxcolors=120 * 160) or []
    assert len(colours) > 20, "the screenshot is (nearly) one colour"
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    assert white < 0.95 * 120 * 160, "the screenshot is (nearly) blank"


@needs_chromium
@pytest.mark.req("FR-081")
def test_in_chromium_the_page_shows_gates_a_trend_chart_and_a_test_name_as_text(
    dashboard: Path, tmp_path: Path
) -> None:
    dom = _chromium(dashboard, tmp_path, "--dump-dom").stdout
    assert 'id="verdict"' in dom
    assert "FAILED" in dom
    assert "failing tests" in dom
    assert dom.count('class="pygal-chart"') == 2
    assert "&lt;script&gt;console.error('executed')&lt;/script&gt;" in dom
    assert HOSTILE_ID not in dom
