"""What the history store keeps of an evaluated run: :class:`RunSummary`, built from a verdict.

The verdict is read through :class:`Evaluated`, the part of it the store needs:
storage sits below evaluation and never imports the gates, the verdict or the reports.

Coverage is kept as whole numbers (statements, covered statements), never as a
percentage, for each ``(package, tier, python)`` data file and for the unions
the gates judge, where ``*`` stands for "all of them together":

- ``(package, tier, "*")``: one member's tier over every Python;
- ``(package, "*", "*")``: one member over every tier and Python;
- ``("*", tier, "*")``: one tier over every member that has tests in it;
- ``("*", "*", "*")``: the whole run (combined).

A scope whose expected data is missing is left out: it did not run, and the
store never holds a number for it (no 0, no value carried over from another run).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, Literal, Protocol, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tiergate.covdata import measure, total
from tiergate.covnumbers import Counts
from tiergate.reading import UtcDatetime
from tiergate.runfolder import DEFAULT_RUN_ID, utc_time

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from tiergate.context import Context
    from tiergate.measure import Measurements

STAR = "*"
"""In a package, tier or python column: all of them together."""
HISTORY_VERSION: Literal[1] = 1

Scope = tuple[str, str]
"""``(package, tier)`` with :data:`STAR` for "all": the scopes the ratchet compares."""


class GateOutcome(Protocol):
    """What the store keeps of one gate result (a :class:`~tiergate.gates.base.GateResult`)."""

    @property
    def gate(self) -> str:
        """Stable id of the result."""
        ...

    @property
    def status(self) -> Literal["passed", "failed", "warning"]:
        """The result's status."""
        ...

    @property
    def measured(self) -> str:
        """What was measured, as shown."""
        ...

    @property
    def bound(self) -> str:
        """The bound it was held to, as shown."""
        ...


class Evaluated(Protocol):
    """What the store reads of an evaluated run (a :class:`~tiergate.verdict.Verdict`)."""

    @property
    def results(self) -> Sequence[GateOutcome]:
        """Every gate's result, in report order."""
        ...

    @property
    def context(self) -> Context:
        """What the gates read: the run's sessions, records and coverage."""
        ...

    @property
    def passed(self) -> bool:
        """True when no gate failed."""
        ...

    @property
    def exit_code(self) -> int:
        """The exit code of the evaluation."""
        ...


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScopeCounts(_Row):
    """Statements and covered statements of one scope."""

    statements: int = Field(ge=0)
    covered: int = Field(ge=0)

    @model_validator(mode="after")
    def _covered_within(self) -> Self:
        if self.covered > self.statements:
            msg = f"covered={self.covered} exceeds statements={self.statements}"
            raise ValueError(msg)
        return self

    @classmethod
    def of(cls, counts: Counts) -> ScopeCounts:
        """The model of exact counts."""
        return cls(statements=counts.statements, covered=counts.covered)

    @property
    def counts(self) -> Counts:
        """The exact counts of this scope."""
        return Counts(self.statements, self.covered)


class CoverageRow(ScopeCounts):
    """Statements and covered statements of one scope of a run."""

    package: str = Field(min_length=1, description="Member name, or * for every member.")
    tier: str = Field(min_length=1, description="Tier name, or * for every tier.")
    python: str = Field(min_length=1, description="X.Y Python version, or * for every Python.")


class TierTests(_Row):
    """The tests one tier of one session ran: outcomes counted, durations added up."""

    package: str = Field(min_length=1)
    tier: str = Field(min_length=1)
    python: str = Field(min_length=1)
    passed: int = Field(default=0, ge=0)
    failed: int = Field(default=0, ge=0)
    errors: int = Field(default=0, ge=0)
    skipped: int = Field(default=0, ge=0)
    xfailed: int = Field(default=0, ge=0)
    xpassed: int = Field(default=0, ge=0)
    duration: float = Field(
        default=0.0, ge=0, allow_inf_nan=False, description="Seconds, summed over the tests."
    )

    @property
    def total(self) -> int:
        """Every test of the tier run, whatever its outcome."""
        return self.passed + self.failed + self.errors + self.skipped + self.xfailed + self.xpassed


_Scoped = TypeVar("_Scoped", CoverageRow, TierTests)


class GateRow(_Row):
    """One gate result of the run, as the report showed it."""

    gate: str
    status: Literal["passed", "failed", "warning"]
    measured: str
    bound: str


class RunSummary(_Row):
    """One evaluated run, as the history store records it."""

    run_id: str = Field(min_length=1, description="Unique in a store.")
    recorded_at: UtcDatetime = Field(description="When the run was evaluated (UTC).")
    started_at: UtcDatetime | None = Field(
        default=None, description="When its first session started (UTC)."
    )
    commit: str | None = Field(default=None, description="git HEAD when it was evaluated.")
    branch: str | None = Field(default=None, description="git branch (CI: the PR's branch).")
    verdict: Literal["passed", "failed"]
    exit_code: int
    strict: bool = Field(description="Evaluated in strict mode (CI or --strict).")
    precision: int = Field(ge=0, description="[tool.coverage.report] precision of the run.")
    tiergate_version: str
    coverage: tuple[CoverageRow, ...] = ()
    tests: tuple[TierTests, ...] = ()
    gates: tuple[GateRow, ...] = ()

    @field_validator("coverage", "tests")
    @classmethod
    def _in_scope_order(cls, rows: tuple[_Scoped, ...]) -> tuple[_Scoped, ...]:
        return tuple(sorted(rows, key=lambda row: (row.package, row.tier, row.python)))

    @property
    def passed(self) -> bool:
        """True when the verdict was green."""
        return self.verdict == "passed"

    def counts(self, package: str = STAR, tier: str = STAR, python: str = STAR) -> Counts | None:
        """The counts of one scope (``*``: all), or ``None`` when it did not run."""
        for row in self.coverage:
            if (row.package, row.tier, row.python) == (package, tier, python):
                return row.counts
        return None

    @property
    def tests_total(self) -> int:
        """Tests run over every session and tier (a test counts once per Python)."""
        return sum(row.total for row in self.tests)

    @property
    def tests_failed(self) -> int:
        """Failed and errored tests over every session and tier."""
        return sum(row.failed + row.errors for row in self.tests)

    @property
    def gates_failed(self) -> int:
        """How many gate results were red."""
        return sum(row.status == "failed" for row in self.gates)


class HistoryDocument(BaseModel):
    """``tiergate history --json``: recorded runs, newest first."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    store: str = Field(description="The store's URL, password redacted.")
    runs: list[RunSummary]


def scope_counts(measured: Measurements) -> tuple[dict[Scope, Counts], dict[Scope, list[str]]]:
    """The ratchet's scopes of a run (union over Pythons): counts, and those that did not run.

    Scopes: each tier over the members that have it, each member over its tiers,
    and everything combined. A scope with expected data missing is in the second
    mapping (with what is missing), never in the first.
    """
    names = [m.name for m in measured.members]
    scopes: dict[Scope, tuple[list[str], list[str] | None]] = {}
    for tier in measured.context.config.tiers:
        having = [name for name in names if tier in measured.tiers[name]]
        if having:
            scopes[(STAR, tier)] = (having, [tier])
    for name in names:
        if measured.tiers[name]:
            scopes[(name, STAR)] = ([name], None)
    if names:
        scopes[(STAR, STAR)] = (names, None)
    counts: dict[Scope, Counts] = {}
    not_run: dict[Scope, list[str]] = {}
    for scope, (packages, tiers) in scopes.items():
        missing = measured.not_run(packages, tiers)
        if missing:
            not_run[scope] = missing
        else:
            counts[scope] = total(measured.lines(packages, tiers))
    return counts, not_run


def _coverage_rows(measured: Measurements) -> list[CoverageRow]:
    rows = [
        _row(package, tier, python, total(measure(measured.index, measured.files[package], lines)))
        for (package, python, tier), lines in measured.by_session.items()
    ]
    rows.extend(
        _row(member.name, tier, STAR, total(measured.lines([member.name], [tier])))
        for member in measured.members
        for tier in measured.tiers[member.name]
        if not measured.not_run([member.name], [tier])
    )
    scopes, _ = scope_counts(measured)
    rows.extend(_row(package, tier, STAR, counts) for (package, tier), counts in scopes.items())
    return rows


def _row(package: str, tier: str, python: str, counts: Counts) -> CoverageRow:
    return CoverageRow(
        package=package,
        tier=tier,
        python=python,
        statements=counts.statements,
        covered=counts.covered,
    )


def _tests_rows(context: Context) -> list[TierTests]:
    rows = []
    for artifacts, records in context.records:
        outcomes = Counter(record.outcome for record in records)
        rows.append(
            TierTests(
                package=artifacts.session.package,
                tier=artifacts.tier,
                python=artifacts.session.python,
                passed=outcomes["passed"],
                failed=outcomes["failed"],
                errors=outcomes["error"],
                skipped=outcomes["skipped"],
                xfailed=outcomes["xfailed"],
                xpassed=outcomes["xpassed"],
                duration=sum(record.duration for record in records),
            )
        )
    return rows


def stable_run_id(context: Context) -> str | None:
    """The id the run folders give this run, or ``None`` when it has no session at all.

    Shards of one run carry the same ``TIERGATE_RUN_ID`` in their manifests;
    several ids (folders of different runs evaluated together) are joined with
    ``+``. Sessions run by hand all write into ``local``, whatever they are: their
    id is made of what they are (:func:`local_run_id`), so that evaluating the same
    sessions again gives the same id, and re-running one of them a new one.
    """
    ids = sorted({manifest.run_id for _, manifest in context.sessions.values()})
    if not ids:
        return None
    return "+".join(local_run_id(context) if one == DEFAULT_RUN_ID else one for one in ids)


def local_run_id(context: Context) -> str:
    """``local-<newest finish>-<digest>`` of the sessions run by hand (written into ``local``).

    The digest is over each session's name and finishing time: the same sessions
    give the same id, a session run again (or one more) gives another.
    """
    finished = sorted(
        (name, utc_time(manifest.finished_at))
        for name, (_, manifest) in context.sessions.items()
        if manifest.run_id == DEFAULT_RUN_ID
    )
    text = json.dumps([(name, moment.isoformat()) for name, moment in finished])
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    newest = max(moment for _, moment in finished)
    return f"{DEFAULT_RUN_ID}-{newest:%Y%m%dT%H%M%SZ}-{digest}"


def run_sessions(context: Context) -> dict[str, datetime]:
    """What a run was evaluated from: each session's name and when it finished (UTC)."""
    return {
        name: utc_time(manifest.finished_at) for name, (_, manifest) in context.sessions.items()
    }


def tiergate_version() -> str:
    """The installed tiergate's version (``unknown`` when run from a bare source tree)."""
    try:
        return version("tiergate")
    except PackageNotFoundError:
        return "unknown"


def build_summary(
    verdict: Evaluated,
    *,
    run_id: str,
    recorded_at: datetime,
    commit: str | None,
    branch: str | None,
) -> RunSummary:
    """The record of an evaluated run: coverage counts, tests, gate results."""
    context = verdict.context
    starts = [manifest.started_at for _, manifest in context.sessions.values()]
    measured = context.coverage
    return RunSummary(
        run_id=run_id,
        recorded_at=recorded_at,
        started_at=min(starts) if starts else None,
        commit=commit,
        branch=branch,
        verdict="passed" if verdict.passed else "failed",
        exit_code=int(verdict.exit_code),
        strict=context.strict,
        precision=measured.index.precision,
        tiergate_version=tiergate_version(),
        coverage=tuple(_coverage_rows(measured)),
        tests=tuple(_tests_rows(context)),
        gates=tuple(
            GateRow(gate=r.gate, status=r.status, measured=r.measured, bound=r.bound)
            for r in verdict.results
        ),
    )


def history_json_schema() -> dict[str, Any]:
    """The published JSON Schema of ``tiergate history --json``."""
    schema = HistoryDocument.model_json_schema()
    schema["$id"] = f"urn:tiergate:history:{HISTORY_VERSION}"
    return schema
