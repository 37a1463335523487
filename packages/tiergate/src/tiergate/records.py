"""Per-test records (``tests.jsonl``), written by pytest-tiergate, read by the engine.

A record is validated strictly: its ``duration`` is a finite number of seconds,
not negative and at most :data:`MAX_DURATION`; its texts are bounded
(:data:`MAX_TEXT` characters for a test id or a skip reason, :data:`MAX_NAME`
for a tier or a requirement ID, :data:`MAX_REQUIREMENTS` IDs per test).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from tiergate.errors import ArtifactError
from tiergate.reading import read_model_lines

if TYPE_CHECKING:
    from pathlib import Path

TestOutcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed"]

MAX_DURATION: Final = 7 * 24 * 60 * 60.0
"""The longest duration a record may give one test: a week, in seconds."""
MAX_TEXT: Final = 65_536
"""The longest test id or skip reason a record may hold, in characters."""
MAX_NAME: Final = 256
"""The longest tier name or requirement ID a record may hold, in characters."""
MAX_REQUIREMENTS: Final = 1_000
"""The most requirement IDs one record may name."""

Duration = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0, le=MAX_DURATION)]
"""Seconds: a finite number, from 0 to :data:`MAX_DURATION`."""
Name = Annotated[str, Field(strict=True, min_length=1, max_length=MAX_NAME)]


class TestRecord(BaseModel):
    """One test of one tier run: its outcome as pytest reported it."""

    __test__ = False  # a model, not a test class
    model_config = ConfigDict(frozen=True, extra="ignore")

    nodeid: str = Field(strict=True, min_length=1, max_length=MAX_TEXT)
    tier: Name | None
    outcome: TestOutcome
    duration: Duration
    skip_reason: str | None = Field(default=None, strict=True, max_length=MAX_TEXT)
    skip_allowed: bool | None = Field(default=None, strict=True)
    strict_xpass: bool = Field(default=False, strict=True)
    requirements: tuple[Name, ...] = Field(default=(), max_length=MAX_REQUIREMENTS)


def read_records(path: Path) -> list[TestRecord]:
    """Every record of a ``tests.jsonl``; a bad line is an error naming file and line."""
    return read_model_lines(TestRecord, path, "test records", ArtifactError, each="test record")
