"""What the check shows while it runs: lines for a CI log, a board for a terminal."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from tiergate_nox.board import HEARTBEAT, TAIL, LiveBoard, LogLines, Progress, duration
from tiergate_nox.schedule import Job, JobResult

if TYPE_CHECKING:
    from pathlib import Path


def _jobs(tmp_path: Path) -> list[Job]:
    return [
        Job("tests-3.12(package='core')", ("nox",), tmp_path / "logs" / "tests.log", 200.0),
        Job(
            "type-3.12(package='core')",
            ("nox",),
            tmp_path / "logs" / "type.log",
            20.0,
            "baseline run",
        ),
        Job("lint", ("nox",), tmp_path / "logs" / "lint.log", None),
    ]


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0.4, "0s"), (42, "42s"), (185, "3m05s"), (3720, "1h02m")]
)
def test_durations_read_as_a_person_says_them(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown


@pytest.mark.req("FR-186")
def test_log_lines_say_each_start_and_end_and_a_failure_shows_its_log(tmp_path: Path) -> None:
    tests, typed, _ = jobs = _jobs(tmp_path)
    typed.log.parent.mkdir(parents=True)
    typed.log.write_text("".join(f"line {n}\n" for n in range(40)) + "mypy: 3 error(s)\n")
    out = io.StringIO()
    lines = LogLines(Progress(jobs, 2, started_at=0.0), out, relative_to=tmp_path)
    lines.started(tests, 0.0)
    lines.started(typed, 1.0)
    lines.finished(JobResult(typed, "failed", 19.0, 1), 20.0)
    lines.finished(JobResult(tests, "passed", 185.0, 0), 185.0)
    text = out.getvalue().splitlines()
    assert text[0] == "[    0s] start   tests-3.12(package='core') (last run: 3m20s)"
    assert text[1] == "[    1s] start   type-3.12(package='core') (baseline run: 20s)"
    assert text[2] == ("[   20s] failed  type-3.12(package='core') in 19s, log: logs/type.log")
    tail = text[3 : 3 + TAIL]
    assert tail[-1] == "    | mypy: 3 error(s)"
    assert all(line.startswith("    | ") for line in tail)
    assert text[-1] == "[ 3m05s] passed  tests-3.12(package='core') in 3m05s"


@pytest.mark.req("FR-186")
def test_log_lines_beat_while_anything_runs_and_say_the_time_left(tmp_path: Path) -> None:
    tests, typed, lint = _jobs(tmp_path)
    out = io.StringIO()
    progress = Progress([tests, typed, lint], 1, started_at=0.0)
    lines = LogLines(progress, out, relative_to=tmp_path, _last=0.0)
    lines.started(tests, 0.0)
    queued = [typed, lint]
    lines.tick({tests.name: 0.0}, queued, HEARTBEAT - 1)
    assert len(out.getvalue().splitlines()) == 1  # nothing to say yet
    lines.tick({tests.name: 0.0}, queued, HEARTBEAT)
    beat = out.getvalue().splitlines()[-1]
    assert beat == (
        "[   30s] running tests-3.12(package='core') 30s; 1 running, 2 queued, 0 done; "
        "time left unknown (1 never timed)"  # lint never ran before
    )
    lines.tick({}, [], HEARTBEAT * 3)  # nothing running: no heartbeat
    assert out.getvalue().splitlines()[-1] == beat
    lines.finished(JobResult(tests, "passed", 40.0, 0), 40.0)
    lines.started(typed, 40.0)
    progress.queued = []  # lint is left out: every session to come was timed
    lines.tick({typed.name: 40.0}, [], 40.0 + HEARTBEAT)
    assert out.getvalue().splitlines()[-1].endswith("; about 1s left")  # type overran its 20 s


@pytest.mark.req("FR-186")
def test_the_live_board_shows_running_failed_and_queued_sessions_and_the_time_left(
    tmp_path: Path,
) -> None:
    tests, typed, lint = _jobs(tmp_path)
    out = io.StringIO()
    console = Console(file=out, width=120, force_terminal=True, color_system=None)
    progress = Progress([tests, typed, lint], 2, started_at=0.0)
    with LiveBoard(progress, console) as board:
        board.started(tests, 0.0)
        board.started(typed, 0.0)
        board.finished(JobResult(typed, "failed", 12.0, 1), 12.0)
        board.tick({tests.name: 0.0}, [lint], 62.0)
    shown = out.getvalue()
    final = shown[shown.rindex("tiergate check") :]
    assert "tests-3.12(package='core') │ running" in final
    assert "type-3.12(package='core')  │ failed " in final
    assert "lint                       │ queued" in final
    caption = "1 running, 1 queued, 1 done (1 not passed); time left unknown (1 never timed)"
    assert caption in " ".join(final.split())  # the caption wraps at the table's width
