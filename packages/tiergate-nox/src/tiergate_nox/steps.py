"""The gates step and the summary of a check: one row per session, one verdict.

The sessions run at once (:mod:`tiergate_nox.schedule`); the gates step runs
after them, alone, its output shown as it comes (:func:`run_here`: in this
process, as it is one of tiergate's own commands).
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
import time
from typing import IO, TYPE_CHECKING

from rich.markup import escape
from rich.table import Table

from tiergate_nox.board import OK, STYLES
from tiergate_nox.schedule import JobResult

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from pathlib import Path

    from rich.console import Console

    from tiergate_nox.schedule import Job


def run_step(
    job: Job, *, env: Mapping[str, str] | None = None, echo: IO[str] | None = None
) -> JobResult:
    """Run one job in the foreground, its output to ``echo`` (stdout) and to its log."""
    job.log.parent.mkdir(parents=True, exist_ok=True)
    echo = echo or sys.stdout
    echo.write(f"\n=== {job.name}: {' '.join(job.command)}\n")
    echo.flush()
    started = time.monotonic()
    with (
        job.log.open("w", encoding="utf-8") as sink,
        subprocess.Popen(
            job.command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(env) if env is not None else None,
            errors="replace",
        ) as process,
    ):
        for line in process.stdout or ():
            echo.write(line)
            sink.write(line)
        code = process.wait()
    seconds = time.monotonic() - started
    return JobResult(job, "passed" if code == 0 else "failed", seconds, code)


def run_here(
    job: Job,
    main: Callable[[Sequence[str]], int],
    arguments: Sequence[str],
    *,
    echo: IO[str] | None = None,
) -> JobResult:
    """Run ``main(arguments)`` in this process as ``job``: its output to ``echo`` and its log.

    For tiergate's own commands after the sessions: what this process read and
    imported is not read and imported again.
    """
    job.log.parent.mkdir(parents=True, exist_ok=True)
    echo = echo or sys.stdout
    echo.write(f"\n=== {job.name}: {' '.join(job.command)}\n")
    echo.flush()
    started = time.monotonic()
    with job.log.open("w", encoding="utf-8") as sink:
        both = _Tee(echo, sink)
        with contextlib.redirect_stdout(both), contextlib.redirect_stderr(both):
            code = main(arguments)
        both.close()  # flushed while the log is open: nothing is left for its finaliser
    seconds = time.monotonic() - started
    return JobResult(job, "passed" if code == 0 else "failed", seconds, code)


class _Tee(io.TextIOBase):
    """Text written to it goes to each of its streams."""

    def __init__(self, *streams: IO[str]) -> None:
        super().__init__()
        self._streams = streams

    def write(self, text: str) -> int:
        for stream in self._streams:
            stream.write(text)
        return len(text)

    def flush(self) -> None:
        for stream in self._streams:
            stream.flush()


def summary_table(results: Sequence[JobResult], *, relative_to: Path) -> Table:
    """One row per session or step: its result, its duration, where its output is."""
    table = Table(title="tiergate check")
    table.add_column("step")
    table.add_column("result")
    table.add_column("time", justify="right")
    table.add_column("output")
    for result in results:
        where = str(result.log.relative_to(relative_to)) if result.log is not None else "-"
        if result.note:
            where = result.note
        status = result.status.upper() if result.status == "failed" else result.status
        table.add_row(
            escape(result.job.name),
            f"[{STYLES[result.status]}]{status}[/]",
            f"{result.seconds:.1f}s",
            escape(where),
        )
    return table


def verdict(results: Sequence[JobResult]) -> bool:
    """True when every step passed, now or in the run its reused result comes from."""
    return all(r.status in OK for r in results)


def print_summary(results: Sequence[JobResult], *, relative_to: Path, console: Console) -> None:
    """The summary table and the one-line verdict (what was interrupted, if anything)."""
    console.print(summary_table(results, relative_to=relative_to))
    interrupted = [r.job.name for r in results if r.status == "interrupted"]
    failed = [r.job.name for r in results if r.status not in OK]
    if interrupted:
        console.print(
            f"[bold yellow]INTERRUPTED[/]: {escape(', '.join(interrupted))}", soft_wrap=True
        )
    if failed:
        console.print(f"[bold red]FAILED[/]: {escape(', '.join(failed))}", soft_wrap=True)
    else:
        cached = sum(r.status == "cached" for r in results)
        reused = f" ({cached} cached)" if cached else ""
        console.print(f"[bold green]PASSED[/]: all {len(results)} steps{reused}")
