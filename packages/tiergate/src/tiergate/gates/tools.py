"""Tool findings: lint (ruff), types (mypy), SQL (sqlfluff), security (bandit, audit).

Each tool session writes its tool's own JSON into the run; this gate counts the
findings and lists them. A tool session that should have run and did not, or
that crashed, is red: a tool that did not look never passes. (A ``type-X.Y``
session whose Python is not installed here is a warning locally, red in
strict mode, like the tests sessions.)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tiergate.errors import ArtifactError
from tiergate.gates.base import Context, GateResult, not_run
from tiergate.runfolder import session_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tiergate.runfolder import SessionManifest

NAME = "tools"
_SHOWN = 10
_BOUND = "0 findings"


def _load_json(path: Path) -> Any:  # noqa: ANN401 - tool output is arbitrary JSON
    try:
        return json.loads(path.read_text(encoding="utf-8") or "null")
    except json.JSONDecodeError as error:
        raise ArtifactError(f"not JSON: {error.msg}", path=path, line=error.lineno) from None


def _ruff(folder: Path, manifest: SessionManifest) -> list[str]:
    items = _load_json(folder / manifest.artifacts["findings"]) or []
    return [f"{i['filename']}:{i['location']['row']}: {i['code']} {i['message']}" for i in items]


def _mypy(folder: Path, manifest: SessionManifest) -> list[str]:
    path = folder / manifest.artifacts["findings"]
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("{"):
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ArtifactError(f"not JSON: {error.msg}", path=path, line=number) from None
        if item.get("severity") == "error":
            found.append(f"{item['file']}:{item['line']}: {item['message']} [{item.get('code')}]")
    return found


def _sqlfluff(folder: Path, manifest: SessionManifest) -> list[str]:
    files = _load_json(folder / manifest.artifacts["findings"]) or []
    return [
        f"{f['filepath']}:{v.get('start_line_no', '?')}: {v.get('code')} {v.get('description')}"
        for f in files
        for v in f.get("violations", [])
    ]


def _security(folder: Path, manifest: SessionManifest) -> list[str]:
    bandit = _load_json(folder / manifest.artifacts["bandit"]) or {}
    found = [
        f"{r['filename']}:{r['line_number']}: {r['test_id']} {r['issue_text']}"
        for r in bandit.get("results", [])
    ]
    audit = _load_json(folder / manifest.artifacts["findings"]) or {}
    found += [
        f"{f['package']}=={f['version']}: {f['advisory_id']}" for f in audit.get("findings", [])
    ]
    if audit.get("status") == "not-audited":
        found.append("dependencies were NOT audited: no advisory source answered")
    return found


_READERS: dict[str, tuple[str, Callable[[Path, SessionManifest], list[str]]]] = {
    "lint": ("findings", _ruff),
    "type": ("findings", _mypy),
    "sql": ("findings", _sqlfluff),
    "security": ("bandit", _security),
}


def expected_tool_sessions(context: Context) -> list[tuple[str, str | None]]:
    """lint, sql, security, and type per member and Python: (session, its Python if any)."""
    typed = [
        (session_name("type", python, member.name), python)
        for member in context.workspace.members
        if member.source_dirs or member.tests_dir is not None
        for python in member.pythons
    ]
    return [("lint", None), *typed, ("sql", None), ("security", None)]


class ToolsGate:
    """One result per tool session the workspace expects."""

    name = NAME

    def evaluate(self, context: Context) -> Iterator[GateResult]:
        """Count each tool's findings; a missing or crashed session is red."""
        for name, python in expected_tool_sessions(context):
            entry = context.sessions.get(name)
            title = f"{name.split('-')[0]} findings" + (f" ({name})" if "(" in name else "")
            if entry is None:
                status, measured, details = not_run(context, name, python)
                yield GateResult(f"{NAME}/{name}", title, status, measured, _BOUND, details)
                continue
            folder, manifest = entry
            role, reader = _READERS[manifest.kind]
            if manifest.outcome == "crashed" or role not in manifest.artifacts:
                why = manifest.message or "no findings file"
                yield GateResult(f"{NAME}/{name}", title, "failed", f"crashed: {why}", _BOUND)
                continue
            found = reader(folder, manifest)
            if manifest.outcome == "failed" and not found:
                found = [manifest.message or "the tool reported a failure"]
            extra = len(found) - _SHOWN
            details = tuple(found[:_SHOWN]) + ((f"... and {extra} more",) if extra > 0 else ())
            yield GateResult(
                gate=f"{NAME}/{name}",
                title=title,
                status="failed" if found or manifest.outcome == "failed" else "passed",
                measured=f"{len(found)} findings",
                bound=_BOUND,
                details=details,
            )


GATE = ToolsGate()
