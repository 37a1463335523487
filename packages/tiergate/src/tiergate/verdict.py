"""Evaluate the gates over a run (one folder, or the shards of one) into one verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tiergate.context import Context
from tiergate.errors import ExitCode, TiergateError
from tiergate.gates.base import GateResult
from tiergate.gates.registry import GATES

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence
    from datetime import date
    from pathlib import Path

    from tiergate.gaps import Ranking
    from tiergate.gates.base import Gate


@dataclass(frozen=True)
class Verdict:
    """Every gate's result and what they add up to."""

    results: tuple[GateResult, ...]
    crashed: tuple[str, ...]
    """Sessions (or tiers of them) that crashed: the exit code is then 3."""
    run_dirs: tuple[Path, ...]
    context: Context = field(compare=False, repr=False)
    """What the gates read (artifacts, coverage, records): reports and history reuse it."""

    @property
    def gaps(self) -> Ranking | None:
        """The reports' gap list: ``None`` unless a gate read the run's coverage.

        Ranking parses every measured source file: a report of ``--only tests``
        does not pay for it.
        """
        if not self.context.coverage_read:
            return None
        from tiergate.gaps import ranking  # noqa: PLC0415 - gaps load coverage.py on use

        return ranking(self.context)

    @property
    def passed(self) -> bool:
        """True when no gate failed (warnings do not fail)."""
        return all(result.passed for result in self.results)

    @property
    def exit_code(self) -> ExitCode:
        """0 passed, 1 a gate failed, 3 a session crashed."""
        if self.passed:
            return ExitCode.OK
        return ExitCode.CRASHED if self.crashed else ExitCode.GATE_FAILED


def evaluate(  # noqa: PLR0913 - each keyword is one independent choice of the caller
    root: Path,
    run_dirs: Sequence[Path],
    *,
    strict: bool,
    today: date | None = None,
    only: Collection[str] | None = None,
    base: str | None = None,
    gates: Sequence[Gate] = GATES,
) -> Verdict:
    """Read the run folders and evaluate every gate (or the kinds in ``only``).

    ``base``: the git ref patch coverage diffs against (default: the configured one).
    """
    unknown = sorted(set(only or ()) - {gate.name for gate in gates})
    if unknown:
        known = ", ".join(gate.name for gate in gates)
        raise TiergateError(f"unknown gate kind {unknown[0]!r} (kinds: {known})")
    context = Context.load(root, run_dirs, strict=strict, today=today, base=base)
    chosen = [gate for gate in gates if only is None or gate.name in only]
    results = tuple(result for gate in chosen for result in gate.evaluate(context))
    if not results:  # `--only patch` without a base, say: having looked at nothing is not green
        results = (_nothing_evaluated(", ".join(gate.name for gate in chosen)),)
    crashed = tuple(
        name
        for name, (_, manifest) in context.sessions.items()
        if manifest.outcome == "crashed"
        or any(tier.outcome == "crashed" for tier in manifest.tiers.values())
    )
    return Verdict(results, crashed, tuple(run_dirs), context)


def _nothing_evaluated(kinds: str) -> GateResult:
    """Red: the gates asked for (``kinds``) had nothing to judge, so none looked."""
    return GateResult(
        "verdict/nothing-evaluated",
        f"gates asked for: {kinds}",
        "failed",
        "nothing evaluated: not configured, or nothing in the run to judge",
        "at least one result",
        ("configure those gates in [tool.tiergate] (a patch gate needs --base)",),
    )
