"""``tiergate workspace``: show the workspace members, their Pythons and dependencies.

``--matrix`` prints what a CI workflow splits its jobs by: one entry per member
and Python that has a tests or type session (see the workflow ``tiergate init``
writes), so that no job carries every member's slow tiers of one Python.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergate.config import load_config
from tiergate.errors import ExitCode
from tiergate.plan import workspace_sessions
from tiergate.runfolder import session_name
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from tiergate.workspace import Member, Workspace


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--json`` or ``--matrix``."""
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument(
        "--json",
        action="store_true",
        help="print the workspace model as JSON (schema_version 2) instead of a table",
    )
    shown.add_argument(
        "--matrix",
        action="store_true",
        help=(
            'print {"include": [{"package", "python", "sessions"}, ...]}: one entry per member '
            "and Python with a tests or type session, a CI matrix"
        ),
    )


def run(args: argparse.Namespace) -> int:
    """Print the workspace as a table and its topological order, or as JSON, or its matrix."""
    workspace = load_workspace(args.root)
    if args.json:
        sys.stdout.write(json.dumps(workspace.to_json(), indent=2, sort_keys=True) + "\n")
        return int(ExitCode.OK)
    if args.matrix:
        include = matrix(workspace, workspace_sessions(workspace, load_config(args.root)))
        sys.stdout.write(json.dumps({"include": include}) + "\n")
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


def matrix(workspace: Workspace, sessions: Sequence[str]) -> list[dict[str, str | list[str]]]:
    """One entry per member and Python with a tests or type session among ``sessions``.

    ``{"package", "python", "sessions": [its tests session, its type session]}``
    (those of the two it has); members in workspace order, Pythons in the member's.
    """
    names = set(sessions)
    entries: list[dict[str, str | list[str]]] = []
    for member in workspace.members:
        for python in member.pythons:
            pair = (
                session_name("tests", python, member.name),
                session_name("type", python, member.name),
            )
            found = [name for name in pair if name in names]
            if found:
                entries.append({"package": member.name, "python": python, "sessions": found})
    return entries


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
