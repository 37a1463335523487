"""Time ``invoke check`` with 1 and 2 jobs against plain ``nox -R`` of the same sessions.

Usage: ``uv run python bench/check_parallel.py [--members N] [--work SECONDS]``.

A synthetic monorepo (a uv workspace of N members, a chain: each member depends on
the one before it; each member's tests spend about ``--work`` seconds of CPU over
four test files, under coverage) is written to a temporary folder, locked, and
checked once to build every environment. Then, each from a fresh run folder and
with the result cache off (``--no-cache``: every session runs):

- ``nox -R --session <every session the check runs>``: one nox process, the sessions
  one after another, no gates (the plain way); ``--no-install`` skips the export of
  the lock that the audit session audits, so that session ends early without
  its audit;
- ``nox -r --session <the same>``: the same, every install step run, so the
  audit session audits as the check's does (an unchanged environment is not
  synced again in either: FR-218);
- ``invoke check --jobs 1``: the same sessions one at a time, then the gates;
- ``invoke check --jobs 1 --no-fork``: the same, each session a new Python process;
- ``invoke check --jobs 2``: two at a time, then the gates.

P3 is the orchestration overhead (``--jobs 1`` against plain nox; the gates are
part of it), P4 the ratio of ``--jobs 2`` to ``--jobs 1`` (bound 0.6 on 2 cores).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import MEMBER, env, timed, write, write_root

from tiergate.config import load_config
from tiergate.plan import workspace_sessions
from tiergate.workspace import load_workspace

P4_BOUND = 0.6

SOURCE = '''"""Member {name}."""


def spin(rounds: int) -> int:
    """Busy work the tests measure."""
    total = 0
    for number in range(rounds):
        total = (total + number * number) % 1_000_003
    return total
'''

TEST = """from {name} import spin


def test_spin_{index}() -> None:
    assert spin({rounds}) >= 0
"""


def _rounds_per_second() -> int:
    started = time.perf_counter()
    rounds = 2_000_000
    total = 0
    for number in range(rounds):
        total = (total + number * number) % 1_000_003
    return int(rounds / (time.perf_counter() - started))


def write_monorepo(root: Path, members: int, work: float) -> None:
    """The workspace: ``m0 <- m1 <- ...``, each with four test files of ``work`` seconds."""
    write_root(root)
    # Under coverage the loop runs about 3x slower; aim at ``work`` seconds measured.
    rounds = int(_rounds_per_second() * work / 4 / 3)
    for index in range(members):
        name = f"m{index}"
        before = f"m{index - 1}" if index else None
        sources = f"{before} = {{ workspace = true }}" if before else ""
        write(
            root / "packages" / name / "pyproject.toml",
            MEMBER.format(name=name, deps=f'"{before}"' if before else "", sources=sources),
        )
        write(root / "packages" / name / "src" / name / "__init__.py", SOURCE.format(name=name))
        for test in range(4):
            write(
                root / "packages" / name / "tests" / "unit" / f"test_{name}_{test}.py",
                TEST.format(name=name, index=test, rounds=rounds),
            )


def _timed(root: Path, command: list[str], run_id: str) -> tuple[float, int]:
    seconds, code, output = timed(root, command, run_id)
    if code != 0:
        sys.stdout.write(output[-6000:])
    return seconds, code


def main() -> None:
    """Build the monorepo, time the three ways, print the figures and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=6)
    parser.add_argument(
        "--work", type=float, default=4.0, help="CPU seconds of each member's tests"
    )
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tiergate-bench-check-"))
    try:
        root = folder / "mono"
        write_monorepo(root, options.members, options.work)
        subprocess.run(["uv", "lock", "--quiet"], cwd=root, env=env("lock"), check=True)
        invoke = [sys.executable, "-m", "invoke", "check", "--no-cache"]
        _, code = _timed(root, [*invoke, "--jobs", "2"], "warm-up")  # every environment built
        sessions = list(workspace_sessions(load_workspace(root), load_config(root)))
        nox = [sys.executable, "-m", "nox", "-R", "--session", *sessions]
        plain, plain_code = _timed(root, nox, "plain")
        installing = [arg if arg != "-R" else "-r" for arg in nox]
        complete, complete_code = _timed(root, installing, "plain-r")
        one, one_code = _timed(root, [*invoke, "--jobs", "1"], "jobs-1")
        spawned, spawned_code = _timed(root, [*invoke, "--jobs", "1", "--no-fork"], "no-fork")
        two, two_code = _timed(root, [*invoke, "--jobs", "2"], "jobs-2")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    cores = len(os.sched_getaffinity(0))
    print(f"{options.members} members in a chain, {len(sessions)} sessions, {cores} cores")
    print(f"warm-up check (environments built): exit {code}")
    print(f"nox -R, the same sessions one after another:  {plain:6.1f} s (exit {plain_code})")
    print(f"nox -r, the same, the dependency audit too:    {complete:6.1f} s", end="")
    print(f" (exit {complete_code})")
    print(f"invoke check --jobs 1 (sessions, then gates):  {one:6.1f} s (exit {one_code})")
    print(f"invoke check --jobs 1 --no-fork:               {spawned:6.1f} s (exit {spawned_code})")
    print(f"invoke check --jobs 2:                         {two:6.1f} s (exit {two_code})")
    print(f"P3 overhead, --jobs 1 / nox -R: {one / plain:.2f}x ({(one / plain - 1) * 100:+.0f} %)")
    print(f"  with --no-fork: {spawned / plain:.2f}x ({(spawned / plain - 1) * 100:+.0f} %)")
    overhead = one / complete
    print(f"P3 overhead, --jobs 1 / nox -r: {overhead:.2f}x ({(overhead - 1) * 100:+.0f} %)")
    verdict = "ok" if two / one <= P4_BOUND else "OVER"
    print(f"P4 --jobs 2 / --jobs 1: {two / one:.2f}x (bound {P4_BOUND}: {verdict})")


if __name__ == "__main__":
    main()
