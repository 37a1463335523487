"""``tiergate gates``: evaluate every gate over a run folder (or shards of one); one verdict.

Without ``--run`` it reads ``<run-dir>/$TIERGATE_RUN_ID``, else the newest complete
run (and says which). The evaluated run is then recorded in the history store,
green or red (history shows failures too), unless ``--no-record`` is given or
``--only`` evaluated part of the gates; a run evaluated again is not recorded again.
Shards are recorded once: by the command that evaluates them merged.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from tiergate.ci import is_ci
from tiergate.commands._shared import FORMATS, add_run_argument, emit, run_dirs
from tiergate.errors import TiergateError
from tiergate.gates.registry import GATES
from tiergate.history import record_verdict
from tiergate.reading import path_problem
from tiergate.report import render_json, render_markdown, render_terminal
from tiergate.report.dashboard import write_dashboard
from tiergate.verdict import evaluate

if TYPE_CHECKING:
    import argparse

SUMMARY_ENV = "GITHUB_STEP_SUMMARY"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--run`` (repeatable), ``--strict``, ``--format``, ``--output``, ``--base``, ``--only``.

    And ``--no-record`` (leave the history store alone), ``--html FILE`` (the dashboard too).
    """
    add_run_argument(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="honesty warnings (a missing interpreter) fail (the default when CI is set)",
    )
    parser.add_argument("--format", choices=FORMATS, default="terminal", help="report format")
    parser.add_argument("--output", metavar="FILE", type=Path, help="write the report to FILE")
    parser.add_argument(
        "--base",
        metavar="REF",
        help="git ref that patch coverage diffs against (default: [tool.tiergate.patch] base)",
    )
    kinds = ", ".join(gate.name for gate in GATES)
    parser.add_argument(
        "--only", metavar="KIND", action="append", help=f"evaluate only these kinds ({kinds})"
    )
    parser.add_argument(
        "--no-record",
        action="store_true",
        help="do not record the run in the history store (--only never records)",
    )
    parser.add_argument(
        "--html",
        metavar="FILE",
        type=Path,
        help="also write the dashboard (as tiergate report --html), after recording the run",
    )


def append_summary(path: Path, text: str) -> None:
    """Append ``text`` to the CI step summary ``path``; a failure is one line naming it."""
    try:
        with path.open("a", encoding="utf-8", errors="backslashreplace") as handle:
            handle.write(text)
    except (OSError, ValueError) as failure:
        raise TiergateError(
            f"cannot append the report to ${SUMMARY_ENV}: {path_problem(failure)}", path=path
        ) from None


def run(args: argparse.Namespace) -> int:
    """Evaluate, print or write the report, append Markdown to the CI step summary."""
    root = args.root
    runs = run_dirs(args, root, machine=args.format != "terminal" or args.output is not None)
    verdict = evaluate(root, runs, strict=args.strict or is_ci(), only=args.only, base=args.base)
    if args.format == "terminal" and args.output is None:
        render_terminal(
            verdict, Console(highlight=False, emoji=False, width=max(120, Console().width))
        )
    else:
        text = render_json(verdict) if args.format == "json" else render_markdown(verdict)
        if args.format == "terminal":
            buffer = io.StringIO()
            render_terminal(verdict, Console(file=buffer, width=120, highlight=False, emoji=False))
            text = buffer.getvalue()
        emit(text, args.output)
    summary = os.environ.get(SUMMARY_ENV)
    if summary:
        append_summary(Path(summary), render_markdown(verdict))
    if args.only is not None:
        sys.stderr.write("history: not recorded: --only evaluates part of the gates\n")
    elif not args.no_record:
        sys.stderr.write(f"history: {record_verdict(verdict).message}\n")
    if args.html is not None:
        write_dashboard(verdict, args.html)
    return int(verdict.exit_code)
