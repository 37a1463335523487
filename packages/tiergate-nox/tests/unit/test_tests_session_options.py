"""What a tests session gives pytest: workers, pytest-cov's options, the coverage configuration.

The configuration written for the omit list is read back by coverage.py itself
and compared with what coverage.py reads from the user's own file: every
setting equal, the omit list extended.
"""

from __future__ import annotations

import json
import os
import textwrap
from typing import TYPE_CHECKING, Any, Literal

import pytest
from coverage.config import CoverageConfig, read_coverage_config

from tiergate.config import load_config
from tiergate.errors import ConfigError
from tiergate.workspace import load_workspace
from tiergate_nox.base import SessionContext
from tiergate_nox.covconfig import coverage_config
from tiergate_nox.testing import (
    AUTO_WORKERS_FILES,
    coverage_options,
    coverage_runner,
    last_tier_seconds,
    worker_options,
    workers_of,
)

if TYPE_CHECKING:
    from pathlib import Path

OMIT = ["/ws/libs/money/lib/money/amount_test.py", "/ws/$HOME/odd_test.py"]
"""Tests beside the source; a ``$`` in a path is no variable."""

PYPROJECT = """
[project]
name = "ws"
version = "1"

[tool.coverage.run]
branch = true
relative_files = true
patch = ["subprocess"]
plugins = ["some_coverage_plugin"]
omit = ["*/generated/*", "${EXTRA_OMIT}/*"]
data_file = ".coverage.shared"

[tool.coverage.report]
exclude_also = ["if TYPE_CHECKING:", "\\\\.\\\\.\\\\.$"]
precision = 2

[tool.coverage.paths]
source = ["src/", "*/site-packages/"]

[tool.coverage.some_coverage_plugin]
option = "on"

[tool.pytest.ini_options]
addopts = "-ra"
"""

COVERAGERC = """
[run]
branch = True
omit =
    */generated/*
    ${EXTRA_OMIT}/*
plugins = some_coverage_plugin

[report]
exclude_also =
    if TYPE_CHECKING:
    \\.\\.\\.$

[paths]
source =
    src/
    */site-packages/

[some_coverage_plugin]
option = on
"""

SETUP_CFG = """
[metadata]
name = ws

[run]
omit = not/for/coverage/*

[coverage:run]
branch = True
patch = subprocess

[coverage:report]
exclude_also =
    if TYPE_CHECKING:
"""

TOX_INI = """
[tox]
envlist = py311

[coverage:run]
relative_files = True
omit = */generated/*
"""

COVERAGERC_TOML = """
[run]
branch = true
omit = ["*/generated/*"]

[report]
exclude_also = ["if TYPE_CHECKING:"]
"""


def _quiet(message: str) -> None:
    del message


def _settings(config: CoverageConfig) -> dict[str, Any]:
    """Every setting coverage.py read, without where it read them from."""
    where = {"config_file", "config_files_attempted", "config_files_read"}
    return {k: v for k, v in vars(config).items() if not k.startswith("_") and k not in where}


def _read(config_file: bool | str) -> CoverageConfig:
    return read_coverage_config(config_file=config_file, warn=_quiet)


def _assert_same_but_omit(written: Path) -> None:
    """coverage.py reads from ``written`` what it reads here, with OMIT after the omit list."""
    original, copy = _settings(_read(config_file=True)), _settings(_read(str(written)))
    assert copy.pop("run_omit") == [*original.pop("run_omit"), *OMIT]
    assert copy == original


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder as the current one, where coverage.py looks for its configuration."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("EXTRA_OMIT", "extra")
    monkeypatch.delenv("COVERAGE_RCFILE", raising=False)
    (tmp_path / "session").mkdir()
    return tmp_path


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


@pytest.mark.req("FR-181")
@pytest.mark.parametrize(
    ("name", "text", "suffix"),
    [
        ("pyproject.toml", PYPROJECT, ".toml"),
        (".coveragerc", COVERAGERC, ".ini"),
        ("setup.cfg", SETUP_CFG, ".ini"),
        ("tox.ini", TOX_INI, ".ini"),
        (".coveragerc.toml", COVERAGERC_TOML, ".toml"),
        (".coveragerc", "[report]\nprecision = 1\n", ".ini"),
        ("pyproject.toml", "[tool.coverage.report]\nprecision = 1\n", ".toml"),
    ],
    ids=[
        "pyproject",
        "coveragerc",
        "setup-cfg",
        "tox-ini",
        "coveragerc-toml",
        "coveragerc-without-run",
        "pyproject-without-run",
    ],
)
def test_the_written_configuration_is_the_users_plus_the_omit_list(
    workspace: Path, name: str, text: str, suffix: str
) -> None:
    _write(workspace, name, text)
    written = coverage_config(OMIT, workspace / "session")
    assert written.parent == workspace / "session"
    assert written.suffix == suffix
    _assert_same_but_omit(written)


@pytest.mark.req("FR-181")
def test_the_first_file_coverage_reads_is_the_one_copied(workspace: Path) -> None:
    _write(workspace, "tox.ini", TOX_INI)
    _write(workspace, "pyproject.toml", PYPROJECT)
    _write(workspace, "setup.cfg", "[metadata]\nname = ws\n")  # no coverage settings: skipped
    written = coverage_config(OMIT, workspace / "session")
    assert written.suffix == ".ini"
    assert "relative_files" in written.read_text(encoding="utf-8")
    _assert_same_but_omit(written)


@pytest.mark.req("FR-181")
def test_coverage_rcfile_names_the_file_to_copy(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(workspace, "pyproject.toml", PYPROJECT)
    _write(workspace, "ci-coverage.ini", COVERAGERC)
    monkeypatch.setenv("COVERAGE_RCFILE", str(workspace / "ci-coverage.ini"))
    written = coverage_config(OMIT, workspace / "session")
    assert written.suffix == ".ini"
    assert _read(str(written)).run_omit == ["*/generated/*", "extra/*", *OMIT]
    _assert_same_but_omit(written)


@pytest.mark.req("FR-181")
def test_without_any_configuration_only_the_omit_list_is_written(workspace: Path) -> None:
    written = coverage_config(OMIT, workspace / "session")
    _assert_same_but_omit(written)
    assert _read(str(written)).run_omit == OMIT


@pytest.mark.req("FR-181")
def test_an_unreadable_coverage_configuration_is_one_line_naming_it(workspace: Path) -> None:
    _write(workspace, ".coveragerc", "[run]\nbranch = True\n[run]\nbranch = False\n")
    with pytest.raises(ConfigError) as raised:
        coverage_config(OMIT, workspace / "session")
    message = str(raised.value)
    assert "\n" not in message
    assert ".coveragerc" in message


@pytest.mark.req("FR-180")
@pytest.mark.parametrize(
    ("workers", "options"),
    [("auto", ["-n", "auto"]), (2, ["-n", "2"]), (256, ["-n", "256"]), (0, [])],
)
def test_workers_become_xdist_options(workers: int | Literal["auto"], options: list[str]) -> None:
    assert worker_options(workers) == options


@pytest.mark.req("FR-181")
def test_pytest_cov_measures_each_source_reports_and_bounds_nothing(tmp_path: Path) -> None:
    config = tmp_path / "coverage-config.toml"
    assert coverage_options(["/ws/src/a", "b_module"]) == [
        "--cov=/ws/src/a",
        "--cov=b_module",
        "--cov-report=",
        "--cov-fail-under=0",
    ]
    assert coverage_options(["/ws/src/a"], config)[-1] == f"--cov-config={config}"
    assert coverage_options([]) == []


@pytest.mark.req("FR-181")
def test_coverage_run_runs_the_pytest_process_only_when_there_is_source() -> None:
    assert coverage_runner([], ["/ws/x_test.py"]) == ["python"]
    assert coverage_runner(["/ws/src/a", "b"], []) == [
        "python",
        "-m",
        "coverage",
        "run",
        "--parallel-mode",
        "--source=/ws/src/a,b",
    ]
    assert coverage_runner(["/ws/src/a"], ["/ws/src/a/x_test.py"])[-1] == (
        "--omit=/ws/src/a/x_test.py"
    )


@pytest.mark.req("FR-180")
def test_a_member_may_set_its_own_workers(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "pyproject.toml",
        """
        [tool.uv.workspace]
        members = ["packages/*"]

        [tool.tiergate]
        workers = 3
        """,
    )
    for name, own in (("serial", "\n[tool.tiergate]\nworkers = 0\n"), ("spread", "")):
        folder = tmp_path / "packages" / name
        (folder / "src" / name).mkdir(parents=True)
        (folder / "src" / name / "__init__.py").write_text("", encoding="utf-8")
        _write(
            folder,
            "pyproject.toml",
            f'[project]\nname = "{name}"\nversion = "1"\nrequires-python = ">=3.11"\n'
            '[build-system]\nrequires = ["uv_build"]\nbuild-backend = "uv_build"\n' + own,
        )
    _write(tmp_path, ".python-version", "3.12\n")
    ctx = SessionContext(tmp_path, load_workspace(tmp_path), load_config(tmp_path), tmp_path)
    assert workers_of(ctx, ctx.workspace.member("serial")) == 0
    assert workers_of(ctx, ctx.workspace.member("spread")) == 3


@pytest.mark.req("FR-180")
def test_auto_runs_one_process_for_a_tier_that_was_quick_last_time(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    current = runs / "now" / "sessions" / "tests-3.12-core"
    current.mkdir(parents=True)
    assert last_tier_seconds(current, "unit") is None  # never timed: workers start
    assert worker_options("auto", None) == ["-n", "auto"]

    def record(run: str, tier: str, durations: list[float]) -> None:
        folder = runs / run / "sessions" / "tests-3.12-core" / tier
        folder.mkdir(parents=True)
        lines = [
            json.dumps({"nodeid": f"t{n}", "tier": tier, "outcome": "passed", "duration": d})
            for n, d in enumerate(durations)
        ]
        (folder / "tests.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    record("older", "unit", [30.0])
    os.utime(runs / "older", (1_000_000, 1_000_000))
    record("newer", "unit", [1.5, 2.0])
    assert last_tier_seconds(current, "unit") == 3.5  # the newest run folder holding the tier
    assert worker_options("auto", 3.5) == []
    assert worker_options("auto", 5.0) == ["-n", "auto"]
    assert worker_options(2, 3.5) == ["-n", "2"]  # a count is taken as given
    # Never timed: as many test files as AUTO_WORKERS_FILES start them, fewer do not.
    assert worker_options("auto", None, files=AUTO_WORKERS_FILES) == ["-n", "auto"]
    assert worker_options("auto", None, files=AUTO_WORKERS_FILES - 1) == []
    assert worker_options("auto", 5.0, files=1) == ["-n", "auto"]  # timed: the time decides
    assert worker_options("auto", 3.5, files=100) == []
    assert worker_options(2, None, files=1) == ["-n", "2"]
    assert worker_options(0, None, files=100) == []
    assert last_tier_seconds(current, "e2e") is None

    (runs / "newer" / "sessions" / "tests-3.12-core" / "unit" / "tests.jsonl").write_text("{")
    assert last_tier_seconds(current, "unit") is None  # unreadable: as never timed
