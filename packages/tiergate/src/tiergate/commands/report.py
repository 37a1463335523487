"""``tiergate report --html``: the dashboard of a run, one self-contained HTML file.

It evaluates the gates as ``tiergate gates`` does (without recording the run),
and adds the trends of the history store, the gap ranking and, when configured,
the traceability matrix. The exit code is the verdict's, like ``tiergate gates``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.ci import is_ci
from tiergate.commands._shared import add_run_argument, run_dirs
from tiergate.report.dashboard import write_dashboard
from tiergate.verdict import evaluate

if TYPE_CHECKING:
    import argparse

DEFAULT_OUTPUT = Path(".tiergate/report.html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--html [FILE]``, ``--run`` (repeatable), ``--strict``, ``--base``."""
    parser.add_argument(
        "--html",
        metavar="FILE",
        nargs="?",
        const=DEFAULT_OUTPUT,
        type=Path,
        required=True,
        help=f"write the dashboard to FILE (default: {DEFAULT_OUTPUT})",
    )
    add_run_argument(parser)
    parser.add_argument(
        "--strict",
        action="store_true",
        help="honesty warnings (a missing interpreter) fail (the default when CI is set)",
    )
    parser.add_argument(
        "--base", metavar="REF", help="git ref for patch coverage (default: [tool.tiergate.patch])"
    )


def run(args: argparse.Namespace) -> int:
    """Evaluate the run, gather the dashboard, write it whole."""
    root = args.root
    runs = run_dirs(args, root, machine=True)  # said beside the dashboard's line, on stderr
    verdict = evaluate(root, runs, strict=args.strict or is_ci(), base=args.base)
    write_dashboard(verdict, args.html)
    return int(verdict.exit_code)
