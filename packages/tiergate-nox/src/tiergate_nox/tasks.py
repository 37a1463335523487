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

from tiergate import memo
from tiergate.config import load_config
from tiergate.errors import ExitCode, TiergateError
from tiergate.lifetime import collect_rarely
from tiergate.runfolder import RUN_ID_ENV, named_run_id, new_run_id, session_name
from tiergate.workspace import load_workspace
from tiergate_nox.check import CheckOptions, run_check

if TYPE_CHECKING:
    from invoke.context import Context

NOX = (sys.executable, "-m", "nox")


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
        "no_cache": "run every session: reuse no stored result and store none",
        "changed_since": "run only the members changed since the merge base with REF and those "
        "they reach; the others must be cached, else the verdict says they did not run",
        "no_fork": "start each session as a new Python process, not forked from a warm one",
    }
)
def check(  # noqa: PLR0913, PLR0917 - invoke passes each option of the task by name
    ctx: Context,
    fail_fast: bool = False,
    jobs: int = 0,
    no_cache: bool = False,
    changed_since: str | None = None,
    no_fork: bool = False,
) -> None:
    """Every session (lint, sql, security, audit, type, tests) at once, then the gates."""
    del ctx
    collect_rarely()
    root = _root()
    if jobs < 0:
        sys.stderr.write(f"tiergate: error: --jobs must be 0 (the processors) or more: {jobs}\n")
        raise SystemExit(int(ExitCode.BAD_INPUT))
    options = CheckOptions(jobs or cores(), fail_fast, not no_cache, changed_since, not no_fork)
    try:
        config = load_config(root)
        memo.use(config.memo_folder(root))
        workspace = load_workspace(root)
        run_id = named_run_id() or new_run_id()
        run_dir = root / config.run_dir / run_id
        env = {**os.environ, RUN_ID_ENV: run_id}
        code = run_check(
            root,
            workspace=workspace,
            config=config,
            run_dir=run_dir,
            options=options,
            env=env,
            console=_console(),
        )
    except TiergateError as error:
        sys.stderr.write(f"tiergate: error: {error}\n")
        raise SystemExit(int(ExitCode.BAD_INPUT)) from None
    if code:
        raise SystemExit(code)


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
    """Run bandit and the dependency audit (nox sessions ``security`` and ``audit``)."""
    _run(ctx, *_nox("security", "audit"))


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
