"""Concurrent writers (separate processes, like CI shards) and a writer killed mid-transaction.

Each scenario runs against one SQLite file and against a real PostgreSQL server
started by the tests (``pg_server`` in conftest.py).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg
import pytest

from tiergate.history.connect import open_store
from tiergate.history.store import PAUSE_ENV, migrations
from tiergate.history.url import parse_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from tiergate.history.url import StoreURL

WRITER = Path(__file__).with_name("history_writer.py")
WRITERS = 8
RUNS_EACH = 5
CHILD_TABLES = ("coverage", "tests", "gate_results")


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared' / 'history.db'}"  # absolute: sqlite:////...
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def start(store_url: str, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start a writer process: ``start(writer, count, env=None)``; none outlives the test."""
    started: list[subprocess.Popen[str]] = []

    def run(writer: int, count: int, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, str(WRITER), store_url, str(tmp_path), str(writer), str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        started.append(process)
        return process

    yield run
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate()


def _wait_for(path: Path, process: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        if process is not None and process.poll() is not None:
            pytest.fail(f"writer ended early: {process.communicate()[1][-2000:]}")
        assert time.monotonic() < deadline, f"{path.name} did not appear"
        time.sleep(0.01)


def _finish(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err[-3000:]
    return [json.loads(line) for line in out.splitlines()]


def _rows_of(url: StoreURL, run_id: str) -> dict[str, int]:
    """Rows per table that belong to ``run_id``, read with the plain driver."""
    tables = ("runs", *CHILD_TABLES)
    if url.path is not None:
        with closing(sqlite3.connect(url.path)) as lite, lite:
            return {
                table: lite.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE run_id = ?",  # noqa: S608 - fixed names
                    [run_id],
                ).fetchone()[0]
                for table in tables
            }
    with psycopg.connect(url.raw) as server:
        found = {}
        for table in tables:
            row = server.execute(
                f"SELECT COUNT(*) FROM {table} WHERE run_id = %s",  # noqa: S608 - fixed names
                [run_id],
            ).fetchone()
            assert row is not None
            found[table] = row[0]
        return found


@pytest.mark.req("FR-061")
def test_eight_concurrent_writers_lose_and_duplicate_nothing(
    store_url: str, tmp_path: Path, start: Callable[..., subprocess.Popen[str]]
) -> None:
    writers = [start(n, RUNS_EACH) for n in range(WRITERS)]
    for n, process in enumerate(writers):
        _wait_for(tmp_path / f"ready-{n}", process)
    (tmp_path / "go").touch()  # all at once, on a store nobody has created yet
    attempts = [line for process in writers for line in _finish(process)]

    written = {a["run_id"]: a["summary"] for a in attempts if a["recorded"]}
    shared = [a for a in attempts if a["run_id"] == "shared"]
    assert len(attempts) == WRITERS * (RUNS_EACH + 1)
    assert len(shared) == WRITERS
    assert sum(a["recorded"] for a in shared) == 1  # the first record wins, once
    assert len(written) == WRITERS * RUNS_EACH + 1
    url = parse_url(store_url, tmp_path)
    with open_store(url) as store:
        assert store.migrate() == []  # applied once, by one of the writers
        assert store.schema_version() == len(migrations(url.dialect))
        stored = store.runs(1000)
    assert sorted(run.run_id for run in stored) == sorted(written)
    for run in stored:
        assert run.model_dump(mode="json") == written[run.run_id]
    assert _rows_of(url, "shared") == {"runs": 1, "coverage": 28, "tests": 27, "gate_results": 25}


@pytest.mark.req("FR-061")
def test_a_writer_killed_mid_transaction_leaves_no_partial_run(
    store_url: str, tmp_path: Path, start: Callable[..., subprocess.Popen[str]]
) -> None:
    (tmp_path / "go").touch()
    before = _finish(start(0, 2))
    assert all(line["recorded"] for line in before)
    paused = tmp_path / "paused"
    victim = start(1, 1, {PAUSE_ENV: str(paused)})
    _wait_for(paused, victim)  # every row of w1-0 is written, the commit is not
    assert paused.read_text() == "w1-0"
    url = parse_url(store_url, tmp_path)
    with open_store(url) as reader:  # readable during the write, without the run
        assert reader.run("w1-0") is None
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=60)
    assert victim.returncode == -signal.SIGKILL

    with open_store(url) as store:
        assert store.run("w1-0") is None
        assert sorted(run.run_id for run in store.runs(100)) == ["shared", "w0-0", "w0-1"]
        assert _rows_of(url, "w1-0") == dict.fromkeys(("runs", *CHILD_TABLES), 0)
    if url.path is not None:
        with closing(sqlite3.connect(url.path)) as raw, raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    again = _finish(start(1, 1))  # the id was not burnt
    assert [line["recorded"] for line in again] == [True, False]
    with open_store(url) as store:
        assert store.run("w1-0") is not None
