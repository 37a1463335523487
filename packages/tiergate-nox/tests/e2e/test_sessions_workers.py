"""Tests sessions with pytest-xdist workers: as red, as complete and as measured as without.

Real throwaway monorepos, real uv environments, real nox sessions: the same
member's tests run with ``workers = 2`` and with ``workers = 0`` (one process,
no pytest-xdist) and leave the same records and the same coverage.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import coverage
import pytest

from monorepo_factory import PYTHON, make_monorepo

if TYPE_CHECKING:
    from pathlib import Path

    from monorepo_factory import Monorepo

ONLY = ("--only", "sessions", "--only", "tests", "--only", "coverage")
CALC = f"tests-{PYTHON}(package='calc')"
FOLDER = f"tests-{PYTHON}-calc"

FAILING = """import pytest


@pytest.mark.parametrize("number", range(6))
def test_wrong(number: int) -> None:
    assert number < 0
"""

SKIPPING = """import pytest

from calc import double


@pytest.fixture
def database() -> None:
    pytest.skip("no database in a fixture")


def test_double() -> None:
    assert double(2) == 4


@pytest.mark.parametrize("number", range(3))
def test_later(number: int) -> None:
    pytest.skip(f"later {number}")


def test_needs_database(database: None) -> None:
    pass


@pytest.mark.skipif(True, reason="never on this platform")
def test_marked() -> None:
    pass
"""

BESIDE = """from calc import double


def test_double_beside_the_code() -> None:
    assert double(3) == 6
"""

WITHOUT_COV_AND_XDIST = """
[tool.uv]
override-dependencies = [
  "pytest-cov ; sys_platform == 'never'",
  "pytest-xdist ; sys_platform == 'never'",
]
"""
"""A test environment where pytest-tiergate came without pytest-cov and pytest-xdist."""


def _set_workers(mono: Monorepo, workers: str) -> None:
    """Append ``[tool.tiergate] workers = ...`` to the root configuration (once)."""
    pyproject = mono.root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").split("\n[tool.tiergate]\n")[0]
    pyproject.write_text(f"{text}\n[tool.tiergate]\nworkers = {workers}\n", encoding="utf-8")


def _session(mono: Monorepo, run: str) -> Path:
    result = mono.run("nox", "--session", CALC, env=mono.env(TIERGATE_RUN_ID=run))
    folder = mono.root / ".tiergate/runs" / run / "sessions" / FOLDER
    assert (folder / "manifest.json").exists(), result.stdout[-3000:] + result.stderr[-3000:]
    return folder


def _manifest(folder: Path) -> dict[str, object]:
    manifest: dict[str, object] = json.loads((folder / "manifest.json").read_text())
    return manifest


def _records(path: Path) -> list[dict[str, object]]:
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        del record["duration"]
    return sorted(records, key=lambda record: str(record["nodeid"]))


def _executed(path: Path, root: Path) -> dict[str, set[int]]:
    """Executed lines per file, relative to ``root`` (stored absolute without relative_files)."""
    data = coverage.CoverageData(basename=str(path), read_only=True)
    data.read()
    return {
        (root / name).relative_to(root).as_posix(): set(data.lines(name) or ())
        for name in data.measured_files()
    }


@pytest.mark.req("FR-183")
def test_a_tier_whose_tests_all_fail_under_workers_is_red(monorepo: Monorepo) -> None:
    monorepo.write("packages/calc/tests/unit/test_calc.py", FAILING)
    _set_workers(monorepo, "2")
    folder = _session(monorepo, "all-failing")
    manifest = _manifest(folder)
    assert manifest["outcome"] == "failed"
    assert manifest["tiers"] == {
        "unit": {
            "artifacts": {
                "coverage": "unit/coverage.db",
                "junit": "unit/junit.xml",
                "reads": "unit/reads.json",
                "records": "unit/tests.jsonl",
            },
            "exit_code": 1,
            "message": "tests failed",
            "outcome": "failed",
        }
    }
    command = manifest["command"]
    assert isinstance(command, list)
    assert command[command.index("-n") + 1] == "2"
    records = _records(folder / "unit/tests.jsonl")
    assert [r["outcome"] for r in records] == ["failed"] * 6
    assert 'tests="6"' in (folder / "unit/junit.xml").read_text()
    env = monorepo.env(TIERGATE_RUN_ID="all-failing")
    gates = monorepo.run("tiergate", "gates", *ONLY, env=env)
    assert gates.returncode == 1, gates.stdout
    assert "6 failed or errored" in gates.stdout


@pytest.mark.req("FR-183")
def test_skips_under_workers_leave_the_records_and_coverage_of_one_process(
    monorepo: Monorepo,
) -> None:
    monorepo.write("packages/calc/tests/unit/test_calc.py", SKIPPING)
    _set_workers(monorepo, "2")
    spread = _session(monorepo, "spread")
    _set_workers(monorepo, "0")
    serial = _session(monorepo, "serial")
    for folder in (spread, serial):
        assert _manifest(folder)["outcome"] == "passed"
    assert "-n" not in str(_manifest(serial)["command"])
    assert _records(spread / "unit/tests.jsonl") == _records(serial / "unit/tests.jsonl")
    skipped = [r for r in _records(serial / "unit/tests.jsonl") if r["outcome"] == "skipped"]
    assert len(skipped) == 5
    executed = _executed(serial / "unit/coverage.db", monorepo.root)
    assert executed == _executed(spread / "unit/coverage.db", monorepo.root)
    assert executed["packages/calc/src/calc/__init__.py"] == {1, 4, 6}


@pytest.mark.req("FR-181")
def test_tests_beside_the_source_are_not_measured_under_workers(monorepo: Monorepo) -> None:
    monorepo.write("packages/calc/src/calc/double_test.py", BESIDE)
    pyproject = monorepo.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            "[tool.pytest.ini_options]\n",
            '[tool.pytest.ini_options]\npython_files = ["test_*.py", "*_test.py"]\n'
            '[tool.coverage.run]\nomit = ["*/never/*"]\nrelative_files = true\n',
        ),
        encoding="utf-8",
    )
    _set_workers(monorepo, "2")
    folder = _session(monorepo, "beside")
    assert _manifest(folder)["outcome"] == "passed"
    records = _records(folder / "unit/tests.jsonl")
    assert [r["nodeid"] for r in records] == [
        "packages/calc/src/calc/double_test.py::test_double_beside_the_code",
        "packages/calc/tests/unit/test_calc.py::test_double",
    ]
    executed = _executed(folder / "unit/coverage.db", monorepo.root)
    assert set(executed) == {"packages/calc/src/calc/__init__.py"}
    written = folder / "coverage-config.toml"
    assert f"--cov-config={written}" in str(_manifest(folder)["command"])
    text = written.read_text(encoding="utf-8")
    assert '"*/never/*"' in text
    assert str(monorepo.root / "packages/calc/src/calc/double_test.py") in text
    # coverage.py reads .coveragerc first: one it cannot read stops the session, named
    monorepo.write(".coveragerc", "[run]\nbranch = True\n[run]\nbranch = False\n")
    manifest = _manifest(_session(monorepo, "broken"))
    assert manifest["outcome"] == "crashed"
    message = str(manifest["message"])
    assert message.startswith("coverage configuration: ")
    assert ".coveragerc" in message
    assert "\n" not in message


@pytest.mark.req("FR-184")
def test_missing_pytest_cov_and_xdist_are_named_when_needed(tmp_path: Path) -> None:
    mono = make_monorepo(tmp_path / "mono", (PYTHON,), extra=WITHOUT_COV_AND_XDIST)
    result = mono.run("nox", "--session", CALC, env=mono.env(TIERGATE_RUN_ID="m1"))
    hint = (
        "pytest_cov, xdist not installed in calc's test environment: "
        "add pytest-cov, pytest-xdist to its 'test' dependency group"
    )
    assert hint in result.stderr
    manifest = _manifest(mono.root / ".tiergate/runs/m1/sessions" / FOLDER)
    assert (manifest["outcome"], manifest["message"]) == ("crashed", hint)
    _set_workers(mono, "0")
    result = mono.run("nox", "--session", CALC, env=mono.env(TIERGATE_RUN_ID="m2"))
    hint = (
        "pytest_cov not installed in calc's test environment: "
        "add pytest-cov to its 'test' dependency group"
    )
    assert hint in result.stderr
