"""Honesty: every expected session (member x Python x tier) ran and left its artifacts.

A session with no manifest is "not run" (or "Python X.Y not found", which is a
warning locally and red in strict mode); a tier that did not run, a crashed
session and a member with source but no (or empty) coverage data are red.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.gates.base import Context, GateResult, not_run
from tiergate.junit import read_junit_totals
from tiergate.records import read_records

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from tiergate.plan import ExpectedSession
    from tiergate.runfolder import SessionManifest

NAME = "sessions"
_BOUND = "every tier ran and left results"


class SessionsGate:
    """One result per expected tests session."""

    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Check each expected session of the plan against the run."""
        for expected in context.expected:
            entry = context.sessions.get(expected.name)
            if entry is None:
                status, measured, details = not_run(context, expected.name, expected.python)
                yield GateResult(
                    f"{NAME}/{expected.name}",
                    f"session {expected.name}",
                    status,
                    measured,
                    _BOUND,
                    details,
                )
                continue
            problems = list(_problems(context, expected, *entry))
            yield GateResult(
                gate=f"{NAME}/{expected.name}",
                title=f"session {expected.name}",
                status="failed" if problems else "passed",
                measured="; ".join(problems) if problems else "ran: " + ", ".join(expected.tiers),
                bound=_BOUND,
                details=tuple(problems),
            )


def _problems(
    context: Context, expected: ExpectedSession, folder: Path, manifest: SessionManifest
) -> Iterator[str]:
    if manifest.outcome == "crashed":
        yield f"crashed: {manifest.message or 'no reason given'}"
    has_source = bool(context.workspace.member(expected.package).source_dirs)
    for tier in expected.tiers:
        run = manifest.tiers.get(tier)
        if run is None:
            yield f"tier {tier}: not run"
            continue
        if run.outcome == "crashed":
            yield f"tier {tier}: crashed: {run.message}"
        yield from _junit_agrees(folder, tier, run.artifacts)
        data = run.artifacts.get("coverage")
        if has_source and (data is None or _empty(folder / data)):
            yield f"tier {tier}: no coverage data"


def _junit_agrees(folder: Path, tier: str, artifacts: dict[str, str]) -> Iterator[str]:
    """The per-test records exist and count as many tests as pytest's JUnit XML."""
    if "records" not in artifacts or not (folder / artifacts["records"]).is_file():
        yield f"tier {tier}: no test records"
        return
    if "junit" not in artifacts:
        yield f"tier {tier}: no JUnit XML"
        return
    recorded = len(read_records(folder / artifacts["records"]))
    reported = read_junit_totals(folder / artifacts["junit"]).tests
    if recorded != reported:
        yield f"tier {tier}: {recorded} test records but {reported} tests in JUnit XML"


def _empty(path: Path) -> bool:
    return not path.is_file() or path.stat().st_size == 0


GATE = SessionsGate()
