"""What a person sees while the check runs: a live board in a terminal, lines in a CI log.

Both report to :class:`~tiergate_nox.schedule.run_jobs` over the same :class:`Progress`:

- :class:`LiveBoard` (a terminal): every running session with its elapsed time and
  how long it is expected to take, those that failed, the next ones queued, and the time
  left, redrawn in place by rich.
- :class:`LogLines` (no terminal, or CI): one line when a session starts, one when
  it ends (a failure followed by the last lines of its log), and a heartbeat line
  at least every :data:`HEARTBEAT` seconds while anything runs, so that a CI job
  that prints nothing for minutes is never mistaken for a hung one.

The time left places the queued sessions on the slots as the scheduler will,
with each session's duration in the last run that ran it (else in the run the
committed baseline file was saved from); while a session never timed is still to
come, it is unknown, and the board says how many such remain.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Self

from rich.live import Live
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tiergate.errors import ArtifactError
from tiergate.reading import read_tail
from tiergate_nox.schedule import time_left

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path
    from types import TracebackType

    from rich.console import Console

    from tiergate_nox.schedule import Job, JobResult

HEARTBEAT = 30.0
"""Most seconds between two lines of :class:`LogLines` while something runs."""
TAIL = 15
"""Lines of a failed session's log shown under its end line."""
QUEUED_SHOWN = 5
"""Queued sessions named on the board (the others are counted)."""
REDRAWS = 4
"""Most redraws of the board a second while nothing starts or ends."""
STYLES = {
    "passed": "green",
    "cached": "cyan",
    "failed": "bold red",
    "interrupted": "yellow",
    "not run": "yellow",
}
"""How each way a session ends is shown."""
OK = frozenset({"passed", "cached"})
"""The ends that are a passed result (now, or reused)."""


def duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h02m``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"


@dataclass
class Progress:
    """The jobs of a check and where each one is."""

    jobs: Sequence[Job]
    slots: int
    started_at: float = field(default_factory=time.monotonic)
    running: dict[str, float] = field(default_factory=dict)
    done: dict[str, JobResult] = field(default_factory=dict)
    queued: list[Job] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.queued = list(self.jobs)

    def start(self, job: Job, now: float) -> None:
        """``job`` is running since ``now``."""
        self.queued = [queued for queued in self.queued if queued.name != job.name]
        self.running[job.name] = now

    def end(self, result: JobResult) -> None:
        """A job has ended."""
        self.running.pop(result.job.name, None)
        self.done[result.job.name] = result

    def left(self, now: float) -> str:
        """``about 4m20s left``, or how many sessions to come were never timed."""
        estimates = {job.name: job.estimate for job in self.jobs}
        seconds, known = time_left(self.running, self.queued, estimates, self.slots, now)
        if known:
            return f"about {duration(seconds)} left"
        never = sum(estimates[name] is None for name in self.running)
        never += sum(job.estimate is None for job in self.queued)
        return f"time left unknown ({never} never timed)"

    def counts(self) -> str:
        """``2 running, 10 queued, 15 done (1 failed)``."""
        failed = sum(result.status not in OK for result in self.done.values())
        text = f"{len(self.running)} running, {len(self.queued)} queued, {len(self.done)} done"
        return text + (f" ({failed} not passed)" if failed else "")


@dataclass
class LogLines:
    """One line per start and end, a heartbeat while anything runs (CI logs)."""

    progress: Progress
    stream: IO[str]
    relative_to: Path
    heartbeat: float = HEARTBEAT
    _last: float = field(default_factory=time.monotonic)

    def _line(self, text: str, now: float) -> None:
        self.stream.write(f"[{duration(now - self.progress.started_at):>6}] {text}\n")
        self.stream.flush()
        self._last = now

    def started(self, job: Job, now: float) -> None:
        """``[   12s] start   tests-3.12(package='core') (last run: 3m05s)``.

        The estimate says where it comes from: ``last run``, or ``baseline run``.
        """
        self.progress.start(job, now)
        estimate = job.estimate
        last = "" if estimate is None else f" ({job.estimate_from}: {duration(estimate)})"
        self._line(f"start   {job.name}{last}", now)

    def finished(self, result: JobResult, now: float) -> None:
        """``[ 3m20s] passed  tests-3.12(package='core') in 3m08s``; a failure shows its log."""
        self.progress.end(result)
        line = f"{result.status:<7} {result.job.name} in {duration(result.seconds)}"
        if result.status != "passed" and result.log is not None:
            line += f", log: {result.log.relative_to(self.relative_to)}"
        self._line(line, now)
        if result.status == "failed" and result.log is not None:
            for text in _tail(result.log):
                self.stream.write(f"    | {text}\n")

    def tick(self, running: Mapping[str, float], queued: Sequence[Job], now: float) -> None:
        """A heartbeat when nothing was printed for :attr:`heartbeat` seconds."""
        del queued
        if running and now - self._last >= self.heartbeat:
            names = ", ".join(f"{name} {duration(now - start)}" for name, start in running.items())
            self._line(f"running {names}; {self.progress.counts()}; {self.progress.left(now)}", now)


@dataclass
class LiveBoard:
    """A board redrawn in place in a terminal; use it as a context manager."""

    progress: Progress
    console: Console
    _live: Live | None = None
    _drawn: float = 0.0

    def __enter__(self) -> Self:
        self._live = Live(
            self._render(time.monotonic()),
            console=self.console,
            auto_refresh=False,
            transient=False,
        )
        self._live.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.update(self._render(time.monotonic()), refresh=True)
            self._live.__exit__(exc_type, exc, traceback)

    def started(self, job: Job, now: float) -> None:
        """Redraw with ``job`` running."""
        self.progress.start(job, now)
        self._refresh(now)

    def finished(self, result: JobResult, now: float) -> None:
        """Redraw with the job ended."""
        self.progress.end(result)
        self._refresh(now)

    def tick(self, running: Mapping[str, float], queued: Sequence[Job], now: float) -> None:
        """Redraw (the elapsed times move), at most :data:`REDRAWS` times a second."""
        del running, queued
        if now - self._drawn >= 1 / REDRAWS:
            self._refresh(now)

    def _refresh(self, now: float) -> None:
        self._drawn = now
        if self._live is not None:
            self._live.update(self._render(now), refresh=True)

    def _render(self, now: float) -> Table:
        progress = self.progress
        table = Table(title="tiergate check", title_justify="left", expand=False)
        table.add_column("session")
        table.add_column("state")
        table.add_column("time", justify="right")
        table.add_column("expected", justify="right")
        estimates = {job.name: job.estimate for job in progress.jobs}

        def last(name: str) -> str:
            estimate = estimates.get(name)
            return duration(estimate) if estimate is not None else "-"

        for name, start in progress.running.items():
            table.add_row(escape(name), "[cyan]running[/]", duration(now - start), last(name))
        for name, result in progress.done.items():
            if result.status not in OK:
                style = STYLES[result.status]
                state = f"[{style}]{result.status}[/]"
                table.add_row(escape(name), state, duration(result.seconds), last(name))
        for job in progress.queued[:QUEUED_SHOWN]:
            table.add_row(escape(job.name), "[dim]queued[/]", "", last(job.name))
        more = len(progress.queued) - QUEUED_SHOWN
        footer = Text(f"{progress.counts()}; {progress.left(now)}")
        if more > 0:
            footer.append(f"; {more} more queued")
        table.caption = footer
        table.caption_justify = "left"
        return table


def _tail(log: Path) -> list[str]:
    """The last :data:`TAIL` lines of a log (the tools' own text, decoded leniently)."""
    try:
        text = read_tail(log, "session log", ArtifactError, size=64 * 1024)
    except ArtifactError as error:
        return [str(error)]
    return text.splitlines()[-TAIL:]
