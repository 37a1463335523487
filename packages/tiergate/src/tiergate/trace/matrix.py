"""The traceability matrix: each requirement, the tests that name it, and what they prove.

A versioned JSON document with a published schema (``trace-matrix.schema.json``),
built from a run's per-test records (``source: run``) or from the static scan
of the test files (``source: static``: no outcomes). Everything in it is sorted
and no time is recorded, so the same inputs give the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tiergate.config import PYPROJECT
from tiergate.errors import ConfigError
from tiergate.trace.scan import scan_workspace
from tiergate.trace.specs import KEY, Specs, id_key, read_specs

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from tiergate.config import RequirementsConfig, TiergateConfig
    from tiergate.records import TestOutcome
    from tiergate.trace.specs import Requirement
    from tiergate.workspace import Workspace

SCHEMA_VERSION: Literal[1] = 1
Source = Literal["run", "static"]
Status = Literal["proven", "tested", "missing-tier", "failing", "skipped", "untested"]
Verdict = Literal["passed", "failed", "skipped"]
RUN_STATUSES: tuple[Status, ...] = ("proven", "missing-tier", "failing", "skipped", "untested")
STATIC_STATUSES: tuple[Status, ...] = ("tested", "missing-tier", "untested")
_FAILED = {"failed", "error"}


@dataclass(frozen=True)
class Evidence:
    """One test naming requirements: a record of a run, or a test the static scan found."""

    test: str
    requirements: tuple[str, ...]
    tier: str | None
    package: str | None = None
    python: str | None = None
    outcome: TestOutcome | None = None
    """``None`` in a static scan."""
    strict_xpass: bool = False

    @property
    def verdict(self) -> Verdict | None:
        """passed; failed (failed, error, a strict xfail that passed); else skipped."""
        if self.outcome is None:
            return None
        if self.outcome in _FAILED or self.strict_xpass:
            return "failed"
        return "passed" if self.outcome == "passed" else "skipped"


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunOutcome(_Document):
    """One Python's outcome of a test."""

    python: str | None
    outcome: str = Field(description="As pytest-tiergate recorded it (passed, failed, ...).")
    verdict: Verdict = Field(description="What it proves; see the test's verdict.")


class TestEntry(_Document):
    """A test naming the requirement."""

    __test__ = False  # a model, not a test class

    test: str = Field(description="pytest node id (static scan: path::Class::test from the root).")
    package: str | None = Field(description="The workspace member the test belongs to.")
    tier: str | None
    verdict: Verdict | None = Field(
        description=(
            "failed when a Python failed it (failed, error, strict xpass); else passed when a "
            "Python passed it; else skipped (skipped, xfailed, xpassed). null in a static scan."
        )
    )
    runs: list[RunOutcome] = Field(description="Each Python's outcome (empty in a static scan).")


class Place(_Document):
    """A line of a spec file, relative to the workspace root."""

    file: str
    line: int


class RequirementEntry(_Document):
    """One requirement: where it is defined, what it demands, its tests and its status."""

    id: str
    title: str
    file: str
    line: int
    tiers: list[str] = Field(description="Tiers its spec demands it be proven in (empty: any).")
    status: Status = Field(
        description=(
            "run: proven, missing-tier (passing tests, but not in every demanded tier), failing "
            "(a test of it failed), skipped (no test of it passed), untested (no test names it); "
            "static: tested, missing-tier, untested."
        )
    )
    proven_in: list[str] = Field(
        description="Tiers with a passing test of it (static: with a test of it)."
    )
    tests: list[TestEntry]
    mentions: list[Place] = Field(description="Where the specs mention it without defining it.")


class UnknownEntry(_Document):
    """An ID that tests name but no spec defines."""

    id: str
    tests: list[str]


class DanglingMention(_Document):
    """A spec mentions an ID that no spec defines: a requirement written where none is defined."""

    id: str
    file: str
    line: int


class Summary(_Document):
    """Counts over the matrix."""

    requirements: int
    covered: int = Field(description="Requirements proven (run) or named by a test (static).")
    share: float = Field(description="covered / requirements in percent, rounded to 2 places.")
    min_share: float | None = Field(description="The configured bound on share, if any.")
    statuses: dict[str, int] = Field(description="Status -> number of requirements.")
    unknown_ids: int
    tests: int = Field(description="Distinct tests naming at least one ID.")


class TraceMatrix(_Document):
    """``tiergate trace --format json``: the traceability matrix."""

    schema_version: Literal[1]
    source: Source = Field(description="run: from a run's test records; static: from a scan.")
    run_dirs: list[str]
    tiers: list[str] = Field(description="The configured tiers, lowest first.")
    id_patterns: list[str]
    specs: list[str] = Field(description="The spec files read, relative to the workspace root.")
    summary: Summary
    requirements: list[RequirementEntry]
    unknown: list[UnknownEntry] = Field(description="IDs named by tests but defined nowhere.")
    dangling_mentions: list[DanglingMention]

    def share(self) -> Fraction:
        """The exact share of covered requirements, in percent (0 without requirements)."""
        total = self.summary.requirements
        return Fraction(self.summary.covered * 100, total) if total else Fraction(0)


def configured(config: TiergateConfig, root: Path) -> RequirementsConfig:
    """``[tool.tiergate.requirements]``; its absence is a ConfigError naming the file."""
    if config.requirements is None:
        msg = f"{KEY}: not configured; add the table to trace requirements"
        raise ConfigError(msg, path=root / PYPROJECT)
    return config.requirements


def static_matrix(workspace: Workspace, config: TiergateConfig) -> TraceMatrix:
    """The matrix of the specs and the tests the static scan finds (no outcomes)."""
    requirements = configured(config, workspace.root)
    tiers = tuple(config.tiers)
    specs = read_specs(workspace.root, requirements, tiers, workspace.root / PYPROJECT)
    evidence = [
        Evidence(test.id, test.requirements, test.tier, package=test.package)
        for test in scan_workspace(workspace, config)
    ]
    return build_matrix(specs, evidence, requirements, tiers=tiers, source="static")


def build_matrix(  # noqa: PLR0913 - each keyword is one independent input of the matrix
    specs: Specs,
    evidence: Iterable[Evidence],
    config: RequirementsConfig,
    *,
    tiers: Sequence[str],
    source: Source,
    run_dirs: Sequence[str] = (),
) -> TraceMatrix:
    """Join requirements and the tests naming them; judge each requirement."""
    runs: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    named: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for item in evidence:
        key = (item.package or "", item.test, item.tier or "")
        runs[key].append(item)
        for identifier in item.requirements:
            named[identifier].add(key)
    entries = {key: _test_entry(found) for key, found in runs.items() if found[0].requirements}
    rows = [
        _requirement(
            requirement,
            [entries[key] for key in sorted(named.get(requirement.id, ()))],
            specs,
            tiers,
            source,
        )
        for requirement in specs.requirements.values()
    ]
    unknown = [
        UnknownEntry(id=identifier, tests=sorted({key[1] for key in keys}))
        for identifier, keys in sorted(named.items(), key=lambda item: id_key(item[0]))
        if identifier not in specs.requirements
    ]
    statuses = RUN_STATUSES if source == "run" else STATIC_STATUSES
    covered = sum(row.status in {"proven", "tested"} for row in rows)
    share = round(Fraction(covered * 100, len(rows)), 2) if rows else Fraction(0)
    return TraceMatrix(
        schema_version=SCHEMA_VERSION,
        source=source,
        run_dirs=list(run_dirs),
        tiers=list(tiers),
        id_patterns=list(config.id_patterns),
        specs=list(specs.files),
        summary=Summary(
            requirements=len(rows),
            covered=covered,
            share=float(share),
            min_share=config.min_share,
            statuses={status: sum(row.status == status for row in rows) for status in statuses},
            unknown_ids=len(unknown),
            tests=len(entries),
        ),
        requirements=rows,
        unknown=unknown,
        dangling_mentions=[
            DanglingMention(id=identifier, file=where.file, line=where.line)
            for identifier, where in specs.dangling()
        ],
    )


def _test_entry(found: list[Evidence]) -> TestEntry:
    first = found[0]
    verdicts = {item.verdict for item in found}
    verdict: Verdict | None = None
    if first.outcome is not None:
        verdict = next(v for v in ("failed", "passed", "skipped") if v in verdicts)
    runs = sorted(
        (
            RunOutcome(python=item.python, outcome=item.outcome, verdict=item.verdict)
            for item in found
            if item.outcome is not None and item.verdict is not None
        ),
        key=lambda run: (id_key(run.python or ""), run.outcome),  # 3.9 before 3.10
    )
    return TestEntry(
        test=first.test, package=first.package, tier=first.tier, verdict=verdict, runs=runs
    )


def _requirement(
    requirement: Requirement,
    tests: list[TestEntry],
    specs: Specs,
    tiers: Sequence[str],
    source: Source,
) -> RequirementEntry:
    proving = [test for test in tests if source == "static" or test.verdict == "passed"]
    proven_in = [tier for tier in tiers if any(test.tier == tier for test in proving)]
    status: Status
    if not tests:
        status = "untested"
    elif source == "run" and any(test.verdict == "failed" for test in tests):
        status = "failing"
    elif not proving:
        status = "skipped"
    elif set(requirement.tiers) - set(proven_in):
        status = "missing-tier"
    else:
        status = "proven" if source == "run" else "tested"
    return RequirementEntry(
        id=requirement.id,
        title=requirement.title,
        file=requirement.location.file,
        line=requirement.location.line,
        tiers=list(requirement.tiers),
        status=status,
        proven_in=proven_in,
        tests=tests,
        mentions=[Place(file=m.file, line=m.line) for m in specs.mentions.get(requirement.id, ())],
    )


def matrix_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the matrix."""
    schema = TraceMatrix.model_json_schema()
    schema["$id"] = f"urn:tiergate:trace-matrix:{SCHEMA_VERSION}"
    return schema
