"""``tiergate gates`` end to end: verdicts, formats, and one-line errors for bad input."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import jsonschema
import pytest

from run_cli import tiergate
from tiergate.runfolder import session_dir, session_name
from tiergate.schemas import FOLDER

if TYPE_CHECKING:
    import subprocess
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce


ONLY = ("--only", "sessions", "--only", "tests", "--only", "coverage")
ONE = {
    "src/alpha/__init__.py": "def one() -> int:\n    return 1\n",
    "tests/unit/test_alpha.py": (
        "from alpha import one\n\n\ndef test_one() -> None:\n    assert one() == 1\n"
    ),
}


def _tiergate(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return tiergate(root, "gates", *args, **env)


@pytest.fixture
def ran(
    ws_root: Path,
    built_once: BuiltOnce,
    add_member: Callable[..., Path],
    run_tier: Callable[..., Path],
) -> Path:
    """A workspace with one member whose unit tier ran (run id r1); its session folder."""
    folder = session_dir(ws_root / ".tiergate/runs/r1", session_name("tests", "3.11", "alpha"))

    def build() -> None:
        (ws_root / ".python-version").write_text("3.11\n")
        add_member("alpha", package="alpha", tests=True, files=ONE)
        assert run_tier("alpha", "unit") == folder

    built_once(build)
    return folder


def _one_line_error(result: subprocess.CompletedProcess[str], path: Path) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(f"tiergate: error: {path}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.req("FR-036")
def test_a_complete_run_passes_in_every_format(ws_root: Path, ran: Path, tmp_path: Path) -> None:
    del ran
    terminal = _tiergate(ws_root, *ONLY, TIERGATE_RUN_ID="r1")
    assert terminal.returncode == 0, terminal.stdout + terminal.stderr
    assert "PASSED" in terminal.stdout
    assert "\x1b[" not in terminal.stdout  # no colour when not a TTY
    summary = tmp_path / "summary.md"
    markdown = _tiergate(
        ws_root,
        *ONLY,
        "--run",
        ".tiergate/runs/r1",
        "--format",
        "markdown",
        GITHUB_STEP_SUMMARY=str(summary),
    )
    assert markdown.stdout.startswith("## tiergate: passed")
    assert summary.read_text() == markdown.stdout
    out = tmp_path / "report.json"
    _tiergate(
        ws_root, *ONLY, "--run", ".tiergate/runs/r1", "--format", "json", "--output", str(out)
    )
    schema = json.loads((FOLDER / "gates-report.schema.json").read_text())
    report = json.loads(out.read_text())
    jsonschema.validate(report, schema)
    assert report["verdict"] == "passed"


@pytest.mark.req("FR-032", "FR-036")
def test_a_failing_bound_is_exit_1_and_names_the_worst_files(ws_root: Path, ran: Path) -> None:
    del ran
    source = ws_root / "packages/alpha/src/alpha/extra.py"
    source.write_text("def never() -> int:\n    return 0\n")
    pyproject = ws_root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.tiergate.coverage]\ncombined = 90\n")
    result = _tiergate(ws_root, *ONLY, TIERGATE_RUN_ID="r1")
    assert result.returncode == 1
    assert "FAILED" in result.stdout
    assert "packages/alpha/src/alpha/extra.py" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.tiergate\n", "invalid TOML"),
        ("[tool.tiergate.coverage.tiers]\nsmoke = 80\n", "coverage.tiers.smoke: unknown tier"),
        (
            "[tool.tiergate.coverage]\ncombined = 101\n",
            "combined: Input should be less than or equal to 100",
        ),
    ],
)
@pytest.mark.req("NFR-001")
def test_bad_configuration_is_one_line_naming_the_file(
    ws_root: Path, ran: Path, text: str, message: str
) -> None:
    del ran
    pyproject = ws_root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n" + text)
    result = _tiergate(ws_root, *ONLY, TIERGATE_RUN_ID="r1")
    _one_line_error(result, pyproject)
    assert message in result.stderr


@pytest.mark.req("NFR-001")
def test_a_truncated_coverage_file_is_one_line(ws_root: Path, ran: Path) -> None:
    data = ran / "unit" / "coverage.db"
    data.write_bytes(data.read_bytes()[: data.stat().st_size // 2])
    _one_line_error(_tiergate(ws_root, *ONLY, TIERGATE_RUN_ID="r1"), data)


def test_junit_that_is_not_xml_is_one_line(ws_root: Path, ran: Path) -> None:
    junit = ran / "unit" / "junit.xml"
    junit.write_text("this is not xml")
    result = _tiergate(ws_root, *ONLY, TIERGATE_RUN_ID="r1")
    _one_line_error(result, junit)
    assert "invalid XML" in result.stderr


@pytest.mark.req("NFR-003")
def test_hostile_xml_is_refused_in_one_line(ws_root: Path, ran: Path) -> None:
    junit = ran / "unit" / "junit.xml"
    junit.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
        "<testsuites>&b;</testsuites>"
    )
    result = _tiergate(ws_root, *ONLY, TIERGATE_RUN_ID="r1")
    _one_line_error(result, junit)
    assert "refused XML" in result.stderr


def test_an_unknown_gate_kind_is_usage_error(ws_root: Path, ran: Path) -> None:
    del ran
    result = _tiergate(ws_root, "--only", "vibes", TIERGATE_RUN_ID="r1")
    assert result.returncode == 2
    assert "unknown gate kind 'vibes'" in result.stderr
