"""The tests gate over per-test records: failures, collected, skips, strict xpasses."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.gates import tests
from unit.conftest import CALC_PATH, IMPORTED, Tier, passing, record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.gates.base import GateResult
    from unit.conftest import RunFolder

DATA = {CALC_PATH: IMPORTED}
UNIT = "packages/alpha/tests/unit"
WHERE = "alpha, Python 3.11"
ALLOW = """\
[[tool.tiergate.skips.allow]]
test = "packages/alpha/tests/unit/test_net.py::*"
reason = "needs the network"
expires = 2026-11-22

[[tool.tiergate.skips.allow]]
test = "packages/alpha/tests/unit/test_old.py::test_gone"
reason = "kept for a while"
expires = 2026-11-21
"""


def _results(run: RunFolder) -> dict[str, GateResult]:
    return {result.gate: result for result in tests.GATE.evaluate(run.context())}


def test_a_clean_run_passes_all_four(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests(
        "alpha",
        {"unit": Tier(passing(2), DATA), "integration": Tier(passing(1, "integration"), DATA)},
    )
    results = _results(run)
    assert {gate: (r.status, r.measured) for gate, r in results.items()} == {
        "tests/failures": ("passed", "0 failed or errored of 3"),
        "tests/collected": ("passed", "0 of 2 runs below their minimum"),
        "tests/skips": ("passed", "0 not allowed, 0 allowed, 0 expired entries"),
        "tests/strict-xpass": ("passed", "0"),
    }


@pytest.mark.req("FR-035")
def test_failing_and_erroring_tests_are_named_with_where_they_ran(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    unit = (
        record(f"{UNIT}/test_calc.py::test_double"),
        record(f"{UNIT}/test_calc.py::test_sign", "failed"),
        record(f"{UNIT}/test_calc.py::test_box", "error"),
        # neither is a failing test: a refused skip and a strict xpass have their own results
        record(f"{UNIT}/test_calc.py::test_skip", "failed", skip_reason="no", skip_allowed=False),
        record(f"{UNIT}/test_calc.py::test_xpass", "xpassed", strict_xpass=True),
    )
    run.tests("alpha", {"unit": Tier(unit, DATA), "integration": Tier(passing(1), DATA)})
    failures = _results(run)["tests/failures"]
    assert (failures.status, failures.measured, failures.bound) == (
        "failed",
        "2 failed or errored of 6",
        "0",
    )
    assert failures.details == (
        f"failed: {UNIT}/test_calc.py::test_sign ({WHERE}, unit)",
        f"error: {UNIT}/test_calc.py::test_box ({WHERE}, unit)",
    )


def test_a_long_list_shows_ten_and_counts_the_rest(alpha: Path, run: RunFolder) -> None:
    del alpha
    failing = tuple(record(f"{UNIT}/test_calc.py::test_{n}", "failed") for n in range(13))
    run.tests("alpha", {"unit": Tier(failing, DATA), "integration": Tier(passing(1), DATA)})
    failures = _results(run)["tests/failures"]
    assert failures.details[9] == f"failed: {UNIT}/test_calc.py::test_9 ({WHERE}, unit)"
    assert failures.details[10:] == ("... and 3 more",)


@pytest.mark.req("FR-043")
def test_a_run_below_min_tests_is_red_unless_its_member_lowers_it(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    configure("[tool.tiergate]\nmin-tests = 2\n")
    run.tests(
        "alpha",
        {"unit": Tier(passing(2), DATA), "integration": Tier(passing(1, "integration"), DATA)},
    )
    collected = _results(run)["tests/collected"]
    assert (collected.status, collected.measured) == ("failed", "1 of 2 runs below their minimum")
    assert collected.details == (f"{WHERE}, integration: 1 < 2",)
    assert collected.bound == "every run at or above min-tests"

    pyproject = alpha / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.tiergate]\nmin-tests = 1\n")
    assert _results(run)["tests/collected"].status == "passed"


@pytest.mark.req("FR-044")
def test_skips_outside_the_allow_list_and_expired_entries_are_red(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure(ALLOW)
    unit = (
        # allowed by the list, on the last day of its entry
        record(f"{UNIT}/test_net.py::test_fetch", "skipped", skip_reason="offline"),
        record(f"{UNIT}/test_calc.py::test_win", "skipped", skip_reason="win", skip_allowed=True),
        record(f"{UNIT}/test_calc.py::test_db", "skipped", skip_reason="no database"),
        record(f"{UNIT}/test_calc.py::test_ci", "failed", skip_reason="CI", skip_allowed=False),
        record(f"{UNIT}/test_calc.py::test_bug", "xfailed", skip_reason="bug #12"),  # not a skip
    )
    run.tests("alpha", {"unit": Tier(unit, DATA), "integration": Tier(passing(1), DATA)})
    skips = _results(run)["tests/skips"]
    assert (skips.status, skips.measured, skips.bound) == (
        "failed",
        "2 not allowed, 2 allowed, 1 expired entries",
        "0 not allowed, 0 expired",
    )
    assert skips.details == (
        f"allow-list entry '{UNIT}/test_old.py::test_gone' expired on 2026-11-21",
        f"{UNIT}/test_calc.py::test_db ({WHERE}, unit): no database",
        f"{UNIT}/test_calc.py::test_ci ({WHERE}, unit): CI",
    )


@pytest.mark.req("FR-044")
def test_an_expired_entry_alone_is_red(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure(ALLOW)
    run.tests("alpha", {"unit": Tier(passing(1), DATA), "integration": Tier(passing(1), DATA)})
    skips = _results(run)["tests/skips"]
    assert (skips.status, skips.measured) == (
        "failed",
        "0 not allowed, 0 allowed, 1 expired entries",
    )


@pytest.mark.req("FR-045")
def test_a_strict_xfail_that_passed_is_red(alpha: Path, run: RunFolder) -> None:
    del alpha
    unit = (
        *passing(1),
        record(f"{UNIT}/test_calc.py::test_fixed", "xpassed", skip_reason="bug", strict_xpass=True),
        record(f"{UNIT}/test_calc.py::test_lax", "xpassed"),  # not strict: fine
    )
    run.tests("alpha", {"unit": Tier(unit, DATA), "integration": Tier(passing(1), DATA)})
    results = _results(run)
    xpass = results["tests/strict-xpass"]
    assert (xpass.status, xpass.measured) == ("failed", "1")
    assert xpass.details == (f"{UNIT}/test_calc.py::test_fixed ({WHERE}, unit)",)
    assert results["tests/skips"].status == "passed"


def test_a_tier_without_records_is_left_to_the_sessions_gate(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier(None, DATA), "integration": Tier(passing(1), DATA)})
    results = _results(run)
    assert results["tests/failures"].measured == "0 failed or errored of 1"
    assert results["tests/collected"].measured == "0 of 1 runs below their minimum"
