"""The fuzz suite's budget: at least 10,000 generated cases per run in the ``ci`` profile."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from fuzz.strategies import QUICK, QUICK_DIVISOR

MINIMUM = 10_000

pytestmark = pytest.mark.req("FR-177")


def _budget() -> dict[str, int]:
    """``module::test`` -> its ``max_examples``, for every hypothesis test of the suite."""
    found = {}
    for path in sorted(Path(__file__).parent.glob("test_fuzz_*.py")):
        if path.name == Path(__file__).name:
            continue
        module = importlib.import_module(f"fuzz.{path.stem}")
        for name, test in vars(module).items():
            chosen = getattr(test, "_hypothesis_internal_use_settings", None)
            if name.startswith("test_") and chosen is not None:
                found[f"{path.stem}::{name}"] = chosen.max_examples
    return found


def test_the_suite_generates_enough_cases() -> None:
    budget = _budget()
    minimum = MINIMUM // QUICK_DIVISOR if QUICK else MINIMUM
    assert len(budget) >= 30, sorted(budget)
    assert sum(budget.values()) >= minimum, budget
