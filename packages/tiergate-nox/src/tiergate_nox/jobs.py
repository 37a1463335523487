"""The sessions ``invoke check`` runs, each as its own nox process, and how long each took last.

Every session of the workspace is a job: ``lint``, ``sql``, ``security``, then
``type-<python>(package=...)`` and ``tests-<python>(package=...)`` for each
member on each Python it supports (a Python it does not support is no job:
nox would only skip it). Sessions are independent of one another, so they can
run at once; the gates read them all afterwards.

A job's estimate is how long the same session took in the newest earlier run
that holds it (its manifest's start and finish), looked up in the
:data:`LOOKBACK` newest run folders. A run folder that cannot be read is
passed over: estimates only order the work, they never decide a verdict.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from tiergate.errors import TiergateError
from tiergate.plan import member_tiers, type_checked
from tiergate.runfolder import read_sessions, session_name, slugify
from tiergate_nox.schedule import Job

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.config import TiergateConfig
    from tiergate.workspace import Workspace

LOOKBACK = 5
"""Run folders searched for a session's last duration (the newest by modification time)."""
NOX = (sys.executable, "-m", "nox", "--nocolor")
FIRST_RUN_ORDER = ("tests", "type", "security", "lint", "sql")
"""Sessions never seen before start in this order of kinds: tests sessions take the longest."""


def check_sessions(workspace: Workspace, config: TiergateConfig) -> list[str]:
    """The nox sessions of a full check: tool sessions, then type and tests per member."""
    names = ["lint", "sql", "security"]
    for kind in ("type", "tests"):
        for member in workspace.members:
            wanted = type_checked(member) if kind == "type" else bool(member_tiers(member, config))
            if wanted:
                names += [session_name(kind, python, member.name) for python in member.pythons]
    return names


def last_durations(run_root: Path, *, exclude: Path | None = None) -> dict[str, float]:
    """Session name -> seconds it took in the newest of the last :data:`LOOKBACK` runs."""
    try:
        folders = sorted(
            (path for path in run_root.iterdir() if path.is_dir() and path != exclude),
            key=lambda path: path.stat().st_mtime,
            reverse=True,
        )[:LOOKBACK]
    except OSError:
        return {}
    found: dict[str, float] = {}
    for folder in folders:
        try:
            sessions = read_sessions(folder)
        except TiergateError:
            continue
        for name, (_, manifest) in sessions.items():
            seconds = (manifest.finished_at - manifest.started_at).total_seconds()
            found.setdefault(name, max(seconds, 0.0))
    return found


def unseen_first_by_kind(jobs: list[Job]) -> list[Job]:
    """``jobs`` in :data:`FIRST_RUN_ORDER` of their kinds (the order a first run starts them)."""

    def rank(job: Job) -> int:
        kind = job.name.split("-", 1)[0]
        return FIRST_RUN_ORDER.index(kind) if kind in FIRST_RUN_ORDER else len(FIRST_RUN_ORDER)

    return sorted(jobs, key=rank)


def check_jobs(names: list[str], log_dir: Path, durations: dict[str, float]) -> list[Job]:
    """One job per session: ``nox --session <name>``, its output in ``<log_dir>/<slug>.log``."""
    return [
        Job(name, (*NOX, "--session", name), log_dir / f"{slugify(name)}.log", durations.get(name))
        for name in names
    ]
