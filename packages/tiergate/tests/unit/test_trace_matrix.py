from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

import jsonschema
import pytest
from rich.console import Console

from tiergate.config import RequirementsConfig, TiergateConfig
from tiergate.context import Context
from tiergate.gates.requirements import GATE, judge
from tiergate.schemas import FOLDER
from tiergate.trace.matrix import Evidence, TraceMatrix, build_matrix
from tiergate.trace.render import render_json, render_markdown, render_terminal
from tiergate.trace.specs import Location, Requirement, Specs
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from tiergate.records import TestOutcome
    from tiergate.trace.matrix import Source

TIERS = ("unit", "integration", "e2e")
CONFIG = RequirementsConfig()


def _specs(*requirements: tuple[str, tuple[str, ...]]) -> Specs:
    return Specs(
        files=("docs/requirements/spec.md",),
        requirements={
            rid: Requirement(
                rid, f"title of {rid}", Location("docs/requirements/spec.md", i), tiers
            )
            for i, (rid, tiers) in enumerate(requirements, start=3)
        },
        mentions={
            "FR-001": (Location("docs/requirements/spec.md", 40),),
            "FR-404": (Location("docs/requirements/spec.md", 41),),
        },
    )


def _ran(
    test: str,
    *requirements: str,
    outcome: TestOutcome = "passed",
    tier: str = "unit",
    python: str = "3.12",
    strict_xpass: bool = False,
) -> Evidence:
    return Evidence(
        f"tests/{tier}/test_a.py::{test}",
        requirements,
        tier,
        "alpha",
        python,
        outcome,
        strict_xpass,
    )


def _matrix(
    specs: Specs,
    evidence: Sequence[Evidence],
    source: Source = "run",
    config: RequirementsConfig = CONFIG,
) -> TraceMatrix:
    return build_matrix(specs, evidence, config, tiers=TIERS, source=source, run_dirs=["runs/r1"])


def _statuses(matrix: TraceMatrix) -> dict[str, str]:
    return {row.id: row.status for row in matrix.requirements}


SPECS = _specs(
    ("FR-001", ()),
    ("FR-002", ()),
    ("FR-003", ()),
    ("FR-004", ("e2e",)),
    ("FR-005", ("unit", "e2e")),
    ("FR-006", ()),
    ("FR-007", ()),
)
EVIDENCE = [
    _ran("test_one", "FR-001", python="3.11"),
    _ran("test_one", "FR-001", python="3.12"),
    _ran("test_flaky", "FR-002", python="3.11"),
    _ran("test_flaky", "FR-002", outcome="failed", python="3.12"),
    _ran("test_ok", "FR-002"),
    _ran("test_skip", "FR-003", outcome="skipped"),
    _ran("test_xfail", "FR-003", outcome="xfailed"),
    _ran("test_loose", "FR-003", outcome="xpassed"),
    _ran("test_unit_only", "FR-004", "FR-005"),
    _ran("test_e2e", "FR-005", tier="e2e"),
    _ran("test_strict", "FR-006", outcome="xpassed", strict_xpass=True),
    _ran("test_unknown", "FR-099", "FR-001"),
    _ran("test_nothing", outcome="failed"),
]


@pytest.mark.req("FR-055")
def test_each_requirement_is_judged_from_its_tests_outcomes() -> None:
    matrix = _matrix(SPECS, EVIDENCE)
    assert _statuses(matrix) == {
        "FR-001": "proven",
        "FR-002": "failing",  # one Python failed it: a passing sibling does not make up for it
        "FR-003": "skipped",  # skipped, xfailed and a loose xpass prove nothing
        "FR-004": "missing-tier",
        "FR-005": "proven",
        "FR-006": "failing",
        "FR-007": "untested",
    }
    assert [(u.id, u.tests) for u in matrix.unknown] == [
        ("FR-099", ["tests/unit/test_a.py::test_unknown"])
    ]
    first = matrix.requirements[0]
    assert [t.test for t in first.tests] == [
        "tests/unit/test_a.py::test_one",
        "tests/unit/test_a.py::test_unknown",
    ]
    assert [(r.python, r.outcome, r.verdict) for r in first.tests[0].runs] == [
        ("3.11", "passed", "passed"),
        ("3.12", "passed", "passed"),
    ]
    assert first.mentions[0].line == 40
    assert matrix.requirements[4].proven_in == ["unit", "e2e"]
    summary = matrix.summary
    assert (summary.requirements, summary.covered, summary.share) == (7, 2, 28.57)
    assert summary.statuses == {
        "proven": 2,
        "missing-tier": 1,
        "failing": 2,
        "skipped": 1,
        "untested": 1,
    }
    assert (summary.unknown_ids, summary.tests) == (1, 10)


@pytest.mark.req("FR-054", "NFR-004")
def test_the_matrix_is_the_same_bytes_whatever_the_order_of_the_records() -> None:
    expected = render_json(_matrix(SPECS, EVIDENCE))
    for order in (EVIDENCE[::-1], EVIDENCE[5:] + EVIDENCE[:5], EVIDENCE[1::2] + EVIDENCE[::2]):
        assert render_json(_matrix(SPECS, order)) == expected


@pytest.mark.req("FR-054")
def test_the_json_validates_against_the_published_schema() -> None:
    schema = json.loads((FOLDER / "trace-matrix.schema.json").read_text())
    for source in ("run", "static"):
        document = json.loads(render_json(_matrix(SPECS, EVIDENCE, source)))
        jsonschema.validate(document, schema)
    assert schema["$id"] == "urn:tiergate:trace-matrix:1"


@pytest.mark.req("FR-054")
def test_a_static_matrix_has_no_outcomes_only_tests_and_tiers() -> None:
    found = [
        Evidence("tests/unit/test_a.py::test_a", ("FR-001", "FR-004"), "unit"),
        Evidence("tests/e2e/test_b.py::test_b", ("FR-005",), "e2e"),
    ]
    matrix = _matrix(SPECS, found, "static")
    assert _statuses(matrix) == {
        "FR-001": "tested",
        "FR-002": "untested",
        "FR-003": "untested",
        "FR-004": "missing-tier",
        "FR-005": "missing-tier",
        "FR-006": "untested",
        "FR-007": "untested",
    }
    assert matrix.requirements[0].tests[0].verdict is None
    assert matrix.summary.statuses == {"tested": 1, "missing-tier": 2, "untested": 4}
    assert [r.gate for r in judge(matrix)] == [
        "requirements/untested",
        "requirements/missing-tier",
        "requirements/unknown",
        "requirements/undefined-mentions",
        "requirements/share",
    ]


def _results(matrix: TraceMatrix) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    return {r.gate: (r.status, r.measured, r.details) for r in judge(matrix)}


@pytest.mark.req("FR-055")
def test_the_gate_names_what_to_act_on() -> None:
    results = _results(_matrix(SPECS, EVIDENCE))
    assert results["requirements/untested"] == (
        "failed",
        "1 of 7",
        ("FR-007 (docs/requirements/spec.md:9): title of FR-007",),
    )
    assert results["requirements/failing"] == (
        "failed",
        "2 of 7",
        (
            "FR-002: failed: tests/unit/test_a.py::test_flaky (alpha, Python 3.12, unit)",
            "FR-006: xpassed: tests/unit/test_a.py::test_strict (alpha, Python 3.12, unit)",
        ),
    )
    assert results["requirements/skipped"][:2] == ("failed", "1 of 7")
    assert results["requirements/missing-tier"][2] == (
        "FR-004 (docs/requirements/spec.md:6): not proven in e2e (in: unit)",
    )
    assert results["requirements/unknown"] == (
        "failed",
        "1 unknown",
        ("FR-099: named by tests/unit/test_a.py::test_unknown",),
    )
    assert results["requirements/share"] == ("passed", "28.57% (2 of 7)", ())


@pytest.mark.parametrize(
    ("proven", "bound", "status"),
    [(2, 66.66, "passed"), (2, 66.67, "failed"), (3, 100, "passed"), (0, None, "passed")],
)
@pytest.mark.req("FR-055")
def test_the_share_is_compared_exactly_with_its_bound(
    proven: int, bound: float | None, status: str
) -> None:
    specs = _specs(("FR-001", ()), ("FR-002", ()), ("FR-003", ()))
    evidence = [_ran(f"test_{i}", f"FR-00{i}") for i in range(1, proven + 1)]
    matrix = _matrix(specs, evidence, config=RequirementsConfig(min_share=bound))
    share = next(r for r in judge(matrix) if r.gate == "requirements/share")
    assert share.status == status
    assert share.bound == (f">= {bound:g}%" if bound is not None else "none (reported, not gated)")


@pytest.mark.req("FR-055")
def test_no_requirement_at_all_is_red_not_a_vacuous_pass() -> None:
    share = next(r for r in judge(_matrix(_specs(), [])) if r.gate == "requirements/share")
    assert (share.status, share.details) == (
        "failed",
        ("no requirement is defined in the spec files",),
    )


def test_many_problems_are_listed_up_to_a_limit() -> None:
    specs = _specs(*((f"FR-{i:03}", ()) for i in range(1, 26)))
    untested = next(r for r in judge(_matrix(specs, [])) if r.gate == "requirements/untested")
    assert len(untested.details) == 21
    assert untested.details[-1] == "... and 5 more"


@pytest.mark.req("FR-054")
def test_markdown_and_terminal_show_every_requirement_and_the_unknown_ids() -> None:
    matrix = _matrix(SPECS, EVIDENCE)
    markdown = render_markdown(matrix)
    assert markdown.startswith("## Requirement traceability: 2 of 7 requirements proven (28.57%)")
    assert "| ✅ | FR-001 | title of FR-001 | any | proven | 2 passed (unit) |" in markdown
    assert (
        "| ❌ | FR-002 | title of FR-002 | any | failing | 1 passed, 1 failed (unit) |" in markdown
    )
    assert "| ❌ | FR-005 | title of FR-005 | unit, e2e | proven |" not in markdown
    assert "- FR-099: tests/unit/test\\_a.py::test\\_unknown" in markdown
    assert "- FR-404 at docs/requirements/spec.md:41" in markdown
    console = Console(record=True, width=200, file=None, force_terminal=False)
    with console.capture() as captured:
        render_terminal(matrix, console)
    text = captured.get()
    assert "MISSING-TIER" in text
    assert "unknown ID FR-099: named by tests/unit/test_a.py::test_unknown" in text
    assert "source: run runs/r1" in text
    assert "spec mentions undefined FR-404 at docs/requirements/spec.md:41" in text
    scanned = Evidence("tests/unit/test_a.py::test_one", ("FR-001",), "unit")
    static = render_markdown(_matrix(SPECS, [scanned], "static"))
    assert "static scan of the test files" in static
    assert "| FR-001 | title of FR-001 | any | tested | 1 test (unit) |" in static


def test_without_a_requirements_table_the_gate_says_nothing(
    ws_root: Path, add_member: Callable[..., Path]
) -> None:
    add_member("alpha", tests=True)
    context = Context(
        root=ws_root,
        workspace=load_workspace(ws_root),
        config=TiergateConfig(),
        sessions={},
        today=date(2026, 11, 23),
        strict=True,
    )
    assert list(GATE.evaluate(context)) == []
