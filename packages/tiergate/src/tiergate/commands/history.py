"""``tiergate history``: the runs recorded in the history store, or one of them in full."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergate.commands._shared import whole_number
from tiergate.config import load_config
from tiergate.errors import ExitCode, HistoryError
from tiergate.history import open_store, resolve_url
from tiergate.history.connect import store_exists
from tiergate.history.summary import HISTORY_VERSION, HistoryDocument

if TYPE_CHECKING:
    import argparse

    from tiergate.history import RunSummary
    from tiergate.history.url import StoreURL

MAX_LIMIT = 100_000
"""The most runs ``--limit`` lists."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``RUN_ID``, ``--limit``, ``--branch``, ``--json``."""
    parser.add_argument("run_id", metavar="RUN_ID", nargs="?", help="show this run in full")
    parser.add_argument(
        "--limit",
        metavar="N",
        type=whole_number(1, MAX_LIMIT),
        help=f"how many runs to list, 1 to {MAX_LIMIT} (default: [tool.tiergate.history] "
        "trend-runs)",
    )
    parser.add_argument("--branch", metavar="NAME", help="only runs recorded on this branch")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the runs as JSON (schema_version 1) instead of a table",
    )


def run(args: argparse.Namespace) -> int:
    """Read the store; print a table of runs, one run in full, or JSON."""
    root = args.root
    config = load_config(root)
    url = resolve_url(root, config.history)
    limit = args.limit if args.limit is not None else config.history.trend_runs
    runs: list[RunSummary] = []
    if store_exists(url):
        with open_store(url) as store:
            if args.run_id is not None:
                one = store.run(args.run_id)
                if one is None:
                    raise HistoryError(f"run {args.run_id!r} is not recorded in {url}")
                runs = [one]
            else:
                runs = store.runs(limit, args.branch)
    elif args.run_id is not None:
        raise HistoryError(f"run {args.run_id!r} is not recorded in {url} (no store yet)")
    if args.json:
        document = HistoryDocument(schema_version=HISTORY_VERSION, store=url.redacted, runs=runs)
        sys.stdout.write(document.model_dump_json(indent=2) + "\n")
        return int(ExitCode.OK)
    console = Console(highlight=False, emoji=False, width=max(120, Console().width))
    if args.run_id is not None:
        _show(console, url, runs[0])
    else:
        _list(console, url, runs)
    return int(ExitCode.OK)


def _combined(summary: RunSummary) -> str:
    counts = summary.counts()
    return f"{counts.percent(summary.precision)}%" if counts is not None else "not run"


def _list(console: Console, url: StoreURL, runs: list[RunSummary]) -> None:
    console.print(f"store: {escape(url.redacted)}")
    if not runs:
        console.print("no runs recorded")
        return
    table = Table(title="recorded runs, newest first")
    for column in ("run", "recorded (UTC)", "branch", "commit", "verdict", "combined", "tests"):
        table.add_column(column, no_wrap=True)
    table.add_column("red gates", justify="right", no_wrap=True)
    for one in runs:
        verdict = "passed" if one.passed else "[bold red]FAILED[/]"
        table.add_row(
            escape(one.run_id),
            f"{one.recorded_at:%Y-%m-%d %H:%M:%S}",
            escape(one.branch or "-"),
            escape((one.commit or "-")[:12]),
            verdict,
            _combined(one),
            f"{one.tests_total} ({one.tests_failed} failed)",
            str(one.gates_failed),
        )
    console.print(table)


def _show(console: Console, url: StoreURL, one: RunSummary) -> None:
    console.print(f"store: {escape(url.redacted)}")
    console.print(
        f"run {escape(one.run_id)}: {'passed' if one.passed else '[bold red]FAILED[/]'} "
        f"(exit code {one.exit_code}{', strict' if one.strict else ''})"
    )
    console.print(
        f"recorded {one.recorded_at:%Y-%m-%d %H:%M:%S} UTC by tiergate "
        f"{escape(one.tiergate_version)}"
    )
    console.print(f"branch {escape(one.branch or '-')}, commit {escape(one.commit or '-')}")
    coverage = Table(title="coverage (* = all together)")
    for column in ("package", "tier", "python", "coverage", "covered", "statements"):
        coverage.add_column(column, no_wrap=True)
    for row in one.coverage:
        coverage.add_row(
            escape(row.package),
            escape(row.tier),
            escape(row.python),
            f"{row.counts.percent(one.precision)}%",
            str(row.covered),
            str(row.statements),
        )
    console.print(coverage)
    tests = Table(title="tests")
    for column in ("package", "tier", "python"):
        tests.add_column(column, no_wrap=True)
    outcomes = ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")
    for column in (*outcomes, "seconds"):
        tests.add_column(column, justify="right")
    for tier in one.tests:
        counts = [str(getattr(tier, outcome)) for outcome in outcomes]
        tests.add_row(
            escape(tier.package),
            escape(tier.tier),
            escape(tier.python),
            *counts,
            f"{tier.duration:.2f}",
        )
    console.print(tests)
    gates = Table(title="gates")
    for column in ("gate", "result", "measured", "bound"):
        gates.add_column(column, overflow="fold")
    for gate in one.gates:
        status = "[bold red]FAILED[/]" if gate.status == "failed" else escape(gate.status)
        gates.add_row(escape(gate.gate), status, escape(gate.measured), escape(gate.bound))
    console.print(gates)
