"""The tools and pyramid gates over hand-written run folders of a throwaway workspace."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from tiergate.config import PyramidBound, TiergateConfig
from tiergate.context import Context
from tiergate.errors import ArtifactError
from tiergate.gates import pyramid, tools
from tiergate.runfolder import SessionManifest, TierRun, session_name
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from tiergate.gates.base import GateResult
    from tiergate.runfolder import Outcome, SessionKind

NOW = datetime(2026, 11, 22, tzinfo=UTC)


@pytest.fixture
def context(ws_root: Path, add_member: Callable[..., Path]) -> Context:
    (ws_root / ".python-version").write_text("3.12\n")
    member = add_member("alpha", package="alpha", tests=True)
    for tier in ("unit", "e2e"):
        (member / "tests" / tier).mkdir()
        (member / "tests" / tier / f"test_{tier}.py").write_text(
            "def test_0() -> None:\n    pass\n"
        )
    return Context(
        root=ws_root,
        workspace=load_workspace(ws_root),
        config=TiergateConfig(),
        sessions={},
        today=date(2026, 11, 22),
        strict=True,
    )


def _session(  # noqa: PLR0913 - one keyword per part of a manifest
    context: Context,
    name: str,
    kind: SessionKind,
    files: dict[str, str],
    *,
    outcome: Outcome = "passed",
    tiers: dict[str, TierRun] | None = None,
    message: str = "",
) -> None:
    folder = context.root / "run" / name.replace("'", "")
    folder.mkdir(parents=True)
    for relative, text in files.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text)
    manifest = SessionManifest(
        schema_version=1,
        run_id="r",
        session=name,
        kind=kind,
        package=None,
        python=None,
        started_at=NOW,
        finished_at=NOW,
        outcome=outcome,
        exit_code=0,
        command=[],
        artifacts=dict(_roles(kind, files)),
        message=message,
        tiers=tiers or {},
    )
    context.sessions = {**context.sessions, name: (folder, manifest)}


def _roles(kind: str, files: dict[str, str]) -> Iterable[tuple[str, str]]:
    if kind != "tests":
        yield "findings", next(iter(files))


def _by_gate(results: Iterable[GateResult]) -> dict[str, GateResult]:
    return {result.gate: result for result in results}


RUFF = [{"filename": "a.py", "location": {"row": 3}, "code": "F401", "message": "unused"}]
MYPY = '{"file": "a.py", "line": 2, "severity": "error", "message": "bad", "code": "x"}\n'
SQL = [
    {"filepath": "q.sql", "violations": [{"start_line_no": 1, "code": "LT01", "description": "s"}]}
]
BANDIT = {
    "results": [{"filename": "a.py", "line_number": 5, "test_id": "B602", "issue_text": "sh"}]
}
AUDIT = {
    "status": "failed",
    "findings": [{"package": "requests", "version": "2.19.0", "advisory_id": "PYSEC-2018-28"}],
}


@pytest.mark.req("FR-034")
def test_every_tool_session_is_expected_and_missing_ones_are_red(context: Context) -> None:
    results = _by_gate(tools.GATE.evaluate(context))
    assert list(results) == [
        "tools/lint",
        f"tools/{session_name('type', '3.12', 'alpha')}",
        "tools/sql",
        "tools/security",
        "tools/audit",
    ]
    assert {r.measured for r in results.values()} == {"not run: no results in the run"}
    assert not any(r.passed for r in results.values())


@pytest.mark.req("FR-034")
def test_findings_are_counted_and_listed(context: Context) -> None:
    _session(context, "lint", "lint", {"ruff.json": json.dumps(RUFF)}, outcome="failed")
    _session(
        context, session_name("type", "3.12", "alpha"), "type", {"mypy.jsonl": "note\n" + MYPY}
    )
    _session(context, "sql", "sql", {"sqlfluff.json": json.dumps(SQL)})
    _session(context, "security", "security", {"bandit.json": json.dumps(BANDIT)})
    _session(context, "audit", "audit", {"audit.json": json.dumps(AUDIT)})
    results = _by_gate(tools.GATE.evaluate(context))
    assert results["tools/lint"].details == ("a.py:3: F401 unused",)
    assert results["tools/type-3.12(package='alpha')"].details == ("a.py:2: bad [x]",)
    assert results["tools/sql"].details == ("q.sql:1: LT01 s",)
    assert results["tools/security"].details == ("a.py:5: B602 sh",)
    assert results["tools/audit"].details == ("requests==2.19.0: PYSEC-2018-28",)
    assert all(r.status == "failed" for r in results.values())


@pytest.mark.req("FR-034")
def test_clean_tools_pass_and_crashes_or_silent_failures_do_not(context: Context) -> None:
    _session(context, "lint", "lint", {"ruff.json": "[]"}, outcome="failed", message="format check")
    _session(context, session_name("type", "3.12", "alpha"), "type", {"mypy.jsonl": ""})
    _session(context, "sql", "sql", {"sqlfluff.json": "[]"}, outcome="crashed", message="boom")
    _session(context, "security", "security", {"bandit.json": "{}"})
    _session(context, "audit", "audit", {"audit.json": json.dumps({"status": "not-audited"})})
    results = _by_gate(tools.GATE.evaluate(context))
    assert results["tools/type-3.12(package='alpha')"].status == "passed"
    assert results["tools/lint"].details == ("format check",)
    assert results["tools/sql"].measured == "crashed: boom"
    assert results["tools/security"].status == "passed"
    assert "NOT audited" in results["tools/audit"].details[0]


def test_a_broken_findings_file_names_file_and_line(context: Context) -> None:
    _session(context, "lint", "lint", {"ruff.json": "[\n  {oops"})
    with pytest.raises(ArtifactError, match=r"ruff.json:2: not JSON"):
        list(tools.GATE.evaluate(context))


def _records(tier: str, count: int) -> str:
    records = (
        {"nodeid": f"t_{tier}.py::test_{n}", "tier": tier, "outcome": "passed", "duration": 0.1}
        for n in range(count)
    )
    return "".join(json.dumps(record) + "\n" for record in records)


@pytest.mark.req("FR-033")
def test_pyramid_shares_are_exact(context: Context) -> None:
    context.config = TiergateConfig(
        pyramid={"unit": PyramidBound(min=60), "e2e": PyramidBound(max=40)}
    )
    files = {"unit/tests.jsonl": _records("unit", 6), "e2e/tests.jsonl": _records("e2e", 4)}
    tiers = {
        tier: TierRun(exit_code=0, outcome="passed", artifacts={"records": f"{tier}/tests.jsonl"})
        for tier in ("unit", "e2e")
    }
    _session(context, session_name("tests", "3.12", "alpha"), "tests", files, tiers=tiers)
    results = _by_gate(pyramid.GATE.evaluate(context))
    assert results["pyramid/unit"].measured == "60.0% (6 of 10)"
    assert results["pyramid/unit"].status == "passed"  # exactly at the bound
    assert results["pyramid/e2e"].status == "passed"
    context.config = TiergateConfig(pyramid={"unit": PyramidBound(min=60.1)})
    assert _by_gate(pyramid.GATE.evaluate(context))["pyramid/unit"].status == "failed"


@pytest.mark.req("FR-033")
def test_pyramid_with_no_tests_is_red(context: Context) -> None:
    context.config = TiergateConfig(pyramid={"unit": PyramidBound(min=1)})
    result = next(iter(pyramid.GATE.evaluate(context)))
    assert (result.status, result.measured) == ("failed", "0.0% (0 of 0)")
