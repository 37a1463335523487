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

from tiergate.config import load_config
from tiergate.errors import ExitCode, TiergateError
from tiergate.files import relative
from tiergate.runfolder import RUN_ID_ENV, named_run_id, new_run_id, session_name
from tiergate.workspace import load_workspace
from tiergate_nox.steps import Step, print_summary, run_steps, verdict

if TYPE_CHECKING:
    from invoke.context import Context

NOX = (sys.executable, "-m", "nox")
DASHBOARD = "report.html"


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


def check_steps(root: Path, run_dir: Path) -> list[Step]:
    """The steps of ``invoke check``: lint, type, sql, security, tests, gates.

    The gates step also writes the run's dashboard, ``<run folder>/report.html``.
    """
    return [
        Step("lint", _nox("lint")),
        Step("type", _nox("type")),
        Step("sql", _nox("sql")),
        Step("security", _nox("security")),
        Step("tests", _nox("tests")),
        Step(
            "gates",
            (
                *(sys.executable, "-m", "tiergate", "--root", str(root), "gates"),
                f"--html={run_dir / DASHBOARD}",
            ),
        ),
    ]


def _run(ctx: Context, *command: str) -> None:
    ctx.run(shlex.join(command), echo=True, pty=False)


@task(help={"fail_fast": "stop at the first failing step"})
def check(ctx: Context, fail_fast: bool = False) -> None:
    """Run every gate: lint, type, sql, security, tests, gates; one summary at the end."""
    del ctx
    root = _root()
    try:
        run_id = named_run_id() or new_run_id()
        run_dir = root / load_config(root).run_dir / run_id
    except TiergateError as error:
        sys.stderr.write(f"tiergate: error: {error}\n")
        raise SystemExit(int(ExitCode.BAD_INPUT)) from None
    env = {**os.environ, RUN_ID_ENV: run_id}
    results = run_steps(check_steps(root, run_dir), run_dir / "logs", fail_fast=fail_fast, env=env)
    console = Console(highlight=False, emoji=False)
    console.print()
    print_summary(results, relative_to=run_dir, console=console)
    console.print(f"run folder: {escape(relative(run_dir, root))}")
    if (run_dir / DASHBOARD).is_file():
        console.print(f"dashboard: {escape(relative(run_dir / DASHBOARD, root))}")
    if not verdict(results):
        raise SystemExit(1)


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
