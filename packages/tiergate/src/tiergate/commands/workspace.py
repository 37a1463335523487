"""``tiergate workspace``: show the workspace members, their Pythons and dependencies."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergate.errors import ExitCode
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--json``."""
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the workspace model as JSON (schema_version 1) instead of a table",
    )


def run(args: argparse.Namespace) -> int:
    """Print the workspace as a table and its topological order, or as JSON."""
    workspace = load_workspace(args.root)
    if args.json:
        sys.stdout.write(json.dumps(workspace.to_json(), indent=2, sort_keys=True) + "\n")
        return int(ExitCode.OK)
    table = Table(title=escape(f"workspace {workspace.root}"))
    for column in ("member", "version", "path", "pythons"):
        table.add_column(column, no_wrap=True)
    for column in ("depends on", "used by"):
        table.add_column(column, overflow="fold")
    for member in workspace.members:
        pythons = ", ".join(member.pythons) or "[bold red]none[/]"
        table.add_row(
            member.name,
            member.version,
            escape(os.path.relpath(member.path, workspace.root)),
            pythons,
            ", ".join(member.internal_dependencies),
            ", ".join(workspace.dependents_of(member.name)),
        )
    console = Console(highlight=False, width=max(120, Console().width))
    console.print(table)
    order = ", ".join(member.name for member in workspace.members)
    console.print(f"topological order (dependencies first): {order}")
    return int(ExitCode.OK)
