"""The traceability matrix of a run: the specs joined with the run's per-test records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.config import PYPROJECT
from tiergate.trace.matrix import Evidence, build_matrix, configured
from tiergate.trace.specs import read_specs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tiergate.context import Context
    from tiergate.trace.matrix import TraceMatrix


def run_evidence(context: Context) -> list[Evidence]:
    """The run's tests that name requirements, one per record (member x Python x tier)."""
    return [
        Evidence(
            test=record.nodeid,
            requirements=record.requirements,
            tier=record.tier or artifacts.tier,
            package=artifacts.session.package,
            python=artifacts.session.python,
            outcome=record.outcome,
            strict_xpass=record.strict_xpass,
        )
        for artifacts, records in context.records
        for record in records
        if record.requirements
    ]


def run_matrix(context: Context, run_dirs: Sequence[str] = ()) -> TraceMatrix:
    """The matrix of the specs and the run's test records."""
    requirements = configured(context.config, context.root)
    tiers = tuple(context.config.tiers)
    specs = read_specs(context.root, requirements, tiers, context.root / PYPROJECT)
    return build_matrix(
        specs, run_evidence(context), requirements, tiers=tiers, source="run", run_dirs=run_dirs
    )
