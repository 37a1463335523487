"""Record what a session did into its folder of the run (see :mod:`tiergate.runfolder`)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Self

from tiergate.runfolder import (
    Outcome,
    SessionKind,
    SessionManifest,
    TierRun,
    session_dir,
    write_manifest,
)

if TYPE_CHECKING:
    from pathlib import Path
    from types import TracebackType


@dataclass
class SessionRecord:
    """A session's folder in the run, emptied on entry; its manifest is written on exit.

    An exception escaping the ``with`` block (a failed install, a missing tool)
    is recorded as ``crashed``; :meth:`finish` records the main command's result.
    """

    run_dir: Path
    run_id: str
    session: str
    kind: SessionKind
    package: str | None = None
    python: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    command: list[str] = field(default_factory=list)
    workdir: str = "."
    artifacts: dict[str, str] = field(default_factory=dict)
    tiers: dict[str, TierRun] = field(default_factory=dict)
    _finished: bool = False

    @property
    def folder(self) -> Path:
        """Where this session's artifacts go."""
        return session_dir(self.run_dir, self.session)

    def __enter__(self) -> Self:
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self._finished:
            why = f"{exc_type.__name__}: {exc}" if exc_type is not None else "ended without result"
            self.finish("crashed", None, why.splitlines()[0] if why else why)

    def artifact(self, role: str, name: str) -> Path:
        """Declare an artifact file of the session and return its path."""
        self.artifacts[role] = name
        return self.folder / name

    def finish(self, outcome: Outcome, exit_code: int | None, message: str = "") -> None:
        """Write the manifest: only artifacts that exist are listed."""
        self._finished = True
        present = {
            role: name for role, name in self.artifacts.items() if (self.folder / name).exists()
        }
        write_manifest(
            self.folder,
            SessionManifest(
                schema_version=1,
                run_id=self.run_id,
                session=self.session,
                kind=self.kind,
                package=self.package,
                python=self.python,
                started_at=self.started_at,
                finished_at=datetime.now(UTC),
                outcome=outcome,
                exit_code=exit_code,
                command=self.command,
                workdir=self.workdir,
                artifacts=present,
                message=message,
                tiers=self.tiers,
            ),
        )
