"""Every session of a run, labelled ``ran`` (in this run) or ``cached`` (and where from).

A reused result is never shown as if it ran now: each report lists what
:func:`session_rows` gives, the JSON and HTML reports always, the terminal and
Markdown reports whenever a session of the run is cached.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from tiergate.runfolder import utc_time

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tiergate.context import Context
    from tiergate.runfolder import Outcome, Reused, SessionKind

Label = Literal["ran", "cached"]


@dataclass(frozen=True)
class SessionRow:
    """One session of the run, and whether it ran now or its result was reused."""

    name: str
    kind: SessionKind
    outcome: Outcome
    reused: Reused | None

    @property
    def status(self) -> Label:
        """``ran`` or ``cached``."""
        return "ran" if self.reused is None else "cached"

    @property
    def origin(self) -> str:
        """Where a cached result came from (``run <id>, finished <time> UTC``); ``""`` if it ran."""
        if self.reused is None:
            return ""
        moment = utc_time(self.reused.finished_at)
        return f"run {self.reused.run_id}, finished {moment:%Y-%m-%d %H:%M:%S} UTC"


def session_rows(context: Context) -> tuple[SessionRow, ...]:
    """Every session the run holds, by name."""
    return tuple(
        SessionRow(name, manifest.kind, manifest.outcome, manifest.reused)
        for name, (_, manifest) in sorted(context.sessions.items())
    )


def cached_note(rows: Sequence[SessionRow]) -> str | None:
    """``2 of 5 sessions cached ...`` when a session's result was reused; else ``None``."""
    cached = sum(row.status == "cached" for row in rows)
    if not cached:
        return None
    return (
        f"{cached} of {len(rows)} sessions cached: reused from earlier runs with the same "
        "inputs, not run now"
    )
