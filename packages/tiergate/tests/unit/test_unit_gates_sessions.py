"""The sessions gate: every expected session ran every tier and left agreeing results."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.gates import sessions
from tiergate.gates.base import GateResult
from unit.conftest import CALC_PATH, IMPORTED, Tier, passing, record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.context import Context
    from unit.conftest import RunFolder

ALPHA_311 = "tests-3.11(package='alpha')"
DATA = {CALC_PATH: IMPORTED}
BOUND = "every tier ran and left results"


def _results(context: Context) -> dict[str, GateResult]:
    return {result.gate: result for result in sessions.GATE.evaluate(context)}


def _complete(run: RunFolder, python: str = "3.11") -> None:
    run.tests(
        "alpha",
        {"unit": Tier(passing(2), DATA), "integration": Tier(passing(1, "integration"), DATA)},
        python=python,
    )


def test_a_session_that_ran_every_tier_passes(alpha: Path, run: RunFolder) -> None:
    del alpha
    _complete(run)
    [result] = sessions.GATE.evaluate(run.context())
    assert result == GateResult(
        gate=f"sessions/{ALPHA_311}",
        title=f"session {ALPHA_311}",
        status="passed",
        measured="ran: unit, integration",
        bound=BOUND,
    )


@pytest.mark.req("FR-042")
def test_a_session_with_no_manifest_is_not_run(alpha: Path, run: RunFolder) -> None:
    del alpha
    context = run.context()
    context.interpreters = {"3.11": True}  # the interpreter is there; the session never ran
    [result] = sessions.GATE.evaluate(context)
    assert (result.status, result.measured) == ("failed", "not run: no results in the run")
    assert result.details == (f'run: nox -s "{ALPHA_311}"',)


@pytest.mark.req("FR-040")
def test_a_python_that_is_not_installed_warns_locally_and_fails_when_strict(
    workspace: Path, alpha: Path, run: RunFolder
) -> None:
    del alpha
    (workspace / ".python-version").write_text("3.11\n3.99\n")
    _complete(run)
    local = _results(run.context())
    assert local[f"sessions/{ALPHA_311}"].status == "passed"
    missing = local["sessions/tests-3.99(package='alpha')"]
    assert (missing.status, missing.measured) == ("warning", "not run: Python 3.99 not found")
    assert missing.details == ("install Python 3.99, or remove it from .python-version",)
    assert missing.passed
    strict = _results(run.context(strict=True))["sessions/tests-3.99(package='alpha')"]
    assert (strict.status, strict.measured) == ("failed", "not run: Python 3.99 not found")


@pytest.mark.req("FR-042")
def test_a_tier_that_did_not_run_is_red(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests("alpha", {"unit": Tier(passing(2), DATA)})
    [result] = sessions.GATE.evaluate(run.context())
    assert (result.status, result.measured) == ("failed", "tier integration: not run")
    assert result.details == ("tier integration: not run",)


@pytest.mark.req("FR-047")
def test_a_crashed_session_and_tier_are_red(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(2), DATA),
            "integration": Tier(
                passing(1, "integration"), DATA, outcome="crashed", message="pytest exited with 3"
            ),
        },
        message="integration: pytest exited with 3",
    )
    [result] = sessions.GATE.evaluate(run.context())
    assert result.status == "failed"
    assert result.details == (
        "crashed: integration: pytest exited with 3",
        "tier integration: crashed: pytest exited with 3",
    )
    assert result.measured == "; ".join(result.details)


def test_a_crash_without_a_message_says_so(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests(
        "alpha",
        {"unit": Tier(passing(1), DATA), "integration": Tier(passing(1), DATA)},
        outcome="crashed",
    )
    [result] = sessions.GATE.evaluate(run.context())
    assert result.details == ("crashed: no reason given",)


@pytest.mark.req("FR-047")
def test_records_that_disagree_with_junit_are_red(alpha: Path, run: RunFolder) -> None:
    del alpha
    three = (*passing(2), record("packages/alpha/tests/unit/test_calc.py::test_x", "skipped"))
    run.tests(
        "alpha",
        {
            "unit": Tier(three, DATA, junit_tests=2),
            "integration": Tier(passing(1, "integration"), DATA),
        },
    )
    [result] = sessions.GATE.evaluate(run.context())
    assert result.details == ("tier unit: 3 test records but 2 tests in JUnit XML",)


def test_missing_records_junit_or_coverage_data_are_named(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(None, DATA),  # listed, never written
            "integration": Tier(passing(1), None, roles=("records", "coverage")),
        },
    )
    [result] = sessions.GATE.evaluate(run.context())
    assert result.details == (
        "tier unit: no test records",
        "tier integration: no JUnit XML",
        "tier integration: no coverage data",
    )


@pytest.mark.req("FR-046")
def test_coverage_data_is_required_only_of_a_member_with_source(
    alpha: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    del alpha
    docs = add_member("docs", tests=True)
    (docs / "tests/unit").mkdir()
    (docs / "tests/unit/test_docs.py").write_text("def test_0():\n    pass\n")
    docs_test = record("packages/docs/tests/unit/test_docs.py::test_0")
    run.tests("docs", {"unit": Tier((docs_test,), roles=("junit", "records"))})
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(1), roles=("junit", "records")),
            "integration": Tier(passing(1), DATA),
        },
    )
    (run.folders[-1] / "integration/coverage.db").write_bytes(b"")  # an empty file: no data
    results = _results(run.context())
    assert results["sessions/tests-3.11(package='docs')"].status == "passed"
    assert results[f"sessions/{ALPHA_311}"].details == (
        "tier unit: no coverage data",
        "tier integration: no coverage data",
    )


@pytest.mark.req("FR-093")
def test_a_test_file_that_no_tier_ran_is_red_and_named(alpha: Path, run: RunFolder) -> None:
    (alpha / "tests" / "test_flat.py").write_text("def test_forgotten():\n    pass\n")
    _complete(run)
    result = _results(run.context())[f"sessions/{ALPHA_311}"]
    assert result.status == "failed"
    assert result.measured == ("1 test file(s) that no tier ran: packages/alpha/tests/test_flat.py")


@pytest.mark.req("FR-093")
def test_a_member_with_no_test_file_is_red_naming_where_it_looked(
    workspace: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    add_member("bare", package="bare")
    run.tests("bare", {"unit": Tier((), None)})
    result = _results(run.context())["sessions/tests-3.11(package='bare')"]
    assert result.status == "failed"
    assert result.measured == "no test files found (looked in packages/bare (no testpaths))"
    del workspace


@pytest.mark.req("FR-091")
def test_a_member_not_tested_is_listed_with_its_reason_and_expects_no_session(
    workspace: Path, add_member: Callable[..., Path], run: RunFolder
) -> None:
    member = add_member("stubs", package="stubs")
    pyproject = member / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + '\n[tool.tiergate]\ntests = false\ntests-reason = "generated code, tested through api"\n'
    )
    [result] = sessions.GATE.evaluate(run.context())
    assert (result.gate, result.status, result.measured) == (
        "sessions/not-tested/stubs",
        "passed",
        "not tested: generated code, tested through api",
    )
    del workspace


@pytest.mark.req("FR-094")
def test_a_session_whose_every_test_skipped_ran_no_test(alpha: Path, run: RunFolder) -> None:
    del alpha
    skipped = tuple(
        record(
            f"packages/alpha/tests/{tier}/test_calc.py::test_0",
            "skipped",
            tier=tier,
            skip_reason="no database",
            skip_allowed=True,
        )
        for tier in ("unit", "integration")
    )
    run.tests(
        "alpha",
        {"unit": Tier(skipped[:1], DATA), "integration": Tier(skipped[1:], DATA)},
    )
    local = _results(run.context())[f"sessions/{ALPHA_311}"]
    assert (local.status, local.measured) == ("warning", "ran no test: all 2 skipped")
    strict = _results(run.context(strict=True))[f"sessions/{ALPHA_311}"]
    assert strict.status == "failed"


ON_312 = """
[tool.tiergate.tiers]
unit = { paths = ["tests/unit"] }
integration = { paths = ["tests/integration"], pythons = ["3.12"] }
"""


@pytest.mark.req("FR-217")
@pytest.mark.parametrize(
    "case",
    [
        pytest.param(("3.11\n3.12\n", "3.11", "3.12"), id="on the Python it names"),
        pytest.param(("3.11\n3.10\n", "3.10", "3.11"), id="on the newest when none is supported"),
    ],
)
def test_a_tier_configured_for_some_pythons_is_expected_only_there(
    workspace: Path,
    alpha: Path,
    run: RunFolder,
    configure: Callable[[str], None],
    case: tuple[str, str, str],
) -> None:
    del alpha
    listed, without, with_it = case  # .python-version, a Python without the tier, the one with it
    (workspace / ".python-version").write_text(listed)
    configure(ON_312)
    for python in (without, with_it):  # neither ran the integration tier
        run.tests("alpha", {"unit": Tier(passing(2), DATA)}, python=python)

    results = _results(run.context())

    elsewhere = results[f"sessions/tests-{without}(package='alpha')"]
    assert (elsewhere.status, elsewhere.measured) == (
        "passed",
        f"ran: unit (integration on {with_it} only)",
    )
    there = results[f"sessions/tests-{with_it}(package='alpha')"]
    assert there.status == "failed"
    assert there.measured.startswith("tier integration: not run")


@pytest.mark.req("FR-219")
def test_a_tier_the_plan_no_longer_expects_is_named_as_left_out(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    run.tests(
        "alpha",
        {
            "unit": Tier(passing(2), DATA),
            "integration": Tier(passing(1, "integration"), DATA),
            "e2e": Tier(passing(1, "e2e"), DATA),
        },
    )
    [result] = sessions.GATE.evaluate(run.context())
    assert (result.status, result.measured) == (
        "passed",
        "ran: unit, integration; left out: e2e (no test of alpha is in it on 3.11 now)",
    )


@pytest.mark.req("FR-219")
def test_a_tests_session_the_plan_no_longer_expects_is_a_warning(
    alpha: Path, run: RunFolder
) -> None:
    del alpha
    _complete(run)
    _complete(run, python="3.12")  # .python-version holds 3.11 only
    for strict in (False, True):
        results = _results(run.context(strict=strict))
        assert results[f"sessions/{ALPHA_311}"].status == "passed"
        left = results["sessions/tests-3.12(package='alpha')"]
        assert (left.status, left.measured, left.details) == (
            "warning",
            "left out: the workspace expects no such session now",
            ("its tests and coverage count in no figure",),
        )
