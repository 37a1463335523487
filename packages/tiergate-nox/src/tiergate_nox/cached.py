"""The result cache in ``invoke check``: restore the sessions that hold, store those that passed.

Before the sessions start, every session of the plan marked ``cached``
(:func:`tiergate.reuse.plan_sessions`) is copied from the cache into the run
folder, its manifest saying where it came from; it does not run. After they
end, each session that ran and passed is stored, under its input key computed
again then: a key that changed while the session ran (a file edited meanwhile)
is not stored, since the result may be of either content. A tests session is
stored with its read set (the ``reads`` artifact of each tier, merged); a tests
session without one is not stored at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.cache import Hit, Refused
from tiergate.cache.readset import READS, read_set_file
from tiergate.errors import TiergateError
from tiergate.inputs import InputKey, changed_inputs, session_keys
from tiergate.runfolder import read_manifest, session_dir
from tiergate_nox.schedule import JobResult

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from tiergate.cache import ResultCache
    from tiergate.config import TiergateConfig
    from tiergate.reuse import Planned
    from tiergate.workspace import Workspace
    from tiergate_nox.schedule import Job


@dataclass(frozen=True)
class Stored:
    """What storing the passed sessions did: stored, and why each other one was not."""

    stored: tuple[str, ...]
    refused: Mapping[str, str]


def restore(
    planned: Sequence[Planned], jobs: Sequence[Job], cache: ResultCache, run_dir: Path
) -> tuple[list[JobResult], list[Job]]:
    """The cached sessions restored into ``run_dir`` (as results), and the jobs left to run.

    A hit whose entry turns out broken while being copied runs after all.
    """
    by_name = {job.name: job for job in jobs}
    restored: list[JobResult] = []
    for plan in planned:
        if plan.decision != "cached" or not isinstance(plan.hit, Hit):
            continue
        try:
            cache.restore(plan.hit, run_dir)
        except TiergateError:
            continue
        restored.append(JobResult(by_name.pop(plan.session), "cached", 0.0, 0, note=plan.why))
    return restored, [job for job in jobs if job.name in by_name]


def store(  # noqa: PLR0913 - what ran, where, the cache and what keys are made of
    results: Sequence[JobResult],
    planned: Sequence[Planned],
    *,
    cache: ResultCache,
    run_dir: Path,
    workspace: Workspace,
    config: TiergateConfig,
    environ: Mapping[str, str],
) -> Stored:
    """Store every session that ran and passed whose key did not change while it ran."""
    before = {plan.session: plan.key for plan in planned}
    passed = [r.job.name for r in results if r.status == "passed" and r.job.name in before]
    after = session_keys(workspace, config, passed, environ=environ) if passed else {}
    stored: list[str] = []
    refused: dict[str, str] = {}
    for name in passed:
        key = after[name]
        old = before[name]
        if not isinstance(key, InputKey):
            refused[name] = f"no input key: {key.reason}"
            continue
        if not isinstance(old, InputKey):
            refused[name] = f"no input key when it started: {old.reason}"
            continue
        if key != old:
            refused[name] = f"{changed_inputs(old, key)[0]} changed while it ran"
            continue
        folder = session_dir(run_dir, name)
        read_set: dict[str, str] | None = None
        if name.startswith("tests-"):
            read_set = read_set_of(folder)
            if read_set is None:
                refused[name] = "no read set was recorded: what its tests read is unknown"
                continue
        saved = cache.save(folder, key, read_set=read_set)
        if isinstance(saved, Refused):
            refused[name] = saved.reason
        else:
            stored.append(name)
    return Stored(tuple(stored), refused)


def read_set_of(folder: Path) -> dict[str, str] | None:
    """The files a tests session's tiers were seen to read, merged; ``None``: a tier has none."""
    try:
        manifest = read_manifest(folder / "manifest.json")
    except TiergateError:
        return None
    merged: dict[str, str] = {}
    for tier in manifest.tiers.values():
        name = tier.artifacts.get(READS)
        reads = None if name is None else read_set_file(folder / name)
        if reads is None:
            return None
        merged.update(reads)
    return merged if manifest.tiers else None
