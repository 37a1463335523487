"""The ratchet's baseline: a committed baseline file, else the last run recorded on main.

The baseline file (``tiergate-baseline.json`` by default, written by
``tiergate baseline save``) holds whole-number counts per tier, per package and
combined, never percentages, so that the ratchet compares exactly, and how long
each session of that run took, so that a check with no earlier run of its own
(a fresh clone, a CI machine) starts the longest sessions first. Its JSON
Schema is published as ``schemas/baseline.schema.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from tiergate.errors import HistoryError
from tiergate.files import write_whole
from tiergate.history.connect import open_store, store_exists
from tiergate.history.summary import STAR, ScopeCounts
from tiergate.history.url import resolve_url
from tiergate.reading import UtcDatetime, absent, read_model

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from pathlib import Path

    from tiergate.config import TiergateConfig
    from tiergate.covnumbers import Counts
    from tiergate.history.summary import RunSummary, Scope

BASELINE_VERSION: Literal[1] = 1


class Baseline(BaseModel):
    """The baseline file: the coverage counts the ratchet compares a run with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = Field(description="Version of this file format.")
    run_id: str | None = Field(default=None, description="The run the counts come from.")
    commit: str | None = Field(default=None, description="git HEAD of that run.")
    branch: str | None = Field(default=None, description="git branch of that run.")
    created_at: UtcDatetime
    combined: ScopeCounts | None = Field(
        default=None, description="Every member, tier and Python together."
    )
    tiers: dict[str, ScopeCounts] = Field(
        default_factory=dict, description="Tier -> its counts over every member that has it."
    )
    packages: dict[str, ScopeCounts] = Field(
        default_factory=dict, description="Member -> its counts over all its tiers."
    )
    sessions: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        default_factory=dict,
        description=(
            "Session -> seconds it took in that run (a reused one: where it ran). "
            "invoke check expects a session it has no earlier run of to take as long."
        ),
    )

    def scopes(self) -> dict[Scope, Counts]:
        """``(package, tier)`` (``*``: all) -> counts, tiers first, then packages, combined."""
        found = {(STAR, tier): c.counts for tier, c in self.tiers.items()}
        found.update({(name, STAR): c.counts for name, c in self.packages.items()})
        if self.combined is not None:
            found[(STAR, STAR)] = self.combined.counts
        return found


def baseline_of(  # noqa: PLR0913 - the counts, and each field of the run they come from
    scopes: dict[Scope, Counts],
    *,
    created_at: datetime,
    run_id: str | None = None,
    commit: str | None = None,
    branch: str | None = None,
    sessions: Mapping[str, float] | None = None,
) -> Baseline:
    """A baseline from a run's tier, package and combined counts (other scopes are ignored).

    ``sessions``: how long each session of the run took, kept to a tenth of a second.
    """
    tiers = {tier: ScopeCounts.of(c) for (p, tier), c in scopes.items() if p == STAR != tier}
    packages = {p: ScopeCounts.of(c) for (p, tier), c in scopes.items() if tier == STAR != p}
    combined = scopes.get((STAR, STAR))
    return Baseline(
        schema_version=BASELINE_VERSION,
        run_id=run_id,
        commit=commit,
        branch=branch,
        created_at=created_at,
        combined=ScopeCounts.of(combined) if combined is not None else None,
        tiers=dict(sorted(tiers.items())),
        packages=dict(sorted(packages.items())),
        sessions={name: round(seconds, 1) for name, seconds in sorted((sessions or {}).items())},
    )


def baseline_of_run(summary: RunSummary) -> Baseline:
    """The baseline a recorded run gives: its union-over-Pythons tier, package, combined counts."""
    scopes = {
        (row.package, row.tier): row.counts
        for row in summary.coverage
        if row.python == STAR and STAR in (row.package, row.tier)
    }
    return baseline_of(
        scopes,
        created_at=summary.recorded_at,
        run_id=summary.run_id,
        commit=summary.commit,
        branch=summary.branch,
    )


def read_baseline(path: Path) -> Baseline:
    """Read and validate a baseline file; a bad one is a :class:`HistoryError` naming it."""
    return read_model(path, Baseline, "baseline file", HistoryError)


def write_baseline(path: Path, baseline: Baseline) -> None:
    """Write the baseline file atomically: a reader sees the old file or the new one."""
    write_whole(path, baseline.model_dump_json(indent=2) + "\n", "baseline", HistoryError)


@dataclass(frozen=True)
class FoundBaseline:
    """A baseline and where it came from (shown to the user)."""

    baseline: Baseline
    source: str


def find_baseline(
    root: Path, config: TiergateConfig, *, exclude: str | None = None
) -> FoundBaseline | None:
    """The committed baseline file when it exists, else the main branch's last complete green run.

    ``exclude``: the id of the run being judged, which is never its own baseline.
    """
    path = root / config.baseline_file
    if not absent(path):
        return FoundBaseline(read_baseline(path), f"baseline file {config.baseline_file}")
    url = resolve_url(root, config.history)
    if not store_exists(url):
        return None
    branch = config.history.main_branch
    with open_store(url) as store:
        run = store.baseline(branch, exclude=exclude)
    if run is None:
        return None
    return FoundBaseline(baseline_of_run(run), f"run {run.run_id} on {branch} in {url.redacted}")


def baseline_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the baseline file."""
    schema = Baseline.model_json_schema()
    schema["$id"] = f"urn:tiergate:baseline:{BASELINE_VERSION}"
    return schema
