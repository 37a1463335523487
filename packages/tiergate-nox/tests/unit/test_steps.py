from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from tiergate_nox.steps import Step, print_summary, run_steps, verdict

if TYPE_CHECKING:
    from pathlib import Path


def _py(code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", code)


STEPS = [
    Step("first", _py("print('one')")),
    Step("broken", _py("import sys; print('bad'); sys.exit(3)")),
    Step("last", _py("print('three')")),
]


@pytest.mark.req("FR-014")
def test_every_step_runs_after_a_failure(tmp_path: Path) -> None:
    echo = io.StringIO()
    results = run_steps(STEPS, tmp_path / "logs", echo=echo)
    assert [(r.step.name, r.status, r.exit_code) for r in results] == [
        ("first", "passed", 0),
        ("broken", "failed", 3),
        ("last", "passed", 0),
    ]
    assert not verdict(results)
    assert (tmp_path / "logs" / "broken.log").read_text() == "bad\n"
    assert "one\n" in echo.getvalue()
    assert "three\n" in echo.getvalue()


@pytest.mark.req("FR-014")
def test_fail_fast_stops_at_the_first_failure(tmp_path: Path) -> None:
    results = run_steps(STEPS, tmp_path / "logs", fail_fast=True, echo=io.StringIO())
    assert [r.status for r in results] == ["passed", "failed", "not run"]
    assert results[2].log is None
    assert not (tmp_path / "logs" / "last.log").exists()


@pytest.mark.req("FR-014")
def test_summary_names_each_step_its_result_and_log(tmp_path: Path) -> None:
    results = run_steps(STEPS, tmp_path / "logs", echo=io.StringIO())
    out = io.StringIO()
    print_summary(results, relative_to=tmp_path, console=Console(file=out, width=120))
    text = out.getvalue()
    assert "FAILED" in text
    assert "logs/broken.log" in text
    assert text.rstrip().endswith("FAILED: broken")


def test_all_passed_is_one_green_line(tmp_path: Path) -> None:
    results = run_steps([STEPS[0]], tmp_path / "logs", echo=io.StringIO())
    out = io.StringIO()
    print_summary(results, relative_to=tmp_path, console=Console(file=out, width=120))
    assert verdict(results)
    assert out.getvalue().rstrip().endswith("PASSED: all 1 steps")
