"""A writer process of the history concurrency tests (run as a script, one per CI "shard").

``python history_writer.py URL FOLDER WRITER COUNT``: writes ``FOLDER/ready-WRITER``,
waits for ``FOLDER/go``, opens the store (the first opening of a new store
migrates it, racing with the other writers), records the runs
``w<WRITER>-0`` .. ``w<WRITER>-<COUNT-1>`` and then ``shared`` (which every
writer tries to record), and prints one JSON line per attempt:
``{"run_id": ..., "recorded": true|false, "summary": <the run as JSON>}``.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tiergate.history.connect import open_store
from tiergate.history.summary import CoverageRow, GateRow, RunSummary, TierTests
from tiergate.history.url import parse_url

PACKAGES = ("alpha", "beta", "gamma")
TIERS = ("unit", "integration", "e2e")
PYTHONS = ("3.11", "3.12", "3.13")


def make_summary(run_id: str, seed: int) -> RunSummary:
    """A run with 3 x 3 x 3 sessions: every row's numbers depend on ``seed``."""
    coverage, tests = [], []
    for p, package in enumerate(PACKAGES):
        for t, tier in enumerate(TIERS):
            for y, python in enumerate(PYTHONS):
                statements = 100 + 10 * p + seed
                covered = (seed * 7 + p + t + y) % statements
                coverage.append(
                    CoverageRow(
                        package=package,
                        tier=tier,
                        python=python,
                        statements=statements,
                        covered=covered,
                    )
                )
                tests.append(
                    TierTests(
                        package=package,
                        tier=tier,
                        python=python,
                        passed=seed + t,
                        failed=y,
                        duration=0.125 * (seed + p),
                    )
                )
    coverage.append(
        CoverageRow(package="*", tier="*", python="*", statements=1000 + seed, covered=900)
    )
    return RunSummary(
        run_id=run_id,
        recorded_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=seed),
        commit=f"{seed:040x}",
        branch="main" if seed % 2 else "feature",
        verdict="passed" if seed % 3 else "failed",
        exit_code=0 if seed % 3 else 1,
        strict=bool(seed % 2),
        precision=2,
        tiergate_version="test",
        coverage=tuple(coverage),
        tests=tuple(tests),
        gates=tuple(
            GateRow(
                gate=f"gate/{g}",
                status="failed" if (seed + g) % 5 == 0 else "passed",
                measured=f"{seed}/{g}",
                bound=">= 1",
            )
            for g in range(25)
        ),
    )


def main(url: str, folder: Path, writer: int, count: int) -> None:
    """Wait for the go signal, then record; print what was recorded."""
    (folder / f"ready-{writer}").touch()
    deadline = time.monotonic() + 120
    while not (folder / "go").exists():
        if time.monotonic() > deadline:
            sys.exit("no go signal within 120 s")
        time.sleep(0.005)
    runs = [make_summary(f"w{writer}-{i}", writer * 100 + i) for i in range(count)]
    runs.append(make_summary("shared", 1000 + writer))
    with open_store(parse_url(url, folder)) as store:
        for summary in runs:
            recorded = store.record(summary)
            line = {
                "run_id": summary.run_id,
                "recorded": recorded,
                "summary": summary.model_dump(mode="json"),
            }
            sys.stdout.write(json.dumps(line) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
