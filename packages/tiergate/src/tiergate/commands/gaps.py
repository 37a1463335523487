"""``tiergate gaps``: where the next test would raise coverage most, from a run's coverage data."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rich.console import Console

from tiergate.commands._shared import add_run_argument, run_dirs, whole_number
from tiergate.config import MAX_TOP
from tiergate.context import Context
from tiergate.errors import ArtifactError, ExitCode
from tiergate.gaps import ranking
from tiergate.report.jsonreport import gaps_document
from tiergate.report.terminal import render_gaps

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--run`` (repeatable), ``--top``, ``--json``."""
    add_run_argument(parser)
    parser.add_argument(
        "--top",
        metavar="N",
        type=whole_number(1, MAX_TOP),
        help=f"how many gaps to list, 1 to {MAX_TOP} (default: [tool.tiergate.gaps] top)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the ranking as JSON instead of a table"
    )


def run(args: argparse.Namespace) -> int:
    """Read the run's coverage data once, rank the gaps, print the best ones."""
    root = args.root
    runs = run_dirs(args, root, machine=args.json)
    # Evaluating no gate builds the same context `tiergate gates` reads (shards merged).
    context = Context.load(root, runs, strict=False)
    gaps = ranking(context, args.top)
    if gaps is None:
        raise ArtifactError("no coverage data in this run: run the tests first", path=runs[0])
    if args.json:
        sys.stdout.write(gaps_document(gaps).model_dump_json(indent=2) + "\n")
    else:
        render_gaps(gaps, Console(highlight=False, emoji=False, width=max(120, Console().width)))
    return int(ExitCode.OK)
