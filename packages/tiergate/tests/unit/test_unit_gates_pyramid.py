"""The pyramid gate: each tier's share of the distinct tests, compared exactly."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.gates import pyramid
from unit.conftest import CALC_PATH, IMPORTED, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.gates.base import GateResult
    from unit.conftest import RunFolder

DATA = {CALC_PATH: IMPORTED}


def _results(run: RunFolder) -> dict[str, GateResult]:
    return {result.gate: result for result in pyramid.GATE.evaluate(run.context())}


def _tests(run: RunFolder, unit: int, integration: int, python: str = "3.11") -> None:
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(unit), DATA),
            "integration": Tier(passing(integration, "integration"), DATA),
        },
        python=python,
    )


def test_without_configured_shares_there_is_no_result(alpha: Path, run: RunFolder) -> None:
    del alpha
    _tests(run, 6, 4)
    assert _results(run) == {}


@pytest.mark.req("FR-033")
def test_each_configured_tier_is_compared_with_its_bounds(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure(
        "[tool.tiergate.pyramid]\nunit = { min = 60 }\nintegration = { min = 10, max = 40 }\n"
        "e2e = { max = 15 }\n"
    )
    _tests(run, 6, 4)
    results = _results(run)
    assert {gate: (r.status, r.measured, r.bound) for gate, r in results.items()} == {
        "pyramid/unit": ("passed", "60.0% (6 of 10)", ">= 60%"),  # exactly at the bound
        "pyramid/integration": ("passed", "40.0% (4 of 10)", ">= 10% and <= 40%"),
        "pyramid/e2e": ("passed", "0.0% (0 of 10)", "<= 15%"),
    }
    assert results["pyramid/unit"].title == "share of unit tests"


@pytest.mark.req("FR-033")
def test_shares_are_compared_exactly_not_rounded(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.pyramid]\nunit = { min = 33.3 }\nintegration = { max = 66.6 }\n")
    _tests(run, 1, 2)
    results = _results(run)
    # 1/3 = 33.333...% is above 33.3; 2/3 = 66.666...% is above 66.6, though both show as x.x
    assert (results["pyramid/unit"].status, results["pyramid/unit"].measured) == (
        "passed",
        "33.3% (1 of 3)",
    )
    assert (results["pyramid/integration"].status, results["pyramid/integration"].measured) == (
        "failed",
        "66.7% (2 of 3)",
    )


@pytest.mark.req("FR-033")
def test_a_test_counts_once_per_member_not_once_per_python(
    workspace: Path, alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    (workspace / ".python-version").write_text("3.11\n3.12\n")
    configure("[tool.tiergate.pyramid]\nunit = { min = 75 }\n")
    _tests(run, 3, 1)
    _tests(run, 3, 1, python="3.12")
    unit = _results(run)["pyramid/unit"]
    assert (unit.status, unit.measured) == ("passed", "75.0% (3 of 4)")


def test_no_tests_at_all_is_red(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.pyramid]\ne2e = { max = 15 }\n")
    _tests(run, 0, 0)
    e2e = _results(run)["pyramid/e2e"]
    assert (e2e.status, e2e.measured) == ("failed", "0.0% (0 of 0)")
