"""The JSON report: a versioned document with a published schema (``gates-report.schema.json``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

from tiergate.reading import UtcDatetime
from tiergate.report.sessions import session_rows

if TYPE_CHECKING:
    from tiergate.gaps import Ranking
    from tiergate.verdict import Verdict

SCHEMA_VERSION: Literal[1] = 1


class ResultDocument(BaseModel):
    """One gate's result."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gate: str = Field(description="Stable id of the gate, e.g. coverage/tier/unit.")
    title: str
    status: Literal["passed", "failed", "warning"]
    measured: str
    bound: str
    details: list[str] = Field(description="What to act on.")


class CachedFromDocument(BaseModel):
    """Where a cached session's result came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: str = Field(description="The run whose result was reused.")
    finished_at: UtcDatetime = Field(description="When the session finished in that run.")
    digest: str = Field(description="The input key digest it was stored under.")


class SessionDocument(BaseModel):
    """One session of the run: ran in it, or cached (reused from an earlier run)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session: str = Field(description="The nox session name.")
    kind: str
    outcome: Literal["passed", "failed", "crashed"]
    status: Literal["ran", "cached"] = Field(
        description="ran: in this run; cached: its result was reused, it did not run now."
    )
    cached_from: CachedFromDocument | None = Field(
        description="Where a cached result came from; null when the session ran."
    )


class GapDocument(BaseModel):
    """One place where the next test would raise coverage most (see tiergate.gaps)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="File, posix, relative to the workspace root.")
    package: str = Field(description="The workspace member it belongs to.")
    function: str | None = Field(description="Qualified function name; null: module level.")
    line: int = Field(description="The def line, or the first uncovered line at module level.")
    uncovered: int = Field(description="Statements no test ran.")
    missing: str = Field(description='The uncovered statements as line ranges, e.g. "3-5, 9".')
    churn: int | None = Field(description="Commits touching the file in the window; null: no git.")
    score: float = Field(description="uncovered x (1 + log2(1 + churn)), rounded to 3 digits.")


class GapsDocument(BaseModel):
    """The best gaps of a run: where to write the next test."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    found: int = Field(description="How many gaps there are in all.")
    churn_days: int = Field(description="The churn window, in days.")
    not_ranked: list[str] = Field(description="member (tier) whose coverage data is missing.")
    top: list[GapDocument] = Field(description="The best gaps, best first.")


class GatesReport(BaseModel):
    """The verdict of ``tiergate gates`` as JSON."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    verdict: Literal["passed", "failed"]
    exit_code: int = Field(description="0 passed, 1 a gate failed, 3 a session crashed.")
    run_dirs: list[str]
    crashed: list[str]
    results: list[ResultDocument]
    sessions: list[SessionDocument] = Field(
        default_factory=list,
        description="Every session of the run, labelled ran or cached (never cached as ran).",
    )
    gaps: GapsDocument | None = Field(
        default=None,
        description="Where to write the next test; absent when the run has no coverage data.",
    )

    @model_serializer(mode="wrap")
    def _absent_gaps(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """Leave ``gaps`` out (rather than null) when there are none to show."""
        data: dict[str, Any] = handler(self)
        if data.get("gaps") is None:
            data.pop("gaps", None)
        return data


def gaps_document(gaps: Ranking) -> GapsDocument:
    """The JSON form of a gap ranking (also what ``tiergate gaps --json`` prints)."""
    return GapsDocument(
        found=gaps.found,
        churn_days=gaps.churn_days,
        not_ranked=list(gaps.not_ranked),
        top=[
            GapDocument(
                path=gap.path,
                package=gap.package,
                function=gap.function,
                line=gap.line,
                uncovered=gap.uncovered,
                missing=gap.ranges,
                churn=gap.churn,
                score=round(gap.score, 3),
            )
            for gap in gaps.gaps
        ],
    )


def build_report(verdict: Verdict) -> GatesReport:
    """The report document of ``verdict``."""
    gaps = verdict.gaps
    return GatesReport(
        schema_version=SCHEMA_VERSION,
        verdict="passed" if verdict.passed else "failed",
        exit_code=int(verdict.exit_code),
        run_dirs=[str(path) for path in verdict.run_dirs],
        crashed=list(verdict.crashed),
        results=[
            ResultDocument(
                gate=r.gate,
                title=r.title,
                status=r.status,
                measured=r.measured,
                bound=r.bound,
                details=list(r.details),
            )
            for r in verdict.results
        ],
        sessions=[
            SessionDocument(
                session=row.name,
                kind=row.kind,
                outcome=row.outcome,
                status=row.status,
                cached_from=None
                if row.reused is None
                else CachedFromDocument(
                    run_id=row.reused.run_id,
                    finished_at=row.reused.finished_at,
                    digest=row.reused.digest,
                ),
            )
            for row in session_rows(verdict.context)
        ],
        gaps=None if gaps is None else gaps_document(gaps),
    )


def render_json(verdict: Verdict) -> str:
    """The JSON report, stable (sorted keys), ending with a newline."""
    return build_report(verdict).model_dump_json(indent=2) + "\n"


def report_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the report."""
    schema = GatesReport.model_json_schema()
    schema["$id"] = f"urn:tiergate:gates-report:{SCHEMA_VERSION}"
    return schema
