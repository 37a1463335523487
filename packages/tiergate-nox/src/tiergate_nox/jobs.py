"""The sessions ``invoke check`` runs, each as its own nox process, and how long each took last.

Every session of the workspace (:func:`tiergate.plan.workspace_sessions`) is a
job. Sessions are independent of one another, so they can run at once; the
gates read them all afterwards.

A job's estimate is how long the same session took in the newest earlier run
that holds it passed or failed (its manifest's start and finish; for a session
that run reused from the cache, those of the run it came from; a ``crashed``
one, which Ctrl-C leaves too, tells nothing of how long it takes), looked up in the
:data:`LOOKBACK` newest run folders; for a session none of them holds (every
session of a fresh clone or a CI machine), how long it took in the run the
committed baseline file was saved from. A run folder or baseline file that
cannot be read is passed over: estimates only order the work, they never
decide a verdict (the ratchet gate reports a bad baseline file).
"""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING

from tiergate.errors import TiergateError
from tiergate.reading import absent
from tiergate.runfolder import (
    MANIFEST,
    earlier_runs,
    read_manifest,
    read_sessions,
    session_dir,
    slugify,
)
from tiergate_nox.schedule import Job

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping
    from pathlib import Path

    from tiergate.runfolder import SessionManifest


LOOKBACK = 5
"""Run folders searched for a session's last duration (the newest by modification time)."""
NOX = (sys.executable, "-m", "nox", "--nocolor")
PRELOAD = (
    "nox._cli",
    "tiergate_nox.sessions",
    "tiergate_nox.testing",
    "tiergate_nox.typecheck",
    "tiergate_nox.tooling",
)
"""What the fork server imports once for every session (nox, the noxfile's, each kind's)."""


def last_durations(
    run_root: Path, *, exclude: Path | None = None, wanted: Collection[str] | None = None
) -> dict[str, float]:
    """Session name -> seconds it took in the newest of the last :data:`LOOKBACK` runs.

    ``wanted``: only these sessions (only their manifests are read); ``None``: every one.
    """
    found: dict[str, float] = {}
    for folder in earlier_runs(run_root, exclude=exclude, limit=LOOKBACK):
        for manifest in _manifests(folder, None if wanted is None else set(wanted) - set(found)):
            if manifest.outcome != "crashed":  # stopped or broken: not how long it takes
                found.setdefault(manifest.session, manifest.seconds)
    return found


def _manifests(folder: Path, names: set[str] | None) -> list[SessionManifest]:
    """The manifests of the sessions ``names`` in the run ``folder`` (``None``: all) it can read."""
    if names is None:
        try:
            return [manifest for _, manifest in read_sessions(folder).values()]
        except TiergateError:
            return []
    found = []
    for name in sorted(names):
        path = session_dir(folder, name) / MANIFEST
        if absent(path):
            continue
        with contextlib.suppress(TiergateError):
            manifest = read_manifest(path)
            if manifest.session == name:
                found.append(manifest)
    return found


def baseline_durations(baseline_file: Path) -> dict[str, float]:
    """Session name -> seconds it took in the baseline's run; empty without a readable file."""
    if absent(baseline_file):
        return {}
    # Imported here: tiergate.history is the whole store (SQLite, PostgreSQL, summaries),
    # about 0.1 s that every invoke task would pay at start-up, for one small file.
    from tiergate.history.baseline import read_baseline  # noqa: PLC0415

    try:
        return read_baseline(baseline_file).sessions
    except TiergateError:
        return {}


Estimate = tuple[float, str]
"""Seconds a session is expected to take, and where that comes from (``last run``...)."""


def expected_durations(
    run_root: Path,
    baseline_file: Path,
    *,
    exclude: Path | None = None,
    wanted: Collection[str] | None = None,
) -> dict[str, Estimate]:
    """Session name -> its estimate: from the last runs, else from the baseline's run.

    ``wanted``: the sessions that will run (``None``: every one).
    """
    found = {name: (s, "baseline run") for name, s in baseline_durations(baseline_file).items()}
    last = last_durations(run_root, exclude=exclude, wanted=wanted)
    found.update((name, (seconds, "last run")) for name, seconds in last.items())
    return found


def check_jobs(names: list[str], log_dir: Path, durations: Mapping[str, Estimate]) -> list[Job]:
    """One job per session: ``nox --session <name>``, its output in ``<log_dir>/<slug>.log``."""
    jobs = []
    for name in names:
        seconds, source = durations.get(name, (None, ""))
        log = log_dir / f"{slugify(name)}.log"
        jobs.append(Job(name, (*NOX, "--session", name), log, seconds, source))
    return jobs
