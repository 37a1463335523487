"""The PostgreSQL history store on a real server (started by the tests): same contract as SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

import psycopg
import pytest

from tiergate.errors import ExitCode, HistoryError, ToolError
from tiergate.history.connect import connect, open_store
from tiergate.history.store import migrations
from tiergate.history.summary import CoverageRow, GateRow, RunSummary, TierTests
from tiergate.history.url import parse_url

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_postgresql.executors import NoopExecutor


def summary(run_id: str, branch: str = "main") -> RunSummary:
    return RunSummary(
        run_id=run_id,
        recorded_at=datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC),
        commit="b" * 40,
        branch=branch,
        verdict="passed",
        exit_code=0,
        strict=False,
        precision=2,
        tiergate_version="0.1.0",
        coverage=(
            CoverageRow(package="*", tier="*", python="*", statements=10_000, covered=8_490),
            CoverageRow(package="app", tier="e2e", python="3.13", statements=40, covered=0),
        ),
        tests=(TierTests(package="app", tier="e2e", python="3.13", skipped=2, duration=0.1),),
        gates=(GateRow(gate="ratchet/combined", status="warning", measured="m", bound="b"),),
    )


def test_runs_read_back_exactly_and_an_id_is_recorded_once(pg_url: str, tmp_path: Path) -> None:
    with open_store(parse_url(pg_url, tmp_path)) as store:
        assert store.record(summary("r1"))
        assert not store.record(summary("r1", branch="other"))
        assert store.record(summary("r2", branch="feature"))
        assert store.run("r1") == summary("r1")
        assert [run.run_id for run in store.runs(10)] == ["r2", "r1"]
        assert [run.run_id for run in store.runs(10, "main")] == ["r1"]
        baseline = store.baseline("main")
        assert baseline is not None
        assert baseline.run_id == "r1"
        assert store.baseline("main", exclude="r1") is None


@pytest.mark.req("FR-062")
def test_migrations_applied_twice_are_a_no_op(pg_url: str, tmp_path: Path) -> None:
    url = parse_url(pg_url, tmp_path)
    with connect(url) as store:
        assert store.migrate() == [m.number for m in migrations("postgresql")]
        assert store.migrate() == []
        assert store.schema_version() == len(migrations("postgresql"))
    with open_store(url) as again:
        assert again.migrate() == []
    with psycopg.connect(pg_url) as raw:
        count = raw.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
        assert count == (len(migrations("postgresql")),)


def test_a_store_from_a_newer_tiergate_is_refused_without_the_password(
    pg_url: str, tmp_path: Path
) -> None:
    with open_store(parse_url(pg_url, tmp_path)):
        pass
    with psycopg.connect(pg_url) as raw:
        raw.execute("INSERT INTO schema_migrations VALUES (7, '0007_future.sql', now())")
    secret = pg_url.replace("postgres@", "postgres:s3cret@")  # trust: any password is accepted
    with pytest.raises(HistoryError) as caught:
        open_store(parse_url(secret, tmp_path))
    assert str(caught.value) == (
        f"{secret.replace('s3cret', '***')}: the history store has schema version 7, newer "
        f"than this tiergate knows ({len(migrations('postgresql'))}): upgrade tiergate"
    )
    assert caught.value.exit_code == ExitCode.BAD_INPUT


@pytest.mark.req("FR-063")
def test_an_unreachable_server_is_a_crash_that_hides_the_password(
    pg_server: NoopExecutor, tmp_path: Path
) -> None:
    import socket  # noqa: PLC0415 - only this test needs a closed port

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    url = parse_url(f"postgresql://ci:s3cret@127.0.0.1:{closed}/tiergate", tmp_path)
    with pytest.raises(ToolError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith(
        f"postgresql://ci:***@127.0.0.1:{closed}/tiergate: cannot connect: connection failed"
    )
    assert "s3cret" not in message
    assert "\n" not in message
    assert caught.value.exit_code == ExitCode.CRASHED
    assert pg_server.port != closed


def test_a_malformed_url_is_an_input_error_that_hides_the_password(tmp_path: Path) -> None:
    url = parse_url("postgresql://ci:s3cret@[::1/tiergate", tmp_path)
    with pytest.raises(HistoryError) as caught:
        open_store(url)
    message = str(caught.value)
    assert message.startswith("postgresql://ci:***@[::1/tiergate: cannot connect: ")
    assert "s3cret" not in message
    assert caught.value.exit_code == ExitCode.BAD_INPUT


def test_a_server_error_mid_write_is_a_crash(pg_url: str, tmp_path: Path) -> None:
    with open_store(parse_url(pg_url, tmp_path)) as store:
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("ALTER TABLE gate_results ADD CHECK (bound <> 'forbidden')")
        bad = summary("r1").model_copy(
            update={"gates": (GateRow(gate="g", status="passed", measured="m", bound="forbidden"),)}
        )
        with pytest.raises(ToolError, match=r"the history store failed: .*check constraint"):
            store.record(bad)
        assert store.run("r1") is None  # the run's row went with the failed transaction
        assert store.record(summary("r1"))
