"""Honesty: every expected session (member x Python x tier) ran and left its artifacts.

A session with no manifest is "not run" (or "Python X.Y not found", which is a
warning locally and red in strict mode); a tier that did not run, a crashed
session, a member with source but no (or empty) coverage data, a member with no
test file, and a test file that no tier collected are red. A session whose every
test was skipped (even by the allow-list) ran no test: a warning locally, red
in strict mode. A member configured with ``tests = false`` is listed with its
reason. A session whose result was reused from the cache says so, and where
from (``cached from run <id> (finished <time>)``), where one that ran says ``ran``.

What the run holds but the workspace no longer expects (a tier none of the
member's tests is in on that Python now, a tests session of a member or Python
the plan has no more) counts in no figure, and is said: a tier so in the
session's line, a session as a warning of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.files import relative
from tiergate.gates.base import GateResult, not_run
from tiergate.junit import read_junit_totals
from tiergate.plan import file_tiers, measured_by
from tiergate.reading import has_content

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

    from tiergate.context import Context
    from tiergate.plan import ExpectedSession
    from tiergate.records import TestRecord
    from tiergate.runfolder import SessionManifest
    from tiergate.workspace import Member

NAME = "sessions"
_BOUND = "every tier ran and left results"
_SHOWN = 5


class SessionsGate:
    """One result per expected tests session, and one per member that is not tested."""

    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Check each expected session of the plan against the run."""
        for member in context.workspace.members:
            if member.tested_by is not None:
                yield GateResult(
                    f"{NAME}/tested-by/{member.name}",
                    f"member {member.name}",
                    "passed",
                    f"tested by {member.tested_by}'s sessions",
                    "tested-by a tested member",
                )
            elif not member.tested:
                yield GateResult(
                    f"{NAME}/not-tested/{member.name}",
                    f"member {member.name}",
                    "passed",
                    f"not tested: {member.untested_reason}",
                    "tests = false with a reason",
                )
        records = _records_by_session(context)
        recorded = _records_by_tier(context)
        placed: dict[str, dict[Path, frozenset[str]]] = {}  # member -> its test files' tiers
        for expected in context.expected:
            entry = context.sessions.get(expected.name)
            gate, title = f"{NAME}/{expected.name}", f"session {expected.name}"
            if entry is None:
                status, measured, details = not_run(context, expected.name, expected.python)
                yield GateResult(gate, title, status, measured, _BOUND, details)
                continue
            # Which files ran is only worth asking once every tier ran.
            member = context.workspace.member(expected.package)
            problems = (
                _no_test_files(member)
                or list(_problems(context, expected, recorded, *entry))
                or _uncollected(
                    context,
                    expected,
                    _placed(context, member, placed),
                    records.get(expected.name, ()),
                )
            )
            if problems:
                yield GateResult(
                    gate, title, "failed", "; ".join(problems), _BOUND, tuple(problems)
                )
                continue
            ran = [r for r in records.get(expected.name, ()) if r.outcome != "skipped"]
            if not ran:
                total = len(records.get(expected.name, ()))
                yield GateResult(
                    gate,
                    title,
                    "failed" if context.strict else "warning",
                    f"ran no test: all {total} skipped",
                    _BOUND,
                    ("a session whose every test is skipped proves nothing",),
                )
                continue
            measured = (
                f"{entry[1].label}: {', '.join(expected.tiers)}{_elsewhere(context, expected)}"
                f"{_left_out(expected, entry[1])}"
            )
            yield GateResult(gate, title, "passed", measured, _BOUND)
        yield from _unexpected(context)


def _left_out(expected: ExpectedSession, manifest: SessionManifest) -> str:
    """``; left out: e2e (...)``: the tiers the session ran that the plan does not expect of it."""
    extra = [tier for tier in manifest.tiers if tier not in expected.tiers]
    if not extra:
        return ""
    return (
        f"; left out: {', '.join(extra)} (no test of {expected.package} is in it on "
        f"{expected.python} now)"
    )


def _unexpected(context: Context) -> Iterator[GateResult]:
    """A warning for each tests session of the run that the plan does not expect."""
    expected = {session.name for session in context.expected}
    for name, (_, manifest) in context.sessions.items():
        if manifest.kind == "tests" and name not in expected:
            yield GateResult(
                f"{NAME}/{name}",
                f"session {name}",
                "warning",
                "left out: the workspace expects no such session now",
                _BOUND,
                ("its tests and coverage count in no figure",),
            )


def _elsewhere(context: Context, expected: ExpectedSession) -> str:
    """`` (e2e on 3.12 only)``: the member's tiers its other sessions run, and on which Pythons."""
    where: dict[str, list[str]] = {}
    for other in context.expected:
        if other.package == expected.package:
            for tier in other.tiers:
                if tier not in expected.tiers:
                    where.setdefault(tier, []).append(other.python)
    others = [f"{tier} on {', '.join(pythons)} only" for tier, pythons in where.items()]
    return f" ({'; '.join(others)})" if others else ""


def _records_by_session(context: Context) -> dict[str, list[TestRecord]]:
    found: dict[str, list[TestRecord]] = {}
    for artifacts, records in context.records:
        found.setdefault(artifacts.session.name, []).extend(records)
    return found


def _records_by_tier(context: Context) -> dict[tuple[str, str], int]:
    """``(session, tier)`` -> how many records the tier left (the files :attr:`records` read)."""
    return {
        (artifacts.session.name, artifacts.tier): len(records)
        for artifacts, records in context.records
    }


def _no_test_files(member: Member) -> list[str]:
    if member.test_files:
        return []
    return [f"no test files found (looked in {member.tests.looked_in})"]


def _placed(
    context: Context, member: Member, placed: dict[str, dict[Path, frozenset[str]]]
) -> dict[Path, frozenset[str]]:
    """``member``'s test files and the tiers of each, decided once for all its sessions."""
    if member.name not in placed:
        placed[member.name] = {
            path: file_tiers(path, member.path, context.config) for path in member.test_files
        }
    return placed[member.name]


def _uncollected(
    context: Context,
    expected: ExpectedSession,
    placed: Mapping[Path, frozenset[str]],
    records: Sequence[TestRecord],
) -> list[str]:
    """The member's test files (as pytest finds them, ``placed`` in tiers) no tier ran a test of.

    A file whose every tier runs on other Pythons (``pythons``) is not this session's.
    """
    ran = {record.nodeid.partition("::")[0] for record in records}
    tiers = set(expected.tiers)
    files = (relative(path, context.root) for path, found in placed.items() if found & tiers)
    missed = [path for path in files if path not in ran]
    if not missed:
        return []
    shown = ", ".join(missed[:_SHOWN]) + (
        f" and {len(missed) - _SHOWN} more" if len(missed) > _SHOWN else ""
    )
    return [f"{len(missed)} test file(s) that no tier ran: {shown}"]


def _problems(
    context: Context,
    expected: ExpectedSession,
    recorded: Mapping[tuple[str, str], int],
    folder: Path,
    manifest: SessionManifest,
) -> Iterator[str]:
    if manifest.outcome == "crashed":
        yield f"crashed: {manifest.message or 'no reason given'}"
    member = context.workspace.member(expected.package)
    has_source = any(m.source for m in measured_by(context.workspace, member))
    for tier in expected.tiers:
        run = manifest.tiers.get(tier)
        if run is None:
            yield f"tier {tier}: not run"
            continue
        if run.outcome == "crashed":
            yield f"tier {tier}: crashed: {run.message}"
        yield from _junit_agrees(folder, tier, run.artifacts, recorded.get((expected.name, tier)))
        data = run.artifacts.get("coverage")
        if has_source and (data is None or not has_content(folder / data)):
            yield f"tier {tier}: no coverage data"


def _junit_agrees(
    folder: Path, tier: str, artifacts: dict[str, str], recorded: int | None
) -> Iterator[str]:
    """The per-test records exist and count as many tests as pytest's JUnit XML.

    ``recorded``: how many records the tier left (``None``: it left no records file).
    """
    if "records" not in artifacts or recorded is None:
        yield f"tier {tier}: no test records"
        return
    if "junit" not in artifacts:
        yield f"tier {tier}: no JUnit XML"
        return
    reported = read_junit_totals(folder / artifacts["junit"]).tests
    if recorded != reported:
        yield f"tier {tier}: {recorded} test records but {reported} tests in JUnit XML"


GATE = SessionsGate()
