"""Time a warm ``pre-commit run --all-files`` on this repository against running the tools directly.

Usage: ``uv run python bench/precommit_speed.py [--runs N]``. Prints the median of
N warm runs of each and their ratio; the bound the project keeps is 5 seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOUND_SECONDS = 5
PRE_COMMIT = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
PLAIN = [
    ["ruff", "check", "."],
    ["ruff", "format", "--check", "."],
    ["bandit", "-q", "-c", "pyproject.toml", "-r", "packages"],
]


def _seconds(commands: list[list[str]]) -> float:
    started = time.perf_counter()
    for command in commands:
        subprocess.run(command, cwd=ROOT, check=False, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    _seconds([PRE_COMMIT])  # warm: hook environments installed, caches filled
    hooks = statistics.median(_seconds([PRE_COMMIT]) for _ in range(runs))
    plain = statistics.median(_seconds(PLAIN) for _ in range(runs))
    print(f"pre-commit run --all-files (warm, median of {runs}): {hooks:.2f} s")
    print(f"ruff check + ruff format --check + bandit directly:  {plain:.2f} s")
    verdict = "ok" if hooks < BOUND_SECONDS else "OVER"
    print(f"ratio pre-commit / direct: {hooks / plain:.2f}x (bound {BOUND_SECONDS} s: {verdict})")


if __name__ == "__main__":
    main()
