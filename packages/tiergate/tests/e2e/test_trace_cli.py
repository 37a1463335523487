"""``tiergate trace`` end to end: the matrix from a run or a scan, the check, one-line errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import jsonschema
import pytest

from run_cli import tiergate
from tiergate.schemas import FOLDER

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SPEC = """\
# Alpha

- FR-001: one doubles to two
- FR-002: two doubles to four [tier: unit]
"""
TESTS = """\
import pytest

from alpha import double


@pytest.mark.req("FR-001")
def test_one() -> None:
    assert double(1) == 2


@pytest.mark.req("FR-002")
def test_two() -> None:
    assert double(2) == 4
"""
UNKNOWN = '\n\n@pytest.mark.req("FR-099")\ndef test_zero() -> None:\n    assert double(0) == 0\n'


@pytest.fixture
def traced(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    """A workspace with a spec of two requirements and a unit test for each; returns the test."""
    (ws_root / ".python-version").write_text("3.11\n")
    pyproject = ws_root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.tiergate.requirements]\nmin-share = 100\n"
    )
    (ws_root / "docs/requirements").mkdir(parents=True)
    (ws_root / "docs/requirements/alpha.md").write_text(SPEC)
    member = add_member("alpha", package="alpha", tests=True)
    (member / "src/alpha/__init__.py").write_text("def double(x: int) -> int:\n    return 2 * x\n")
    (member / "tests/unit").mkdir()
    test = member / "tests/unit/test_alpha.py"
    test.write_text(TESTS)
    return test


@pytest.mark.req("FR-054")
def test_a_run_gives_the_matrix_the_gate_and_the_same_bytes_twice(
    ws_root: Path, traced: Path, run_tier: Callable[..., Path], tmp_path: Path
) -> None:
    del traced
    run_tier("alpha", "unit")
    terminal = tiergate(ws_root, "trace", TIERGATE_RUN_ID="r1")
    assert terminal.returncode == 0, terminal.stdout + terminal.stderr
    assert "2 of 2 requirements proven (100.00%, bound >= 100%)" in terminal.stdout
    assert "source: run .tiergate/runs/r1" in terminal.stdout
    outputs = [tmp_path / "first.json", tmp_path / "second.json"]
    for output in outputs:
        args = ("trace", "--run", ".tiergate/runs/r1", "--format", "json", "--output", str(output))
        assert tiergate(ws_root, *args).returncode == 0
    assert outputs[0].read_bytes() == outputs[1].read_bytes()
    document = json.loads(outputs[0].read_text())
    jsonschema.validate(document, json.loads((FOLDER / "trace-matrix.schema.json").read_text()))
    assert document["summary"]["statuses"]["proven"] == 2
    gates = tiergate(ws_root, "gates", "--only", "requirements", TIERGATE_RUN_ID="r1")
    assert gates.returncode == 0, gates.stdout + gates.stderr
    assert "share of requirements proven by passing tests" in gates.stdout


@pytest.mark.req("FR-053", "FR-056")
def test_without_a_run_the_static_scan_and_the_check_find_an_unknown_id(
    ws_root: Path, traced: Path, tmp_path: Path
) -> None:
    markdown = tiergate(ws_root, "trace", "--format", "markdown")
    assert markdown.returncode == 0, markdown.stdout + markdown.stderr
    assert markdown.stdout.startswith("## Requirement traceability: 2 of 2 requirements named")
    assert tiergate(ws_root, "trace", "--check").returncode == 0
    traced.write_text(TESTS + UNKNOWN)
    check = tiergate(ws_root, "trace", "--check")
    assert check.returncode == 1
    assert check.stdout.splitlines()[0] == (
        "packages/alpha/tests/unit/test_alpha.py:17: FR-099 is not defined in the specs "
        "(packages/alpha/tests/unit/test_alpha.py::test_zero)"
    )
    report = tmp_path / "trace.txt"
    static = tiergate(ws_root, "trace", "--static", "--output", str(report))
    assert static.returncode == 1
    assert "unknown ID FR-099" in report.read_text()
    assert "FAILED" in report.read_text()


@pytest.mark.parametrize(
    ("case", "where", "message"),
    [
        ("duplicate", "docs/requirements/more.md:3", "FR-001 is defined twice: here and at "),
        ("pattern", "pyproject.toml:6", "id-patterns[1]: 'NFR-(' is not a valid regular"),
        ("no specs", "pyproject.toml:6", "specs: 'specs/**/*.md' matches no file"),
        ("not configured", "pyproject.toml", "tool.tiergate.requirements: not configured"),
    ],
)
@pytest.mark.req("FR-051", "NFR-001")
def test_malformed_input_is_one_line_naming_file_and_line(
    ws_root: Path, traced: Path, case: str, where: str, message: str
) -> None:
    del traced
    pyproject = ws_root / "pyproject.toml"
    text = pyproject.read_text()
    if case == "duplicate":
        (ws_root / "docs/requirements/more.md").write_text("# More\n\n- FR-001: again\n")
    elif case == "pattern":
        pyproject.write_text(text + "id-patterns = ['FR-\\d{3}', 'NFR-(']\n")
    elif case == "no specs":
        pyproject.write_text(text + "specs = ['specs/**/*.md']\n")
    else:
        pyproject.write_text(text.replace("[tool.tiergate.requirements]\nmin-share = 100\n", ""))
    for command in (("trace",), ("trace", "--check")):
        result = tiergate(ws_root, *command)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.startswith(f"tiergate: error: {ws_root / where}: ")
        assert message in result.stderr
        assert result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr
