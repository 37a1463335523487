"""Run a chain of steps (each a command), keep going after a failure, summarise them all.

This is what ``invoke check`` does; it lives here so that it is tested without invoke.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Literal

from rich.markup import escape
from rich.table import Table

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from rich.console import Console

Status = Literal["passed", "failed", "not run"]


@dataclass(frozen=True)
class Step:
    """One step of a check: a name and the command that runs it."""

    name: str
    command: tuple[str, ...]


@dataclass(frozen=True)
class StepResult:
    """How a step ended, how long it took and where its output is."""

    step: Step
    status: Status
    seconds: float
    exit_code: int | None
    log: Path | None


def run_step(
    step: Step, log: Path, *, env: Mapping[str, str] | None = None, echo: IO[str] | None = None
) -> StepResult:
    """Run one step, streaming its output to ``echo`` and to the ``log`` file."""
    log.parent.mkdir(parents=True, exist_ok=True)
    echo = echo or sys.stdout
    started = time.perf_counter()
    with (
        log.open("w", encoding="utf-8") as sink,
        subprocess.Popen(
            step.command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(env) if env is not None else None,
            errors="replace",
        ) as process,
    ):
        for line in process.stdout or ():
            echo.write(line)
            sink.write(line)
        code = process.wait()
    seconds = time.perf_counter() - started
    return StepResult(step, "passed" if code == 0 else "failed", seconds, code, log)


def run_steps(
    steps: Sequence[Step],
    log_dir: Path,
    *,
    fail_fast: bool = False,
    env: Mapping[str, str] | None = None,
    echo: IO[str] | None = None,
) -> list[StepResult]:
    """Run every step (or stop at the first failure with ``fail_fast``)."""
    results: list[StepResult] = []
    for step in steps:
        if fail_fast and any(r.status == "failed" for r in results):
            results.append(StepResult(step, "not run", 0.0, None, None))
            continue
        if echo is not None or sys.stdout is not None:
            (echo or sys.stdout).write(f"\n=== {step.name}: {' '.join(step.command)}\n")
        results.append(run_step(step, log_dir / f"{step.name}.log", env=env, echo=echo))
    return results


def summary_table(results: Sequence[StepResult], *, relative_to: Path) -> Table:
    """One row per step: status, duration, where its output is."""
    table = Table(title="tiergate check")
    table.add_column("step")
    table.add_column("result")
    table.add_column("time", justify="right")
    table.add_column("output")
    styles = {"passed": "green", "failed": "bold red", "not run": "yellow"}
    for result in results:
        where = str(result.log.relative_to(relative_to)) if result.log is not None else "-"
        status = result.status.upper() if result.status == "failed" else result.status
        table.add_row(
            escape(result.step.name),
            f"[{styles[result.status]}]{status}[/]",
            f"{result.seconds:.1f}s",
            escape(where),
        )
    return table


def verdict(results: Sequence[StepResult]) -> bool:
    """True when every step ran and passed."""
    return all(r.status == "passed" for r in results)


def print_summary(results: Sequence[StepResult], *, relative_to: Path, console: Console) -> None:
    """The summary table and the one-line verdict."""
    console.print(summary_table(results, relative_to=relative_to))
    failed = [r.step.name for r in results if r.status != "passed"]
    if failed:
        console.print(f"[bold red]FAILED[/]: {escape(', '.join(failed))}")
    else:
        console.print(f"[bold green]PASSED[/]: all {len(results)} steps")
