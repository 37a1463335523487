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

    from tiergate.workspace import Member, Workspace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--json``."""
    parser.add_argument(
        "--json",
        action="store_true",
        help="print the workspace model as JSON (schema_version 2) instead of a table",
    )


def run(args: argparse.Namespace) -> int:
    """Print the workspace as a table and its topological order, or as JSON."""
    workspace = load_workspace(args.root)
    if args.json:
        sys.stdout.write(json.dumps(workspace.to_json(), indent=2, sort_keys=True) + "\n")
        return int(ExitCode.OK)
    table = Table(title=escape(f"workspace {workspace.root}"))
    for column in ("member", "pythons", "tests"):
        table.add_column(column, no_wrap=True)
    for column in ("source", "depends on", "test-only", "used by (transitively)"):
        table.add_column(column, ratio=1, overflow="fold")
    for member in workspace.members:
        table.add_row(
            escape(member.name),
            escape(", ".join(member.pythons)) or "[bold red]none[/]",
            _tests(member),
            escape(", ".join(member.import_packages)) or "[dim]none[/]",
            escape(", ".join(member.runtime_dependencies)),
            escape(", ".join(member.test_dependencies)),
            escape(used_by_text(workspace, member.name)),
        )
    console = Console(highlight=False, emoji=False, width=max(120, Console().width))
    console.print(table)
    console.print(f"order (dependencies first): {escape(order_text(workspace.components))}")
    console.print("where tiergate looked:")
    for member in workspace.members:
        console.print(
            f"  {escape(member.name)} ({escape(os.path.relpath(member.path, workspace.root))}): "
            f"source from {escape(member.source_origin)}; "
            f"tests in {escape(member.tests.looked_in)}",
            soft_wrap=True,
        )
    return int(ExitCode.OK)


def used_by_text(workspace: Workspace, name: str) -> str:
    """``api (direct), tool (direct), web``: every member using ``name``, the direct ones said."""
    direct = set(workspace.dependents_of(name))
    return ", ".join(
        f"{user} (direct)" if user in direct else user
        for user in workspace.dependents_of(name, transitive=True)
    )


def order_text(components: tuple[tuple[str, ...], ...]) -> str:
    """``a, {b, c} (test-time cycle), d``: a cycle is shown as one group, never as an order."""
    return ", ".join(
        group[0] if len(group) == 1 else "{" + ", ".join(group) + "} (test-time cycle)"
        for group in components
    )


def _tests(member: Member) -> str:
    if member.tested_by is not None:
        return f"tested by {escape(member.tested_by)}"
    if not member.tested:
        return f"[yellow]not tested: {escape(member.untested_reason or '')}[/]"
    found = len(member.test_files)
    text = f"{found} file{'s' if found != 1 else ''}"
    return text if found else f"[bold red]{text}[/]"
