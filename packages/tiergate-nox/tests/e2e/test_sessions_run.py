from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import OTHER_PYTHON, PYTHON
from tiergate_nox.testing import AUTO_WORKERS_FILES

ONLY = ("--only", "sessions", "--only", "tests", "--only", "coverage")

if TYPE_CHECKING:
    from monorepo_factory import Monorepo


@pytest.mark.req("FR-011", "FR-180")
def test_tests_sessions_fill_the_run_folder_and_pass_the_gate(monorepo: Monorepo) -> None:
    for n in range(AUTO_WORKERS_FILES - 1):  # calc has enough test files to start workers
        monorepo.write(f"packages/calc/tests/unit/test_more_{n}.py", "def test_more(): ...\n")
    env = monorepo.env(TIERGATE_RUN_ID="r1")
    result = monorepo.run("nox", "--session", f"tests-{PYTHON}", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    for package, tests, workers in (("calc", AUTO_WORKERS_FILES, True), ("report", 1, False)):
        folder = monorepo.root / ".tiergate/runs/r1/sessions" / f"tests-{PYTHON}-{package}"
        manifest = json.loads((folder / "manifest.json").read_text())
        assert manifest["outcome"] == "passed"
        # workers = "auto", never timed: workers for enough test files, one process for fewer
        assert ("-n" in manifest["command"]) is workers, manifest["command"]
        assert manifest["tiers"]["unit"]["artifacts"] == {
            "junit": "unit/junit.xml",
            "records": "unit/tests.jsonl",
            "coverage": "unit/coverage.db",
            "reads": "unit/reads.json",
        }
        reads = json.loads((folder / "unit/reads.json").read_text())["reads"]
        for read in (f"packages/{package}/src/{package}/__init__.py", "pyproject.toml"):
            assert len(reads[read]) == 64, read
        assert not any(name.startswith(".tiergate/") for name in reads), reads
        assert f'tests="{tests}"' in (folder / "unit/junit.xml").read_text()
        assert (folder / "unit/coverage.db").stat().st_size > 0
        lines = (folder / "unit/tests.jsonl").read_text().splitlines()
        records = [json.loads(line) for line in lines]
        assert [(r["tier"], r["outcome"]) for r in records] == [("unit", "passed")] * tests
    gates = monorepo.run("tiergate", "gates", *ONLY, env=env)
    assert gates.returncode == 0, gates.stdout
    assert "PASSED" in gates.stdout


@pytest.mark.req("FR-035")
def test_a_failing_test_fails_the_session_and_the_gate(monorepo: Monorepo) -> None:
    monorepo.write(
        "packages/calc/tests/unit/test_calc.py",
        "def test_wrong() -> None:\n    assert 1 == 2\n",
    )
    env = monorepo.env(TIERGATE_RUN_ID="r2")
    result = monorepo.run("nox", "--session", f"tests-{PYTHON}(package='calc')", env=env)
    assert result.returncode != 0
    folder = monorepo.root / f".tiergate/runs/r2/sessions/tests-{PYTHON}-calc"
    assert json.loads((folder / "manifest.json").read_text())["outcome"] == "failed"
    gates = monorepo.run("tiergate", "gates", *ONLY, env=env)
    assert gates.returncode == 1
    assert "1 failed or errored" in gates.stdout
    assert "test_calc.py::test_wrong" in gates.stdout
    assert "not run" in gates.stdout  # report was never run in r2


@pytest.mark.req("FR-040")
def test_a_missing_interpreter_fails_in_ci_and_is_named(monorepo_two_pythons: Monorepo) -> None:
    mono = monorepo_two_pythons
    env = mono.env_without_pyenv(CI="true", TIERGATE_RUN_ID="r3")
    result = mono.run("nox", "--session", "tests", env=env)
    assert result.returncode != 0
    assert f"Python interpreter {OTHER_PYTHON} not found" in result.stderr
    gates = mono.run("tiergate", "gates", *ONLY, env=env)
    assert gates.returncode == 1
    assert f"Python {OTHER_PYTHON} not found" in gates.stdout


@pytest.mark.req("FR-040")
def test_a_missing_interpreter_is_a_loud_warning_locally(monorepo_two_pythons: Monorepo) -> None:
    mono = monorepo_two_pythons
    env = mono.env_without_pyenv(TIERGATE_RUN_ID="r4")
    result = mono.run("nox", "--session", "tests", env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    gates = mono.run("tiergate", "gates", *ONLY, env=env)
    assert gates.returncode == 0, gates.stdout
    assert f"not run: Python {OTHER_PYTHON} not found" in gates.stdout
    assert "WARNING" in gates.stdout
    assert "did NOT look" in gates.stdout


@pytest.mark.req("FR-096")
def test_a_test_group_without_pytest_tiergate_names_what_to_add(monorepo: Monorepo) -> None:
    pyproject = monorepo.root / "packages/calc/pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'test = ["pytest", "coverage", "pytest-tiergate"]', 'test = ["pytest", "coverage"]'
        )
    )
    monorepo.lock()
    env = monorepo.env(TIERGATE_RUN_ID="r5")
    result = monorepo.run("nox", "--session", f"tests-{PYTHON}(package='calc')", env=env)
    assert result.returncode != 0
    hint = (
        "pytest_tiergate not installed in calc's test environment: "
        "add pytest-tiergate to its 'test' dependency group"
    )
    assert hint in result.stderr
    folder = monorepo.root / f".tiergate/runs/r5/sessions/tests-{PYTHON}-calc"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert (manifest["outcome"], manifest["message"]) == ("crashed", hint)


@pytest.mark.req("FR-092", "FR-093")
def test_tests_in_a_flat_folder_run_in_the_default_tier_and_a_failure_is_red(
    monorepo: Monorepo,
) -> None:
    # Once, a member whose tests were in no tier folder was not expected at all: green, 0 tests.
    for package in ("calc", "report"):
        (monorepo.root / f"packages/{package}/tests/unit/test_{package}.py").rename(
            monorepo.root / f"packages/{package}/tests/test_{package}.py"
        )
    monorepo.write(
        "packages/calc/tests/test_more.py", "def test_wrong() -> None:\n    assert 1 == 2\n"
    )
    env = monorepo.env(TIERGATE_RUN_ID="r6")
    result = monorepo.run("nox", "--session", f"tests-{PYTHON}", env=env)
    assert result.returncode != 0
    gates = monorepo.run("tiergate", "gates", *ONLY, env=env)
    assert gates.returncode == 1, gates.stdout
    assert "1 failed or errored of 3" in gates.stdout
    assert "packages/calc/tests/test_more.py::test_wrong" in gates.stdout
    for package in ("calc", "report"):
        assert f"tests-{PYTHON}(package='{package}')" in gates.stdout
