"""Time recording runs into the SQLite history store against plain ``sqlite3`` inserts.

Usage: ``uv run python bench/history_record.py [--runs 500] [--repeat 3]``.

Builds N synthetic runs shaped like a monorepo's (3 members x 3 tiers x 3
Pythons: 43 coverage rows, 27 tests rows, 60 gate results each), then times
(median of ``--repeat``, each into a fresh file):

(a) ``Store.record`` for each run into a new tiergate SQLite store (WAL, one
    ``BEGIN IMMEDIATE`` transaction per run, duplicate check on the run id);
(b) the same rows with plain ``sqlite3``: the same tables, one transaction per
    run, ``executemany`` per table, the driver's default settings (rollback journal);
(c) the same as (b) in WAL mode, as the store runs: the store's own cost alone.

Prints each, per run, the ratios, and checks that the files hold the same rows.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tiergate.history.connect import open_store
from tiergate.history.store import bootstrap_sql, migrations, split_sql
from tiergate.history.summary import STAR, CoverageRow, GateRow, RunSummary, TierTests
from tiergate.history.url import parse_url

MEMBERS = ("core", "api", "cli")
TIERS = ("unit", "integration", "e2e")
PYTHONS = ("3.11", "3.12", "3.13")
GATES = 60


def synthetic_run(n: int) -> RunSummary:
    """Run ``n``: per-session rows, the unions over Pythons, tiers and members, tests, gates."""
    coverage = [
        CoverageRow(package=m, tier=t, python=p, statements=1000, covered=(n + i) % 1000)
        for i, (m, t, p) in enumerate((m, t, p) for m in MEMBERS for t in TIERS for p in PYTHONS)
    ]
    unions = [(m, t) for m in MEMBERS for t in TIERS]
    unions += [(m, STAR) for m in MEMBERS] + [(STAR, t) for t in TIERS] + [(STAR, STAR)]
    coverage += [
        CoverageRow(package=m, tier=t, python=STAR, statements=3000, covered=2000 + n % 900)
        for m, t in unions
    ]
    return RunSummary(
        run_id=f"run-{n:06d}",
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
        commit=f"{n:040x}",
        branch="main",
        verdict="passed",
        exit_code=0,
        strict=True,
        precision=2,
        tiergate_version="bench",
        coverage=tuple(coverage),
        tests=tuple(
            TierTests(package=m, tier=t, python=p, passed=100 + n % 7, duration=12.5)
            for m in MEMBERS
            for t in TIERS
            for p in PYTHONS
        ),
        gates=tuple(
            GateRow(gate=f"gate/{g}", status="passed", measured="93.10%", bound=">= 90%")
            for g in range(GATES)
        ),
    )


def record_with_tiergate(path: Path, runs: list[RunSummary]) -> float:
    """Seconds to record every run through the store (schema created beforehand)."""
    with open_store(parse_url(f"sqlite:///{path}", path.parent)) as store:
        start = time.perf_counter()
        for run in runs:
            store.record(run)
        return time.perf_counter() - start


def _plain_rows(run: RunSummary) -> dict[str, list[tuple[object, ...]]]:
    """The rows of ``run`` per table, as plain tuples."""
    return {
        "coverage": [(run.run_id, c.package, c.tier, c.python, c.statements, c.covered)
                     for c in run.coverage],
        "tests": [(run.run_id, t.package, t.tier, t.python, t.passed, t.failed, t.errors,
                   t.skipped, t.xfailed, t.xpassed, t.duration) for t in run.tests],
        "gate_results": [(run.run_id, i, g.gate, g.status, g.measured, g.bound)
                         for i, g in enumerate(run.gates)],
    }  # fmt: skip


def record_plainly(path: Path, runs: list[RunSummary], *, wal: bool = False) -> float:
    """Seconds to insert the same rows with sqlite3 alone, one transaction per run."""
    connection = sqlite3.connect(path, isolation_level=None)
    if wal:
        connection.execute("PRAGMA journal_mode = WAL")
    schema = [bootstrap_sql("sqlite")] + [m.sql for m in migrations("sqlite")]
    for statement in (s for script in schema for s in split_sql(script)):
        connection.execute(statement)
    start = time.perf_counter()
    for run in runs:
        connection.execute("BEGIN")
        connection.execute(
            "INSERT INTO runs (run_id, recorded_at, started_at, commit_sha, branch, verdict, "
            "exit_code, strict_mode, coverage_precision, tiergate_version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run.run_id,
                run.recorded_at.isoformat(),
                None,
                run.commit,
                run.branch,
                run.verdict,
                run.exit_code,
                int(run.strict),
                run.precision,
                run.tiergate_version,
            ),
        )
        for table, rows in _plain_rows(run).items():
            marks = ", ".join("?" for _ in rows[0])
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608
        connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def _rows(path: Path) -> list[int]:
    with closing(sqlite3.connect(path)) as connection, connection:
        return [
            connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in ("runs", "coverage", "tests", "gate_results")
        ]


def main() -> None:
    """Time the three ways and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    runs = [synthetic_run(n) for n in range(options.runs)]
    times: dict[str, list[float]] = {"tiergate": [], "plain": [], "wal": []}
    with tempfile.TemporaryDirectory(prefix="tiergate-bench-") as name:
        folder = Path(name)
        for n in range(options.repeat):
            times["tiergate"].append(record_with_tiergate(folder / f"tiergate-{n}.db", runs))
            times["plain"].append(record_plainly(folder / f"plain-{n}.db", runs))
            times["wal"].append(record_plainly(folder / f"wal-{n}.db", runs, wal=True))
        counts = {tuple(_rows(folder / f"{way}-0.db")) for way in times}
    ours, plain, wal = (statistics.median(times[way]) for way in times)
    rows = sum(next(iter(counts))) // options.runs
    print(f"{options.runs} runs of {rows} rows each (median of {options.repeat})")
    for label, seconds in (
        ("tiergate Store.record (WAL, BEGIN IMMEDIATE)", ours),
        ("plain sqlite3, default settings", plain),
        ("plain sqlite3, WAL", wal),
    ):
        print(f"{label + ':':46} {seconds:.2f} s, {seconds / options.runs * 1000:.2f} ms/run")
    print(f"ratio tiergate / plain: {ours / plain:.2f}x; tiergate / plain WAL: {ours / wal:.2f}x")
    print(f"same rows in every file: {'yes' if len(counts) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
