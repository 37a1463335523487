"""The ``tests-<python>(package=...)`` session: one pytest run per tier, under coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.plan import member_tiers
from tiergate.runfolder import Outcome, TierRun
from tiergate_nox.base import run
from tiergate_nox.install import sync

if TYPE_CHECKING:
    import nox

    from tiergate.workspace import Member
    from tiergate_nox.base import SessionContext
    from tiergate_nox.record import SessionRecord

_PYTEST_EXITS: dict[int, tuple[Outcome, str]] = {
    0: ("passed", ""),
    1: ("failed", "tests failed"),
    5: ("failed", "collected no tests"),
}


def tests(ctx: SessionContext, session: nox.Session, package: str) -> None:
    """Run every tier of the member's tests; the session fails if any tier did not pass."""
    member = ctx.member_for(session, package)
    tiers = member_tiers(member, ctx.config)
    with ctx.record("tests", str(session.python), package) as rec:
        sync(session, member=member, groups=("test",))
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


def _tier(
    ctx: SessionContext, session: nox.Session, rec: SessionRecord, member: Member, tier: str
) -> TierRun:
    """Run one tier under coverage, into ``<session folder>/<tier>/``."""
    (rec.folder / tier).mkdir()
    artifacts = {"junit": f"{tier}/junit.xml", "records": f"{tier}/tests.jsonl"}
    env = {}
    command = ["python", "-m", "pytest"]
    if member.source_dirs:
        artifacts["coverage"] = f"{tier}/coverage.db"
        env["COVERAGE_FILE"] = str(rec.folder / artifacts["coverage"])
        sources = ",".join(str(path) for path in member.source_dirs)
        command = [
            "python",
            "-m",
            "coverage",
            "run",
            "--parallel-mode",
            f"--source={sources}",
            "-m",
            "pytest",
        ]
    targets = (
        [str(member.tests_dir)]
        if member.tests_dir
        else [
            str(member.path / path)
            for path in ctx.config.tiers[tier].paths
            if (member.path / path).is_dir()
        ]
    )
    command += [
        *targets,
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
    if member.source_dirs:
        session.run("python", "-m", "coverage", "combine", "--quiet", env=env)
    outcome, message = _PYTEST_EXITS.get(code, ("crashed", f"pytest exited with {code}"))
    return TierRun(exit_code=code, outcome=outcome, artifacts=artifacts, message=message)
