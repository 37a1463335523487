"""The published JSON Schemas, generated from the models that validate the data.

The ``*.schema.json`` files beside this module are what other tools (CI jobs,
editors) validate against; a test keeps them equal to :func:`render`.
Regenerate them with ``python -m tiergate.schemas``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiergate.cache.entry import entry_json_schema
from tiergate.config import config_json_schema
from tiergate.history.baseline import baseline_json_schema
from tiergate.history.summary import history_json_schema
from tiergate.report.jsonreport import report_json_schema
from tiergate.runfolder import manifest_json_schema
from tiergate.trace.matrix import matrix_json_schema

if TYPE_CHECKING:
    from collections.abc import Callable

FOLDER = Path(__file__).parent
SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "config.schema.json": config_json_schema,
    "session-manifest.schema.json": manifest_json_schema,
    "gates-report.schema.json": report_json_schema,
    "baseline.schema.json": baseline_json_schema,
    "history.schema.json": history_json_schema,
    "trace-matrix.schema.json": matrix_json_schema,
    "cache-entry.schema.json": entry_json_schema,
}


def render(name: str) -> str:
    """The text of the published schema ``name``."""
    return json.dumps(SCHEMAS[name](), indent=2, sort_keys=True) + "\n"


def write_all(folder: Path = FOLDER) -> list[Path]:
    """Write every schema into ``folder``; return the paths written."""
    written = []
    for name in SCHEMAS:
        path = folder / name
        path.write_text(render(name), encoding="utf-8")
        written.append(path)
    return written
