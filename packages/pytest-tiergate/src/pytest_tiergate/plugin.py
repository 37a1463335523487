"""pytest-tiergate: put every test in a tier, fail disallowed skips, record each test.

Registered through the ``pytest11`` entry point. Everything comes from
``[tool.tiergate]`` in the workspace root's ``pyproject.toml`` (the root is
``--tiergate-root``, else ``$TIERGATE_ROOT``, else pytest's rootdir):

* a test's tier is its ``@pytest.mark.tier("name")``, else the tier one of whose
  ``paths`` (``tests/unit``) appears in the test file's path, else the
  ``default-tier`` (a flat ``tests/`` folder); two tiers is an error naming the test;
* test ids in records and in the skip allow-list are relative to the workspace
  root, whatever pytest's rootdir is (a member with its own pytest configuration);
* in never-skip mode a skip outside ``[tool.tiergate.skips] allow`` fails
  (see :mod:`pytest_tiergate.skips`);
* ``--tiergate-records PATH`` writes one JSON line per test, with the
  requirement IDs its ``@pytest.mark.req("FR-012", ...)`` markers name;
* under pytest-xdist the workers sort and judge the tests and the controller
  writes the records, once, with what a run without workers writes; a run that
  cannot start ends as it ends without workers (see :mod:`pytest_tiergate.workers`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from pytest_tiergate.outcomes import TestRecord, outcome_of
from pytest_tiergate.skips import SKIP_REASON, SkipPolicy, first_expired
from pytest_tiergate.workers import Controller, hand_over, is_worker, stops_at_collection
from tiergate.config import PYPROJECT, TiergateConfig, load_config
from tiergate.errors import ConfigError
from tiergate.tiers import folder_tiers, is_requirement_id

if TYPE_CHECKING:
    from collections.abc import Generator, Mapping

_TIER_KEY = "tiergate_tier"
_REQUIREMENTS_KEY = "tiergate_requirements"
_SETTINGS = pytest.StashKey["Settings"]()


@dataclass(frozen=True)
class Settings:
    """What the plugin read at session start."""

    root: Path
    tiers: Mapping[str, tuple[str, ...]]  # name -> paths, lowest tier first
    fallback: str
    """The tier of a test no marker and no folder places (``default-tier``)."""
    policy: SkipPolicy
    rootpath: Path
    """pytest's rootdir: node ids are relative to it."""

    def workspace_id(self, nodeid: str) -> str:
        """``nodeid`` with its path relative to the workspace root instead of pytest's rootdir."""
        path, sep, rest = nodeid.partition("::")
        if not path:
            return nodeid
        absolute = (self.rootpath / path).resolve()
        if not absolute.is_relative_to(self.root):
            return nodeid
        return absolute.relative_to(self.root).as_posix() + sep + rest


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--tier`` and ``--tiergate-*`` options."""
    group = parser.getgroup("tiergate")
    group.addoption(
        "--tier",
        action="append",
        default=[],
        metavar="NAME",
        help="run only the tests of this tier (repeatable)",
    )
    group.addoption(
        "--tiergate-root",
        metavar="DIR",
        default=None,
        help="workspace root whose pyproject.toml holds [tool.tiergate] "
        "(default: $TIERGATE_ROOT, else pytest's rootdir)",
    )
    group.addoption(
        "--tiergate-records",
        metavar="PATH",
        default=None,
        help="write one JSON record per test (JSON Lines) to PATH",
    )
    group.addoption(
        "--tiergate-never-skip",
        action="store_true",
        help="fail every skip outside the allow-list, whatever never-skip says",
    )
    group.addoption(
        "--tiergate-allow-skips",
        action="store_true",
        help="let skips be skips, whatever never-skip says",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``tier`` and ``req`` markers and the recorder."""
    config.addinivalue_line("markers", "tier(name): put the test in this tier explicitly")
    config.addinivalue_line(
        "markers", "req(*ids): the requirements this test proves (tiergate traceability)"
    )
    config.pluginmanager.register(Recorder(config), "tiergate-recorder")
    if not is_worker(config):
        config.pluginmanager.register(Controller(), "tiergate-controller")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Read ``[tool.tiergate]``; a broken one, or an expired allowed skip, is a usage error."""
    config = session.config
    never, allow = config.getoption("tiergate_never_skip"), config.getoption("tiergate_allow_skips")
    if never and allow:
        raise pytest.UsageError(
            "--tiergate-never-skip and --tiergate-allow-skips are mutually exclusive"
        )
    root, tiergate = _load(config)
    expired = first_expired(tiergate.skips.allow, datetime.now(UTC).date(), root / PYPROJECT)
    if expired:
        raise pytest.UsageError(expired)
    unknown = sorted(set(config.getoption("tier")) - set(tiergate.tiers))
    if unknown:
        known = ", ".join(tiergate.tiers)
        raise pytest.UsageError(f"--tier {unknown[0]}: unknown tier (tiers: {known})")
    forced = True if never else (False if allow else None)
    config.stash[_SETTINGS] = Settings(
        root=root,
        tiers={name: tier.paths for name, tier in tiergate.tiers.items()},
        fallback=tiergate.fallback_tier,
        policy=SkipPolicy.from_config(tiergate.skips, forced=forced),
        rootpath=config.rootpath.resolve(),
    )


def _load(config: pytest.Config) -> tuple[Path, TiergateConfig]:
    """The root and its configuration; no ``pyproject.toml`` in pytest's rootdir means defaults."""
    given = config.getoption("tiergate_root") or os.environ.get("TIERGATE_ROOT")
    root = (config.invocation_params.dir / given if given else config.rootpath).resolve()
    if not given and not (root / PYPROJECT).is_file():
        return root, TiergateConfig()
    try:
        return root, load_config(root)
    except ConfigError as error:
        raise pytest.UsageError(str(error)) from None


def pytest_report_header(config: pytest.Config) -> str:
    """One header line: the root, the tiers and the never-skip mode."""
    settings = config.stash[_SETTINGS]
    mode = "on" if settings.policy.enforced else "off"
    return f"tiergate: root {settings.root}, tiers {', '.join(settings.tiers)}, never-skip {mode}"


def tier_of(item: pytest.Item, settings: Settings) -> str:
    """The one tier of ``item``: from its ``tier`` marker, its folder, else the default tier."""
    known = ", ".join(settings.tiers)
    marked = [str(arg) for mark in item.iter_markers("tier") for arg in mark.args]
    for name in marked:
        if name not in settings.tiers:
            raise pytest.UsageError(f"{item.nodeid}: unknown tier {name!r} (tiers: {known})")
    found = dict.fromkeys(marked, "marker")
    for name in folder_tiers(item.path.resolve(), settings.root, settings.tiers):
        found.setdefault(name, "folder")
    if len(found) == 1:
        return next(iter(found))
    if found:
        which = ", ".join(f"{name} ({source})" for name, source in found.items())
        raise pytest.UsageError(f"{item.nodeid}: is in {len(found)} tiers: {which}")
    return settings.fallback


def requirements_of(item: pytest.Item) -> tuple[str, ...]:
    """The requirement IDs the ``req`` markers of ``item`` name (any level), sorted, once each."""
    found: set[str] = set()
    for mark in item.iter_markers("req"):
        if mark.kwargs or not mark.args:
            raise pytest.UsageError(
                f"{item.nodeid}: @pytest.mark.req takes requirement IDs as strings, "
                'e.g. @pytest.mark.req("FR-012")'
            )
        for arg in mark.args:
            if not is_requirement_id(arg):
                raise pytest.UsageError(
                    f"{item.nodeid}: @pytest.mark.req: {arg!r} is not a requirement ID"
                )
            found.add(arg)
    return tuple(sorted(found))


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Give every test its tier and requirements; keep only the ``--tier`` ones when given.

    (``--tier`` names were checked at session start, on the controller too.) A
    pytest-xdist worker runs nothing where a run without workers would stop
    (see :mod:`pytest_tiergate.workers`).
    """
    try:
        _sort(config, items)
    except pytest.UsageError as error:
        if not is_worker(config):
            raise
        hand_over(config, error, items)
    if is_worker(config) and stops_at_collection(session):
        items.clear()


def _sort(config: pytest.Config, items: list[pytest.Item]) -> None:
    settings = config.stash[_SETTINGS]
    selected = set(config.getoption("tier"))
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        tier = tier_of(item, settings)
        item.user_properties.append((_TIER_KEY, tier))
        requirements = requirements_of(item)
        if requirements:
            item.user_properties.append((_REQUIREMENTS_KEY, json.dumps(requirements)))
        (keep if not selected or tier in selected else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Judge every skip (never an xfail) by the never-skip policy."""
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        settings = item.config.stash[_SETTINGS]
        settings.policy.judge(report, settings.workspace_id(report.nodeid))
    return report


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    """Judge a module-level skip too: a disallowed one becomes a collection error."""
    report = yield
    if report.skipped:
        settings = collector.config.stash[_SETTINGS]
        settings.policy.judge(report, settings.workspace_id(report.nodeid))
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_report_teststatus(
    report: pytest.TestReport | pytest.CollectReport,
) -> tuple[str, str, str] | None:
    """Show a skip the policy failed as a failure, in whichever phase it happened."""
    if (
        report.failed
        and getattr(report, SKIP_REASON, None) is not None
        and report.when != "collect"
    ):
        return "failed", "F", "FAILED"
    return None


class Recorder:
    """Collect each test's reports (setup, call, teardown) and write one record per test."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.path: str | None = config.getoption("tiergate_records")
        self.reports: dict[str, list[pytest.TestReport]] = {}
        self.is_worker = is_worker(config)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep the report; xdist forwards workers' reports here on the controller."""
        self.reports.setdefault(report.nodeid, []).append(report)

    def records(self) -> list[TestRecord]:
        """One record per test, in the order the tests ran, its id relative to the workspace.

        A test whose pytest-xdist worker died while running it has only the
        controller's report of the crash, without the tier its worker gave it:
        when one ``--tier`` was selected, that is its tier.
        """
        settings = self.config.stash[_SETTINGS]
        selected = set(self.config.getoption("tier"))
        only = next(iter(selected)) if len(selected) == 1 else None
        records = (
            outcome_of(reports, tier_key=_TIER_KEY, requirements_key=_REQUIREMENTS_KEY)
            for reports in self.reports.values()
        )
        return [
            replace(record, nodeid=settings.workspace_id(record.nodeid), tier=record.tier or only)
            for record in records
        ]

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Write the records atomically (on the controller only, once)."""
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
