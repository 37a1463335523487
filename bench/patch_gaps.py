"""Time patch coverage and ``tiergate gaps`` against ``git`` + ``coverage json`` by hand.

Usage: ``uv run python bench/patch_gaps.py [--files 2000] [--changed 200] [--runs 3]``.

Builds the synthetic package of ``bench/coverage_gates.py`` (N modules measured
as three tiers), then gives it a git history: five recent commits touching
random modules (churn), a ``base`` commit where ``--changed`` modules hold an
older constant and none of their ``extra_*`` functions, and four commits that
bring those modules to what the tiers measured. Then, after one warm-up, it
times (median of ``--runs``), each in a fresh interpreter:

(a) the patch gate alone (``evaluate(..., only=("patch",))``) against the plain
    way: ``git diff --unified=0`` + ``coverage json`` of the combined data + a
    join of changed lines with executed and missing lines (what diff-cover does);
(b) ``tiergate gates --only patch --format json`` (the patch gate and the
    report's gap section: what CI runs);
(c) ``tiergate gaps --json`` against ``coverage json`` (whose ``functions``
    carry missing lines per function) + ``git log --name-only`` + a ranking.

Prints the figures and ratios, and checks that both ways agree on the patch
counts and on the number of gaps.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from coverage_gates import COMBINED, HEAD, PACKAGE, RUN, build

if TYPE_CHECKING:
    from collections.abc import Callable

_T = TypeVar("_T")

RECENT = (datetime.now(UTC) - timedelta(days=10)).isoformat(timespec="seconds")
SINCE = (datetime.now(UTC).date() - timedelta(days=90)).isoformat()  # tiergate's default window
HUNK = re.compile(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
PATCH_ONLY = f"""\
from pathlib import Path
from tiergate.verdict import evaluate
verdict = evaluate(Path.cwd(), [Path("{RUN}")], strict=False, only=("patch",), base="base")
print(verdict.results[-1].measured)
"""


def _git(root: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": RECENT, "GIT_COMMITTER_DATE": RECENT}
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, env=env
    ).stdout


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "--quiet", "--no-verify", "-m", message)


def make_history(root: Path, files: int, changed: int) -> None:
    """Churn commits, a ``base`` branch, then the measured sources on top of it."""
    rng = random.Random(changed)  # noqa: S311 - reproducible synthetic history
    _git(root, "init", "--quiet", "--initial-branch=main")
    for key, value in (("user.name", "bench"), ("user.email", "bench@tiergate.invalid")):
        _git(root, "config", "--local", key, value)
    _git(root, "config", "--local", "commit.gpgsign", "false")
    (root / ".gitignore").write_text(".tiergate/\n*.coverage\n__pycache__/\ncoverage.json\n")
    modules = sorted((root / "src" / PACKAGE).glob("m*.py"))
    final = {path: path.read_text(encoding="utf-8") for path in modules}
    chosen = rng.sample(modules, changed)
    base = dict(final)
    for path in chosen:
        i = int(path.stem[1:])
        base[path] = HEAD.format(i=i).replace(f"CONSTANT = {i}", "CONSTANT = None")
    for revision in range(5):
        for path in rng.sample(modules, files // 7):
            path.write_text(f"{base[path]}# revision {revision}\n", encoding="utf-8")
        _commit(root, f"churn {revision}")
    for path, text in base.items():
        path.write_text(text, encoding="utf-8")
    _commit(root, "base")
    _git(root, "branch", "base")
    for batch in range(4):
        for path in chosen[batch::4]:
            path.write_text(final[path], encoding="utf-8")
        _commit(root, f"feature {batch}")


def _coverage_json(root: Path) -> dict[str, Any]:
    subprocess.run(
        [sys.executable, "-m", "coverage", "json", f"--data-file={COMBINED}", "-q"],
        cwd=root,
        check=True,
        capture_output=True,
    )
    files: dict[str, Any] = json.loads((root / "coverage.json").read_text())["files"]
    return files


def plain_patch(root: Path) -> tuple[int, int]:
    """The plain way: git diff, coverage json, a join; covered and coverable statements."""
    merge_base = _git(root, "merge-base", "base", "HEAD").strip()
    diff = _git(root, "diff", "--unified=0", "--no-color", merge_base)
    files = _coverage_json(root)
    covered = coverable = 0
    for section in diff.split("\ndiff --git "):
        name = re.search(r"^\+\+\+ b/(.+)$", section, re.MULTILINE)
        if name is None or name[1] not in files:
            continue
        lines = {
            n
            for start, count in HUNK.findall(section)
            for n in range(int(start), int(start) + int(count or 1))
        }
        report = files[name[1]]
        executed, missing = set(report["executed_lines"]), set(report["missing_lines"])
        covered += len(lines & executed)
        coverable += len(lines & (executed | missing))
    return covered, coverable


def plain_gaps(root: Path) -> int:
    """The plain way: coverage json's functions, git log churn, a ranking; how many."""
    files = _coverage_json(root)
    names = _git(root, "log", "--no-merges", f"--since={SINCE}", "--format=", "--name-only")
    churn = Counter(names.split())
    ranked = sorted(
        (
            len(region["missing_lines"]) * (1 + math.log2(1 + churn[path])),
            path,
            function,
        )
        for path, report in files.items()
        for function, region in report["functions"].items()
        if region["missing_lines"]
    )
    return len(ranked)


def _timed(root: Path, argv: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *argv], cwd=root, capture_output=True, text=True, check=False
    )
    if result.returncode not in {0, 1}:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")
    return time.perf_counter() - started, result.stdout


def _median_call(root: Path, runs: int, function: Callable[[Path], _T]) -> tuple[float, _T]:
    times, values = [], []
    for _ in range(runs):
        started = time.perf_counter()
        values.append(function(root))
        times.append(time.perf_counter() - started)
    return statistics.median(times), values[-1]


def main() -> None:
    """Build, give it a history, then time and compare both ways."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--changed", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tiergate-bench-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        build(root, args.files)
        make_history(root, args.files, args.changed)
        setup = time.perf_counter() - started
        print(
            f"setup: {args.files} modules, 3 tiers measured, {args.changed} changed, {setup:.1f} s"
        )
        patch_only = ["-c", PATCH_ONLY]
        gates = ["-m", "tiergate", "gates", "--run", RUN, "--only", "patch", "--base", "base"]
        gates += ["--format", "json"]
        gaps = ["-m", "tiergate", "gaps", "--run", RUN, "--json"]
        for argv in (patch_only, gates, gaps):  # warm-up: page cache, .pyc files
            _timed(root, argv)
        plain_patch(root)
        timed = {
            name: [_timed(root, argv) for _ in range(args.runs)]
            for name, argv in (("patch", patch_only), ("gates", gates), ("gaps", gaps))
        }
        ours = {name: statistics.median(s for s, _ in runs) for name, runs in timed.items()}
        plain_patch_s, (covered, coverable) = _median_call(root, args.runs, plain_patch)
        plain_gaps_s, found = _median_call(root, args.runs, plain_gaps)
        measured = timed["patch"][-1][1].strip()
        document = json.loads(timed["gaps"][-1][1])
    print(f"patch gate alone (median of {args.runs}): {ours['patch']:.2f} s -> {measured}")
    print(f"git diff + coverage json + join:  {plain_patch_s:.2f} s -> {covered}/{coverable}")
    print(f"ratio patch gate / plain: {ours['patch'] / plain_patch_s:.2f}x")
    print(
        f"tiergate gates --only patch --format json (with the gap section): {ours['gates']:.2f} s"
    )
    print(f"tiergate gaps --json: {ours['gaps']:.2f} s -> {document['found']} gaps")
    print(f"coverage json + git log + ranking: {plain_gaps_s:.2f} s -> {found} gaps")
    print(f"ratio tiergate gaps / plain: {ours['gaps'] / plain_gaps_s:.2f}x")
    if f"({covered}/{coverable} changed lines)" not in measured or document["found"] != found:
        raise SystemExit("MISMATCH: tiergate and the plain way disagree")


if __name__ == "__main__":
    main()
