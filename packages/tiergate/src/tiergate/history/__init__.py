"""The history store: every evaluated run, recorded whole, for trends and the ratchet's baseline.

- :mod:`~tiergate.history.url`: the store's URL (``TIERGATE_HISTORY_URL``, else
  ``[tool.tiergate.history] url``, else SQLite under ``.tiergate/``), redacted wherever shown;
- :mod:`~tiergate.history.summary`: :class:`RunSummary`, what is kept of a run, built
  from an :class:`Evaluated` run (what the store reads of a verdict: storage never
  imports the gates, the verdict or the reports);
- :mod:`~tiergate.history.store`: the :class:`Store` protocol, migrations, shared SQL;
  :mod:`~tiergate.history.sqlite` and :mod:`~tiergate.history.postgresql` implement it;
- :mod:`~tiergate.history.baseline`: the baseline file and the ratchet's baseline lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tiergate.git import branch_name, head_commit
from tiergate.history.connect import open_store, store_exists
from tiergate.history.store import Recording, Store
from tiergate.history.summary import (
    STAR,
    Evaluated,
    RunSummary,
    build_summary,
    run_sessions,
    stable_run_id,
)
from tiergate.history.url import HISTORY_URL_ENV, StoreURL, redact, resolve_url
from tiergate.runfolder import new_run_id

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.config import TiergateConfig

__all__ = [
    "HISTORY_URL_ENV",
    "STAR",
    "Evaluated",
    "Recorded",
    "Recording",
    "RunSummary",
    "Store",
    "StoreURL",
    "load_trend",
    "open_store",
    "record_verdict",
    "redact",
    "resolve_url",
]


@dataclass(frozen=True)
class Recorded:
    """What recording a verdict did."""

    run_id: str
    recording: Recording
    store: StoreURL

    @property
    def recorded(self) -> bool:
        """Whether this evaluation is now the run's record (new, or completed)."""
        return self.recording in {Recording.NEW, Recording.COMPLETED}

    @property
    def message(self) -> str:
        """The line ``tiergate gates`` prints about it (without ``history:``)."""
        where = f"in {self.store}"
        match self.recording:
            case Recording.NEW:
                return f"recorded run {self.run_id} {where}"
            case Recording.COMPLETED:
                return f"run {self.run_id} completed with its new sessions {where}"
            case Recording.SAME:
                return f"run {self.run_id} already recorded {where}"
            case Recording.KEPT:
                return (
                    f"run {self.run_id} already recorded {where}; its sessions changed "
                    "since, the first record is kept (a new run needs a new TIERGATE_RUN_ID)"
                )


def record_verdict(verdict: Evaluated, *, now: datetime | None = None) -> Recorded:
    """Record an evaluated run (green or red) into the workspace's store, in one transaction.

    The run's id is its run folders' (``TIERGATE_RUN_ID``; for sessions run by
    hand, made of what they are): a run evaluated twice is recorded once, and
    completed when it gained sessions (see :meth:`Store.record_run`).
    """
    context = verdict.context
    moment = now or datetime.now(UTC)
    url = resolve_url(context.root, context.config.history)
    summary = build_summary(
        verdict,
        run_id=stable_run_id(context) or new_run_id(moment),
        recorded_at=moment,
        commit=head_commit(context.root),
        branch=branch_name(context.root),
    )
    with open_store(url) as store:
        recording = store.record_run(summary, run_sessions(context))
    return Recorded(summary.run_id, recording, url)


def load_trend(
    root: Path, config: TiergateConfig, *, limit: int | None = None, branch: str | None = None
) -> list[RunSummary]:
    """The last ``limit`` recorded runs, oldest first (default: ``trend-runs`` of the config).

    For trend charts: each :class:`RunSummary` has ``run_id``, ``recorded_at``,
    ``commit``, ``branch``, ``passed``, ``counts(package, tier, python)`` (``*``
    for all; ``None`` when that scope did not run), ``tests_total``,
    ``tests_failed`` and ``gates`` (each gate's id and status). ``branch``: only
    that branch's runs. A SQLite store that was never written gives ``[]``.
    """
    url = resolve_url(root, config.history)
    if not store_exists(url):
        return []
    with open_store(url) as store:
        newest_first = store.runs(limit or config.history.trend_runs, branch)
    return newest_first[::-1]
