from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from pathlib import Path

SUITE = """
import pytest

def test_passes():
    pass

def test_fails():
    assert False

@pytest.fixture
def broken():
    raise RuntimeError("setup")

def test_errors(broken):
    pass

def test_skips():
    pytest.skip("no database here")

@pytest.mark.xfail(reason="known bug", strict=False)
def test_xfails():
    assert False

@pytest.mark.xfail(reason="loose", strict=False)
def test_xpasses():
    pass

@pytest.mark.xfail(reason="fixed already?", strict=True)
def test_strict_xpass():
    pass

@pytest.fixture
def broken_teardown():
    yield
    raise RuntimeError("teardown")

def test_teardown_errors(broken_teardown):
    pass
"""


def _records(path: Path) -> dict[str, dict[str, object]]:
    lines = path.read_text().splitlines()
    return {str(r["nodeid"]).split("::")[1]: r for r in map(json.loads, lines)}


@pytest.mark.req("FR-022")
def test_every_outcome_is_recorded_from_pytest_reports(pytester: pytest.Pytester) -> None:
    (pytester.path / "tests/unit").mkdir(parents=True)
    pytester.path.joinpath("tests/unit/test_outcomes.py").write_text(SUITE)
    out = pytester.path / "run" / "tests.jsonl"
    pytester.runpytest(f"--tiergate-records={out}", "-o", "xfail_strict=false")
    records = _records(out)
    assert {k: v["outcome"] for k, v in records.items()} == {
        "test_passes": "passed",
        "test_fails": "failed",
        "test_errors": "error",
        "test_skips": "skipped",
        "test_xfails": "xfailed",
        "test_xpasses": "xpassed",
        "test_strict_xpass": "xpassed",
        "test_teardown_errors": "error",
    }
    assert records["test_skips"]["skip_reason"] == "no database here"
    assert records["test_skips"]["skip_allowed"] is False
    assert {k for k, v in records.items() if v["skip_allowed"] is not None} == {"test_skips"}
    assert records["test_strict_xpass"]["strict_xpass"] is True
    assert records["test_xpasses"]["strict_xpass"] is False
    assert {r["tier"] for r in records.values()} == {"unit"}
    assert all(r["requirements"] == [] for r in records.values())
    assert all(isinstance(r["duration"], float) for r in records.values())
    assert not list(out.parent.glob(".*partial"))


def test_no_records_file_without_the_option(pytester: pytest.Pytester) -> None:
    (pytester.path / "tests/unit").mkdir(parents=True)
    pytester.path.joinpath("tests/unit/test_a.py").write_text("def test_a():\n    pass\n")
    pytester.runpytest().assert_outcomes(passed=1)
    assert not list(pytester.path.rglob("*.jsonl"))


@pytest.mark.req("FR-095")
def test_ids_are_relative_to_the_workspace_root_when_the_member_has_its_own_rootdir(
    pytester: pytest.Pytester,
) -> None:
    # The member's own pytest configuration makes pytest's rootdir the member folder:
    # pytest's node ids start at tests/, the records and the allow-list at the workspace root.
    pytester.path.joinpath("pyproject.toml").write_text(
        "[tool.tiergate.skips]\n"
        'never-skip = "always"\n'
        "[[tool.tiergate.skips.allow]]\n"
        'test = "packages/a/tests/test_a.py::test_skipped"\n'
        'reason = "needs a database"\n'
        "expires = 2999-01-01\n"
    )
    member = pytester.path / "packages" / "a"
    (member / "tests").mkdir(parents=True)
    member.joinpath("pyproject.toml").write_text("[tool.pytest.ini_options]\nxfail_strict = true\n")
    member.joinpath("tests/test_a.py").write_text(
        "import pytest\n\ndef test_ok():\n    pass\n\n"
        "def test_skipped():\n    pytest.skip('no database')\n"
    )
    records = pytester.path / "records.jsonl"
    result = pytester.runpytest(
        str(member / "tests"),
        f"--tiergate-root={pytester.path}",
        f"--tiergate-records={records}",
        "-v",
    )
    result.stdout.fnmatch_lines([f"rootdir: {member}"])  # pytest's ids start at tests/
    result.assert_outcomes(passed=1, skipped=1)  # the allow-list entry matched
    ids = [json.loads(line)["nodeid"] for line in records.read_text().splitlines()]
    assert ids == [
        "packages/a/tests/test_a.py::test_ok",
        "packages/a/tests/test_a.py::test_skipped",
    ]
