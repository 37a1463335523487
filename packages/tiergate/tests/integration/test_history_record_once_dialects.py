"""One run, one record, in SQLite and in PostgreSQL (a real server, started by the tests).

A run evaluated again from the same sessions writes nothing; from more sessions,
each earlier one unchanged (a shard added later), its record is completed in
place; from sessions that changed since, the first record is kept.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import psycopg
import pytest

from tiergate.history.connect import open_store
from tiergate.history.store import Recording
from tiergate.history.summary import CoverageRow, GateRow, RunSummary
from tiergate.history.url import parse_url

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.history.url import StoreURL

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SHARD_1 = {"lint": T0, "tests-3.12(package='app')": T0 + timedelta(minutes=3)}
SHARD_2 = {"tests-3.13(package='app')": T0 + timedelta(minutes=4)}


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> StoreURL:
    """A new store of each dialect."""
    if request.param == "sqlite":
        return parse_url("sqlite:///history.db", tmp_path)
    return parse_url(request.getfixturevalue("pg_url"), tmp_path)


def summary(run_id: str, *, covered: int, minute: int = 0, verdict: str = "passed") -> RunSummary:
    return RunSummary.model_validate(
        {
            "run_id": run_id,
            "recorded_at": T0 + timedelta(hours=1, minutes=minute),
            "commit": "c" * 40,
            "branch": "main",
            "verdict": verdict,
            "exit_code": 0 if verdict == "passed" else 1,
            "strict": False,
            "precision": 2,
            "tiergate_version": "0.1.0",
            "coverage": (
                CoverageRow(package="*", tier="*", python="*", statements=100, covered=covered),
            ),
            "gates": (GateRow(gate="coverage/combined", status="passed", measured="m", bound="b"),),
        }
    )


def _ids(url: StoreURL) -> list[str]:
    with open_store(url) as store:
        return [run.run_id for run in store.runs(100)]


@pytest.mark.req("FR-132")
def test_the_same_sessions_evaluated_again_are_not_recorded_again(url: StoreURL) -> None:
    with open_store(url) as store:
        assert store.record_run(summary("r1", covered=80), SHARD_1) is Recording.NEW
        again = summary("r1", covered=10, minute=5, verdict="failed")  # e.g. the config changed
        assert store.record_run(again, dict(SHARD_1)) is Recording.SAME
        assert store.run("r1") == summary("r1", covered=80)
    assert _ids(url) == ["r1"]


@pytest.mark.req("FR-133")
def test_a_shard_added_later_completes_the_record_in_its_place(url: StoreURL) -> None:
    partial = summary("r1", covered=50, verdict="failed")  # shard 2's sessions: not run
    whole = summary("r1", covered=90, minute=30)
    with open_store(url) as store:
        assert store.record_run(partial, SHARD_1) is Recording.NEW
        assert store.record_run(summary("r2", covered=70, minute=10), {"lint": T0}) is Recording.NEW
        assert store.record_run(whole, {**SHARD_1, **SHARD_2}) is Recording.COMPLETED
        assert store.run("r1") == whole  # every row of the evaluation of the whole run
        assert store.record_run(whole, {**SHARD_1, **SHARD_2}) is Recording.SAME
    assert _ids(url) == ["r2", "r1"]  # newest first: r1 kept its place


@pytest.mark.req("FR-133")
def test_sessions_that_changed_since_keep_the_first_record(url: StoreURL) -> None:
    first = summary("r1", covered=50, verdict="failed")
    rerun = {**SHARD_1, "lint": T0 + timedelta(hours=2)}  # lint run again into the same run
    with open_store(url) as store:
        assert store.record_run(first, SHARD_1) is Recording.NEW
        assert store.record_run(summary("r1", covered=90), rerun) is Recording.KEPT
        grown_but_changed = {**rerun, **SHARD_2}
        assert store.record_run(summary("r1", covered=90), grown_but_changed) is Recording.KEPT
        fewer = {"lint": T0}  # one shard of what was recorded
        assert store.record_run(summary("r1", covered=90), fewer) is Recording.KEPT
        assert store.run("r1") == first
    assert _ids(url) == ["r1"]


@pytest.mark.req("FR-132")
def test_a_run_recorded_without_its_sessions_is_not_recorded_again(url: StoreURL) -> None:
    with open_store(url) as store:  # recorded before the store kept sessions
        assert store.record(summary("r1", covered=50))
        assert not store.record(summary("r1", covered=60))
        assert store.record_run(summary("r1", covered=90), SHARD_1) is Recording.SAME
        assert store.run("r1") == summary("r1", covered=50)
    assert _ids(url) == ["r1"]


def test_the_sessions_are_kept_as_rows_of_their_own(url: StoreURL) -> None:
    with open_store(url) as store:
        store.record_run(summary("r1", covered=50), SHARD_1)
    query = "SELECT session_name FROM run_sessions WHERE run_id = 'r1' ORDER BY session_name"
    if url.dialect == "sqlite":
        import sqlite3  # noqa: PLC0415 - only this branch reads the file raw
        from contextlib import closing  # noqa: PLC0415

        assert url.path is not None
        with closing(sqlite3.connect(url.path)) as raw:
            rows = raw.execute(query).fetchall()
    else:
        with psycopg.connect(url.raw) as raw:
            rows = raw.execute(query).fetchall()
    assert rows == [(name,) for name in sorted(SHARD_1)]
