"""``tiergate gates``: evaluate the gates of a run folder and give one verdict.

Today it checks that every expected test session produced results (the
completeness gate); coverage, tool and test gates build on the same run folder.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from tiergate.ci import is_ci
from tiergate.completeness import check_run
from tiergate.config import load_config
from tiergate.errors import ExitCode
from tiergate.pythons import find_interpreter
from tiergate.runfolder import RUN_ID_ENV, current_run_id
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    import argparse

NAME = "gates"
HELP = "check a run folder: every expected test session ran, collected tests and passed"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--run DIR`` and ``--strict``."""
    parser.add_argument(
        "--run",
        metavar="DIR",
        help=f"the run folder (default: <run-dir>/${RUN_ID_ENV}, or <run-dir>/local)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="a missing interpreter fails the gate (the default when CI is set)",
    )


def run(args: argparse.Namespace) -> int:
    """Check the run and print one row per expected session."""
    root = args.root.resolve()
    workspace = load_workspace(root)
    run_dir = root / args.run if args.run else root / load_config(root).run_dir / current_run_id()
    checks = check_run(
        workspace, run_dir, interpreter_available=lambda v: find_interpreter(v) is not None
    )
    console = Console(highlight=False, width=max(100, Console().width))
    table = Table(title=f"test sessions in {os.path.relpath(run_dir, root)}")
    for column in ("session", "status", "detail"):
        table.add_column(column)
    for check in checks:
        style = "green" if check.ok else "bold red"
        table.add_row(check.session, f"[{style}]{check.status}[/]", check.detail)
    console.print(table)
    console.print(
        "Checked: every expected test session ran, collected tests, passed and left coverage "
        "data. Coverage bounds and tiers are not gated yet."
    )
    strict = args.strict or is_ci()
    missing = [c for c in checks if c.status == "interpreter-missing"]
    failed = [c for c in checks if not c.ok and c.status != "interpreter-missing"]
    if missing and not strict:
        pythons = ", ".join(sorted({c.python for c in missing}))
        console.print(
            f"[bold red]WARNING: Python {pythons} not found: {len(missing)} session(s) did NOT "
            "run. This fails in CI (CI=true) or with --strict.[/]"
        )
    if failed or (missing and strict):
        console.print(f"[bold red]FAILED[/]: {len(failed) + len(missing) * strict} session(s)")
        return int(ExitCode.GATE_FAILED)
    console.print("[green]PASSED[/]" if not missing else "[yellow]PASSED with warnings[/]")
    return int(ExitCode.OK)
