from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

PASSING = "def test_ok():\n    assert True\n"
MARKED = "import pytest\n\n@pytest.mark.tier({tier!r})\ndef test_marked():\n    pass\n"


def _layout(write: Callable[[str, str], Path], prefix: str = "") -> None:
    for tier in ("unit", "integration", "e2e"):
        write(f"{prefix}tests/{tier}/test_{tier}_a.py", PASSING)


def _usage_error_line(result: pytest.RunResult) -> str:
    """The one line of a usage error; no traceback anywhere."""
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    lines = [line for line in result.stderr.lines if line.strip()]
    assert len(lines) == 1, result.stderr.lines
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    return lines[0]


@pytest.mark.req("FR-020")
def test_the_default_tiers_come_from_their_folders(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _layout(write)
    result = pytester.runpytest("--tier", "unit", "-v")
    result.assert_outcomes(passed=1, deselected=2)
    result.stdout.fnmatch_lines(["*tests/unit/test_unit_a.py::test_ok PASSED*"])


def test_the_header_names_root_tiers_and_mode(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _layout(write)
    result = pytester.runpytest()
    result.stdout.fnmatch_lines(
        [f"tiergate: root {pytester.path}, tiers unit, integration, e2e, never-skip off"]
    )


def test_a_workspace_member_folder_matches_the_tier_path(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("pyproject.toml", "[tool.tiergate]\n")
    _layout(write, prefix="packages/x/")
    write("packages/y/tests/unit/test_y.py", PASSING)
    result = pytester.runpytest("--tier", "unit")
    result.assert_outcomes(passed=2, deselected=2)


@pytest.mark.req("FR-021")
def test_the_tier_option_is_repeatable(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _layout(write)
    result = pytester.runpytest("--tier", "unit", "--tier", "e2e")
    result.assert_outcomes(passed=2, deselected=1)


@pytest.mark.req("FR-020")
def test_tiers_and_their_paths_come_from_the_config(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write(
        "pyproject.toml",
        """
        [tool.tiergate.tiers]
        fast = { paths = ["checks/quick", "tests/small"] }
        slow = { paths = ["checks/long"] }
        """,
    )
    write("checks/quick/test_q.py", PASSING)
    write("packages/x/tests/small/test_s.py", PASSING)
    write("checks/long/test_l.py", PASSING)
    pytester.runpytest("--tier", "fast").assert_outcomes(passed=2, deselected=1)
    pytester.runpytest("--tier", "slow").assert_outcomes(passed=1, deselected=2)
    result = pytester.runpytest("--tier", "unit")
    assert "--tier unit: unknown tier (tiers: fast, slow)" in _usage_error_line(result)


def test_the_config_replaces_the_default_tiers(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write(
        "pyproject.toml",
        '[tool.tiergate.tiers]\nfast = { paths = ["checks"] }\nslow = { paths = ["s"] }\n',
    )
    write("tests/unit/test_u.py", PASSING)
    # tests/unit is no tier's folder any more: the test is in the default tier, the first.
    pytester.runpytest("--tier=fast").assert_outcomes(passed=1)
    pytester.runpytest("--tier=slow").assert_outcomes(deselected=1)


def test_the_root_option_and_environment_point_at_the_config(
    pytester: pytest.Pytester,
    write: Callable[[str, str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write("ws/pyproject.toml", '[tool.tiergate.tiers]\nfast = { paths = ["checks"] }\n')
    write("ws/checks/test_c.py", PASSING)
    pytester.runpytest("--tiergate-root=ws", "--tier=fast").assert_outcomes(passed=1)
    monkeypatch.setenv("TIERGATE_ROOT", str(pytester.path / "ws"))
    pytester.runpytest("--tier=fast").assert_outcomes(passed=1)


def test_a_given_root_without_a_pyproject_is_an_error(pytester: pytest.Pytester) -> None:
    (pytester.path / "nowhere").mkdir()
    line = _usage_error_line(pytester.runpytest("--tiergate-root=nowhere"))
    assert line == f"ERROR: {pytester.path / 'nowhere/pyproject.toml'}: file not found"


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        (
            '[tool.tiergate.tiers]\nunit = { paths = "tests/unit" }\n',
            "tool.tiergate.tiers.unit.paths",
        ),
        ("[tool.tiergate.coverage]\ncombined = 150\n", "tool.tiergate.coverage.combined"),
        ("[tool.tiergate]\nnot-a-key = 1\n", "tool.tiergate.not-a-key"),
    ],
)
def test_a_broken_config_is_a_one_line_usage_error(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], toml: str, key: str
) -> None:
    pyproject = write("pyproject.toml", toml)
    _layout(write)
    line = _usage_error_line(pytester.runpytest())
    assert line.startswith(f"ERROR: {pyproject}")
    assert key in line


def test_invalid_toml_in_the_given_root_is_a_one_line_usage_error(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    pyproject = write("ws/pyproject.toml", "[tool.tiergate\n")
    _layout(write)
    line = _usage_error_line(pytester.runpytest("--tiergate-root=ws"))
    assert line.startswith(f"ERROR: {pyproject}:1: invalid TOML")


@pytest.mark.req("FR-020")
def test_a_marker_puts_a_test_in_a_tier(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("test_loose.py", MARKED.format(tier="integration"))
    pytester.runpytest("--tier", "integration").assert_outcomes(passed=1)


def test_a_marker_that_agrees_with_the_folder_is_fine(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("tests/e2e/test_agree.py", MARKED.format(tier="e2e"))
    pytester.runpytest("--tier", "e2e").assert_outcomes(passed=1)


@pytest.mark.req("FR-020")
@pytest.mark.req("FR-092")
def test_a_test_in_no_tier_folder_is_in_the_default_tier(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("test_loose.py", PASSING)
    write("tests/test_flat.py", PASSING)
    write("tests/e2e/test_e.py", PASSING)
    pytester.runpytest("--tier=unit").assert_outcomes(passed=2, deselected=1)
    write("pyproject.toml", '[tool.tiergate]\ndefault-tier = "e2e"\n')
    pytester.runpytest("--tier=e2e").assert_outcomes(passed=3)


def test_an_unknown_default_tier_is_a_usage_error_naming_it(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("pyproject.toml", '[tool.tiergate]\ndefault-tier = "smoke"\n')
    write("tests/test_flat.py", PASSING)
    line = _usage_error_line(pytester.runpytest())
    assert "default-tier: unknown tier 'smoke' (tiers: unit, integration, e2e)" in line


@pytest.mark.req("FR-020")
def test_a_marker_and_a_folder_that_disagree_are_a_collection_error(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("tests/unit/test_two.py", MARKED.format(tier="e2e"))
    line = _usage_error_line(pytester.runpytest())
    assert (
        line
        == "ERROR: tests/unit/test_two.py::test_marked: is in 2 tiers: e2e (marker), unit (folder)"
    )


def test_two_matching_tier_paths_are_a_collection_error(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write(
        "pyproject.toml",
        """
        [tool.tiergate.tiers]
        unit = { paths = ["tests/unit"] }
        all = { paths = ["tests"] }
        """,
    )
    write("tests/unit/test_both.py", PASSING)
    line = _usage_error_line(pytester.runpytest())
    assert (
        line
        == "ERROR: tests/unit/test_both.py::test_ok: is in 2 tiers: unit (folder), all (folder)"
    )


@pytest.mark.req("FR-020")
def test_an_unknown_marker_tier_is_an_error(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("tests/unit/test_x.py", MARKED.format(tier="smoke"))
    line = _usage_error_line(pytester.runpytest())
    assert line == (
        "ERROR: tests/unit/test_x.py::test_marked: unknown tier 'smoke' "
        "(tiers: unit, integration, e2e)"
    )


@pytest.mark.req("FR-021")
def test_an_unknown_selected_tier_is_an_error(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _layout(write)
    line = _usage_error_line(pytester.runpytest("--tier", "smoke"))
    assert line == "ERROR: --tier smoke: unknown tier (tiers: unit, integration, e2e)"
