"""The verdict: every gate of the registry over one run, added up into one exit code."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.advisories.audit import AuditResult
from tiergate.errors import ExitCode, TiergateError
from tiergate.gates import pyramid, tests
from tiergate.verdict import evaluate
from unit.conftest import CALC_PATH, IMPORTED, TODAY, Tier, bandit_json, passing, record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from unit.conftest import RunFolder

DATA = {CALC_PATH: IMPORTED}
AUDITED = AuditResult(source="offline", findings=(), packages_audited=4)


def _clean(run: RunFolder) -> None:
    run.tests(
        "alpha",
        {"unit": Tier(passing(2), DATA), "integration": Tier(passing(1, "integration"), DATA)},
    )
    run.lint()
    run.types("alpha")
    run.sql()
    run.security(bandit_json())
    run.audit(AUDITED)


@pytest.mark.req("FR-036")
def test_a_run_where_every_gate_passed_exits_0(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.coverage]\ncombined = 50\n")
    _clean(run)
    verdict = run.verdict()
    assert [r.gate.split("/")[0] for r in verdict.results] == [
        "sessions",
        *["tests"] * 4,
        "coverage",
        *["tools"] * 5,
    ]
    assert all(r.status == "passed" for r in verdict.results)
    assert (verdict.passed, verdict.exit_code, verdict.crashed) == (True, ExitCode.OK, ())
    assert verdict.run_dirs == (run.path,)
    assert verdict.context.coverage.members[0].name == "alpha"


@pytest.mark.req("FR-036")
def test_a_failed_gate_exits_1(alpha: Path, run: RunFolder) -> None:
    del alpha
    _clean(run)
    run.lint(
        {
            "filename": "a.py",
            "location": {"row": 1, "column": 1},
            "code": "F401",
            "message": "`os` imported but unused",
        }
    )
    verdict = run.verdict()
    assert [r.gate for r in verdict.results if not r.passed] == ["tools/lint"]
    assert (verdict.passed, verdict.exit_code) == (False, ExitCode.GATE_FAILED)
    assert int(verdict.exit_code) == 1


@pytest.mark.req("FR-036")
@pytest.mark.req("FR-047")
def test_a_crashed_session_or_tier_makes_a_red_verdict_exit_3(alpha: Path, run: RunFolder) -> None:
    del alpha
    _clean(run)
    run.tool("sql", {}, outcome="crashed", message="sqlfluff: not found")
    verdict = run.verdict()
    assert verdict.crashed == ("sql",)
    assert (verdict.exit_code, int(verdict.exit_code)) == (ExitCode.CRASHED, 3)

    run.tests(  # the session failed; one of its tiers crashed
        "alpha",
        {
            "unit": Tier(passing(2), DATA),
            "integration": Tier(passing(1), DATA, outcome="crashed", message="exit 4"),
        },
        outcome="failed",
    )
    run.sql()
    verdict = run.verdict()
    assert verdict.crashed == ("tests-3.11(package='alpha')",)
    assert verdict.exit_code == ExitCode.CRASHED


def test_a_crash_does_not_fail_gates_that_passed(alpha: Path, run: RunFolder) -> None:
    del alpha
    _clean(run)
    run.tool("sql", {}, outcome="crashed")
    verdict = run.verdict(only=("tests",))  # the tools gate, which would fail, is not run
    assert verdict.crashed == ("sql",)
    assert (verdict.passed, verdict.exit_code) == (True, ExitCode.OK)


@pytest.mark.req("FR-040")
def test_warnings_pass_locally_and_fail_in_strict_mode(
    workspace: Path, alpha: Path, run: RunFolder
) -> None:
    del alpha
    (workspace / ".python-version").write_text("3.11\n3.99\n")
    _clean(run)
    local = run.verdict(only=("sessions",))
    assert [r.status for r in local.results] == ["passed", "warning"]
    assert (local.passed, local.exit_code) == (True, ExitCode.OK)
    strict = run.verdict(strict=True, only=("sessions",))
    assert [r.status for r in strict.results] == ["passed", "failed"]
    assert strict.exit_code == ExitCode.GATE_FAILED


def test_only_runs_the_kinds_asked_for_in_registry_order(alpha: Path, run: RunFolder) -> None:
    del alpha
    _clean(run)
    verdict = run.verdict(only=("tools", "sessions"))
    assert [r.gate for r in verdict.results] == [
        "sessions/tests-3.11(package='alpha')",
        "tools/lint",
        "tools/type-3.11(package='alpha')",
        "tools/sql",
        "tools/security",
        "tools/audit",
    ]


def test_an_unknown_kind_is_an_error_listing_the_kinds(alpha: Path, run: RunFolder) -> None:
    del alpha
    with pytest.raises(TiergateError) as raised:
        run.verdict(only=("tests", "speed"))
    assert str(raised.value) == (
        "unknown gate kind 'speed' (kinds: sessions, tests, pyramid, requirements, coverage, "
        "patch, ratchet, tools)"
    )


def test_the_gates_to_run_can_be_chosen(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure("[tool.tiergate.pyramid]\nunit = { min = 50 }\n")
    unit = (*passing(1), record("packages/alpha/tests/unit/test_calc.py::test_bad", "failed"))
    run.tests("alpha", {"unit": Tier(unit, DATA), "integration": Tier(passing(1), DATA)})
    two = (tests.GATE, pyramid.GATE)
    verdict = evaluate(run.root, [run.path], strict=False, today=TODAY, gates=two)
    assert [(r.gate, r.status) for r in verdict.results] == [
        ("tests/failures", "failed"),
        ("tests/collected", "passed"),
        ("tests/skips", "passed"),
        ("tests/strict-xpass", "passed"),
        ("pyramid/unit", "passed"),  # 2 of 3
    ]
    assert verdict.exit_code == ExitCode.GATE_FAILED
    with pytest.raises(TiergateError, match=r"unknown gate kind 'tools' \(kinds: tests, pyramid\)"):
        evaluate(run.root, [run.path], strict=False, only=("tools",), gates=two)
