"""``tiergate baseline``: save the ratchet's baseline file from a run, or show the baseline in use.

``save`` writes per-tier, per-package and combined coverage counts of a
complete run (every expected tier left its coverage data), and how long each of
its sessions took (what orders a check with no run of its own), atomically into
``[tool.tiergate.ratchet] baseline-file``; commit it to ratchet without a
shared history store. ``show`` prints the baseline the ratchet would use now.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergate.commands._shared import add_run_argument, run_dirs
from tiergate.config import load_config
from tiergate.context import Context
from tiergate.covdata import SourceIndex
from tiergate.errors import ExitCode, HistoryError
from tiergate.gates.ratchet import missing_baseline, scope_label
from tiergate.git import branch_name, head_commit
from tiergate.history.baseline import baseline_of, find_baseline, write_baseline
from tiergate.history.summary import scope_counts, stable_run_id

if TYPE_CHECKING:
    import argparse

    from tiergate.history.baseline import Baseline


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``save [--run DIR] [--output FILE]`` and ``show [--json]``."""
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    save = actions.add_parser("save", help="write the baseline file from a run's coverage")
    add_run_argument(save)
    save.add_argument(
        "--output",
        metavar="FILE",
        type=Path,
        help="where to write it (default: [tool.tiergate.ratchet] baseline-file)",
    )
    show = actions.add_parser("show", help="print the baseline the ratchet would compare with")
    show.add_argument("--json", action="store_true", help="print the baseline file format")


def run(args: argparse.Namespace) -> int:
    """Save or show."""
    if args.action == "save":
        return _save(args)
    return _show(args)


def _save(args: argparse.Namespace) -> int:
    root = args.root
    config = load_config(root)
    runs = run_dirs(args, root)
    context = Context.load(root, runs, strict=False)
    if not context.coverage.members:
        raise HistoryError("nothing to save: no workspace member has source to measure")
    scopes, not_run = scope_counts(context.coverage)
    if not_run:
        scope, missing = next(iter(not_run.items()))
        raise HistoryError(
            f"cannot save a baseline from an incomplete run: {scope_label(scope)} not run "
            f"(no coverage data: {', '.join(missing)})",
            path=runs[0],
        )
    baseline = baseline_of(
        scopes,
        created_at=datetime.now(UTC),
        run_id=stable_run_id(context),
        commit=head_commit(root),
        branch=branch_name(root),
        sessions={name: manifest.seconds for name, (_, manifest) in context.sessions.items()},
    )
    target = args.output or root / config.baseline_file
    write_baseline(target, baseline)
    console = Console(highlight=False, emoji=False, width=max(100, Console().width))
    console.print(f"wrote {escape(str(target))}", soft_wrap=True)
    _print(console, baseline, context.coverage.index.precision)
    return int(ExitCode.OK)


def _show(args: argparse.Namespace) -> int:
    root = args.root
    config = load_config(root)
    found = find_baseline(root, config)
    console = Console(highlight=False, emoji=False, width=max(100, Console().width))
    if found is None:
        console.print(escape(missing_baseline(config)))
        return int(ExitCode.OK)
    if args.json:
        sys.stdout.write(found.baseline.model_dump_json(indent=2) + "\n")
        return int(ExitCode.OK)
    console.print(f"baseline: {escape(found.source)}")
    _print(console, found.baseline, SourceIndex(root).precision)
    return int(ExitCode.OK)


def _print(console: Console, baseline: Baseline, precision: int) -> None:
    table = Table()
    for column in ("scope", "coverage", "covered", "statements"):
        table.add_column(column, no_wrap=True)
    for scope, counts in baseline.scopes().items():
        table.add_row(
            escape(scope_label(scope)),
            f"{counts.percent(precision)}%",
            str(counts.covered),
            str(counts.statements),
        )
    console.print(table)
