"""The gate engine on throwaway monorepos run through the real sessions.

The ``meter`` member has 100 one-statement modules; each tier's tests import a
chosen set of them, so each tier's coverage is known exactly: unit 86%,
integration 79%, e2e 76%, all tiers together 88%. The sessions spread the tests
over two pytest-xdist workers (``workers = 2``); one more run of this Python's
session in one process (``workers = 0``) must measure and record the same.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import OTHER_PYTHON, PYTHON, Monorepo, make_monorepo

if TYPE_CHECKING:
    from collections.abc import Iterator

BOUNDS = """
[tool.tiergate]
workers = 2

[tool.coverage.report]
precision = 2

[tool.tiergate.coverage]
combined = 90

[tool.tiergate.coverage.tiers]
unit = 85
integration = 80
e2e = 75
"""

TIER_MODULES = {
    "unit": list(range(86)),
    "integration": [*range(77), 86, 87],
    "e2e": list(range(76)),
}

TIER_TEST = """import importlib

import pytest


@pytest.mark.parametrize("number", {numbers})
def test_imports(number: int) -> None:
    module = importlib.import_module(f"meter.m{{number:02d}}")
    assert module.VALUE == number
"""

ONLY = ("--only", "sessions", "--only", "tests", "--only", "coverage")


def _only_meter(mono: Monorepo) -> None:
    """Replace the factory's members by ``meter``."""
    mono.write(
        "packages/meter/pyproject.toml",
        (mono.root / "packages/calc/pyproject.toml")
        .read_text()
        .replace('name = "calc"', 'name = "meter"'),
    )
    for name in ("calc", "report"):
        shutil.rmtree(mono.root / "packages" / name)
    mono.write("packages/meter/src/meter/__init__.py", "")
    for number in range(100):
        mono.write(f"packages/meter/src/meter/m{number:02d}.py", f"VALUE = {number}\n")
    for tier, numbers in TIER_MODULES.items():
        mono.write(
            f"packages/meter/tests/{tier}/test_meter_{tier}.py", TIER_TEST.format(numbers=numbers)
        )
    mono.lock()


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if absent) for the block."""
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def metered(tmp_path_factory: pytest.TempPathFactory) -> Monorepo:
    """The monorepo and its runs, built once per test run.

    Under pytest-xdist a module-scoped fixture is built once per worker: the first
    worker to get here builds it in the folder the workers share, the others wait
    for it and read it (the tests only read it).
    """
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return _build_metered(tmp_path_factory.mktemp("metered") / "mono")
    shared = tmp_path_factory.getbasetemp().parent / "metered"
    shared.mkdir(exist_ok=True)
    with _locked(shared / "lock"):
        if not (shared / "built").exists():
            _build_metered(shared / "mono")
            (shared / "built").touch()
    return Monorepo(shared / "mono")


def _build_metered(folder: Path) -> Monorepo:
    """Each Python's session run as a shard of its own (``py1``, ``py2``), and both shards'
    sessions in one run folder (``all``), as a CI job that downloads both would have them."""
    mono = make_monorepo(folder, (PYTHON, OTHER_PYTHON), extra=BOUNDS)
    _only_meter(mono)
    runs = mono.root / ".tiergate/runs"
    for run, python in (("py1", PYTHON), ("py2", OTHER_PYTHON)):
        session = f"tests-{python}"
        result = mono.run("nox", "--session", session, env=mono.env(TIERGATE_RUN_ID=run))
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        shutil.copytree(runs / run / "sessions", runs / "all" / "sessions", dirs_exist_ok=True)
    pyproject = mono.root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("workers = 2", "workers = 0"))
    result = mono.run("nox", "--session", f"tests-{PYTHON}", env=mono.env(TIERGATE_RUN_ID="serial"))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return mono


def _verdict(mono: Monorepo, *runs: str) -> dict[str, object]:
    args = [arg for run in runs for arg in ("--run", f".tiergate/runs/{run}")]
    result = mono.run("tiergate", "gates", *args, *ONLY, "--format", "json")
    assert result.returncode in {0, 1}, result.stderr
    report: dict[str, object] = json.loads(result.stdout)
    return report


def _coverage_report(mono: Monorepo, *data_files: Path) -> str:
    """The TOTAL percentage that ``coverage report`` prints for the union of data files."""
    with tempfile.TemporaryDirectory() as scratch:  # tests on other workers report at once
        return _coverage_total(mono, Path(scratch), *data_files)


def _coverage_total(mono: Monorepo, scratch: Path, *data_files: Path) -> str:
    combined = scratch / "combined.db"
    env = {**mono.env(), "COVERAGE_FILE": str(combined)}
    subprocess.run(
        [sys.executable, "-m", "coverage", "combine", "--keep", *map(str, data_files)],
        cwd=mono.root,
        env=env,
        check=True,
        capture_output=True,
    )
    rcfile = scratch / "report.rc"
    rcfile.write_text(
        f"[run]\nsource = {mono.root / 'packages/meter/src/meter'}\n[report]\nprecision = 2\n"
    )
    report = subprocess.run(
        [sys.executable, "-m", "coverage", "report", f"--rcfile={rcfile}"],
        cwd=mono.root,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    match = re.search(r"^TOTAL\s+\d+\s+\d+\s+(\S+)%", report, re.MULTILINE)
    assert match is not None, report
    return match[1]


@pytest.mark.req("FR-030")
def test_known_coverage_fails_exactly_integration_and_combined(metered: Monorepo) -> None:
    report = _verdict(metered, "all")
    results = {r["gate"]: r for r in report["results"]}  # type: ignore[attr-defined]
    coverage = {g: r for g, r in results.items() if g.startswith("coverage/")}
    failed = sorted(g for g, r in coverage.items() if r["status"] == "failed")
    assert failed == ["coverage/combined", "coverage/tier/integration"]
    sessions = metered.root / ".tiergate/runs/all/sessions"
    session = sessions / f"tests-{PYTHON}-meter"
    for tier, expected in (("unit", "86.00"), ("integration", "79.00"), ("e2e", "76.00")):
        measured = coverage[f"coverage/tier/{tier}"]["measured"]
        assert measured.startswith(f"{expected}%"), measured
        assert _coverage_report(metered, session / tier / "coverage.db") == expected
    everything = [
        sessions / f"tests-{python}-meter" / tier / "coverage.db"
        for python in (PYTHON, OTHER_PYTHON)
        for tier in TIER_MODULES
    ]
    assert coverage["coverage/combined"]["measured"].startswith("88.00%")
    assert _coverage_report(metered, *everything) == "88.00"
    assert report["verdict"] == "failed"


def _records(path: Path) -> list[dict[str, object]]:
    records = [json.loads(line) for line in path.read_text().splitlines()]
    for record in records:
        del record["duration"]
    return sorted(records, key=lambda record: str(record["nodeid"]))


@pytest.mark.req("FR-183", "FR-030")
def test_one_process_measures_and_records_what_the_workers_did(metered: Monorepo) -> None:
    runs = metered.root / ".tiergate/runs"
    spread = runs / "py1" / f"sessions/tests-{PYTHON}-meter"
    serial = runs / "serial" / f"sessions/tests-{PYTHON}-meter"
    commands = [json.loads((s / "manifest.json").read_text())["command"] for s in (spread, serial)]
    assert (commands[0][commands[0].index("-n") + 1], "-n" in commands[1]) == ("2", False)
    for tier, expected in (("unit", "86.00"), ("integration", "79.00"), ("e2e", "76.00")):
        assert _coverage_report(metered, serial / tier / "coverage.db") == expected
        assert _coverage_report(metered, spread / tier / "coverage.db") == expected
        assert _records(serial / tier / "tests.jsonl") == _records(spread / tier / "tests.jsonl")
        assert len(_records(serial / tier / "tests.jsonl")) == len(TIER_MODULES[tier])


@pytest.mark.req("FR-013")
def test_shards_of_each_python_merge_to_the_same_verdict(metered: Monorepo) -> None:
    whole = _verdict(metered, "all")
    merged = _verdict(metered, "py1", "py2")
    assert merged["results"] == whole["results"]
    assert merged["verdict"] == whole["verdict"] == "failed"


@pytest.mark.req("FR-042")
def test_a_missing_shard_is_not_run_never_zero(metered: Monorepo) -> None:
    report = _verdict(metered, "py1")
    results = {r["gate"]: r for r in report["results"]}  # type: ignore[attr-defined]
    missing = results[f"sessions/tests-{OTHER_PYTHON}(package='meter')"]
    assert missing["status"] == "failed"
    assert missing["measured"].startswith("not run")
    for gate in ("coverage/tier/unit", "coverage/tier/e2e", "coverage/combined"):
        assert results[gate]["measured"] == "not run"
        assert results[gate]["status"] == "failed"


@pytest.mark.req("FR-013")
def test_the_same_session_in_two_shards_is_an_error(metered: Monorepo) -> None:
    result = metered.run(
        "tiergate", "gates", "--run", ".tiergate/runs/all", "--run", ".tiergate/runs/py1"
    )
    assert result.returncode == 2
    assert "is also in" in result.stderr
    assert result.stderr.count("\n") == 1
