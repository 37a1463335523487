"""Hypothesis profiles of the fuzz suite: ``ci`` (the default), ``quick`` and ``explore``.

``TIERGATE_HYPOTHESIS_PROFILE=quick`` (pre-commit) runs about ten times fewer
examples; ``ci`` and ``quick`` try the same cases every run. ``explore`` runs as
many as ``ci`` but draws new ones each run: the way to look for a new kind of
input (each one found becomes an explicit regression test). No profile writes an
example database into the repository, nor has a deadline (a reader that writes
a throwaway workspace per example is slow on a busy machine).

The suite is its own tier (``fuzz``, run under one Python: its generated cases
prove the readers, which the unit tier proves on every Python); like the unit
tier it runs without the variables of an outer run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from fuzz.strategies import PROFILE_ENV, QUICK_DIVISOR
from unit.conftest import OUTER_ENVIRONMENT

# Each example writes its files into a fresh folder of its own, never into a
# function-scoped fixture; large generated inputs (random bytes, deep nesting) are
# the point, so hypothesis may find them big and slow.
_CI = settings(
    max_examples=200,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=(HealthCheck.too_slow, HealthCheck.data_too_large),
)
# ``ci`` and ``quick`` are derandomized: every run tries the same cases, so a red run is a
# regression, never a draw. ``explore`` draws new cases each run, to hunt for new kinds.
settings.register_profile("ci", _CI, derandomize=True)
settings.register_profile("quick", _CI, max_examples=200 // QUICK_DIVISOR, derandomize=True)
settings.register_profile("explore", _CI)
settings.load_profile(os.environ.get(PROFILE_ENV, "ci"))


@pytest.fixture(autouse=True)
def _known_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 120-column pipe without colour, and none of the outer run's variables."""
    monkeypatch.setenv("COLUMNS", "120")
    for name in OUTER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
