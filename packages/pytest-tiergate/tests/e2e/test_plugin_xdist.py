from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest


def test_records_survive_xdist_workers(pytester: pytest.Pytester) -> None:
    (pytester.path / "tests/unit").mkdir(parents=True)
    (pytester.path / "tests/e2e").mkdir(parents=True)
    for index in range(10):
        tier = "unit" if index < 7 else "e2e"
        pytester.path.joinpath(f"tests/{tier}/test_n{index}.py").write_text(
            f"def test_{index}():\n    assert {index} >= 0\n"
        )
    out = pytester.path / "tests.jsonl"
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", f"--tiergate-records={out}")
    result.assert_outcomes(passed=10)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 10
    assert sorted(r["tier"] for r in records).count("unit") == 7
    assert {r["outcome"] for r in records} == {"passed"}
