"""The requirements gate over a run's per-test records and a workspace's spec files."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.gates import requirements
from unit.conftest import CALC_PATH, IMPORTED, Tier, record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.gates.base import GateResult
    from unit.conftest import RunFolder

DATA = {CALC_PATH: IMPORTED}
CONFIG = """\
[tool.tiergate.requirements]
specs = ["docs/specs/*.md"]
id-patterns = ['REQ-\\d{2}']
min-share = 50
"""
SPEC = """\
# Calc

- REQ-01: Doubling doubles. [tier: unit]
- REQ-02: The sign of a negative number is -1. [tiers: unit, integration]
- REQ-03: A box doubles what it holds.
- REQ-04: Nothing tests this yet.
"""
UNIT = "packages/alpha/tests/unit/test_calc.py"
INTEGRATION = "packages/alpha/tests/integration/test_box.py"


@pytest.fixture
def specs(
    alpha: Path, configure: Callable[[str], None], write_file: Callable[[str, str], Path]
) -> None:
    del alpha
    configure(CONFIG)
    write_file("docs/specs/calc.md", SPEC)


def _results(run: RunFolder) -> dict[str, GateResult]:
    return {result.gate: result for result in requirements.GATE.evaluate(run.context())}


@pytest.mark.req("FR-055")
@pytest.mark.usefixtures("specs")
def test_the_run_s_records_prove_or_fail_each_requirement(run: RunFolder) -> None:
    unit = (
        # a record without a tier is in the tier its session ran
        record(f"{UNIT}::test_double", tier=None, requirements=["REQ-01"]),
        record(f"{UNIT}::test_sign", requirements=["REQ-02"]),
        record(f"{UNIT}::test_other", requirements=["REQ-99"]),
        record(f"{UNIT}::test_plain"),
    )
    integration = (
        record(f"{INTEGRATION}::test_twice", "failed", tier="integration", requirements=["REQ-03"]),
    )
    run.tests("alpha", {"unit": Tier(unit, DATA), "integration": Tier(integration, DATA)})
    results = _results(run)
    assert {gate: (r.status, r.measured) for gate, r in results.items()} == {
        "requirements/untested": ("failed", "1 of 4"),
        "requirements/failing": ("failed", "1 of 4"),
        "requirements/skipped": ("passed", "0 of 4"),
        "requirements/missing-tier": ("failed", "1 of 4"),
        "requirements/unknown": ("failed", "1 unknown"),
        "requirements/undefined-mentions": ("passed", "0 mentions"),
        "requirements/share": ("failed", "25.00% (1 of 4)"),
    }
    assert results["requirements/untested"].details == (
        "REQ-04 (docs/specs/calc.md:6): Nothing tests this yet.",
    )
    assert results["requirements/failing"].details == (
        f"REQ-03: failed: {INTEGRATION}::test_twice (alpha, Python 3.11, integration)",
    )
    assert results["requirements/missing-tier"].details == (
        "REQ-02 (docs/specs/calc.md:4): not proven in integration (in: unit)",
    )
    assert results["requirements/unknown"].details == (f"REQ-99: named by {UNIT}::test_other",)
    share = results["requirements/share"]
    assert (share.title, share.bound) == ("share of requirements proven by passing tests", ">= 50%")


@pytest.mark.req("FR-055")
@pytest.mark.usefixtures("specs")
def test_a_requirement_whose_tests_were_all_skipped_is_red(run: RunFolder) -> None:
    unit = (
        record(f"{UNIT}::test_double", requirements=["REQ-01"]),
        record(f"{UNIT}::test_sign", "skipped", skip_reason="x", requirements=["REQ-02"]),
        record(f"{UNIT}::test_box", requirements=["REQ-03", "REQ-04"]),
    )
    integration = (
        record(f"{INTEGRATION}::test_sign", "xfailed", tier="integration", requirements=["REQ-02"]),
    )
    run.tests("alpha", {"unit": Tier(unit, DATA), "integration": Tier(integration, DATA)})
    results = _results(run)
    skipped = results["requirements/skipped"]
    assert (skipped.status, skipped.details) == (
        "failed",
        ("REQ-02 (docs/specs/calc.md:4): The sign of a negative number is -1.",),
    )
    assert results["requirements/share"].measured == "75.00% (3 of 4)"
    assert results["requirements/share"].status == "passed"


def test_without_a_requirements_table_the_gate_yields_nothing(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier((record(f"{UNIT}::t", requirements=["REQ-01"]),), DATA)})
    assert _results(run) == {}
