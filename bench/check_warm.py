"""Time this repository's ``invoke check`` cold and warm, against plain ``nox -R``.

Usage: ``uv run python bench/check_warm.py [--jobs N] [--keep]``. Each figure is
printed as soon as it is measured. The check is the README's ``uv run invoke check``.

A clone of this repository's committed ``HEAD`` is made in a temporary folder and
synced (``uv sync --all-packages --all-groups``). Then, in that clone:

1. ``invoke check`` with an empty result cache: every session runs (P7, the cold
   check, bound 5 minutes on 2 cores), each session's time from its manifest;
2. ``invoke check`` again, nothing changed, three times (P1: the median at least
   30 times faster than plain nox, and under 2 s), each verdict compared with the
   cold one's: every gate's verdict and message the same;
3. ``nox -R --session <the same sessions>``: the plain way, one nox process, the
   sessions one after another, environments reused and no install.

The ratio P1 is the plain time over the warm check's.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import tomllib
from datetime import datetime
from pathlib import Path

from synthetic import ROOT, env, timed

P1_RATIO = 30.0
P1_SECONDS = 2.0
P7_SECONDS = 300.0
WARM_RUNS = 3
_LABEL = re.compile(r"^(ran|cached from run \S+ \(finished [^)]*\)): |; cached from run .*\)$")


def _verdict(clone: Path, run_id: str) -> tuple[str, dict[str, tuple[str, str]]]:
    """The run's verdict and every gate's status and figure (``tiergate gates --format json``).

    Where a figure says how its session was had (``ran: ...``, ``cached from run <id>
    (finished <time>): ...``, ``...; cached from run <id> (finished <time>)``), that
    label is left out: it is the only difference a warm run may show.
    """
    command = [
        *("uv", "run", "--frozen", "tiergate", "gates", "--no-record", "--format", "json"),
        f"--run=.tiergate/runs/{run_id}",
    ]
    done = subprocess.run(
        command, cwd=clone, env=env("verdict"), capture_output=True, text=True, check=False
    )
    report = json.loads(done.stdout)
    gates = {
        result["gate"]: (result["status"], _LABEL.sub("", result["measured"]))
        for result in report["results"]
    }
    return report["verdict"], gates


def _sessions(clone: Path, run_id: str) -> dict[str, float]:
    """Each session of the run and how long it took, from its manifest."""
    found: dict[str, float] = {}
    for manifest in sorted(
        (clone / ".tiergate/runs" / run_id / "sessions").glob("*/manifest.json")
    ):
        data = json.loads(manifest.read_text(encoding="utf-8"))
        started = data["started_at"].replace("Z", "+00:00")
        finished = data["finished_at"].replace("Z", "+00:00")
        seconds = (
            datetime.fromisoformat(finished) - datetime.fromisoformat(started)
        ).total_seconds()
        found[data["session"]] = seconds
    return found


def main() -> None:
    """Clone, check cold, check warm, run plain nox; print each figure as soon as it is known."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=0, help="invoke check --jobs (0: the cores)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the clone and the checks' output, print where"
    )
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="tiergate-bench-warm-"))
    clone = folder / "tiergate"
    cores = len(os.sched_getaffinity(0))
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        subprocess.run(
            ["uv", "sync", "--quiet", "--frozen", "--all-packages", "--all-groups"],
            cwd=clone,
            env=env("sync"),
            check=True,
        )
        show = ["git", "log", "-1", "--format=%h %cs"]
        shown = subprocess.run(show, cwd=clone, text=True, capture_output=True, check=True)
        head = shown.stdout.strip()
        invoke = ["uv", "run", "invoke", "check", f"--jobs={options.jobs}"]
        audit = {"TIERGATE_ADVISORY_DB": str(_advisory_db())}
        cold, cold_code, cold_out = timed(clone, invoke, "cold", extra=audit)
        (folder / "cold.out").write_text(cold_out, encoding="utf-8")
        sessions = _sessions(clone, "cold")
        _say(f"this repository at {head}, {len(sessions)} sessions, {cores} cores")
        _say(f"cold invoke check:      {cold:7.1f} s (exit {cold_code})")
        if cold_code != 0:
            _say(cold_out[-4000:])
        for name, seconds in sorted(sessions.items(), key=lambda item: -item[1]):
            _say(f"  {seconds:6.1f} s  {name}")
        _say(f"P7 cold check: {cold:.0f} s (bound {P7_SECONDS:.0f} s: {_met(cold < P7_SECONDS)})")
        warm_runs = [timed(clone, invoke, f"warm{n}", extra=audit) for n in range(1, WARM_RUNS + 1)]
        warm = statistics.median(seconds for seconds, _, _ in warm_runs)
        (folder / "warm.out").write_text(warm_runs[0][2], encoding="utf-8")
        codes = sorted({code for _, code, _ in warm_runs})
        cold_verdict = _verdict(clone, "cold")
        same = all(_verdict(clone, f"warm{n}") == cold_verdict for n in range(1, WARM_RUNS + 1))
        runs = ", ".join(f"{seconds:.2f}" for seconds, _, _ in warm_runs)
        _say(f"warm invoke check:      {warm:7.2f} s, median of {runs} (exit {codes})")
        if codes != [0]:
            _say(warm_runs[-1][2][-4000:])
        _say(f"verdict of every warm check the same as the cold one's: {same}")
        nox = ["uv", "run", "nox", "-R", "--session", *sessions]
        plain, plain_code, _ = timed(clone, nox, "plain", extra=audit)
        _say(f"nox -R, same sessions:  {plain:7.1f} s (exit {plain_code})")
    finally:
        if options.keep:
            _say(f"clone kept in {clone}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    ratio = plain / warm
    met = ratio >= P1_RATIO and warm < P1_SECONDS and same
    _say(
        f"P1 nox -R / warm check: {ratio:.1f}x, warm {warm:.2f} s (bound >= {P1_RATIO:g}x and "
        f"< {P1_SECONDS:g} s: {_met(met)})"
    )


def _advisory_db() -> Path:
    """This repository's configured offline advisory database: the clone is elsewhere."""
    with (ROOT / "pyproject.toml").open("rb") as handle:
        configured = str(tomllib.load(handle)["tool"]["tiergate"]["security"]["advisory-db"])
    return (ROOT / configured).resolve()


def _say(line: str) -> None:
    print(line, flush=True)


def _met(met: bool) -> str:  # noqa: FBT001 - a bound met or not
    return "ok" if met else "NOT MET"


if __name__ == "__main__":
    main()
