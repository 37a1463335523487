"""The gates' context: what it loads from a run folder (or its shards), each thing once."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.config import MemberConfig, MemberCoverageConfig
from tiergate.context import Context
from tiergate.gates.base import GateResult, percent_bound
from tiergate.plan import ExpectedSession, workspace_sessions
from unit.conftest import CALC_PATH, IMPORTED, TODAY, RunFolder, Tier, passing

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tiergate.gates.base import Status

DATA = {CALC_PATH: IMPORTED}


def test_the_context_loads_configuration_workspace_and_the_shards_of_a_run(
    alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    configure('[tool.tiergate.patch]\nbase = "origin/main"\n')
    run.tests("alpha", {"unit": Tier(passing(1), DATA)})
    shard = RunFolder(run.root, "r1-shard2")
    shard.lint()
    context = Context.load(run.root, [run.path, shard.path], strict=True)
    assert sorted(context.sessions) == ["lint", "tests-3.11(package='alpha')"]
    assert context.sessions["lint"][0] == shard.folders[0]
    assert (context.strict, context.base) == (True, "origin/main")
    assert [member.name for member in context.workspace.members] == ["alpha"]
    assert run.context(base="feature").base == "feature"  # given wins over configured
    assert run.context().today == TODAY


@pytest.mark.req("FR-217")
def test_a_python_no_tier_runs_on_has_no_tests_session_but_is_type_checked(
    workspace: Path, alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    del alpha
    (workspace / ".python-version").write_text("3.11\n3.12\n")
    configure(
        '[tool.tiergate.tiers]\nunit = { paths = ["tests/unit"], pythons = ["3.12"] }\n'
        'integration = { paths = ["tests/integration"] }\n'
    )
    context = run.context()
    assert context.expected == (
        ExpectedSession("tests-3.11(package='alpha')", "alpha", "3.11", ("integration",)),
        ExpectedSession("tests-3.12(package='alpha')", "alpha", "3.12", ("unit", "integration")),
    )

    pyproject = workspace / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    everywhere = 'integration = { paths = ["tests/integration"] }'
    only_312 = 'integration = { paths = ["tests/integration"], pythons = ["3.12"] }'
    pyproject.write_text(text.replace(everywhere, only_312), encoding="utf-8")
    context = run.context()
    assert [expected.name for expected in context.expected] == ["tests-3.12(package='alpha')"]
    assert workspace_sessions(context.workspace, context.config) == (
        "tests-3.12(package='alpha')",
        "type-3.11(package='alpha')",
        "type-3.12(package='alpha')",
        "lint",
        "sql",
        "security",
        "audit",
    )


def test_expected_sessions_and_the_tiers_they_ran_follow_the_plan(
    workspace: Path, alpha: Path, run: RunFolder
) -> None:
    del alpha
    (workspace / ".python-version").write_text("3.11\n3.99\n")
    run.tests(
        "alpha",
        {
            "integration": Tier(passing(1, "integration"), DATA),
            "unit": Tier(passing(2), DATA, roles=("junit", "records")),
            "e2e": Tier(passing(1, "e2e"), DATA),  # alpha has no e2e folder: not expected
        },
    )
    context = run.context()
    assert context.expected == (
        ExpectedSession("tests-3.11(package='alpha')", "alpha", "3.11", ("unit", "integration")),
        ExpectedSession("tests-3.99(package='alpha')", "alpha", "3.99", ("unit", "integration")),
    )
    assert [(a.session.python, a.tier) for a in context.artifacts] == [
        ("3.11", "unit"),
        ("3.11", "integration"),
    ]
    unit = context.artifacts[0]
    assert unit.path("records") == run.folders[0] / "unit/tests.jsonl"
    assert unit.path("coverage") is None  # not listed by the session
    # only the Pythons of sessions that did not run are looked for; 3.99 is nowhere
    assert context.interpreters == {"3.99": False}


def test_records_are_read_for_the_tiers_that_left_them(alpha: Path, run: RunFolder) -> None:
    del alpha
    run.tests(
        "alpha",
        {"unit": Tier(passing(2), DATA), "integration": Tier(None, DATA)},
    )
    context = run.context()
    [(artifacts, records)] = context.records
    assert artifacts.tier == "unit"
    assert records == passing(2)
    assert context.records is context.records


def test_member_overrides_are_loaded_except_for_the_root_member(
    workspace: Path, alpha: Path, run: RunFolder, configure: Callable[[str], None]
) -> None:
    pyproject = workspace / "pyproject.toml"
    pyproject.write_text('[project]\nname = "mono"\nversion = "1"\n' + pyproject.read_text())
    configure("[tool.tiergate]\nmin-tests = 3\n")
    (alpha / "pyproject.toml").write_text(
        (alpha / "pyproject.toml").read_text()
        + "\n[tool.tiergate]\nmin-tests = 1\n[tool.tiergate.coverage]\npackage = 75\n"
    )
    context = run.context()
    assert context.config.min_tests == 3
    assert context.member_configs == {
        "mono": MemberConfig(),
        "alpha": MemberConfig(min_tests=1, coverage=MemberCoverageConfig(package=75)),
    }


@pytest.mark.parametrize(
    ("bound", "text"), [(85, ">= 85%"), (85.5, ">= 85.5%"), (90.0, ">= 90%"), (0, ">= 0%")]
)
def test_a_percent_bound_has_no_trailing_zeros(bound: float, text: str) -> None:
    assert percent_bound(bound) == text


@pytest.mark.parametrize(
    ("status", "passed"), [("passed", True), ("warning", True), ("failed", False)]
)
def test_only_a_failed_result_turns_the_verdict_red(status: Status, passed: bool) -> None:
    assert GateResult("g", "g", status, "m", "b").passed is passed
