"""The history store: every evaluated run, recorded whole, for trends and the ratchet's baseline.

- :mod:`~tiergate.history.url`: the store's URL (``TIERGATE_HISTORY_URL``, else
  ``[tool.tiergate.history] url``, else SQLite under ``.tiergate/``), redacted wherever shown;
- :mod:`~tiergate.history.summary`: :class:`RunSummary`, what is kept of a run;
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
from tiergate.history.store import Store
from tiergate.history.summary import STAR, RunSummary, build_summary, stable_run_id
from tiergate.history.url import HISTORY_URL_ENV, StoreURL, redact, resolve_url
from tiergate.runfolder import new_run_id

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.config import TiergateConfig
    from tiergate.verdict import Verdict

__all__ = [
    "HISTORY_URL_ENV",
    "STAR",
    "Recorded",
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
    recorded: bool
    """False: a run with this id was already in the store (the first record is kept)."""
    store: StoreURL


def record_verdict(verdict: Verdict, *, now: datetime | None = None) -> Recorded:
    """Record an evaluated run (green or red) into the workspace's store, in one transaction.

    The run's id is its run folders' (``TIERGATE_RUN_ID``); a run of sessions
    run by hand (folder ``local``) is recorded under a fresh id each time.
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
        recorded = store.record(summary)
    return Recorded(summary.run_id, recorded, url)


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
