"""What every gate shares: the result type, the Gate protocol and their helpers.

The :class:`~tiergate.context.Context` the gates read lives below them, in :mod:`tiergate.context`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterable

    from tiergate.context import Context

Status = Literal["passed", "failed", "warning"]
"""``warning``: an honesty problem tolerated locally (it is ``failed`` in strict mode)."""


@dataclass(frozen=True)
class GateResult:
    """One gate's answer: what was measured, against which bound, and what to do."""

    gate: str
    """Stable id, e.g. ``coverage/tier/unit``."""
    title: str
    """What a person reads, e.g. ``coverage of tier unit``."""
    status: Status
    measured: str
    bound: str
    details: tuple[str, ...] = ()
    """What to act on: worst files with uncovered lines, failing tests, skips with reasons."""

    @property
    def passed(self) -> bool:
        """True when the gate does not turn the verdict red."""
        return self.status != "failed"


def not_run(
    context: Context, session: str, python: str | None
) -> tuple[Status, str, tuple[str, ...]]:
    """Status, measurement and advice for an expected ``session`` that left nothing in the run.

    Red, unless its Python is not installed here: then a loud warning locally
    and red in strict mode (CI), as the honesty rules say.
    """
    if python is None or context.interpreters.get(python, True):
        return "failed", "not run: no results in the run", (f'run: nox -s "{session}"',)
    return (
        "failed" if context.strict else "warning",
        f"not run: Python {python} not found",
        (f"install Python {python}, or remove it from .python-version",),
    )


class Gate(Protocol):
    """A kind of gate: evaluates the context into results (one per scope it checks)."""

    name: str

    def evaluate(self, context: Context) -> Iterable[GateResult]:
        """The results of this kind of gate; never raises for a red result."""
        ...


def percent_bound(bound: float) -> str:
    """``>= 85%`` (no trailing zeros)."""
    return f">= {bound:g}%"
