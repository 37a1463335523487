"""The sessions ``invoke check`` runs, each as its own nox process, and how long each took last.

Every session of the workspace (:func:`tiergate.plan.workspace_sessions`) is a
job. Sessions are independent of one another, so they can run at once; the
gates read them all afterwards.

A job's estimate is how long the same session took in the newest earlier run
that holds it (its manifest's start and finish; for a session that run reused
from the cache, those of the run it came from), looked up in the
:data:`LOOKBACK` newest run folders. A run folder that cannot be read is
passed over: estimates only order the work, they never decide a verdict.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tiergate.errors import TiergateError
from tiergate.runfolder import earlier_runs, read_sessions, slugify
from tiergate_nox.schedule import Job

if TYPE_CHECKING:
    from pathlib import Path


LOOKBACK = 5
"""Run folders searched for a session's last duration (the newest by modification time)."""
NOX = (sys.executable, "-m", "nox", "--nocolor")


def last_durations(run_root: Path, *, exclude: Path | None = None) -> dict[str, float]:
    """Session name -> seconds it took in the newest of the last :data:`LOOKBACK` runs."""
    found: dict[str, float] = {}
    for folder in earlier_runs(run_root, exclude=exclude, limit=LOOKBACK):
        try:
            sessions = read_sessions(folder)
        except TiergateError:
            continue
        for name, (_, manifest) in sessions.items():
            timed = manifest.reused or manifest  # a reused session took what it took where it ran
            seconds = (timed.finished_at - timed.started_at).total_seconds()
            found.setdefault(name, max(seconds, 0.0))
    return found


def check_jobs(names: list[str], log_dir: Path, durations: dict[str, float]) -> list[Job]:
    """One job per session: ``nox --session <name>``, its output in ``<log_dir>/<slug>.log``."""
    return [
        Job(name, (*NOX, "--session", name), log_dir / f"{slugify(name)}.log", durations.get(name))
        for name in names
    ]
