"""The SQLite history store on real files: migrations, whole runs, order, errors."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ExitCode, HistoryError, ToolError
from tiergate.history.connect import connect, open_store, store_exists
from tiergate.history.sqlite import SQLiteStore
from tiergate.history.store import PAUSE_ENV, migrations, pause_before_commit, split_sql
from tiergate.history.summary import CoverageRow, GateRow, RunSummary, TierTests
from tiergate.history.url import parse_url

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.history.url import StoreURL

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def summary(
    run_id: str, branch: str | None = "main", minute: int = 0, *, passed: bool = False
) -> RunSummary:
    return RunSummary(
        run_id=run_id,
        recorded_at=T0 + timedelta(minutes=minute),
        started_at=T0,
        commit="a" * 40,
        branch=branch,
        verdict="passed" if passed else "failed",
        exit_code=0 if passed else 1,
        strict=True,
        precision=2,
        tiergate_version="0.1.0",
        coverage=(
            CoverageRow(package="*", tier="*", python="*", statements=200, covered=170),
            CoverageRow(package="app", tier="unit", python="3.12", statements=100, covered=85),
            CoverageRow(package="app", tier="unit", python="*", statements=100, covered=90),
        ),
        tests=(
            TierTests(package="app", tier="unit", python="3.12", passed=4, failed=1, duration=1.5),
        ),
        gates=(
            GateRow(gate="tests/app", status="failed", measured="1 failed", bound="0"),
            GateRow(gate="coverage/combined", status="passed", measured="85.00%", bound=">= 80%"),
        ),
    )


@pytest.fixture
def url(tmp_path: Path) -> StoreURL:
    return parse_url("sqlite:///.tiergate/history.db", tmp_path)


def test_a_run_reads_back_exactly_as_recorded(url: StoreURL) -> None:
    with open_store(url) as store:
        assert store.record(summary("r1"))
        assert store.run("r1") == summary("r1")
        assert store.run("nope") is None


def test_a_run_id_is_recorded_once_the_first_record_wins(url: StoreURL) -> None:
    with open_store(url) as store:
        assert store.record(summary("r1", branch="main"))
        assert not store.record(summary("r1", branch="other"))
        assert [run.branch for run in store.runs(10)] == ["main"]


def test_runs_are_listed_newest_first_by_branch_and_limit(url: StoreURL) -> None:
    with open_store(url) as store:
        for n, branch in enumerate(["main", "feature", "main", None]):
            store.record(summary(f"r{n}", branch, minute=n))
        assert [run.run_id for run in store.runs(10)] == ["r3", "r2", "r1", "r0"]
        assert [run.run_id for run in store.runs(2)] == ["r3", "r2"]
        assert [run.run_id for run in store.runs(10, "main")] == ["r2", "r0"]


@pytest.mark.req("FR-065")
def test_the_baseline_is_the_last_complete_green_run_of_the_branch(url: StoreURL) -> None:
    green = [summary(f"g{n}", minute=n, passed=True) for n in range(2)]
    red = summary("red", minute=3)  # a drop the ratchet caught must not lower the bar
    partial = summary("partial", minute=4, passed=True)  # no combined row: a tier did not run
    partial = partial.model_copy(update={"coverage": partial.coverage[1:]})
    with open_store(url) as store:
        for run in (*green, red, partial, summary("other", "feature", minute=5, passed=True)):
            store.record(run)
        assert [run.run_id for run in store.runs(10, "main")] == ["partial", "red", "g1", "g0"]
        latest = store.baseline("main")
        assert latest is not None
        assert latest.run_id == "g1"
        before = store.baseline("main", exclude="g1")
        assert before is not None
        assert before.run_id == "g0"
        assert store.baseline("release") is None


@pytest.mark.req("FR-062")
def test_migrations_applied_twice_are_a_no_op(url: StoreURL) -> None:
    with connect(url) as store:
        assert store.migrate() == [m.number for m in migrations("sqlite")]
        assert store.migrate() == []
        assert store.schema_version() == len(migrations("sqlite"))
        store.record(summary("r1"))
    with open_store(url) as again:
        assert again.migrate() == []
        assert again.run("r1") == summary("r1")
    assert url.path is not None
    with closing(sqlite3.connect(url.path)) as raw, raw:
        count = raw.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
        assert count == (len(migrations("sqlite")),)
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.req("FR-062")
def test_a_store_from_a_newer_tiergate_is_refused_naming_the_file(url: StoreURL) -> None:
    with open_store(url) as store:
        store.record(summary("r1"))
    assert url.path is not None
    with closing(sqlite3.connect(url.path)) as raw, raw:
        raw.execute("INSERT INTO schema_migrations VALUES (99, '0099_future.sql', 'now')")
    with pytest.raises(HistoryError) as caught:
        open_store(url)
    assert str(caught.value) == (
        f"{url.path}: the history store has schema version 99, newer than this tiergate "
        f"knows ({len(migrations('sqlite'))}): upgrade tiergate"
    )
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_a_file_that_is_not_a_database_is_named(url: StoreURL) -> None:
    assert url.path is not None
    url.path.parent.mkdir(parents=True)
    url.path.write_text("this is not a database, it is a note\n" * 100)
    with pytest.raises(HistoryError) as caught:
        open_store(url)
    assert str(caught.value) == f"{url.path}: not a usable history store: file is not a database"


def test_a_store_whose_folder_cannot_be_made_is_named(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    url = parse_url("sqlite:///file/history.db", tmp_path)
    with pytest.raises(HistoryError, match=r"history.db: cannot create the store's folder"):
        open_store(url)


def test_a_store_locked_too_long_is_a_crash_naming_the_file(url: StoreURL) -> None:
    with open_store(url):
        pass
    assert url.path is not None
    with closing(sqlite3.connect(url.path, isolation_level=None)) as other:
        other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
        with SQLiteStore(url, busy_timeout=0.05) as store, pytest.raises(ToolError) as caught:
            store.record(summary("r1"))
        other.execute("ROLLBACK")
    assert str(caught.value) == (
        f"{url.path}: the history store stayed locked for 0.05 s: database is locked"
    )
    assert caught.value.exit_code == ExitCode.CRASHED
    with open_store(url) as store:
        assert store.record(summary("r1"))  # nothing half-written before


def test_a_run_never_holds_more_covered_than_statements() -> None:
    with pytest.raises(ValueError, match="covered=3 exceeds statements=2"):
        CoverageRow(package="app", tier="unit", python="3.12", statements=2, covered=3)


def test_a_postgresql_store_without_psycopg_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    with pytest.raises(ToolError) as caught:
        open_store(parse_url("postgresql://ci:s3cret@db/tiergate", tmp_path))
    assert str(caught.value) == (
        "a postgresql:// history store needs psycopg 3: install tiergate[postgresql]"
    )
    assert caught.value.exit_code == ExitCode.CRASHED


def test_a_missing_sqlite_file_is_not_a_store_yet(url: StoreURL, tmp_path: Path) -> None:
    assert not store_exists(url)
    assert store_exists(parse_url("postgresql://db/x", tmp_path))
    with open_store(url):
        pass
    assert store_exists(url)


def test_schema_files_split_into_statements_with_their_comments() -> None:
    script = "-- a table\nCREATE TABLE a (x INTEGER);\n\nCREATE INDEX i ON a (x);\n-- end\n"
    assert split_sql(script) == [
        "-- a table\nCREATE TABLE a (x INTEGER);",
        "CREATE INDEX i ON a (x);",
    ]
    with pytest.raises(RuntimeError, match="unterminated"):
        split_sql("CREATE TABLE b (x INTEGER)")


def test_both_dialects_have_the_same_numbered_migrations() -> None:
    sqlite, postgresql = migrations("sqlite"), migrations("postgresql")
    assert [m.file_name for m in sqlite] == [m.file_name for m in postgresql]
    assert [m.number for m in sqlite] == list(range(1, len(sqlite) + 1))


def test_the_pause_hook_does_nothing_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(PAUSE_ENV, raising=False)
    pause_before_commit("r1")
    assert list(tmp_path.iterdir()) == []
