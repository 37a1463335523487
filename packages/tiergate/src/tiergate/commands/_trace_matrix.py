"""``tiergate trace`` without ``--check``: the matrix from a run or the static scan, shown.

Apart from :mod:`tiergate.commands.trace` so that the pre-commit check does not
import rich's console, the gate context and the renderers.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape

from tiergate.commands._shared import emit, find_default_run, say_run
from tiergate.context import Context
from tiergate.errors import ExitCode
from tiergate.files import relative
from tiergate.gates.requirements import judge
from tiergate.runfolder import SESSIONS
from tiergate.trace.matrix import static_matrix
from tiergate.trace.render import render_json, render_markdown, render_terminal
from tiergate.trace.run import run_matrix

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from tiergate.config import TiergateConfig
    from tiergate.gates.base import GateResult
    from tiergate.trace.matrix import TraceMatrix
    from tiergate.workspace import Workspace


def show_matrix(args: argparse.Namespace, workspace: Workspace, config: TiergateConfig) -> int:
    """Build the matrix, print or write it, judge it as the requirements gate does."""
    root = workspace.root
    runs = list(args.run) if args.run else None
    if runs is None and not args.static:
        default = find_default_run(root)
        if default is not None and (default / SESSIONS).is_dir():
            runs = [default]
            say_run(default, root, machine=args.format != "terminal" or args.output is not None)
    matrix = static_matrix(workspace, config) if runs is None else _from_run(root, runs)
    results = list(judge(matrix))
    if args.format == "terminal" and args.output is None:
        _terminal(
            matrix, results, Console(highlight=False, emoji=False, width=max(120, Console().width))
        )
    elif args.format == "terminal":
        buffer = io.StringIO()
        _terminal(matrix, results, Console(file=buffer, width=120, highlight=False, emoji=False))
        emit(buffer.getvalue(), args.output, "matrix")
    else:
        text = render_json(matrix) if args.format == "json" else render_markdown(matrix)
        emit(text, args.output, "matrix")
    return int(ExitCode.OK if all(r.passed for r in results) else ExitCode.GATE_FAILED)


def _terminal(matrix: TraceMatrix, results: list[GateResult], console: Console) -> None:
    render_terminal(matrix, console)
    failed = [result for result in results if not result.passed]
    for result in failed:
        console.print(f"[bold red]{escape(result.title)}[/]: {escape(result.measured)}")
        for detail in result.details:
            console.print(f"  {escape(detail)}", soft_wrap=True)
    if failed:
        console.print(f"[bold red]FAILED[/]: {len(failed)} of {len(results)} checks")
    else:
        console.print("[bold green]PASSED[/]: every requirement is traced")


def _from_run(root: Path, runs: list[Path]) -> TraceMatrix:
    context = Context.load(root, runs, strict=False)
    shown = [relative(p, root) if p.is_relative_to(root) else str(p) for p in runs]
    return run_matrix(context, shown)
