"""What the scheduler's tests share: a reporter that says nothing, and whether a process ended."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tiergate_nox.schedule import Job, JobResult


class Quiet:
    """A :class:`~tiergate_nox.schedule.Reporter` that says nothing."""

    def started(self, job: Job, now: float) -> None:
        del job, now

    def finished(self, result: JobResult, now: float) -> None:
        del result, now

    def tick(self, running: Mapping[str, float], queued: Sequence[Job], now: float) -> None:
        del running, queued, now


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by its parent) is not running.
    stat = Path(f"/proc/{pid}/stat")
    return not stat.exists() or stat.read_text(encoding="ascii").split()[2] != "Z"


def ended(pid: int, within: float = 5.0) -> bool:
    """Whether process ``pid`` is no longer running, waiting up to ``within`` seconds for it."""
    deadline = time.monotonic() + within
    while _alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True
