"""The ``tests-<python>(package=...)`` session: one pytest run per tier, under coverage.

Each tier is one pytest run (``--tier``) over the member's test roots, into
``<session folder>/<tier>/``: ``junit.xml``, ``tests.jsonl`` and one coverage
data file, ``coverage.db`` (``$COVERAGE_FILE``); nothing is measured for a
member whose tests test no source. The tests are spread over pytest-xdist
workers (``-n``: the ``workers`` setting; ``0``: no ``-n``, one process;
``"auto"``: one per processor, but one process for a tier whose tests took
less than 5 s the last time, see :func:`worker_options`).

Two measurers share the data file, each where the other cannot look:

* pytest-cov (``--cov`` per measured source) measures the tests: it starts
  coverage.py in every xdist worker and combines their data into the file.
* ``coverage run --parallel-mode --source --omit`` runs the pytest process:
  pytest-cov starts measuring only once pytest has loaded its plugins, so what
  a plugin runs when imported, or after pytest-cov stopped (a member that is a
  pytest plugin, the code such a plugin imports), it never sees; its
  documentation says to use ``coverage run`` for that. While pytest-cov
  measures, coverage.py suspends the outer measurement (one tracer at a time):
  nothing is traced twice. Its data, written when the process ends, and that of
  processes ending after pytest-cov combined (``patch = ["subprocess"]``), are
  combined into the file afterwards (``coverage combine --append``).

How pytest-cov is given what ``coverage run`` is given:

* the configuration: pytest-cov hands ``--cov-config`` to coverage.py, and its
  default (``.coveragerc``) means coverage.py's own search from the current
  folder (``$COVERAGE_RCFILE``, ``.coveragerc``, ``.coveragerc.toml``,
  ``setup.cfg``, ``tox.ini``, ``pyproject.toml``), the search ``coverage run``
  makes: the user's settings apply as written (``branch``, ``exclude_also``,
  ``patch``, ``plugins``, ``relative_files``, ...).
* the omit list: for a member with tests beside its source, a copy of that
  configuration with them added (:mod:`tiergate_nox.covconfig`).
* the data file: ``$COVERAGE_FILE``, which coverage.py reads after the
  configuration file and pytest-cov leaves alone.
* no report (``--cov-report=``) and no bound (``--cov-fail-under=0``): the
  gates judge coverage per scope, and a user's ``[report] fail_under`` would
  otherwise fail each tier on its own share.

Each tier also records its read set (pytest-tiergate's ``--tiergate-reads``,
``<tier>/reads.json``, the session's own folder left out): the files its tests
were seen to read, which the result cache checks before reusing the session.
The files read that the session's input key does not hold (ignored by git, or
outside the repository and its local sources) are named in the session's log:
the cache checks them, the key does not.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from tiergate.cache.readset import ABSENT, READS, read_set_file
from tiergate.config import load_member_config
from tiergate.errors import ConfigError, TiergateError
from tiergate.inputs import InputScan, unkeyed
from tiergate.plan import measured_by, member_tiers
from tiergate.reading import exists
from tiergate.records import read_records
from tiergate.runfolder import Outcome, TierRun, earlier_runs
from tiergate_nox.base import run
from tiergate_nox.covconfig import coverage_config

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import nox

    from tiergate.workspace import Member
    from tiergate_nox.base import SessionContext
    from tiergate_nox.record import SessionRecord

AUTO_SERIAL_BELOW = 5.0
"""Seconds of tests below which ``workers = "auto"`` runs a tier in one process."""
AUTO_WORKERS_FILES = 4
"""Test files a member needs for ``workers = "auto"`` to start workers for a never-timed tier."""
LAST_RUNS = 20
"""How many earlier run folders are looked in for a tier's last test time."""
_SHOWN = 10
"""Most unlisted reads named in a session's log line."""
_PYTEST_EXITS: dict[int, tuple[Outcome, str]] = {
    0: ("passed", ""),
    1: ("failed", "tests failed"),
    5: ("failed", "collected no tests"),
}
_DISTRIBUTIONS = {
    "pytest": "pytest",
    "pytest_tiergate": "pytest-tiergate",
    "coverage": "coverage",
    "pytest_cov": "pytest-cov",
    "xdist": "pytest-xdist",
}
_BROUGHT_BY = {
    "coverage": "pytest_cov",
    "pytest_cov": "pytest_tiergate",
    "xdist": "pytest_tiergate",
}
"""Module -> the module whose distribution depends on its own: adding that one brings both."""
_FIND_MODULES = (
    "import importlib.util, sys; "
    "missing = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]; "
    "print(' '.join(missing)); sys.exit(1 if missing else 0)"
)


@dataclass(frozen=True)
class TierOptions:
    """What every tier's pytest run of a session is given beyond its own tier and files."""

    root: Path
    """The workspace root (``--tiergate-root``)."""
    runner: tuple[str, ...]
    """What runs ``-m pytest``: ``python``, or ``coverage run`` when measured."""
    options: tuple[str, ...]
    """pytest-cov's options."""
    workers: int | Literal["auto"]
    """The ``workers`` setting (see :func:`worker_options`)."""
    test_files: int
    """How many test files the member has (see :func:`worker_options`)."""
    measured: bool
    """Whether the run is measured (the member's tests test some source)."""


def tests(ctx: SessionContext, session: nox.Session, package: str) -> None:
    """Run every tier of the member's tests; the session fails if any tier did not pass."""
    member = ctx.member_for(session, package)
    tiers = member_tiers(member, ctx.config, str(session.python))
    if not tiers:
        session.skip(f"no tier of {package} runs on Python {session.python} (tiers.<tier>.pythons)")
    with ctx.record("tests", str(session.python), package) as rec:
        group = member.test_group
        provision = ctx.provision(session)
        provision.sync(member=member, groups=(group,) if group else ())
        provision.apply()
        measured = measured_by(ctx.workspace, member)
        sources = coverage_sources(measured)
        workers = workers_of(ctx, member)
        missing = _missing_modules(session, coverage=bool(sources), xdist=workers != 0)
        if missing:
            where = f"its {group!r} dependency group" if group else "a 'test' dependency group"
            message = (
                f"{', '.join(missing)} not installed in {member.name}'s test environment: "
                f"add {', '.join(_DISTRIBUTIONS[m] for m in missing)} to {where}"
            )
            rec.finish("crashed", None, message)
            session.error(message)
        omit = [str(path) for m in measured for path in m.tests_in_source]
        try:
            config = coverage_config(omit, rec.folder) if sources and omit else None
        except ConfigError as error:
            rec.finish("crashed", None, str(error))
            session.error(str(error))
        options = TierOptions(
            root=ctx.root,
            runner=tuple(coverage_runner(sources, omit)),
            options=tuple(coverage_options(sources, config)),
            workers=workers,
            test_files=len(member.tests.files),
            measured=bool(sources),
        )
        for tier in tiers:
            rec.tiers[tier] = _tier(session, rec, member, tier, options)
        read_sets = [rec.folder / run.artifacts[READS] for run in rec.tiers.values()]
        unlisted = unkeyed_reads(ctx, member, read_sets)
        if unlisted:
            shown = ", ".join(unlisted[:_SHOWN])
            more = f" and {len(unlisted) - _SHOWN} more" if len(unlisted) > _SHOWN else ""
            session.log(f"read, and not in the input key: {shown}{more}")
        failed = [f"{t}: {run.message}" for t, run in rec.tiers.items() if run.outcome != "passed"]
        crashed = any(run.outcome == "crashed" for run in rec.tiers.values())
        outcome: Outcome = "crashed" if crashed else "failed" if failed else "passed"
        rec.finish(
            outcome,
            max((r.exit_code for r in rec.tiers.values()), default=0),
            "; ".join(failed),
        )
    if failed:
        session.error("; ".join(failed))


def unkeyed_reads(ctx: SessionContext, member: Member, read_sets: Sequence[Path]) -> list[str]:
    """The files in ``read_sets`` that the session's input key does not hold (see :func:`unkeyed`).

    A file that was not there (an ``absent`` read: a configuration file looked
    for) is not named; a read set that is missing or unreadable adds nothing
    (the cache then does not store the session); without git, nothing is named.
    """
    reads: set[str] = set()
    for path in read_sets:
        reads.update(
            name for name, digest in (read_set_file(path) or {}).items() if digest != ABSENT
        )
    try:
        return unkeyed(InputScan(ctx.workspace, ctx.config, os.environ), member, reads)
    except TiergateError:
        return []


def _missing_modules(session: nox.Session, *, coverage: bool, xdist: bool) -> list[str]:
    """The modules the tests session runs that the member's environment lacks.

    One that a missing distribution would bring is not named (pytest-tiergate
    depends on pytest-cov and pytest-xdist, pytest-cov on coverage).
    """
    wanted = [
        "pytest",
        "pytest_tiergate",
        *(["coverage", "pytest_cov"] if coverage else []),
        *(["xdist"] if xdist else []),
    ]
    output = session.run("python", "-c", _FIND_MODULES, *wanted, silent=True, success_codes=[0, 1])
    missing = str(output or "").split()
    return [module for module in missing if _BROUGHT_BY.get(module) not in missing]


def workers_of(ctx: SessionContext, member: Member) -> int | Literal["auto"]:
    """The member's own ``workers`` (its ``[tool.tiergate]``), else the workspace's."""
    own = None if member.is_root else load_member_config(member.path, ctx.config).workers
    return ctx.config.workers if own is None else own


def worker_options(
    workers: int | Literal["auto"], last: float | None = None, *, files: int | None = None
) -> list[str]:
    """pytest-xdist's ``-n`` for ``workers``; none for 0 (one process, no xdist).

    ``"auto"`` is one worker per processor, unless starting the workers (about a
    second of a processor each) would cost more than it saves: the tier's tests
    took less than :data:`AUTO_SERIAL_BELOW` seconds the last time they ran
    (``last``), or, never timed, the member has fewer than
    :data:`AUTO_WORKERS_FILES` test files (``files``; ``None``: not known).
    """
    if workers == "auto":
        if last is not None:
            serial = last < AUTO_SERIAL_BELOW
        else:
            serial = files is not None and files < AUTO_WORKERS_FILES
        return [] if serial else ["-n", "auto"]
    return ["-n", str(workers)] if workers else []


def last_tier_seconds(folder: Path, tier: str, *, runs: int = LAST_RUNS) -> float | None:
    """The test time of ``tier`` the last time the session of ``folder`` recorded it.

    ``folder`` is the session's folder in this run (``<run-dir>/<run>/sessions/<name>``);
    the newest of the ``runs`` other run folders holding the tier's ``tests.jsonl``
    gives the sum of its tests' durations. ``None``: never recorded, or unreadable.
    """
    session, run = folder.name, folder.parent.parent
    for other in earlier_runs(run.parent, exclude=run, limit=runs):
        records = other / "sessions" / session / tier / "tests.jsonl"
        if exists(records):
            try:
                return sum(record.duration for record in read_records(records))
            except TiergateError:
                return None
    return None


def coverage_runner(sources: Sequence[str], omit: Sequence[str]) -> list[str]:
    """What runs pytest: ``coverage run`` over ``sources`` but ``omit``; none: plain ``python``."""
    if not sources:
        return ["python"]
    return [
        "python",
        "-m",
        "coverage",
        "run",
        "--parallel-mode",
        f"--source={','.join(sources)}",
        *([f"--omit={','.join(omit)}"] if omit else []),
    ]


def coverage_options(sources: Sequence[str], config: Path | None = None) -> list[str]:
    """pytest-cov's options: measure ``sources`` (none: nothing), report and bound nothing."""
    if not sources:
        return []
    return [
        *(f"--cov={source}" for source in sources),
        "--cov-report=",
        "--cov-fail-under=0",
        *([f"--cov-config={config}"] if config is not None else []),
    ]


def coverage_sources(members: Sequence[Member]) -> list[str]:
    """``--cov`` entries: folders as paths, single modules by import name.

    (coverage.py takes an entry that is not a folder as a module name.)
    """
    return [
        str(path) if path.is_dir() else name
        for member in members
        for path, name in zip(member.source, member.import_packages, strict=True)
    ]


def pytest_targets(member: Member) -> list[str]:
    """What pytest is given: the member's test roots, minus the members nested in it."""
    return [
        *(str(path) for path in member.test_roots),
        *(f"--ignore={path}" for path in member.tests.ignore),
    ]


TEMP_ROOT_ENV = "PYTEST_DEBUG_TEMPROOT"
"""Where pytest makes ``pytest-of-<user>/pytest-<n>``, the folders of ``tmp_path``."""


def pytest_temp_root(root: Path, session: str, environ: Mapping[str, str]) -> dict[str, str]:
    """``{PYTEST_DEBUG_TEMPROOT: <a folder of this session's own>}``; empty when the user set one.

    Sessions run at once: sharing pytest's default root (the system's temporary
    folder), one pytest's cleanup of old ``tmp_path`` folders removed another's
    while in use, or failed on a folder another was writing into (``Directory not
    empty``), and a session whose tests all passed failed. Each session of each
    workspace gets a folder of its own, outside the workspace, the same every run
    (pytest keeps the newest three of its own runs there); the tiers of a session
    run one after another. Its name is short (``tg-`` and ten hex digits of the
    user, workspace and session), so that ``tmp_path`` grows by 14 characters only.
    A name found taken by anything but a folder of this user's that no one else
    may write into (a link, a file, another user's folder) is not used: pytest
    then keeps its default root.
    """
    if environ.get(TEMP_ROOT_ENV):
        return {}
    uid = os.getuid() if hasattr(os, "getuid") else None
    identity = "\0".join((str(uid), str(root), session)).encode()
    folder = Path(tempfile.gettempdir()) / f"tg-{hashlib.sha256(identity).hexdigest()[:10]}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.lstat()
    except OSError:
        return {}
    ours = uid is None or found.st_uid == uid
    if not stat.S_ISDIR(found.st_mode) or not ours or found.st_mode & 0o022:
        return {}
    return {TEMP_ROOT_ENV: str(folder)}


def _tier(
    session: nox.Session, rec: SessionRecord, member: Member, tier: str, options: TierOptions
) -> TierRun:
    """Run one tier, into ``<session folder>/<tier>/``."""
    (rec.folder / tier).mkdir()
    artifacts = {
        "junit": f"{tier}/junit.xml",
        "records": f"{tier}/tests.jsonl",
        READS: f"{tier}/reads.json",
    }
    env = pytest_temp_root(options.root, session.name, os.environ)
    if options.measured:
        artifacts["coverage"] = f"{tier}/coverage.db"
        env["COVERAGE_FILE"] = str(rec.folder / artifacts["coverage"])
    command = [
        *options.runner,
        "-m",
        "pytest",
        *pytest_targets(member),
        f"--tier={tier}",
        f"--tiergate-root={options.root}",
        f"--junitxml={rec.folder / artifacts['junit']}",
        f"--tiergate-records={rec.folder / artifacts['records']}",
        "-p",
        "no:cacheprovider",
        "-p",
        "pytest_tiergate.reads",
        f"--tiergate-reads={rec.folder / artifacts[READS]}",
        f"--tiergate-reads-exclude={rec.folder}",
        *worker_options(
            options.workers, last_tier_seconds(rec.folder, tier), files=options.test_files
        ),
        *options.options,
        *session.posargs,
    ]
    rec.command = command
    code = run(session, command, env=env)
    if options.measured:
        _combine_late_data(session, Path(env["COVERAGE_FILE"]), env)
    outcome, message = _PYTEST_EXITS.get(code, ("crashed", f"pytest exited with {code}"))
    return TierRun(exit_code=code, outcome=outcome, artifacts=artifacts, message=message)


def _combine_late_data(session: nox.Session, data: Path, env: dict[str, str]) -> None:
    """Combine into ``data`` the data files left beside it after pytest-cov combined."""
    if any(data.parent.glob(f"{data.name}.*")):
        session.run("python", "-m", "coverage", "combine", "--append", "--quiet", env=env)
