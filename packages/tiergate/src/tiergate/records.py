"""Per-test records (``tests.jsonl``), written by pytest-tiergate, read by the engine."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from tiergate.errors import ArtifactError
from tiergate.reading import first_problem

if TYPE_CHECKING:
    from pathlib import Path

TestOutcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed"]


class TestRecord(BaseModel):
    """One test of one tier run: its outcome as pytest reported it."""

    __test__ = False  # a model, not a test class
    model_config = ConfigDict(frozen=True, extra="ignore")

    nodeid: str
    tier: str | None
    outcome: TestOutcome
    duration: float
    skip_reason: str | None = None
    skip_allowed: bool | None = None
    strict_xpass: bool = False
    requirements: tuple[str, ...] = ()


def read_records(path: Path) -> list[TestRecord]:
    """Every record of a ``tests.jsonl``; a bad line is an error naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ArtifactError("test records not found", path=path) from None
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(TestRecord.model_validate(json.loads(line)))
        except json.JSONDecodeError as error:
            raise ArtifactError(f"not JSON: {error.msg}", path=path, line=number) from None
        except ValidationError as error:
            raise ArtifactError(first_problem(error), path=path, line=number) from None
    return records
