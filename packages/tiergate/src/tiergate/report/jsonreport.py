"""The JSON report: a versioned document with a published schema (``gates-report.schema.json``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
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


class GatesReport(BaseModel):
    """The verdict of ``tiergate gates`` as JSON."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    verdict: Literal["passed", "failed"]
    exit_code: int = Field(description="0 passed, 1 a gate failed, 3 a session crashed.")
    run_dirs: list[str]
    crashed: list[str]
    results: list[ResultDocument]


def build_report(verdict: Verdict) -> GatesReport:
    """The report document of ``verdict``."""
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
    )


def render_json(verdict: Verdict) -> str:
    """The JSON report, stable (sorted keys), ending with a newline."""
    return build_report(verdict).model_dump_json(indent=2) + "\n"


def report_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the report."""
    schema = GatesReport.model_json_schema()
    schema["$id"] = f"urn:tiergate:gates-report:{SCHEMA_VERSION}"
    return schema
