"""``@pytest.mark.req(...)``: the requirement IDs of each test, in its record."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SUITE = """
import pytest

pytestmark = pytest.mark.req("FR-001")


@pytest.mark.req("FR-003", "FR-002")
def test_function():
    pass


def test_module_only():
    pass


@pytest.mark.req("FR-004")
class TestClass:
    pytestmark = [pytest.mark.req("FR-005")]

    @pytest.mark.req("FR-004", "FR-006")
    def test_method(self):
        pass


@pytest.mark.parametrize(
    "value", [1, pytest.param(2, marks=pytest.mark.req("FR-007"))]
)
def test_param(value):
    assert value


@pytest.mark.req("FR-008")
def test_skipped():
    pytest.skip("not today")


@pytest.mark.req("FR-009")
def test_failing():
    assert False
"""


def _records(path: Path) -> dict[str, dict[str, object]]:
    lines = path.read_text().splitlines()
    return {str(r["nodeid"]).split("::", 1)[1]: r for r in map(json.loads, lines)}


@pytest.mark.req("FR-052")
def test_every_level_of_req_marker_is_recorded_sorted_once(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("tests/unit/test_reqs.py", SUITE)
    out = pytester.path / "tests.jsonl"
    result = pytester.runpytest(f"--tiergate-records={out}", "--strict-markers")
    result.assert_outcomes(passed=5, failed=1, skipped=1)
    records = {k: (v["requirements"], v["outcome"]) for k, v in _records(out).items()}
    assert records == {
        "test_function": (["FR-001", "FR-002", "FR-003"], "passed"),
        "test_module_only": (["FR-001"], "passed"),
        "TestClass::test_method": (["FR-001", "FR-004", "FR-005", "FR-006"], "passed"),
        "test_param[1]": (["FR-001"], "passed"),
        "test_param[2]": (["FR-001", "FR-007"], "passed"),
        "test_skipped": (["FR-001", "FR-008"], "skipped"),
        "test_failing": (["FR-001", "FR-009"], "failed"),
    }


def test_the_marker_is_registered_and_shown_in_junit(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write(
        "tests/unit/test_one.py",
        'import pytest\n\n@pytest.mark.req("FR-012")\ndef test_one():\n    pass\n',
    )
    junit = pytester.path / "junit.xml"
    pytester.runpytest("--strict-markers", f"--junitxml={junit}").assert_outcomes(passed=1)
    assert "tiergate_requirements" in junit.read_text()
    markers = pytester.runpytest("--markers").stdout.str()
    assert "@pytest.mark.req(*ids): the requirements this test proves" in markers


@pytest.mark.req("FR-052")
def test_requirements_survive_xdist_workers(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    for index in range(4):
        write(
            f"tests/unit/test_x{index}.py",
            f'import pytest\n\n@pytest.mark.req("FR-00{index}")\ndef test_{index}():\n    pass\n',
        )
    out = pytester.path / "tests.jsonl"
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", f"--tiergate-records={out}")
    result.assert_outcomes(passed=4)
    records = sorted(_records(out).values(), key=lambda record: str(record["nodeid"]))
    assert [r["requirements"] for r in records] == [[f"FR-00{index}"] for index in range(4)]


@pytest.mark.parametrize(
    ("marker", "message"),
    [
        ("@pytest.mark.req()", "@pytest.mark.req takes requirement IDs as strings"),
        ("@pytest.mark.req", "@pytest.mark.req takes requirement IDs as strings"),
        ('@pytest.mark.req(ids=["FR-001"])', "@pytest.mark.req takes requirement IDs as strings"),
        ("@pytest.mark.req(12)", "@pytest.mark.req: 12 is not a requirement ID"),
        ('@pytest.mark.req(" FR-001")', "@pytest.mark.req: ' FR-001' is not a requirement ID"),
    ],
)
@pytest.mark.req("FR-052")
def test_a_malformed_marker_is_a_usage_error_naming_the_test(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], marker: str, message: str
) -> None:
    write("tests/unit/test_bad.py", f"import pytest\n\n{marker}\ndef test_bad():\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: tests/unit/test_bad.py::test_bad: {message}*"])
