"""The invoke task collection of a tiergate monorepo: ``invoke check`` and its parts.

Each task calls a nox session of :mod:`tiergate_nox.sessions` (or the
``tiergate`` CLI), so that local runs and CI run the same thing.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from invoke.collection import Collection
from invoke.tasks import task
from rich.console import Console
from rich.markup import escape

from tiergate.ci import is_ci
from tiergate.config import load_config
from tiergate.errors import ExitCode, TiergateError
from tiergate.files import relative
from tiergate.plan import workspace_sessions
from tiergate.runfolder import RUN_ID_ENV, named_run_id, new_run_id, session_name
from tiergate.workspace import load_workspace
from tiergate_nox.board import LiveBoard, LogLines, Progress
from tiergate_nox.jobs import check_jobs, last_durations
from tiergate_nox.schedule import Job, JobResult, longest_first, run_jobs
from tiergate_nox.steps import print_summary, run_step, verdict

if TYPE_CHECKING:
    from invoke.context import Context

NOX = (sys.executable, "-m", "nox")
DASHBOARD = "report.html"
INTERRUPTED = 130
"""The exit code of a check stopped by Ctrl-C (or SIGTERM), as a shell gives it."""


def _root() -> Path:
    return Path.cwd().resolve()


def _nox(*sessions: str) -> tuple[str, ...]:
    return (*NOX, "--session", *sessions)


def test_sessions(root: Path, python: str | None, package: str | None) -> tuple[str, ...]:
    """The nox session names that ``invoke test`` selects."""
    if package is None:
        return (f"tests-{python}",) if python else ("tests",)
    member = load_workspace(root).member(package)
    pythons = (python,) if python else member.pythons
    return tuple(session_name("tests", version, member.name) for version in pythons)


def gates_job(root: Path, run_dir: Path) -> Job:
    """The last step of ``invoke check``: ``tiergate gates``, which also writes the dashboard."""
    command = (sys.executable, "-m", "tiergate", "--root", str(root), "gates")
    return Job("gates", (*command, f"--html={run_dir / DASHBOARD}"), run_dir / "logs" / "gates.log")


def cores() -> int:
    """The processors this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _console() -> Console:
    """The terminal as it is; a log (CI) at least 120 columns wide, so session names fit."""
    probe = Console()
    width = probe.width if probe.is_terminal else max(120, probe.width)
    return Console(highlight=False, emoji=False, width=width)


def _run(ctx: Context, *command: str) -> None:
    ctx.run(shlex.join(command), echo=True, pty=False)


@task(
    help={
        "fail_fast": "start no session after one has failed, and skip the gates",
        "jobs": "sessions run at once (default: the processors this machine gives the check)",
    }
)
def check(ctx: Context, fail_fast: bool = False, jobs: int = 0) -> None:
    """Run every session (lint, sql, security, type, tests) at once, then the gates; one summary."""
    del ctx
    root = _root()
    if jobs < 0:
        sys.stderr.write(f"tiergate: error: --jobs must be 0 (the processors) or more: {jobs}\n")
        raise SystemExit(int(ExitCode.BAD_INPUT))
    try:
        config = load_config(root)
        workspace = load_workspace(root)
        run_id = named_run_id() or new_run_id()
        run_dir = root / config.run_dir / run_id
    except TiergateError as error:
        sys.stderr.write(f"tiergate: error: {error}\n")
        raise SystemExit(int(ExitCode.BAD_INPUT)) from None
    env = {**os.environ, RUN_ID_ENV: run_id}
    console = _console()
    durations = last_durations(root / config.run_dir, exclude=run_dir)
    names = list(workspace_sessions(workspace, config))
    sessions = check_jobs(names, run_dir / "logs", durations)
    slots = jobs or cores()
    console.print(
        f"tiergate check: {len(sessions)} sessions, {slots} at a time, then the gates; "
        f"logs in {escape(relative(run_dir / 'logs', root))}",
        soft_wrap=True,
    )
    results = _run_sessions(sessions, slots, env, console, run_dir, fail_fast=fail_fast)
    stopped = any(r.status == "interrupted" for r in results)
    if stopped or (fail_fast and not verdict(results)):
        results.append(JobResult(gates_job(root, run_dir), "not run", 0.0, None))
    else:
        results.append(run_step(gates_job(root, run_dir), env=env))
    console.print()
    print_summary(results, relative_to=run_dir, console=console)
    console.print(f"run folder: {escape(relative(run_dir, root))}")
    if (run_dir / DASHBOARD).is_file():
        console.print(f"dashboard: {escape(relative(run_dir / DASHBOARD, root))}")
    if stopped:
        raise SystemExit(INTERRUPTED)
    if not verdict(results):
        raise SystemExit(1)


def _run_sessions(  # noqa: PLR0913 - the jobs, how many at once, their environment, where shown
    sessions: list[Job],
    slots: int,
    env: dict[str, str],
    console: Console,
    run_dir: Path,
    *,
    fail_fast: bool,
) -> list[JobResult]:
    """Run the sessions, longest first, under a live board (a terminal) or log lines (CI).

    The results come in the order of ``sessions``.
    """
    ordered = longest_first(sessions)
    progress = Progress(ordered, slots)
    if console.is_terminal and not is_ci():
        with LiveBoard(progress, console) as board:
            ran = run_jobs(ordered, slots=slots, reporter=board, env=env, fail_fast=fail_fast)
    else:
        lines = LogLines(progress, sys.stdout, relative_to=run_dir)
        ran = run_jobs(ordered, slots=slots, reporter=lines, env=env, fail_fast=fail_fast)
    by_name = {result.job.name: result for result in ran}
    return [by_name[job.name] for job in sessions]  # the summary lists them as nox does


@task
def fmt(ctx: Context) -> None:
    """Format the code and apply ruff's safe fixes."""
    _run(ctx, "ruff", "format", ".")
    _run(ctx, "ruff", "check", "--fix", ".")


@task
def lint(ctx: Context) -> None:
    """Lint with ruff check and ruff format --check (nox session ``lint``)."""
    _run(ctx, *_nox("lint"))


@task(help={"python": "only this Python (e.g. 3.12)", "package": "only this workspace member"})
def type_(ctx: Context, python: str | None = None, package: str | None = None) -> None:
    """Type-check with mypy (the repository's configuration) per member and Python (``type-*``)."""
    names = [n.replace("tests", "type", 1) for n in test_sessions(_root(), python, package)]
    _run(ctx, *_nox(*names))


@task
def sql(ctx: Context) -> None:
    """Lint every .sql file with sqlfluff (nox session ``sql``)."""
    _run(ctx, *_nox("sql"))


@task
def security(ctx: Context) -> None:
    """Run bandit and the dependency audit (nox session ``security``)."""
    _run(ctx, *_nox("security"))


@task(help={"python": "only this Python (e.g. 3.12)", "package": "only this workspace member"})
def test(ctx: Context, python: str | None = None, package: str | None = None) -> None:
    """The tests sessions: every member on every Python, or the ones selected."""
    _run(ctx, *_nox(*test_sessions(_root(), python, package)))


@task
def gates(ctx: Context) -> None:
    """Evaluate the newest complete run folder and record it (``tiergate gates``, no ``--run``).

    Complete: every session in it has finished (written its manifest); newest: its
    last session finished last, ``local`` (sessions run by hand) included. With
    ``TIERGATE_RUN_ID`` set, that run instead. A run already recorded is not recorded again.
    """
    _run(ctx, sys.executable, "-m", "tiergate", "gates")


namespace = Collection(check, fmt, lint, sql, security, test, gates)
namespace.add_task(type_, name="type")
