from __future__ import annotations

import json

import pytest


@pytest.mark.req("FR-022")
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


@pytest.mark.req("FR-044")
def test_a_disallowed_skip_fails_under_xdist_workers_too(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")  # never-skip = "ci" by default; workers inherit the env
    (pytester.path / "tests/unit").mkdir(parents=True)
    for index in range(4):
        pytester.path.joinpath(f"tests/unit/test_s{index}.py").write_text(
            "import pytest\n\n"
            f"def test_{index}():\n    pass\n\n"
            f"@pytest.mark.skip(reason='later {index}')\ndef test_skip_{index}():\n    pass\n"
        )
    out = pytester.path / "tests.jsonl"
    result = pytester.runpytest_subprocess("-n", "2", "-p", "xdist", f"--tiergate-records={out}")
    assert result.ret == 1
    result.assert_outcomes(passed=4, failed=4)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == 8
    skipped = sorted(
        (r["outcome"], r["skip_reason"], r["skip_allowed"]) for r in records if r["skip_reason"]
    )
    assert skipped == [("failed", f"later {index}", False) for index in range(4)]
