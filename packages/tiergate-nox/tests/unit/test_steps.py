from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from tiergate_nox.schedule import Job, JobResult
from tiergate_nox.steps import print_summary, run_here, run_step, verdict

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path


def _job(tmp_path: Path, name: str, code: str) -> Job:
    return Job(name, (sys.executable, "-c", code), tmp_path / "logs" / f"{name}.log")


def _summary(results: list[JobResult], tmp_path: Path) -> str:
    out = io.StringIO()
    print_summary(results, relative_to=tmp_path, console=Console(file=out, width=120))
    return out.getvalue()


@pytest.mark.req("FR-014")
def test_a_step_shows_its_output_as_it_comes_and_keeps_it_in_its_log(tmp_path: Path) -> None:
    echo = io.StringIO()
    result = run_step(_job(tmp_path, "gates", "import sys; print('bad'); sys.exit(3)"), echo=echo)
    assert (result.status, result.exit_code) == ("failed", 3)
    assert (tmp_path / "logs" / "gates.log").read_text() == "bad\n"
    assert echo.getvalue().startswith("\n=== gates: ")
    assert echo.getvalue().endswith("bad\n")


@pytest.mark.req("FR-014")
@pytest.mark.parametrize(("code", "status"), [(0, "passed"), (3, "failed")])
def test_a_step_run_here_shows_its_output_and_keeps_it_in_its_log(
    tmp_path: Path, code: int, status: str
) -> None:
    """tiergate's own gates run in the check's process: stdout and stderr both shown and kept."""

    def main(arguments: Sequence[str]) -> int:
        sys.stdout.write(f"gates over {' '.join(arguments)}\n")
        sys.stderr.write("a warning\n")
        return code

    echo = io.StringIO()
    job = Job("gates", ("tiergate", "gates"), tmp_path / "logs" / "gates.log")
    result = run_here(job, main, ["--run", "x"], echo=echo)
    assert (result.status, result.exit_code) == (status, code)
    assert (tmp_path / "logs" / "gates.log").read_text() == "gates over --run x\na warning\n"
    assert echo.getvalue() == "\n=== gates: tiergate gates\ngates over --run x\na warning\n"


@pytest.mark.req("FR-014")
def test_summary_names_each_step_its_result_and_log(tmp_path: Path) -> None:
    results = [
        run_step(_job(tmp_path, "first", "print('one')"), echo=io.StringIO()),
        run_step(_job(tmp_path, "broken", "import sys; sys.exit(1)"), echo=io.StringIO()),
    ]
    text = _summary(results, tmp_path)
    assert not verdict(results)
    assert "FAILED" in text
    assert "logs/broken.log" in text
    assert text.rstrip().endswith("FAILED: broken")


@pytest.mark.req("FR-187", "FR-188")
def test_summary_names_what_was_interrupted_and_what_never_ran(tmp_path: Path) -> None:
    results = [
        JobResult(_job(tmp_path, "tests", ""), "interrupted", 3.0, -2),
        JobResult(_job(tmp_path, "gates", ""), "not run", 0.0, None),
    ]
    lines = _summary(results, tmp_path).rstrip().splitlines()
    assert lines[-2:] == ["INTERRUPTED: tests", "FAILED: tests, gates"]
    assert not verdict(results)


def test_all_passed_is_one_green_line(tmp_path: Path) -> None:
    results = [run_step(_job(tmp_path, "first", "print('one')"), echo=io.StringIO())]
    assert verdict(results)
    assert _summary(results, tmp_path).rstrip().endswith("PASSED: all 1 steps")
