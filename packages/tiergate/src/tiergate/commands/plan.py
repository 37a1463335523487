"""``tiergate plan``: every session of the next check, ``run`` or ``cached``, and why it runs."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergate import memo
from tiergate.cache import ResultCache
from tiergate.config import load_config
from tiergate.errors import ExitCode
from tiergate.plan import workspace_sessions
from tiergate.reuse import plan_sessions
from tiergate.scope import scope_since
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    import argparse

_STYLES = {"run": "bold", "cached": "cyan", "not run": "yellow"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--changed-since REF``, ``--no-cache``, ``--format``."""
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="run only the members changed since the merge base with REF and those they reach",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="plan as invoke check --no-cache: every session runs",
    )
    parser.add_argument("--format", choices=("terminal", "json"), default="terminal")


def run(args: argparse.Namespace) -> int:
    """Print the plan: one row per session, its decision and the first reason."""
    root = args.root
    config = load_config(root)
    memo.use(config.memo_folder(root))
    workspace = load_workspace(root)
    scope = scope_since(root, workspace, args.changed_since) if args.changed_since else None
    use_cache = config.cache.enabled and not args.no_cache
    cache = ResultCache.of(workspace.root, config) if use_cache else None
    planned = plan_sessions(
        workspace,
        config,
        workspace_sessions(workspace, config),
        environ=os.environ,
        cache=cache,
        scope=scope,
    )
    counts = {decision: sum(p.decision == decision for p in planned) for decision in _STYLES}
    if args.format == "json":
        document = {
            "scope": scope.describe() if scope else None,
            "counts": counts,
            "sessions": [plan.to_json() for plan in planned],
        }
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
        return int(ExitCode.OK)
    table = Table(title="tiergate plan")
    table.add_column("session", no_wrap=True)
    table.add_column("plan", no_wrap=True)
    table.add_column("why", ratio=1, overflow="fold")
    for plan in planned:
        style = _STYLES[plan.decision]
        table.add_row(escape(plan.session), f"[{style}]{plan.decision}[/]", escape(plan.why))
    console = Console(highlight=False, emoji=False, width=max(120, Console().width))
    if scope is not None:
        console.print(f"scope: {escape(scope.describe())}", soft_wrap=True)
    console.print(table)
    console.print(", ".join(f"{n} {decision}" for decision, n in counts.items()))
    return int(ExitCode.OK)
