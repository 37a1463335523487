from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_tiergate.skips import SKIP_ALLOWED, SKIP_REASON, SkipPolicy, first_expired
from tiergate.config import AllowedSkip, SkipsConfig

if TYPE_CHECKING:
    from typing import Literal

FAR = date(2999, 1, 1)


def _skips(mode: Literal["always", "ci", "off"], *patterns: str) -> SkipsConfig:
    allow = tuple(AllowedSkip(test=p, reason="why", expires=FAR) for p in patterns)
    return SkipsConfig(never_skip=mode, allow=allow)


def _skip_report(nodeid: str = "tests/unit/test_a.py::test_x") -> pytest.TestReport:
    return pytest.TestReport(
        nodeid=nodeid,
        location=("tests/unit/test_a.py", 1, "test_x"),
        keywords={},
        outcome="skipped",
        longrepr=("tests/unit/test_a.py", 2, "Skipped: no database"),
        when="call",
    )


@pytest.mark.parametrize(
    ("mode", "ci", "enforced"),
    [
        ("always", None, True),
        ("always", "true", True),
        ("ci", "true", True),
        ("ci", "1", True),
        ("ci", None, False),
        ("ci", "false", False),
        ("off", "true", False),
    ],
)
@pytest.mark.req("FR-044")
def test_the_mode_decides_when_skips_fail(
    monkeypatch: pytest.MonkeyPatch,
    mode: Literal["always", "ci", "off"],
    ci: str | None,
    enforced: bool,
) -> None:
    if ci is not None:
        monkeypatch.setenv("CI", ci)
    assert SkipPolicy.from_config(_skips(mode)).enforced is enforced


def test_the_options_win_over_the_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    assert SkipPolicy.from_config(_skips("ci"), forced=False).enforced is False
    assert SkipPolicy.from_config(_skips("off"), forced=True).enforced is True


@pytest.mark.req("FR-044")
def test_allow_list_entries_are_fnmatch_patterns_of_node_ids() -> None:
    policy = SkipPolicy.from_config(_skips("always", "tests/e2e/test_pg.py::*", "*::test_slow"))
    assert policy.allows("tests/e2e/test_pg.py::test_insert")
    assert policy.allows("packages/x/tests/unit/test_a.py::test_slow")
    assert not policy.allows("tests/e2e/test_mysql.py::test_insert")
    assert not policy.allows("packages/x/tests/unit/test_a.py::test_SLOW")


def test_a_disallowed_skip_becomes_a_failure_naming_test_and_reason() -> None:
    report = _skip_report()
    SkipPolicy(enforced=True).judge(report, report.nodeid)
    assert report.failed
    assert report.longrepr == (
        "tiergate: skip not allowed: tests/unit/test_a.py::test_x: no database -- add it to "
        "[tool.tiergate.skips] allow with a reason and an expiry date"
    )
    assert (getattr(report, SKIP_REASON), getattr(report, SKIP_ALLOWED)) == ("no database", False)


def test_an_allowed_skip_stays_a_skip() -> None:
    report = _skip_report()
    SkipPolicy.from_config(_skips("always", "*test_a.py::*")).judge(report, report.nodeid)
    assert report.skipped
    assert (getattr(report, SKIP_REASON), getattr(report, SKIP_ALLOWED)) == ("no database", True)


def test_a_skip_stays_a_skip_when_not_enforced_but_is_marked_not_allowed() -> None:
    report = _skip_report()
    SkipPolicy(enforced=False).judge(report, report.nodeid)
    assert report.skipped
    assert getattr(report, SKIP_ALLOWED) is False


def test_a_module_skip_is_allowed_by_a_pattern_of_its_tests() -> None:
    report = pytest.CollectReport(
        "tests/unit/test_a.py", "skipped", ("tests/unit/test_a.py", 1, "Skipped: no db"), []
    )
    SkipPolicy.from_config(_skips("always", "tests/unit/test_a.py::*")).judge(report, report.nodeid)
    assert report.skipped
    only_one = pytest.CollectReport(
        "tests/unit/test_a.py", "skipped", ("tests/unit/test_a.py", 1, "Skipped: no db"), []
    )
    SkipPolicy.from_config(_skips("always", "tests/unit/test_a.py::test_x")).judge(
        only_one, only_one.nodeid
    )
    assert only_one.failed


def test_an_entry_expires_after_its_last_day() -> None:
    entries = (
        AllowedSkip(test="a.py::*", reason="r", expires=date(2026, 3, 1)),
        AllowedSkip(test="b.py::*", reason="r", expires=date(2026, 2, 28)),
    )
    pyproject = Path("ws/pyproject.toml")
    assert first_expired(entries, date(2026, 2, 28), pyproject) is None
    assert first_expired(entries, date(2026, 3, 1), pyproject) == (
        f"{pyproject}: tool.tiergate.skips.allow[1] (b.py::*): expired on 2026-02-28"
    )
