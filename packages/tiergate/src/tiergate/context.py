"""The evaluation context every gate reads: configuration, workspace, the run's artifacts.

Each thing is loaded or computed once, on first use: the tiers' artifacts and
records, the coverage data (:mod:`tiergate.measure`), the gaps
(:mod:`tiergate.gaps`) and the traceability matrix (:mod:`tiergate.trace.run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING

from tiergate import memo
from tiergate.config import MemberConfig, load_config, load_member_config
from tiergate.plan import expected_sessions
from tiergate.pythons import discover
from tiergate.reading import exists
from tiergate.records import TestRecord, read_records
from tiergate.runfolder import merge_runs
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import date
    from pathlib import Path

    from tiergate.config import TiergateConfig
    from tiergate.gaps import Gap
    from tiergate.measure import Measurements
    from tiergate.plan import ExpectedSession
    from tiergate.runfolder import SessionManifest, TierRun
    from tiergate.trace.matrix import TraceMatrix
    from tiergate.workspace import Workspace


@dataclass
class Context:
    """Everything a gate may read: configuration, workspace, and the run's artifacts."""

    root: Path
    workspace: Workspace
    config: TiergateConfig
    sessions: Mapping[str, tuple[Path, SessionManifest]]
    today: date
    strict: bool
    """In CI or with ``--strict``: tolerated honesty problems fail."""
    base: str | None = None
    """Git ref that patch coverage diffs against (``--base``, else ``[tool.tiergate.patch]``)."""
    run_dirs: tuple[Path, ...] = ()
    """The run folders read (shards of one run), as given."""

    @cached_property
    def expected(self) -> tuple[ExpectedSession, ...]:
        """The tests sessions the run must hold."""
        return expected_sessions(self.workspace, self.config)

    @classmethod
    def load(
        cls,
        root: Path,
        run_dirs: Sequence[Path],
        *,
        strict: bool,
        today: date | None = None,
        base: str | None = None,
    ) -> Context:
        """The context of the run in ``run_dirs`` (shards merged) for the workspace at ``root``.

        ``base``: the git ref patch coverage diffs against (default: the configured one).
        """
        config = load_config(root)
        memo.use(config.memo_folder(root))
        return cls(
            root=root,
            workspace=load_workspace(root),
            config=config,
            sessions=merge_runs(run_dirs),
            today=today or datetime.now(UTC).date(),
            strict=strict,
            base=base or config.patch.base,
            run_dirs=tuple(run_dirs),
        )

    @cached_property
    def interpreters(self) -> dict[str, bool]:
        """Python version -> found on this machine, for the Pythons of sessions that did not run."""
        missing = {e.python for e in self.expected if e.name not in self.sessions}
        return {python: discover(python, self.root) is not None for python in sorted(missing)}

    @cached_property
    def artifacts(self) -> list[TierArtifacts]:
        """Every tier that the expected sessions ran, in plan order."""
        return tier_artifacts(self)

    @cached_property
    def records(self) -> list[tuple[TierArtifacts, tuple[TestRecord, ...]]]:
        """Each tier's per-test records, for the tiers that left them (each file read once)."""
        return [
            (artifacts, tuple(read_records(path)))
            for artifacts in self.artifacts
            if (path := artifacts.path("records")) is not None and exists(path)
        ]

    @cached_property
    def coverage(self) -> Measurements:
        """The run's coverage data, read once for every gate and report."""
        from tiergate.measure import Measurements  # noqa: PLC0415 - coverage.py loads on use

        return Measurements(self)

    @property
    def coverage_read(self) -> bool:
        """Whether :attr:`coverage` has been read (a gate measured something)."""
        return "coverage" in self.__dict__

    @cached_property
    def gaps(self) -> list[Gap]:
        """Every gap of the run, best first, ranked once for every report that lists them."""
        from tiergate.gaps import find_gaps  # noqa: PLC0415 - gaps load coverage.py on use

        return find_gaps(self)

    @cached_property
    def trace(self) -> TraceMatrix:
        """The traceability matrix of the specs and the run's records, built once."""
        from tiergate.trace.run import run_matrix  # noqa: PLC0415 - specs load on use

        return run_matrix(self, [str(path) for path in self.run_dirs])

    @cached_property
    def member_configs(self) -> dict[str, MemberConfig]:
        """Each member's ``[tool.tiergate]`` overrides."""
        return {
            m.name: MemberConfig() if m.is_root else load_member_config(m.path, self.config)
            for m in self.workspace.members
        }


@dataclass(frozen=True)
class TierArtifacts:
    """Where one tier of one tests session left its artifacts."""

    session: ExpectedSession
    tier: str
    folder: Path
    run: TierRun

    def path(self, role: str) -> Path | None:
        """The artifact file of ``role`` (junit, coverage, records), if the tier left one."""
        name = self.run.artifacts.get(role)
        return self.folder / name if name is not None else None


def tier_artifacts(context: Context) -> list[TierArtifacts]:
    """Every tier that the expected sessions ran, in plan order."""
    found: list[TierArtifacts] = []
    for expected in context.expected:
        entry = context.sessions.get(expected.name)
        if entry is None:
            continue
        folder, manifest = entry
        found.extend(
            TierArtifacts(expected, tier, folder, manifest.tiers[tier])
            for tier in expected.tiers
            if tier in manifest.tiers
        )
    return found
