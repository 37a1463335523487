"""What every generated session shares: the workspace it runs in, its record, running tools."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nox.command import CommandFailed

from tiergate.runfolder import session_name
from tiergate_nox.record import SessionRecord

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import IO

    import nox

    from tiergate.config import TiergateConfig
    from tiergate.runfolder import Outcome, SessionKind
    from tiergate.workspace import Member, Workspace


@dataclass(frozen=True)
class SessionContext:
    """The workspace, its configuration and the run folder every session writes into."""

    root: Path
    workspace: Workspace
    config: TiergateConfig
    run_dir: Path

    def record(
        self, kind: SessionKind, python: str | None = None, package: str | None = None
    ) -> SessionRecord:
        """The session's folder in the run; its manifest is written when the block ends."""
        return SessionRecord(
            run_dir=self.run_dir,
            run_id=self.run_dir.name,
            session=session_name(kind, python, package),
            kind=kind,
            package=package,
            python=python,
        )

    def member_for(self, session: nox.Session, package: str) -> Member:
        """The member ``package``; the session is skipped on a Python it does not support."""
        member = self.workspace.member(package)
        if str(session.python) not in member.pythons:
            session.skip(
                f"{package} does not support Python {session.python} ({member.requires_python})"
            )
        return member


def run(
    session: nox.Session,
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    stdout: IO[str] | None = None,
    external: bool = False,
) -> int:
    """Run ``command``; return its exit code (a missing program still raises)."""
    try:
        session.run(*command, env=env, stdout=stdout, external=external)
    except CommandFailed as failure:
        if failure.return_code is None:
            raise
        return failure.return_code
    return 0


def finish_tool(session: nox.Session, rec: SessionRecord, code: int, message: str) -> None:
    """0: passed; 1: the tool found problems; anything else: the tool crashed."""
    outcome: Outcome = "passed" if code == 0 else "failed" if code == 1 else "crashed"
    rec.finish(outcome, code, "" if code == 0 else message)
    if code:
        session.error(message)
