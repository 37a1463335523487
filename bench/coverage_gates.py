"""Time ``tiergate gates`` (coverage gates) against a plain ``coverage report``.

Usage: ``uv run python bench/coverage_gates.py [--files 2000] [--runs 3]``.

Generates a synthetic package of N modules (30-60 lines, with branches) in a
temporary folder, runs real code under ``coverage run`` as three tiers (three
data files) and combines them. Then, after one warm-up, it times (median of
``--runs``), each in a fresh interpreter:

(a) ``python -m coverage report`` of the combined data (the plain alternative);
(b) ``tiergate gates --only coverage --format json`` on the same data laid out
    as a run folder: per-file, per-tier and combined numbers against bounds.

Prints both, their ratio, the file and statement counts, and checks that both
print the same TOTAL percentage.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from tiergate.covdata import SourceIndex, measure, read_executed, total, union
from tiergate.runfolder import SessionManifest, TierRun, session_dir, session_name, write_manifest

PACKAGE = "synth"
TIERS = ("unit", "integration", "e2e")
COVERAGE = ("-m", "coverage")
COMBINED = "combined.coverage"
RUN = ".tiergate/runs/bench"
PYPROJECT = f"""\
[project]
name = "{PACKAGE}"
version = "0"

[tool.uv.workspace]
members = []

[tool.tiergate.coverage]
combined = 50
files = {{ "src/{PACKAGE}/m0000*.py" = 10 }}

[tool.tiergate.coverage.tiers]
unit = 40
integration = 20
e2e = 10

[tool.coverage.run]
relative_files = true
source = ["src/{PACKAGE}"]

[tool.coverage.report]
precision = 2
exclude_also = ["if TYPE_CHECKING:", "raise NotImplementedError"]
"""

HEAD = '''\
"""Synthetic module {i}."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

CONSTANT = {i}


def classify(value):
    if value < 0:
        return "negative"
    elif value == 0:
        return "zero"
    return "positive"


def accumulate(values, limit):
    total = 0
    while (
        values
        and total < limit
    ):
        total += values.pop()
    return total


def parse(text):
    try:
        number = int(text)
    except ValueError:
        number = -1
    return number
'''
EXTRA = """

def extra_{j}(x):
    y = x * {j}
    if y % 2:
        y += 1
    else:
        raise NotImplementedError
    return y
"""

DRIVER = f'''\
"""Import every module of the package and call what this tier tests."""

import importlib
import sys

sys.path.insert(0, "src")
tier, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    module = importlib.import_module(f"{PACKAGE}.m{{i:05d}}")
    if tier == "unit":
        module.classify(1)
        module.parse("3")
        if i % 4 == 0:
            module.extra_1(1)
    elif tier == "integration" and i % 2 == 0:
        module.classify(-1)
        module.accumulate([1, 2, 3], 4)
    elif tier == "e2e" and i % 3 == 0:
        module.classify(0)
        module.parse("x")
'''


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _run(root: Path, *argv: str, ok: tuple[int, ...] = (0,)) -> str:
    result = subprocess.run(
        [sys.executable, *argv], cwd=root, env=_env(), capture_output=True, text=True, check=False
    )
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def build(root: Path, files: int) -> list[Path]:
    """Write the package and its drivers, measure three tiers and combine them."""
    rng = random.Random(files)  # noqa: S311 - reproducible synthetic sources, not security
    package = root / "src" / PACKAGE
    package.mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (package / "__init__.py").write_text("", encoding="utf-8")
    for i in range(files):
        extras = "".join(EXTRA.format(j=j) for j in range(1, rng.randint(1, 4) + 1))
        (package / f"m{i:05d}.py").write_text(HEAD.format(i=i) + extras, encoding="utf-8")
    (root / "drive.py").write_text(DRIVER, encoding="utf-8")
    data = [root / f"{tier}.coverage" for tier in TIERS]
    for tier, data_file in zip(TIERS, data, strict=True):
        _run(root, *COVERAGE, "run", f"--data-file={data_file.name}", "drive.py", tier, str(files))
    _run(root, *COVERAGE, "combine", "--keep", f"--data-file={COMBINED}", *(d.name for d in data))
    _lay_out_run(root, data)
    return data


def _lay_out_run(root: Path, data: list[Path]) -> None:
    """Put the tiers' data where a tests session writes them, with its manifest."""
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    (root / ".python-version").write_text(f"{python}\n", encoding="utf-8")
    name = session_name("tests", python, PACKAGE)
    folder = session_dir(root / RUN, name)
    tiers = {}
    for tier, data_file in zip(TIERS, data, strict=True):
        # A test file in each tier's folder: the gates expect the tiers the tests are in.
        (root / "tests" / tier).mkdir(parents=True)
        test = f"def test_{tier}() -> None:\n    assert True\n"
        (root / "tests" / tier / f"test_{tier}.py").write_text(test, encoding="utf-8")
        (folder / tier).mkdir(parents=True)
        shutil.copy(data_file, folder / tier / "coverage.db")
        tiers[tier] = TierRun(
            exit_code=0, outcome="passed", artifacts={"coverage": f"{tier}/coverage.db"}
        )
    now = datetime.now(UTC)
    write_manifest(
        folder,
        SessionManifest(
            schema_version=1,
            run_id="bench",
            session=name,
            kind="tests",
            package=PACKAGE,
            python=python,
            started_at=now,
            finished_at=now,
            outcome="passed",
            exit_code=0,
            command=[],
            artifacts={},
            tiers=tiers,
        ),
    )


def compute(root: Path, data: list[Path]) -> dict[str, object]:
    """What the gate engine needs: numbers per file, per tier and combined."""
    index = SourceIndex(root)
    precision = index.precision
    files = index.files_under(root / "src" / PACKAGE)
    tiers = {path.stem: read_executed(path, root) for path in data}
    per_tier = {}
    for name, executed in tiers.items():
        lines = measure(index, files, executed)
        per_file = {one.path: one.numbers().percent(precision) for one in lines}
        per_tier[name] = (total(lines).percent(precision), len(per_file))
    combined = measure(index, files, union(*tiers.values()))
    per_file = {one.path: one.numbers().percent(precision) for one in combined}
    counts = total(combined)
    return {
        "files": len(per_file),
        "statements": counts.statements,
        "total": counts.percent(precision),
        "tiers": per_tier,
    }


def _timed(root: Path, argv: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    output = _run(root, *argv, ok=(0, 1))
    return time.perf_counter() - started, output


def main() -> None:
    """Build the synthetic package, then time and compare both computations."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tiergate-bench-") as folder:
        root = Path(folder)
        started = time.perf_counter()
        data = build(root, args.files)
        print(
            f"setup: {args.files} modules, {len(TIERS)} tiers measured and combined "
            f"in {time.perf_counter() - started:.1f} s"
        )
        report = [*COVERAGE, "report", f"--data-file={COMBINED}"]
        ours = ["-m", "tiergate", "gates", "--run", RUN, "--only", "coverage", "--format", "json"]
        _timed(root, report)  # warm-up: page cache, .pyc of coverage and tiergate
        _timed(root, ours)
        plain = [_timed(root, report) for _ in range(args.runs)]
        tiergate = [_timed(root, ours) for _ in range(args.runs)]
        plain_s = statistics.median(seconds for seconds, _ in plain)
        tiergate_s = statistics.median(seconds for seconds, _ in tiergate)
        report_total = plain[-1][1].strip().splitlines()[-1].split()[-1].removesuffix("%")
        figures = compute(root, data)
        gates = {r["gate"]: r["measured"] for r in json.loads(tiergate[-1][1])["results"]}
    tiers = ", ".join(f"{name} {pc}%" for name, (pc, _) in figures["tiers"].items())  # type: ignore[attr-defined]
    print(f"files: {figures['files']}, statements: {figures['statements']}, gates: {len(gates)}")
    print(f"coverage report, combined data (median of {args.runs}): {plain_s:.2f} s")
    print(
        f"tiergate gates: per-file, per-tier, combined (median of {args.runs}): {tiergate_s:.2f} s"
    )
    print(f"ratio tiergate gates / coverage report: {tiergate_s / plain_s:.2f}x")
    combined = gates["coverage/combined"].split("%")[0]
    print(f"TOTAL: coverage report {report_total}%, tiergate gates {combined}% ({tiers})")
    if not report_total == combined == figures["total"]:
        raise SystemExit("MISMATCH: tiergate and coverage report disagree on TOTAL")


if __name__ == "__main__":
    main()
