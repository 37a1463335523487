"""pytest-tiergate: put every test in a tier, select tiers, record each test's outcome.

Registered through the ``pytest11`` entry point. A test's tier comes from its
folder (``tests/unit``, ``tests/integration``, ``tests/e2e``, or the names in
the ``tiergate_tiers`` ini option) or from ``@pytest.mark.tier("name")``; a test
in no tier, or in two, is a collection error naming the test.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_tiergate.outcomes import TestRecord, outcome_of

if TYPE_CHECKING:
    from collections.abc import Iterable

DEFAULT_TIERS = ("unit", "integration", "e2e")
_TIER_KEY = "tiergate_tier"


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--tier`` and ``--tiergate-records``; the ``tiergate_tiers`` ini option."""
    group = parser.getgroup("tiergate")
    group.addoption(
        "--tier",
        action="append",
        default=[],
        metavar="NAME",
        help="run only the tests of this tier (repeatable)",
    )
    group.addoption(
        "--tiergate-records",
        metavar="PATH",
        default=None,
        help="write one JSON record per test (JSON Lines) to PATH",
    )
    parser.addini(
        "tiergate_tiers",
        type="linelist",
        default=list(DEFAULT_TIERS),
        help="tier names; a test folder with one of these names puts its tests in that tier",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``tier`` marker and the recorder."""
    config.addinivalue_line("markers", "tier(name): put the test in this tier explicitly")
    config.pluginmanager.register(Recorder(config), "tiergate-recorder")


def tier_of(item: pytest.Item, tiers: Iterable[str]) -> str:
    """The one tier of ``item``: from its ``tier`` marker or its folder."""
    names = set(tiers)
    marked = {str(arg) for mark in item.iter_markers("tier") for arg in mark.args}
    unknown = marked - names
    if unknown:
        known = ", ".join(sorted(names))
        raise pytest.UsageError(f"{item.nodeid}: unknown tier {min(unknown)!r} (tiers: {known})")
    folders = {part for part in item.path.parent.parts if part in names}
    found = marked | folders
    if len(found) != 1:
        detail = (
            "is in no tier"
            if not found
            else f"is in {len(found)} tiers: {', '.join(sorted(found))}"
        )
        raise pytest.UsageError(
            f"{item.nodeid}: {detail}; put it under one of {', '.join(sorted(names))} "
            "or mark it with @pytest.mark.tier(...)"
        )
    return found.pop()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Give every test its tier; keep only the ``--tier`` ones when given."""
    tiers: list[str] = config.getini("tiergate_tiers")
    selected = set(config.getoption("tier"))
    unknown = selected - set(tiers)
    if unknown:
        raise pytest.UsageError(f"--tier {min(unknown)}: unknown (tiers: {', '.join(tiers)})")
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        tier = tier_of(item, tiers)
        item.user_properties.append((_TIER_KEY, tier))
        (keep if not selected or tier in selected else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


class Recorder:
    """Collect each test's reports (setup, call, teardown) and write one record per test."""

    def __init__(self, config: pytest.Config) -> None:
        self.path: str | None = config.getoption("tiergate_records")
        self.reports: dict[str, list[pytest.TestReport]] = {}
        self.is_worker = hasattr(config, "workerinput")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep the report; xdist forwards workers' reports here on the controller."""
        self.reports.setdefault(report.nodeid, []).append(report)

    def records(self) -> list[TestRecord]:
        """One record per test, in the order the tests ran."""
        return [outcome_of(reports, tier_key=_TIER_KEY) for reports in self.reports.values()]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the records (on the controller only, once)."""
        del session
        if self.path is None or self.is_worker:
            return
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        with partial.open("w", encoding="utf-8") as out:
            for record in self.records():
                out.write(json.dumps(record.to_json(), sort_keys=True) + "\n")
        partial.replace(target)
