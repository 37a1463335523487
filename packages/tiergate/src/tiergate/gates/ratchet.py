"""The coverage ratchet: coverage may not drop more than a tolerance below the baseline.

Each scope of the baseline — every tier, every package, combined; the union
over Pythons — is compared with the same scope of the run, exactly: the drop
is ``baseline covered/statements - current covered/statements`` (times 100) in
:class:`~fractions.Fraction` arithmetic, and the scope passes when the drop is
at most ``[tool.tiergate.ratchet] tolerance`` percentage points. A scope of the
baseline that the run did not measure is "not run" (red): never a drop to 0,
never a value carried over.

The baseline is the committed baseline file when it exists, else the last run
recorded on the main branch (never the run being judged). Without either, the
gate says so: a warning locally, red in strict mode (CI or ``--strict``).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from tiergate.gates.base import GateResult, Status
from tiergate.history.baseline import find_baseline
from tiergate.history.summary import STAR, scope_counts, stable_run_id

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from tiergate.config import TiergateConfig
    from tiergate.context import Context
    from tiergate.covnumbers import Counts
    from tiergate.history.summary import Scope

NAME = "ratchet"
_BASELINE_BOUND = "a baseline to compare with"
_POINT_DIGITS = 4


def scope_label(scope: Scope) -> str:
    """A scope as people name it: ``tier unit``, ``tiergate``, ``combined``."""
    package, tier = scope
    if package == STAR:
        return "combined" if tier == STAR else f"tier {tier}"
    return package


def scope_names(scope: Scope) -> tuple[str, str]:
    """The gate id and title of a scope: ``ratchet/tier/unit``, ``ratchet of tier unit``."""
    package, tier = scope
    if package == STAR and tier == STAR:
        return f"{NAME}/combined", "ratchet, combined"
    if package == STAR:
        return f"{NAME}/tier/{tier}", f"ratchet of {scope_label(scope)}"
    return f"{NAME}/package/{package}", f"ratchet of {scope_label(scope)}"


def points(value: Fraction) -> str:
    """Percentage points, exact when they fit in 4 decimals (``0.11``), else rounded."""
    digits = Decimal(value.numerator) / Decimal(value.denominator)
    rounded = digits.quantize(Decimal(1).scaleb(-_POINT_DIGITS))
    text = f"{rounded:f}".rstrip("0").rstrip(".")
    return text if rounded == value else f"about {text}"


def judge(  # noqa: PLR0913 - each keyword is one input of the comparison
    scope: Scope,
    baseline: Counts,
    current: Counts | None,
    *,
    tolerance: float,
    precision: int,
    not_run: Sequence[str] = (),
    source: str = "",
) -> GateResult:
    """One scope: passes when ``baseline% - current%`` is at most ``tolerance`` (exactly)."""
    gate, title = scope_names(scope)
    bound = f"drop <= {tolerance:g} points below {baseline.percent(precision)}%"
    where = (f"baseline: {source}",) if source else ()
    if current is None:
        missing = tuple(f"no coverage data: {item}" for item in not_run)
        return GateResult(
            gate,
            title,
            "failed",
            "not run",
            bound,
            (missing or ("this scope is not in the run",)) + where,
        )
    if current.statements == 0 < baseline.statements:  # coverage.py calls that 100%
        unmeasured = "nothing of its source was measured: check [tool.coverage] source and omit"
        return GateResult(
            gate, title, "failed", "0 statements measured", bound, (*where, unmeasured)
        )
    drop = (baseline.ratio - current.ratio) * 100
    ok = drop <= Fraction(str(tolerance))
    change = f"drop {points(drop)} points" if drop >= 0 else f"rise {points(-drop)} points"
    measured = f"{current.describe(precision)}, baseline {baseline.describe(precision)}: {change}"
    advice = () if ok else ("raise coverage back; lower the baseline only on purpose",)
    return GateResult(gate, title, "passed" if ok else "failed", measured, bound, where + advice)


def missing_baseline(config: TiergateConfig) -> str:
    """Why there is no baseline: neither the file nor a run to take it from."""
    return (
        f"no baseline: no {config.baseline_file} and no complete green run recorded on "
        f"{config.history.main_branch}"
    )


def no_baseline(config: TiergateConfig, *, strict: bool) -> GateResult:
    """There is nothing to compare with: a warning locally, red in strict mode."""
    main = config.history.main_branch
    status: Status = "failed" if strict else "warning"
    return GateResult(
        f"{NAME}/baseline",
        "ratchet baseline",
        status,
        missing_baseline(config),
        _BASELINE_BOUND,
        (
            (
                f"create one: `tiergate baseline save` (and commit {config.baseline_file}), "
                f"or record a green run on {main} (`tiergate gates` records every run)"
            ),
        ),
    )


class RatchetGate:
    """One result per scope of the baseline (or one saying there is no baseline)."""

    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Compare the run's tier, package and combined coverage with the baseline."""
        ratchet = context.config.ratchet
        if ratchet is None or not context.coverage.members:
            return
        found = find_baseline(context.root, context.config, exclude=stable_run_id(context))
        if found is None:
            yield no_baseline(context.config, strict=context.strict)
            return
        scopes = found.baseline.scopes()
        if not scopes:  # nothing to compare with is not a pass
            yield GateResult(
                f"{NAME}/baseline",
                "ratchet baseline",
                "failed",
                f"the baseline holds no coverage counts ({found.source})",
                _BASELINE_BOUND,
                ("write it again from a complete run: `tiergate baseline save`",),
            )
            return
        current, not_run = scope_counts(context.coverage)
        precision = context.coverage.index.precision
        for scope, baseline in scopes.items():
            yield judge(
                scope,
                baseline,
                current.get(scope),
                tolerance=ratchet.tolerance,
                precision=precision,
                not_run=not_run.get(scope, ()),
                source=found.source,
            )


GATE = RatchetGate()
