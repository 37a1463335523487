"""pytest-tiergate under pytest-xdist: the same run as without workers, whatever it holds.

The same suite runs once with ``-n 2`` and once without, each in its own pytest
process: the records (duration and order aside), the JUnit test cases with their
properties, the outcome counts and the exit code must be equal. A run that cannot
start (a usage error, a collection error) must end the same way too.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ArtifactError
from tiergate.reading import read_xml

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

CONFIG = """
[tool.tiergate.skips]
never-skip = "{mode}"

[[tool.tiergate.skips.allow]]
test = "tests/unit/test_kinds.py::test_allowed_skip"
reason = "the database comes later"
expires = 2999-12-31
"""

KINDS = """
import pytest

pytestmark = pytest.mark.req("FR-001")


@pytest.fixture
def broken():
    raise RuntimeError("setup")


@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown")


@pytest.mark.req("FR-003", "FR-002")
def test_passes():
    pass


def test_fails():
    assert False


def test_setup_errors(broken):
    pass


def test_teardown_errors(broken_teardown):
    pass


def test_skips():
    pytest.skip("no database here")


def test_allowed_skip():
    pytest.skip("the allow-list lets this one be")


@pytest.mark.skipif(True, reason="marker skip")
def test_marked_skip():
    pass


@pytest.mark.xfail(reason="known bug", strict=False)
def test_xfails():
    assert False


@pytest.mark.xfail(reason="loose", strict=False)
def test_xpasses():
    pass


@pytest.mark.xfail(reason="fixed already?", strict=True)
def test_strict_xpass():
    pass


@pytest.mark.req("FR-004")
class TestClass:
    @pytest.mark.parametrize("value", [1, pytest.param(2, marks=pytest.mark.req("FR-007"))])
    def test_param(self, value):
        assert value
"""

MARKED = """
import pytest


@pytest.mark.tier("e2e")
def test_marked_into_e2e():
    pass


def test_in_the_default_tier():
    pass
"""


EXITS = """
import os

import pytest


@pytest.fixture
def gone():
    os._exit(3)


def test_exits_in_its_call():
    os._exit(3)


def test_exits_in_its_setup(gone):
    pass
"""


def _suite(write: Callable[[str, str], Path], *, mode: str = "off") -> None:
    write("pyproject.toml", CONFIG.format(mode=mode))
    write("tests/unit/test_kinds.py", KINDS)
    write("tests/test_marked.py", MARKED)
    for tier in ("unit", "integration", "e2e"):
        for number in range(4):
            write(f"tests/{tier}/test_{tier}_{number}.py", f"def test_{number}():\n    pass\n")


def _records(path: Path) -> list[dict[str, object]]:
    """The records without their durations, by node id (order is the workers' affair)."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    for record in records:
        assert isinstance(record.pop("duration"), float)
    return sorted(records, key=lambda record: str(record["nodeid"]))


def _junit(path: Path) -> tuple[dict[str, str], list[tuple[str, str, str, str]]]:
    """The totals (without the time) and each test case: id, outcome, properties."""
    root = read_xml(path, "JUnit XML", ArtifactError)
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    totals = {k: v for k, v in suite.attrib.items() if k not in {"time", "timestamp", "hostname"}}
    cases = []
    for case in suite.iter("testcase"):
        outcome = next((child.tag for child in case if child.tag != "properties"), "passed")
        properties = json.dumps(
            sorted((p.get("name", ""), p.get("value", "")) for p in case.iter("property"))
        )
        cases.append((case.get("classname", ""), case.get("name", ""), outcome, properties))
    return totals, sorted(cases)


class Run:
    """One pytest process over the suite: its result, records and JUnit XML."""

    def __init__(self, pytester: pytest.Pytester, name: str, *args: str) -> None:
        self.records_path = pytester.path / f"{name}.jsonl"
        self.junit_path = pytester.path / f"{name}.xml"
        self.result = pytester.runpytest_subprocess(
            "-p",
            "xdist",
            f"--tiergate-records={self.records_path}",
            f"--junitxml={self.junit_path}",
            *args,
        )

    @property
    def outcomes(self) -> dict[str, int]:
        """The counts pytest's last line gives, without ``deselected`` (only serial runs know)."""
        counts = self.result.parseoutcomes()
        counts.pop("deselected", None)
        return counts


def _both(pytester: pytest.Pytester, *args: str) -> tuple[Run, Run]:
    return Run(pytester, "serial", *args), Run(pytester, "workers", "-n", "2", *args)


def _assert_same(serial: Run, workers: Run) -> None:
    assert workers.result.ret == serial.result.ret
    assert workers.outcomes == serial.outcomes
    assert _records(workers.records_path) == _records(serial.records_path)
    assert _junit(workers.junit_path) == _junit(serial.junit_path)


@pytest.mark.req("FR-022", "FR-182")
def test_every_outcome_tier_and_requirement_is_recorded_as_without_workers(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _suite(write)
    serial, workers = _both(pytester, "-o", "xfail_strict=false")
    _assert_same(serial, workers)
    assert len(_records(serial.records_path)) == 26
    records = {str(r["nodeid"]).rsplit("::", 1)[-1]: r for r in _records(serial.records_path)}
    assert records["test_in_the_default_tier"]["tier"] == "unit"
    assert records["test_marked_into_e2e"]["tier"] == "e2e"
    assert records["test_skips"]["outcome"] == "skipped"
    assert records["test_strict_xpass"]["strict_xpass"] is True
    assert records["test_param[2]"]["requirements"] == ["FR-001", "FR-004", "FR-007"]
    assert serial.outcomes["failed"] == 2


@pytest.mark.req("FR-021", "FR-182")
@pytest.mark.parametrize("tiers", [("unit",), ("e2e",), ("integration", "e2e")])
def test_the_tier_selection_is_the_same_with_workers(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], tiers: tuple[str, ...]
) -> None:
    _suite(write)
    serial, workers = _both(pytester, *(f"--tier={tier}" for tier in tiers))
    _assert_same(serial, workers)
    assert {r["tier"] for r in _records(workers.records_path)} == set(tiers)


@pytest.mark.req("FR-044", "FR-182")
def test_never_skip_fails_the_same_skips_with_workers(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")  # never-skip = "ci"; the workers inherit the environment
    _suite(write, mode="ci")
    serial, workers = _both(pytester, "--tier=unit")
    _assert_same(serial, workers)
    skips = {
        str(r["nodeid"]).rsplit("::", 1)[-1]: (r["outcome"], r["skip_allowed"])
        for r in _records(workers.records_path)
        if r["skip_allowed"] is not None
    }
    assert skips == {
        "test_skips": ("failed", False),
        "test_marked_skip": ("failed", False),
        "test_allowed_skip": ("skipped", True),
    }


@pytest.mark.req("FR-182")
@pytest.mark.parametrize(
    ("path", "text", "message"),
    [
        (
            "tests/unit/test_two.py",
            "import pytest\n\n@pytest.mark.tier('e2e')\ndef test_two():\n    pass\n",
            "ERROR: tests/unit/test_two.py::test_two: is in 2 tiers: e2e (marker), unit (folder)",
        ),
        (
            "tests/unit/test_req.py",
            "import pytest\n\n@pytest.mark.req()\ndef test_req():\n    pass\n",
            "ERROR: tests/unit/test_req.py::test_req: @pytest.mark.req takes requirement IDs *",
        ),
    ],
    ids=["two-tiers", "bad-req"],
)
def test_a_usage_error_found_by_workers_is_one_line_exit_4_as_without(
    pytester: pytest.Pytester,
    write: Callable[[str, str], Path],
    path: str,
    text: str,
    message: str,
) -> None:
    _suite(write)
    write(path, text)
    serial, workers = _both(pytester)
    for run in (serial, workers):
        assert run.result.ret == pytest.ExitCode.USAGE_ERROR
        assert [line for line in run.result.stderr.lines if line.strip()] == [
            serial.result.stderr.lines[0]
        ]
        run.result.stderr.fnmatch_lines([message])
        assert "INTERNALERROR" not in run.result.stdout.str()
        assert "Traceback" not in run.result.stdout.str() + run.result.stderr.str()
        assert _records(run.records_path) == []


@pytest.mark.req("FR-182")
def test_an_unknown_tier_is_refused_before_any_worker_starts(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _suite(write)
    serial, workers = _both(pytester, "--tier=nope")
    for run in (serial, workers):
        assert run.result.ret == pytest.ExitCode.USAGE_ERROR
        run.result.stderr.fnmatch_lines(["ERROR: --tier nope: unknown tier (tiers: *)"])
        assert "created: " not in run.result.stdout.str()


@pytest.mark.req("FR-182")
@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("import no_such_module\n\ndef test_x():\n    pass\n", "off"),
        ("import pytest\n\npytest.skip('no db', allow_module_level=True)\n", "always"),
    ],
    ids=["import-error", "refused-module-skip"],
)
def test_a_collection_error_runs_nothing_and_interrupts_as_without_workers(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], text: str, mode: str
) -> None:
    _suite(write, mode=mode)
    write("tests/unit/test_broken.py", text)
    serial, workers = _both(pytester, "--tier=unit")
    _assert_same(serial, workers)
    assert workers.result.ret == pytest.ExitCode.INTERRUPTED
    workers.result.stdout.fnmatch_lines(["*Interrupted: 1 error during collection*"])
    assert _records(workers.records_path) == []


@pytest.mark.req("FR-182")
def test_going_on_after_collection_errors_is_the_same_with_workers(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _suite(write)
    write("tests/unit/test_broken.py", "import no_such_module\n")
    serial, workers = _both(pytester, "--tier=unit", "--continue-on-collection-errors")
    _assert_same(serial, workers)
    assert workers.result.ret == pytest.ExitCode.TESTS_FAILED
    assert len(_records(workers.records_path)) == 17


@pytest.mark.req("FR-182")
def test_a_test_that_kills_its_worker_is_recorded_failed_in_its_tier(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _suite(write)
    write("tests/e2e/test_exit.py", EXITS)
    run = Run(pytester, "workers", "-n", "2", "--tier=e2e")
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED
    records = {str(r["nodeid"]).rsplit("::", 1)[-1]: r for r in _records(run.records_path)}
    for name in ("test_exits_in_its_call", "test_exits_in_its_setup"):
        assert (records[name]["outcome"], records[name]["tier"]) == ("failed", "e2e")
    assert len(records) == 7
    assert {r["outcome"] for n, r in records.items() if "exits" not in n} == {"passed"}
