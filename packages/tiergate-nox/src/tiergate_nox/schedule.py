"""Run independent jobs at once, longest first, each into its own log; stop them all on Ctrl-C.

A job is a command (here: one nox session). :func:`run_jobs` keeps up to
``slots`` of them running, starts the longest expected first (so that the
last one to finish is a short one), writes each one's output to its own log
file and tells a :class:`Reporter` what happens, at least once a second.

Each job runs in a process group of its own, so that stopping it reaches the
tools it started (nox, uv, pytest, and their children). Given modules to
preload, a job that is ``python -m``/``-c`` of this Python is forked from a
warm server that imported them once (:mod:`tiergate_nox.forks`) rather than
started anew; the rest, and every job where forking is not supported, start
as processes of their own. On Ctrl-C (or SIGTERM)
every running job gets SIGINT, as a terminal would send it, and
:data:`GRACE` seconds to end on its own: a nox session then writes its
manifest as ``crashed``, and a session killed before that leaves no manifest,
so its run is incomplete and never read as green. Jobs that had not started
are ``not run``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from tiergate_nox import forks

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from pathlib import Path
    from types import FrameType

JobStatus = Literal["passed", "failed", "interrupted", "not run", "cached"]

GRACE = 10.0
"""Seconds a job has to end after SIGINT before it is killed."""
POLL = 0.1
"""Seconds between two looks at the running jobs."""


@dataclass(frozen=True)
class Job:
    """One command to run, and how long it is expected to take (``None``: never seen).

    ``estimate_from``: where the estimate comes from, as the board shows it
    (``last run``, ``baseline run``).
    """

    name: str
    command: tuple[str, ...]
    log: Path
    estimate: float | None = None
    estimate_from: str = "last run"


@dataclass(frozen=True)
class JobResult:
    """How a job ended, how long it ran and where its output is (no log: it never started).

    ``cached``: it did not run; its result was reused (``note`` says from where).
    """

    job: Job
    status: JobStatus
    seconds: float
    exit_code: int | None
    note: str = ""

    @property
    def log(self) -> Path | None:
        """The job's output, if it started."""
        return None if self.status in {"not run", "cached"} else self.job.log


class Reporter(Protocol):
    """What is told of the jobs while they run (a live board, or lines for a CI log)."""

    def started(self, job: Job, now: float) -> None:
        """``job`` has started at ``now`` (``time.monotonic()``)."""

    def finished(self, result: JobResult, now: float) -> None:
        """A job has ended."""

    def tick(self, running: Mapping[str, float], queued: Sequence[Job], now: float) -> None:
        """Called at least once a second: the running jobs (name -> start) and those queued."""


class Interrupted(Exception):  # noqa: N818 - it is an event, like KeyboardInterrupt
    """SIGTERM arrived: stop as on Ctrl-C."""


def longest_first(jobs: Sequence[Job]) -> list[Job]:
    """``jobs`` ordered longest expected first; never-seen jobs first of all, in their order."""
    return sorted(jobs, key=lambda job: -(job.estimate if job.estimate is not None else 1e18))


def time_left(
    running: Mapping[str, float],
    queued: Sequence[Job],
    estimates: Mapping[str, float | None],
    slots: int,
    now: float,
) -> tuple[float, bool]:
    """The expected seconds until every job has ended, and whether every estimate was known.

    The queued jobs are placed, in their order, on the slot that frees first
    (what :func:`run_jobs` will do); a running job is expected to take its
    estimate (and at least one more second once it has overrun it).
    """
    known = True
    free: list[float] = []
    for name, start in running.items():
        estimate = estimates.get(name)
        known &= estimate is not None
        free.append(max((estimate or 0.0) - (now - start), 1.0))
    free += [0.0] * max(slots - len(free), 0)
    free.sort()
    for job in queued:
        known &= job.estimate is not None
        free[0] += job.estimate or 0.0
        free.sort()
    return max(free, default=0.0), known


class Process(Protocol):
    """What the scheduler needs of a started job: a :class:`subprocess.Popen`, or a forked one."""

    @property
    def pid(self) -> int:
        """The process id, which is also its process group's."""

    @property
    def returncode(self) -> int | None:
        """The exit code once known (negative: the signal that ended it)."""

    def poll(self) -> int | None:
        """The exit code if it has ended, else ``None``."""

    def wait(self) -> int:
        """Wait for it to end; the exit code."""


@dataclass
class _Running:
    job: Job
    process: Process
    start: float


def run_jobs(  # noqa: PLR0913 - what to run, how many at once, where, and who is told
    jobs: Sequence[Job],
    *,
    slots: int,
    reporter: Reporter,
    env: Mapping[str, str] | None = None,
    fail_fast: bool = False,
    grace: float = GRACE,
    preload: Sequence[str] | None = None,
    server: forks.ForkServer | None = None,
) -> list[JobResult]:
    """Run ``jobs`` in their order, ``slots`` at a time; results in the order of ``jobs``.

    With ``fail_fast``, no job starts after one has failed (those running end).
    On Ctrl-C or SIGTERM the running jobs are stopped (``interrupted``) and the
    queued ones are ``not run``; the caller learns it from the statuses.
    ``preload``: fork the jobs that can be from a server that imported these
    modules (``None``: start every job anew); it ends with the jobs. ``server``:
    the caller's, started earlier and ended by the caller, instead.
    """
    queued = list(jobs)
    running: dict[str, _Running] = {}
    results: dict[str, JobResult] = {}
    own = server is None and preload is not None and forks.supported()
    server = forks.ForkServer(env, preload or ()) if own else server
    # The handler stays while the jobs are stopped: a second SIGTERM (``uv run`` passes on the
    # one it got, a CI runner sends its own) then kills them at once instead of the check alone.
    with _sigterm_as_interrupt(), _closing(server if own else None):
        try:
            while queued or running:
                now = time.monotonic()
                failed = any(r.status == "failed" for r in results.values())
                while queued and len(running) < max(slots, 1) and not (fail_fast and failed):
                    job = queued.pop(0)
                    reporter.started(job, now)
                    started = _start(job, env, now, server)
                    if isinstance(started, JobResult):
                        results[job.name] = started
                        reporter.finished(started, now)
                    else:
                        running[job.name] = started
                if fail_fast and failed and not running:
                    break
                freed = _collect_ended(running, results, reporter)
                reporter.tick({n: e.start for n, e in running.items()}, queued, time.monotonic())
                if freed:
                    continue  # a slot is free: the next job starts now, not after a wait
                if server is not None and any(
                    isinstance(e.process, forks.Forked) for e in running.values()
                ):
                    server.wait_any(POLL)  # a forked job's end wakes the loop at once
                else:
                    time.sleep(POLL)
        except (KeyboardInterrupt, Interrupted):
            _stop(running.values(), grace)
            now = time.monotonic()
            for name, entry in running.items():
                code = entry.process.returncode
                results[name] = JobResult(entry.job, "interrupted", now - entry.start, code)
                reporter.finished(results[name], now)
    return [results.get(job.name) or JobResult(job, "not run", 0.0, None) for job in jobs]


def _collect_ended(
    running: dict[str, _Running], results: dict[str, JobResult], reporter: Reporter
) -> bool:
    """Move every job that has ended from ``running`` to ``results``; whether one had."""
    ended = [
        (name, entry, code)
        for name, entry in running.items()
        if (code := entry.process.poll()) is not None
    ]
    for name, entry, code in ended:
        del running[name]
        results[name] = _ended(entry, code, time.monotonic())
        reporter.finished(results[name], time.monotonic())
    return bool(ended)


def _start(
    job: Job, env: Mapping[str, str] | None, now: float, server: forks.ForkServer | None
) -> _Running | JobResult:
    """The job, started; a job whose program cannot start has failed (its log says why)."""
    job.log.parent.mkdir(parents=True, exist_ok=True)
    if server is not None and (forked := server.spawn(job.command, job.log)) is not None:
        return _Running(job, forked, now)
    with job.log.open("wb") as sink:
        try:
            process = subprocess.Popen(
                job.command,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                env=dict(env) if env is not None else None,
                start_new_session=True,
            )
        except OSError as error:
            sink.write(f"cannot start {job.command[0]}: {error}\n".encode())
            return JobResult(job, "failed", 0.0, None)
    return _Running(job, process, now)


def _ended(entry: _Running, code: int, now: float) -> JobResult:
    return JobResult(entry.job, "passed" if code == 0 else "failed", now - entry.start, code)


def _stop(entries: Iterable[_Running], grace: float) -> None:
    """SIGINT to every job's process group, then SIGKILL to what is left of it after ``grace``.

    A second Ctrl-C while waiting kills at once.
    """
    alive = list(entries)
    for entry in alive:
        _signal(entry.process, signal.SIGINT)
    deadline = time.monotonic() + grace
    try:
        while any(entry.process.poll() is None for entry in alive):
            if time.monotonic() >= deadline:
                break
            time.sleep(POLL)
    except (KeyboardInterrupt, Interrupted):
        pass
    for entry in alive:
        # The whole group, even when its leader has ended: a child that ignores SIGINT (as
        # every process started with SIGINT ignored does) must not outlive the check. Linux
        # reuses no process id while a group of that id has a member, so this reaches only it.
        _signal(entry.process, signal.SIGKILL)
    for entry in alive:
        _reap(entry.process)


def _reap(process: Process) -> None:
    """Wait for ``process``, killed, to end: another Ctrl-C or SIGTERM meanwhile changes nothing."""
    while True:
        try:
            process.wait()
        except (KeyboardInterrupt, Interrupted):
            continue
        return


def _signal(process: Process, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


@contextlib.contextmanager
def _closing(server: forks.ForkServer | None) -> Iterator[None]:
    """Within the block, ``server`` may fork; after it, the server ends."""
    try:
        yield
    finally:
        if server is not None:
            server.close()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM (a CI job cancelled) stops the jobs as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        raise Interrupted

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
