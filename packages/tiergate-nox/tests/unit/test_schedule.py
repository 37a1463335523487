"""The scheduler runs real processes: at once, in order, stopped on Ctrl-C and SIGTERM."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
from typing import TYPE_CHECKING

import pytest

from processes import ended
from tiergate_nox.schedule import Job, JobResult, longest_first, run_jobs, time_left

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

WAIT = 30.0
"""Seconds a helper process waits for another's mark before it gives up (a failure)."""


def _py(code: str) -> tuple[str, ...]:
    return (sys.executable, "-c", textwrap.dedent(code))


def _wait_for(path: Path) -> str:
    """Python that waits until ``path`` exists (exit 7 after :data:`WAIT` seconds)."""
    return textwrap.dedent(f"""
        import pathlib, sys, time
        deadline = time.monotonic() + {WAIT}
        while not pathlib.Path({str(path)!r}).exists():
            if time.monotonic() > deadline:
                sys.exit(7)
            time.sleep(0.02)
    """)


def _touch(path: Path) -> str:
    return f"import pathlib; pathlib.Path({str(path)!r}).touch()\n"


@pytest.fixture(params=[None, ()], ids=["spawned", "forked"])
def preload(request: pytest.FixtureRequest) -> tuple[str, ...] | None:
    """How the jobs start: each a new process, or forked from one server (no preload)."""
    value: tuple[str, ...] | None = request.param
    return value


class Recorder:
    """A reporter that keeps what it was told."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.ticks = 0

    def started(self, job: Job, now: float) -> None:
        del now
        self.events.append(("start", job.name))

    def finished(self, result: JobResult, now: float) -> None:
        del now
        self.events.append((result.status, result.job.name))

    def tick(self, running: Mapping[str, float], queued: Sequence[Job], now: float) -> None:
        del running, queued, now
        self.ticks += 1


@pytest.mark.req("FR-185")
def test_two_slots_run_two_jobs_at_once(tmp_path: Path, preload: tuple[str, ...] | None) -> None:
    # Each job waits for the other's mark: they can only both pass if they run together.
    a, b = tmp_path / "a", tmp_path / "b"
    jobs = [
        Job("a", _py(_touch(a) + _wait_for(b)), tmp_path / "logs" / "a.log"),
        Job("b", _py(_touch(b) + _wait_for(a)), tmp_path / "logs" / "b.log"),
    ]
    results = run_jobs(jobs, slots=2, reporter=Recorder(), preload=preload)
    assert [(r.job.name, r.status, r.exit_code) for r in results] == [
        ("a", "passed", 0),
        ("b", "passed", 0),
    ]


@pytest.mark.req("FR-185")
def test_one_slot_runs_one_job_at_a_time_in_order(
    tmp_path: Path, preload: tuple[str, ...] | None
) -> None:
    order = tmp_path / "order.txt"
    code = """
        import pathlib, sys, time
        path = pathlib.Path({order!r})
        with path.open("a") as out:
            out.write("start {name}\\n"); out.flush(); time.sleep(0.2); out.write("end {name}\\n")
        print("{name} done")
    """
    jobs = [
        Job(name, _py(code.format(order=str(order), name=name)), tmp_path / f"{name}.log")
        for name in ("one", "two", "three")
    ]
    reporter = Recorder()
    results = run_jobs(jobs, slots=1, reporter=reporter, preload=preload)
    assert [r.status for r in results] == ["passed"] * 3
    assert order.read_text().split("\n")[:-1] == [
        f"{edge} {name}" for name in ("one", "two", "three") for edge in ("start", "end")
    ]
    assert (tmp_path / "two.log").read_text() == "two done\n"
    assert [event for event in reporter.events if event[0] == "start"] == [
        ("start", "one"),
        ("start", "two"),
        ("start", "three"),
    ]
    assert reporter.ticks >= 3


@pytest.mark.req("FR-185", "FR-224")
def test_a_forked_jobs_end_starts_the_next_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The loop waits up to POLL for news; a job's end must start the next without it.
    monkeypatch.setattr("tiergate_nox.schedule.POLL", WAIT)
    jobs = [Job(name, _py("pass"), tmp_path / f"{name}.log") for name in ("one", "two", "three")]
    started = time.monotonic()
    results = run_jobs(jobs, slots=1, reporter=Recorder(), preload=())
    assert [r.status for r in results] == ["passed"] * 3
    assert time.monotonic() - started < WAIT  # no wait of POLL between two jobs


@pytest.mark.req("FR-188")
def test_fail_fast_starts_nothing_after_a_failure(
    tmp_path: Path, preload: tuple[str, ...] | None
) -> None:
    jobs = [
        Job("broken", _py("import sys; print('bad'); sys.exit(3)"), tmp_path / "broken.log"),
        Job("later", _py(_touch(tmp_path / "later")), tmp_path / "later.log"),
    ]
    results = run_jobs(jobs, slots=1, reporter=Recorder(), fail_fast=True, preload=preload)
    assert [(r.status, r.exit_code) for r in results] == [("failed", 3), ("not run", None)]
    assert results[1].log is None
    assert not (tmp_path / "later").exists()
    assert not (tmp_path / "later.log").exists()


@pytest.mark.req("FR-185")
def test_every_job_runs_after_a_failure_without_fail_fast(
    tmp_path: Path, preload: tuple[str, ...] | None
) -> None:
    jobs = [
        Job("broken", _py("import sys; sys.exit(1)"), tmp_path / "broken.log"),
        Job("later", _py("print('ran')"), tmp_path / "later.log"),
    ]
    results = run_jobs(jobs, slots=1, reporter=Recorder(), preload=preload)
    assert [r.status for r in results] == ["failed", "passed"]
    assert (tmp_path / "later.log").read_text() == "ran\n"


def test_a_program_that_cannot_start_is_a_failed_job_whose_log_says_why(
    tmp_path: Path, preload: tuple[str, ...] | None
) -> None:
    job = Job("ghost", (str(tmp_path / "no-such-program"),), tmp_path / "ghost.log")
    (result,) = run_jobs([job], slots=1, reporter=Recorder(), preload=preload)
    assert (result.status, result.exit_code) == ("failed", None)
    assert "cannot start" in (tmp_path / "ghost.log").read_text()


@pytest.mark.req("FR-185")
def test_longest_first_puts_never_seen_jobs_first_then_the_longest(tmp_path: Path) -> None:
    jobs = [
        Job("short", ("x",), tmp_path / "s", 2.0),
        Job("new", ("x",), tmp_path / "n", None),
        Job("long", ("x",), tmp_path / "l", 300.0),
        Job("middle", ("x",), tmp_path / "m", 30.0),
    ]
    assert [job.name for job in longest_first(jobs)] == ["new", "long", "middle", "short"]


@pytest.mark.parametrize(
    ("running", "queued", "slots", "expected"),
    [
        # Two slots: "a" ends in 60 s; "b" (100 s) takes the free slot, "c" (50 s) follows "a".
        ({"a": 0.0}, [("b", 100.0), ("c", 50.0)], 2, (110.0, True)),
        # One slot: everything one after another.
        ({"a": 0.0}, [("b", 100.0), ("c", 50.0)], 1, (210.0, True)),
        # A job that overran its estimate still needs a second; a never-seen one makes it a floor.
        ({"over": -500.0}, [("new", None)], 1, (1.0, False)),
        ({}, [], 2, (0.0, True)),
    ],
)
def test_time_left_places_the_queue_on_the_slots_that_free_first(
    tmp_path: Path,
    running: dict[str, float],
    queued: list[tuple[str, float | None]],
    slots: int,
    expected: tuple[float, bool],
) -> None:
    jobs = [Job(name, ("x",), tmp_path / name, estimate) for name, estimate in queued]
    estimates = {"a": 60.0, "over": 10.0} | {job.name: job.estimate for job in jobs}
    assert time_left(running, jobs, estimates, slots, now=0.0) == expected


DRIVER = """
import json, signal, sys
from pathlib import Path
from tiergate_nox.schedule import Job, run_jobs

# Ctrl-C reaches this driver as it reaches a check run from a terminal, even when the
# tests run with SIGINT ignored (a background job of a shell without job control).
signal.signal(signal.SIGINT, signal.default_int_handler)
folder = Path(sys.argv[1])
preload = () if sys.argv[2] == "forked" else None

class Quiet:
    def started(self, job, now): pass
    def finished(self, result, now): pass
    def tick(self, running, queued, now): pass

def job(name, code):
    return Job(name, (sys.executable, "-c", code), folder / f"{name}.log")

# A child that ignores SIGINT, as every process started with SIGINT ignored does.
(folder / "child.py").write_text(
    "import pathlib, signal, time\\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\\n"
    f"pathlib.Path({str(folder / 'child.ready')!r}).touch()\\n"
    "time.sleep(60)\\n"
)
polite = (
    "import pathlib, signal, subprocess, sys, time\\n"
    f"child = subprocess.Popen([sys.executable, {str(folder / 'child.py')!r}])\\n"
    f"pathlib.Path({str(folder / 'child.pid')!r}).write_text(str(child.pid))\\n"
    "def stop(signum, frame):\\n"
    f"    pathlib.Path({str(folder / 'polite.stopped')!r}).touch(); sys.exit(130)\\n"
    "signal.signal(signal.SIGINT, stop)\\n"
    f"pathlib.Path({str(folder / 'polite.ready')!r}).touch()\\n"
    "time.sleep(60)\\n"
)
stubborn = (
    "import os, pathlib, signal, time\\n"
    "signal.signal(signal.SIGINT, signal.SIG_IGN)\\n"
    f"pathlib.Path({str(folder / 'stubborn.pid')!r}).write_text(str(os.getpid()))\\n"
    f"pathlib.Path({str(folder / 'stubborn.ready')!r}).touch()\\n"
    "time.sleep(60)\\n"
)
jobs = [job("polite", polite), job("stubborn", stubborn), job("queued", "print('ran')")]
results = run_jobs(jobs, slots=2, reporter=Quiet(), grace=1.0, preload=preload)
print(json.dumps([[r.job.name, r.status] for r in results]))
"""


@pytest.mark.req("FR-187")
@pytest.mark.parametrize(
    ("stop", "times"),
    [(signal.SIGINT, 1), (signal.SIGTERM, 1), (signal.SIGINT, 2), (signal.SIGTERM, 2)],
    ids=["ctrl-c", "sigterm", "ctrl-c-twice", "sigterm-twice"],
)
def test_stopping_the_check_stops_every_job_and_starts_no_other(
    tmp_path: Path, stop: signal.Signals, times: int, preload: tuple[str, ...] | None
) -> None:
    """Twice: ``uv run`` passes its SIGTERM on while the runner sends its own to the check."""
    driver = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(tmp_path), "spawned" if preload is None else "forked"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + WAIT
    ready = ("polite.ready", "stubborn.ready", "child.ready")
    while not all((tmp_path / name).exists() for name in ready):
        assert time.monotonic() < deadline, driver.stderr.read() if driver.stderr else ""
        time.sleep(0.05)
    driver.send_signal(stop)
    if times == 2:  # while the jobs are given their grace (1 s) to end
        time.sleep(0.3)
        driver.send_signal(stop)
    out, err = driver.communicate(timeout=WAIT)
    assert driver.returncode == 0, err
    assert json.loads(out) == [
        ["polite", "interrupted"],
        ["stubborn", "interrupted"],
        ["queued", "not run"],
    ]
    assert (tmp_path / "polite.stopped").exists()  # it was asked, and ended on its own
    assert not (tmp_path / "queued.log").exists()
    for pid_file in ("child.pid", "stubborn.pid"):  # the whole group is gone, grandchildren too
        assert ended(int((tmp_path / pid_file).read_text())), pid_file
