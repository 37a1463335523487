"""The ``tests-<python>(package=...)`` session: one pytest run per tier, under coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.plan import measured_by, member_tiers
from tiergate.runfolder import Outcome, TierRun
from tiergate_nox.base import run
from tiergate_nox.install import sync

if TYPE_CHECKING:
    from collections.abc import Sequence

    import nox

    from tiergate.workspace import Member
    from tiergate_nox.base import SessionContext
    from tiergate_nox.record import SessionRecord

_PYTEST_EXITS: dict[int, tuple[Outcome, str]] = {
    0: ("passed", ""),
    1: ("failed", "tests failed"),
    5: ("failed", "collected no tests"),
}
_DISTRIBUTIONS = {"pytest": "pytest", "pytest_tiergate": "pytest-tiergate", "coverage": "coverage"}
_FIND_MODULES = (
    "import importlib.util, sys; "
    "missing = [m for m in sys.argv[1:] if importlib.util.find_spec(m) is None]; "
    "print(' '.join(missing)); sys.exit(1 if missing else 0)"
)


def tests(ctx: SessionContext, session: nox.Session, package: str) -> None:
    """Run every tier of the member's tests; the session fails if any tier did not pass."""
    member = ctx.member_for(session, package)
    tiers = member_tiers(member, ctx.config)
    with ctx.record("tests", str(session.python), package) as rec:
        group = member.test_group
        sync(session, member=member, groups=(group,) if group else ())
        measured = any(m.source for m in measured_by(ctx.workspace, member))
        missing = _missing_modules(session, coverage=measured)
        if missing:
            where = f"its {group!r} dependency group" if group else "a 'test' dependency group"
            message = (
                f"{', '.join(missing)} not installed in {member.name}'s test environment: "
                f"add {', '.join(_DISTRIBUTIONS[m] for m in missing)} to {where}"
            )
            rec.finish("crashed", None, message)
            session.error(message)
        for tier in tiers:
            rec.tiers[tier] = _tier(ctx, session, rec, member, tier)
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


def _missing_modules(session: nox.Session, *, coverage: bool) -> list[str]:
    """The modules the tests session runs that the member's environment lacks."""
    wanted = ["pytest", "pytest_tiergate", *(["coverage"] if coverage else [])]
    output = session.run("python", "-c", _FIND_MODULES, *wanted, silent=True, success_codes=[0, 1])
    return str(output or "").split()


def coverage_sources(members: Sequence[Member]) -> list[str]:
    """``coverage run --source`` entries: folders as paths, single modules by import name.

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


def _tier(
    ctx: SessionContext, session: nox.Session, rec: SessionRecord, member: Member, tier: str
) -> TierRun:
    """Run one tier under coverage, into ``<session folder>/<tier>/``."""
    (rec.folder / tier).mkdir()
    artifacts = {"junit": f"{tier}/junit.xml", "records": f"{tier}/tests.jsonl"}
    env = {}
    command = ["python", "-m", "pytest"]
    measured = measured_by(ctx.workspace, member)
    sources = ",".join(coverage_sources(measured))
    if sources:
        artifacts["coverage"] = f"{tier}/coverage.db"
        env["COVERAGE_FILE"] = str(rec.folder / artifacts["coverage"])
        omit = [str(path) for m in measured for path in m.tests_in_source]
        command = [
            "python",
            "-m",
            "coverage",
            "run",
            "--parallel-mode",
            f"--source={sources}",
            *([f"--omit={','.join(omit)}"] if omit else []),
            "-m",
            "pytest",
        ]
    command += [
        *pytest_targets(member),
        f"--tier={tier}",
        f"--tiergate-root={ctx.root}",
        f"--junitxml={rec.folder / artifacts['junit']}",
        f"--tiergate-records={rec.folder / artifacts['records']}",
        "-p",
        "no:cacheprovider",
        *session.posargs,
    ]
    rec.command = command
    code = run(session, command, env=env)
    if sources:
        session.run("python", "-m", "coverage", "combine", "--quiet", env=env)
    outcome, message = _PYTEST_EXITS.get(code, ("crashed", f"pytest exited with {code}"))
    return TierRun(exit_code=code, outcome=outcome, artifacts=artifacts, message=message)
