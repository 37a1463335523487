"""The plan of a check: each session ``run`` or ``cached``, and for each run the first reason.

For every session the input key is computed (:mod:`tiergate.inputs`) and looked
up in the result cache (:mod:`tiergate.cache`): a hit is ``cached``; anything
else runs, and says why in one line: no key (the reason), no entry yet, the
first input that changed since the newest entry of that session
(:func:`tiergate.inputs.why.why_it_runs`: "packages/core/src/core/model.py
changed; core is a dependency of api"), or a file its tests read that changed.
A tests session whose result was stored without a read set is never reused:
what its tests read outside the declared inputs would go unseen. The audit
session's online answer is reused for ``[tool.tiergate.security]
online-reuse-hours`` only: new advisories must reach the verdict.

``invoke check`` and ``tiergate plan`` both call :func:`plan_sessions`, so the
plan printed is the check that will run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from tiergate.cache import Hit, Miss
from tiergate.inputs import InputKey, NoKey, session_keys
from tiergate.inputs.why import why_it_runs

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tiergate.cache import CacheEntry, ResultCache
    from tiergate.config import TiergateConfig
    from tiergate.scope import Scope
    from tiergate.workspace import Workspace

Decision = Literal["run", "cached", "not run"]
OUTSIDE = "outside the --changed-since scope, and not cached"
_MEMBER = re.compile(r"^(?P<kind>tests|type)-[^(]+\(package='(?P<package>[^']+)'\)$")


@dataclass(frozen=True)
class Planned:
    """One session of the plan: what will happen to it and why."""

    session: str
    decision: Decision
    why: str
    """``run``: the first reason; ``cached``: where the result comes from; ``not run``: why not."""
    key: InputKey | NoKey
    hit: Hit | None = None

    def to_json(self) -> dict[str, object]:
        """``{"session", "decision", "why", "key"}`` (the key's digest, or null)."""
        digest = self.key.digest if isinstance(self.key, InputKey) else None
        return {"session": self.session, "decision": self.decision, "why": self.why, "key": digest}


def member_of(session: str) -> str | None:
    """The member a ``tests-*``/``type-*`` session is of (``None`` for the tool sessions)."""
    found = _MEMBER.match(session)
    return found["package"] if found else None


def plan_sessions(  # noqa: PLR0913 - the workspace, its sessions, and what decides
    workspace: Workspace,
    config: TiergateConfig,
    sessions: Sequence[str],
    *,
    environ: Mapping[str, str],
    cache: ResultCache | None,
    scope: Scope | None = None,
    now: datetime | None = None,
) -> list[Planned]:
    """Each of ``sessions``, ``run`` or ``cached`` (``cache`` ``None``: every one runs).

    With a ``scope`` (``--changed-since``), a member's session outside it that is
    not cached is ``not run``: the gates will find it missing. ``now``: the time
    an online audit's age is taken at (default: now).
    """
    keys = session_keys(workspace, config, sessions, environ=environ)
    planned: list[Planned] = []
    now = now or datetime.now(UTC)
    reads: dict[str, str | None] = {}  # each file the sessions were seen to read, hashed once
    for session in sessions:
        key = keys[session]
        found = cache.lookup(session, key, reads) if cache is not None else None
        if isinstance(found, Hit) and (stale := _stale_audit(found.entry, config, now)):
            found = Miss(stale)
        if isinstance(found, Hit) and _reusable(found.entry):
            when = found.entry.finished_at.strftime("%Y-%m-%d %H:%M")
            where = f"from run {found.entry.run_id} ({when})"
            planned.append(Planned(session, "cached", where, key, found))
            continue
        member = member_of(session)
        if scope is not None and member is not None and member not in scope.members:
            planned.append(Planned(session, "not run", OUTSIDE, key))
            continue
        why = (
            "the cache is off"
            if cache is None or found is None
            else _why(found, session, key, workspace, cache)
        )
        planned.append(Planned(session, "run", why, key))
    return planned


def _stale_audit(entry: CacheEntry, config: TiergateConfig, now: datetime) -> str | None:
    """Why the stored audit session's online answer is too old to reuse; ``None``: it is not."""
    if entry.session != "audit":
        return None
    hours = config.security.online_reuse_hours
    age = now - entry.finished_at
    if age <= timedelta(hours=hours):
        return None
    if hours == 0:
        return "online audit results go stale with new advisories (online-reuse-hours = 0)"
    return (
        f"the online audit of run {entry.run_id} is {_hours(age)} old, more than "
        f"online-reuse-hours ({hours:g} h): new advisories must reach the verdict"
    )


def _hours(age: timedelta) -> str:
    """``age`` as hours and minutes (``2 h 05 min``)."""
    minutes = int(age.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _reusable(entry: CacheEntry) -> bool:
    """A tests session's result needs its read set; other sessions read only their inputs."""
    return not entry.session.startswith("tests-") or bool(entry.read_set)


def _why(
    found: Hit | Miss,
    session: str,
    key: InputKey | NoKey,
    workspace: Workspace,
    cache: ResultCache,
) -> str:
    if isinstance(found, Hit):
        return "stored without a read set: what its tests read is unknown"
    if isinstance(key, NoKey) or not found.changed:
        return found.reason
    newest = cache.newest(session)
    if newest is None or newest.digest == key.digest:
        return found.reason
    said = why_it_runs(newest.key, key, workspace, member_of(session))
    return f"{said} (since run {newest.run_id})" if said else found.reason
