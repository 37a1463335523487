"""The tool sessions on throwaway monorepos configured the ways real repositories are."""

from __future__ import annotations

import json
import subprocess
from typing import TYPE_CHECKING, Any

import pytest

from monorepo_factory import PYTHON, Monorepo, make_monorepo

if TYPE_CHECKING:
    from pathlib import Path

OLDER_RUFF = "0.16.9"
"""A ruff release older than the one the factory's lock holds."""
TYPE_CALC = f"type-{PYTHON}(package='calc')"
FAST_AUDIT = "online-timeout = 1\n"


def _manifest(mono: Monorepo, run: str, folder: str) -> dict[str, Any]:
    path = mono.root / ".tiergate/runs" / run / "sessions" / folder / "manifest.json"
    manifest: dict[str, Any] = json.loads(path.read_text())
    return manifest


def _nox(mono: Monorepo, run: str, *sessions: str) -> subprocess.CompletedProcess[str]:
    return mono.run("nox", "--sessions", *sessions, env=mono.env(TIERGATE_RUN_ID=run))


def _tools_gate(mono: Monorepo, run: str) -> dict[str, tuple[str, list[str]]]:
    """The tools gate's results in the run: gate -> (measured, details)."""
    env = mono.env(TIERGATE_RUN_ID=run)
    gates = mono.run("tiergate", "gates", "--only", "tools", "--format", "json", env=env)
    assert gates.returncode in {0, 1, 3}, gates.stderr[-3000:]
    results = json.loads(gates.stdout)["results"]
    return {r["gate"]: (r["measured"], r["details"]) for r in results}


def _ruff_version(mono: Monorepo, session: str) -> str:
    ruff = mono.root / ".nox" / session / "bin" / "ruff"
    return subprocess.run([ruff, "--version"], capture_output=True, text=True, check=True).stdout


@pytest.mark.req("FR-140")
def test_mypy_runs_with_the_repository_configuration(tmp_path: Path) -> None:
    # The root's mypy configuration leaves tests/ out and is not strict; report's own
    # mypy.ini names what to check (relative to its folder).
    mono = make_monorepo(tmp_path / "mono", (PYTHON,))
    mono.write(
        "pyproject.toml",
        (mono.root / "pyproject.toml").read_text() + '\n[tool.mypy]\nexclude = ["tests/"]\n',
    )
    mono.write("packages/calc/src/calc/more.py", "def triple(x):\n    return 3 * x\n")
    broken_test = 'WRONG: int = "not an int"\n'
    mono.write("packages/calc/tests/unit/test_typing.py", broken_test)
    mono.write("packages/report/mypy.ini", "[mypy]\nfiles = src\n")
    mono.write("packages/report/tests/unit/test_typing.py", broken_test)
    mono.write("packages/report/src/report/typing.py", broken_test)
    result = _nox(mono, "t1", f"type-{PYTHON}")
    assert result.returncode != 0, result.stderr[-3000:]
    calc = _manifest(mono, "t1", f"type-{PYTHON}-calc")
    assert calc["outcome"] == "passed", calc["message"]
    assert calc["command"][1] == f"--config-file={mono.root / 'pyproject.toml'}"
    assert "--strict" not in calc["command"]
    assert (calc["command"][-1], calc["workdir"]) == ("packages/calc/src/calc", ".")
    report = _manifest(mono, "t1", f"type-{PYTHON}-report")
    # src only, as report's mypy.ini says: the same error in its tests is not checked.
    assert (report["outcome"], report["message"]) == ("failed", "mypy: 1 error(s)")
    config = mono.root / "packages/report/mypy.ini"
    assert report["command"] == ["mypy", f"--config-file={config}", "-O", "json"]
    assert report["workdir"] == "packages/report"  # mypy ran there: its paths are named from it
    details = _tools_gate(mono, "t1")[f"tools/type-{PYTHON}(package='report')"][1]
    assert len(details) == 1, details
    assert details[0].startswith("packages/report/src/report/typing.py:1: Incompatible types")
    # Each session keeps mypy's cache in its own environment: the check runs them at once.
    assert len(list((mono.root / ".nox").glob("type-*/mypy-cache"))) == 2
    assert not list(mono.root.rglob(".mypy_cache"))


@pytest.mark.req("FR-141")
def test_a_tool_stopped_by_its_configuration_says_why_in_its_own_words(tmp_path: Path) -> None:
    mono = make_monorepo(tmp_path / "mono", (PYTHON,))
    mono.write("packages/calc/mypy.ini", "[mypy]\nfiles = empty\n")
    mono.write("packages/calc/empty/README.txt", "no Python here\n")
    mono.write("db/schema.sql", "select 1 from t\n")  # no sqlfluff dialect is configured
    result = _nox(mono, "t2", TYPE_CALC, "sql")
    assert result.returncode != 0
    typed = _manifest(mono, "t2", f"type-{PYTHON}-calc")
    no_files = "mypy: There are no .py[i] files in directory 'empty'"
    assert (typed["outcome"], typed["message"]) == ("crashed", no_files)
    sql = _manifest(mono, "t2", "sql")
    assert sql["outcome"] == "crashed"
    assert sql["message"].startswith("sqlfluff: User Error: No dialect was specified."), sql
    gate = _tools_gate(mono, "t2")
    assert gate[f"tools/{TYPE_CALC}"][0] == f"crashed: {no_files}"
    assert gate["tools/sql"][0] == f"crashed: {sql['message']}"


@pytest.mark.req("FR-143")
@pytest.mark.req("FR-144")
def test_lint_without_a_lint_group_uses_the_pre_commit_ruff_and_lists_unformatted_files(
    tmp_path: Path,
) -> None:
    mono = make_monorepo(tmp_path / "mono", (PYTHON,))
    root = mono.root / "pyproject.toml"
    mono.write("pyproject.toml", root.read_text().replace('lint = ["ruff"]\n', ""))
    mono.lock()
    mono.write(
        ".pre-commit-config.yaml",
        f"""
        repos:
          - repo: https://github.com/astral-sh/ruff-pre-commit
            rev: v{OLDER_RUFF}
            hooks:
              - id: ruff
        """,
    )
    mono.write("packages/calc/src/calc/more.py", "VALUE=[1,2]\n")
    mono.write("packages/calc/src/calc/unused.py", "import os\n")
    result = _nox(mono, "t3", "lint")
    assert result.returncode != 0
    assert "packages/calc/src/calc/unused.py:1:8: F401" in result.stdout + result.stderr
    assert f"ruff: ruff=={OLDER_RUFF}, pinned in .pre-commit-config.yaml line 3" in result.stderr
    assert _ruff_version(mono, "lint").strip() == f"ruff {OLDER_RUFF}"
    lint = _manifest(mono, "t3", "lint")
    assert lint["artifacts"]["format"] == "ruff-format.txt"
    folder = mono.root / ".tiergate/runs/t3/sessions/lint"
    assert (folder / "ruff-format.txt").read_text() == "packages/calc/src/calc/more.py\n"
    measured, details = _tools_gate(mono, "t3")["tools/lint"]
    assert measured == "2 findings"
    assert details[0].startswith("packages/calc/src/calc/unused.py:1: F401 "), details
    assert details[1:] == ["packages/calc/src/calc/more.py: would be reformatted"]


@pytest.mark.req("FR-034")
def test_sql_counts_the_files_with_violations_and_the_gate_lists_each(
    monorepo: Monorepo,
) -> None:
    monorepo.write(".sqlfluff", "[sqlfluff]\ndialect = ansi\n")
    monorepo.write("db/clean.sql", "select a from t\n")
    monorepo.write("db/schema/mixed.sql", "SELECT a from t\n")
    result = _nox(monorepo, "t7", "sql")
    assert result.returncode != 0
    sql = _manifest(monorepo, "t7", "sql")
    assert (sql["outcome"], sql["message"]) == ("failed", "sqlfluff: problems in 1 of 2 file(s)")
    measured, details = _tools_gate(monorepo, "t7")["tools/sql"]
    assert measured == "1 findings"
    assert details == ["db/schema/mixed.sql:1: CP01 Keywords must be consistently upper case."]


@pytest.mark.req("FR-143")
def test_a_local_hook_pin_is_installed_over_the_locked_ruff(monorepo: Monorepo) -> None:
    monorepo.write(
        ".pre-commit-config.yaml",
        f"""
        repos:
          - repo: local
            hooks:
              - id: ruff
                name: ruff
                entry: ruff check
                language: python
                additional_dependencies: ["ruff=={OLDER_RUFF}"]
        """,
    )
    result = _nox(monorepo, "t4", "lint")
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"ruff: ruff=={OLDER_RUFF}, pinned in .pre-commit-config.yaml line 8" in result.stderr
    assert _ruff_version(monorepo, "lint").strip() == f"ruff {OLDER_RUFF}"
    assert _manifest(monorepo, "t4", "lint")["outcome"] == "passed"


@pytest.mark.req("FR-145")
def test_bandit_is_not_run_when_no_member_has_source(tmp_path: Path) -> None:
    mono = make_monorepo(tmp_path / "mono", (PYTHON,), extra=FAST_AUDIT)
    for name in ("calc", "report"):  # virtual members holding tests only
        for path in sorted((mono.root / f"packages/{name}/src").rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        pyproject = mono.root / f"packages/{name}/pyproject.toml"
        text = pyproject.read_text()
        pyproject.write_text(text[: text.index("[build-system]")] + "[tool.uv]\npackage = false\n")
    mono.lock()
    result = _nox(mono, "t5", "security")
    assert "bandit: no source to scan" in result.stderr
    security = _manifest(mono, "t5", "security")
    assert security["outcome"] != "crashed", security["message"]
    assert "findings" not in security["artifacts"]
    assert _tools_gate(mono, "t5")["tools/security"][0].endswith("(bandit: no source to scan)")


@pytest.mark.req("FR-145")
def test_bandit_scans_every_source_with_the_repository_bandit_file(tmp_path: Path) -> None:
    mono = make_monorepo(tmp_path / "mono", (PYTHON,), extra=FAST_AUDIT)
    mono.write(".bandit", "[bandit]\nskips = B101\n")
    mono.write("packages/calc/src/calc/check.py", "def positive(x: int) -> None:\n    assert x\n")
    mono.write(
        "packages/report/src/report/shell.py",
        "import subprocess\n\n\ndef run() -> None:\n    subprocess.call('ls', shell=True)\n",
    )
    _nox(mono, "t6", "security")
    security = _manifest(mono, "t6", "security")
    assert security["outcome"] in {"passed", "failed"}, security["message"]
    bandit = json.loads((mono.root / ".tiergate/runs/t6/sessions/security/bandit.json").read_text())
    found = {(r["filename"], r["test_id"]) for r in bandit["results"]}
    shell = "packages/report/src/report/shell.py"
    assert (shell, "B602") in found
    assert {name for name, _ in found} == {shell}  # calc's assert: B101 is skipped by .bandit
    details = _tools_gate(mono, "t6")["tools/security"][1]
    assert any(d.startswith(f"{shell}:5: B602 ") for d in details), details
