from __future__ import annotations

import pytest

PASSING = "def test_ok():\n    assert True\n"


def _layout(pytester: pytest.Pytester) -> None:
    for tier in ("unit", "integration", "e2e"):
        (pytester.path / f"tests/{tier}").mkdir(parents=True)
        pytester.path.joinpath(f"tests/{tier}/test_{tier}_a.py").write_text(PASSING)


def test_tier_comes_from_the_folder(pytester: pytest.Pytester) -> None:
    _layout(pytester)
    result = pytester.runpytest("--tier", "unit", "-v")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["*tests/unit/test_unit_a.py::test_ok PASSED*"])


def test_tier_option_is_repeatable(pytester: pytest.Pytester) -> None:
    _layout(pytester)
    result = pytester.runpytest("--tier", "unit", "--tier", "e2e")
    result.assert_outcomes(passed=2, deselected=1)


def test_marker_puts_a_test_in_a_tier(pytester: pytest.Pytester) -> None:
    marked = "import pytest\n\n@pytest.mark.tier('integration')\ndef test_marked():\n    pass\n"
    pytester.makepyfile(test_loose=marked)
    result = pytester.runpytest("--tier", "integration")
    result.assert_outcomes(passed=1)


def test_a_test_in_no_tier_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_loose=PASSING)
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_loose.py::test_ok: is in no tier*"])


def test_a_test_in_two_tiers_is_a_collection_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "tests/unit").mkdir(parents=True)
    pytester.path.joinpath("tests/unit/test_two.py").write_text(
        "import pytest\n\n@pytest.mark.tier('e2e')\ndef test_both():\n    pass\n"
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_two.py::test_both: is in 2 tiers: e2e, unit*"])


def test_an_unknown_marker_tier_is_an_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_x="import pytest\n\n@pytest.mark.tier('smoke')\ndef test_s():\n    pass\n"
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_x.py::test_s: unknown tier 'smoke'*"])


def test_an_unknown_selected_tier_is_an_error(pytester: pytest.Pytester) -> None:
    _layout(pytester)
    result = pytester.runpytest("--tier", "smoke")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--tier smoke: unknown*"])


def test_tiers_are_configurable(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\ntiergate_tiers =\n    fast\n    slow\n")
    (pytester.path / "suite/fast").mkdir(parents=True)
    pytester.path.joinpath("suite/fast/test_f.py").write_text(PASSING)
    result = pytester.runpytest("--tier", "fast")
    result.assert_outcomes(passed=1)
