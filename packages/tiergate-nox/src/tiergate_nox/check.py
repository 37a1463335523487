"""``invoke check``: plan, restore what the cache holds, run the rest at once, gate, summarise.

1. Every session of the workspace is planned (:func:`tiergate.reuse.plan_sessions`):
   ``cached`` when its input key and read set hold in the result cache, else ``run``
   with the first reason. ``--changed-since REF`` narrows what runs to the members
   changed since the merge base and those they reach (:mod:`tiergate.scope`); a
   session outside that scope is restored when cached and otherwise left out, so
   that the gates find it "not run": never green.
2. Cached sessions are copied into the run folder; they do not run.
3. The others run at once (:mod:`tiergate_nox.schedule`), shown live (:mod:`tiergate_nox.board`),
   forked from a warm Python (:mod:`tiergate_nox.forks`) started before the plan, so
   that its imports overlap the planning; it is killed unused when everything is cached.
4. The sessions that ran and passed are stored (:mod:`tiergate_nox.cached`); the cache
   is pruned to its bound.
5. The gates run over the whole run folder; the summary lists every session.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.markup import escape

from tiergate.cache import ResultCache
from tiergate.ci import is_ci
from tiergate.cli import main as tiergate_main
from tiergate.errors import TiergateError
from tiergate.files import relative
from tiergate.plan import workspace_sessions
from tiergate.reuse import plan_sessions
from tiergate.scope import scope_since
from tiergate_nox import cached, forks
from tiergate_nox.board import LiveBoard, LogLines, Progress
from tiergate_nox.jobs import PRELOAD, check_jobs, expected_durations
from tiergate_nox.schedule import Job, JobResult, longest_first, run_jobs
from tiergate_nox.steps import print_summary, run_here, verdict

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from pathlib import Path

    from rich.console import Console

    from tiergate.config import TiergateConfig
    from tiergate.reuse import Planned
    from tiergate.workspace import Workspace

DASHBOARD = "report.html"
GATES_PRELOAD = ("tiergate.commands.gates", "tiergate.report.html", "pygal", "pygal.style")
"""What the gates import (about 0.3 s), imported while the sessions run: the gates start warm."""
INTERRUPTED = 130
"""The exit code of a check stopped by Ctrl-C (or SIGTERM), as a shell gives it."""


@dataclass(frozen=True)
class CheckOptions:
    """How ``invoke check`` was asked to run."""

    slots: int
    fail_fast: bool = False
    use_cache: bool = True
    changed_since: str | None = None
    fork: bool = True
    """Fork the sessions from a warm Python where supported (:mod:`tiergate_nox.forks`)."""


def gates_arguments(root: Path, run_dir: Path) -> tuple[str, ...]:
    """The last step: ``tiergate gates`` over the run folder, which also writes the dashboard."""
    return ("--root", str(root), "gates", f"--run={run_dir}", f"--html={run_dir / DASHBOARD}")


def gates_job(root: Path, run_dir: Path) -> Job:
    """The gates step as a job, its output in ``logs/gates.log``."""
    command = ("tiergate", *gates_arguments(root, run_dir))
    return Job("gates", command, run_dir / "logs" / "gates.log")


def run_check(  # noqa: PLR0913 - the workspace, the run and how to show it
    root: Path,
    *,
    workspace: Workspace,
    config: TiergateConfig,
    run_dir: Path,
    options: CheckOptions,
    env: Mapping[str, str],
    console: Console,
) -> int:
    """The whole check; its exit code (0 green, 1 red, 130 interrupted).

    A bad ``--changed-since`` ref is a :class:`~tiergate.errors.TiergateError`.
    """
    with fork_server(options, env) as server:
        names = list(workspace_sessions(workspace, config))
        scope = None
        if options.changed_since is not None:
            scope = scope_since(root, workspace, options.changed_since)
            console.print(f"scope: {escape(scope.describe())}", soft_wrap=True)
        enabled = options.use_cache and config.cache.enabled
        cache = ResultCache.of(root, config) if enabled else None
        planned = plan_sessions(workspace, config, names, environ=env, cache=cache, scope=scope)
        running = [plan.session for plan in planned if plan.decision == "run"]
        durations = (
            expected_durations(
                root / config.run_dir, root / config.baseline_file, exclude=run_dir, wanted=running
            )
            if running
            else {}
        )
        jobs = check_jobs(names, run_dir / "logs", durations)
        restored, to_run = cached.restore(planned, jobs, cache, run_dir) if cache else ([], jobs)
        left_out = {plan.session for plan in planned if plan.decision == "not run"}
        to_run = [job for job in to_run if job.name not in left_out]
        _announce(
            console,
            root=root,
            run_dir=run_dir,
            planned=planned,
            restored=restored,
            to_run=to_run,
            slots=options.slots,
        )
        warm = _importing(GATES_PRELOAD) if to_run else None
        ran = _run_sessions(to_run, options, env, console, run_dir, server=server)
        if server is not None:
            server.stop()  # it ends while the results are stored and gated
        if warm is not None:
            warm.join()
        if cache is not None:
            _store(
                ran,
                planned,
                cache=cache,
                run_dir=run_dir,
                workspace=workspace,
                config=config,
                env=env,
                console=console,
            )
        by_name = {result.job.name: result for result in (*restored, *ran)}
        why = {plan.session: plan.why for plan in planned}
        results = [
            by_name.get(job.name) or JobResult(job, "not run", 0.0, None, why[job.name])
            for job in jobs
        ]
        stopped = any(r.status == "interrupted" for r in results)
        if stopped or (options.fail_fast and not verdict(results)):
            results.append(JobResult(gates_job(root, run_dir), "not run", 0.0, None))
        else:
            arguments = gates_arguments(root, run_dir)
            results.append(run_here(gates_job(root, run_dir), tiergate_main, arguments))
        console.print()
        print_summary(results, relative_to=run_dir, console=console)
        console.print(f"run folder: {escape(relative(run_dir, root))}")
        if (run_dir / DASHBOARD).is_file():
            console.print(f"dashboard: {escape(relative(run_dir / DASHBOARD, root))}")
        if stopped:
            return INTERRUPTED
        return 0 if verdict(results) else 1


@contextlib.contextmanager
def fork_server(options: CheckOptions, env: Mapping[str, str]) -> Iterator[forks.ForkServer | None]:
    """The check's fork server, started now and closed when the block ends.

    ``None``: ``--no-fork``, or forking is not safe here.
    """
    if not options.fork or not forks.supported():
        yield None
        return
    server = forks.ForkServer(env, PRELOAD)
    server.start()
    with contextlib.closing(server):
        yield server


def _importing(modules: tuple[str, ...]) -> threading.Thread:
    """A thread importing ``modules`` while this one waits on the sessions (started)."""

    def work() -> None:
        for name in modules:
            with contextlib.suppress(ImportError):  # the gates then say what is missing
                importlib.import_module(name)

    thread = threading.Thread(target=work, name="tiergate-gates-preload", daemon=True)
    thread.start()
    return thread


def _announce(  # noqa: PLR0913 - what is said before the sessions start
    console: Console,
    *,
    root: Path,
    run_dir: Path,
    planned: list[Planned],
    restored: list[JobResult],
    to_run: list[Job],
    slots: int,
) -> None:
    console.print(
        f"tiergate check: {len(to_run)} sessions to run, {len(restored)} cached, "
        f"{slots} at a time, then the gates; logs in {escape(relative(run_dir / 'logs', root))}",
        soft_wrap=True,
    )
    why = {plan.session: plan.why for plan in planned}
    for result in restored:
        console.print(f"cached  {escape(result.job.name)} {escape(result.note)}", soft_wrap=True)
    for job in to_run:
        console.print(f"run     {escape(job.name)}: {escape(why[job.name])}", soft_wrap=True)


def _run_sessions(  # noqa: PLR0913 - what to run, how, and where to show it
    sessions: list[Job],
    options: CheckOptions,
    env: Mapping[str, str],
    console: Console,
    run_dir: Path,
    *,
    server: forks.ForkServer | None,
) -> list[JobResult]:
    """Run the sessions, longest first, under a live board (a terminal) or log lines (CI)."""
    if not sessions:
        return []
    ordered = longest_first(sessions)
    progress = Progress(ordered, options.slots)
    slots, fail_fast = options.slots, options.fail_fast
    run = functools.partial(
        run_jobs, ordered, slots=slots, env=env, fail_fast=fail_fast, server=server
    )
    if console.is_terminal and not is_ci():
        with LiveBoard(progress, console) as board:
            return run(reporter=board)
    return run(reporter=LogLines(progress, sys.stdout, relative_to=run_dir))


def _store(  # noqa: PLR0913 - what ran, the cache, and what keys are made of
    ran: list[JobResult],
    planned: list[Planned],
    *,
    cache: ResultCache,
    run_dir: Path,
    workspace: Workspace,
    config: TiergateConfig,
    env: Mapping[str, str],
    console: Console,
) -> None:
    """Store the passed sessions, say which were not and why, keep the cache in its bound."""
    try:
        outcome = cached.store(
            ran,
            planned,
            cache=cache,
            run_dir=run_dir,
            workspace=workspace,
            config=config,
            environ=env,
        )
        # Nothing stored, nothing grew; within the bound, no entry need be read (a lookup
        # removes a broken entry it meets; `tiergate cache --prune` removes them all).
        if outcome.stored and cache.total_bytes() > config.cache.max_bytes:
            cache.prune(config.cache.max_bytes)
    except TiergateError as error:  # a cache that cannot be written never fails the check
        console.print(f"cache: not stored: {escape(str(error))}", soft_wrap=True)
        return
    by_reason: dict[str, list[str]] = {}
    for name, reason in outcome.refused.items():
        by_reason.setdefault(reason, []).append(name)
    for reason, names in by_reason.items():
        said = names[0] if len(names) == 1 else f"{len(names)} sessions"
        console.print(f"cache: {escape(said)} not stored: {escape(reason)}", soft_wrap=True)
