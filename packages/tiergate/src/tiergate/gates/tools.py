"""Tool findings: lint (ruff), types (mypy), SQL (sqlfluff), security (bandit, audit).

Each tool session writes its tool's own JSON into the run; this gate counts the
findings and lists them. A tool session that should have run and did not, or
that crashed, is red: a tool that did not look never passes. (A ``type-X.Y``
session whose Python is not installed here is a warning locally, red in
strict mode, like the tests sessions; so are dependencies that no advisory
source answered for.)
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tiergate.errors import ArtifactError
from tiergate.gates.base import Context, GateResult, Status, not_run
from tiergate.plan import type_checked
from tiergate.runfolder import session_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tiergate.runfolder import SessionManifest

NAME = "tools"
_SHOWN = 10
_BOUND = "0 findings"
_NOT_AUDITED = "dependencies were NOT audited: no advisory source answered"
"""What the security reader adds when no advisory source answered: a warning, not a finding."""


def _load_json(path: Path) -> Any:  # noqa: ANN401 - tool output is arbitrary JSON
    try:
        return json.loads(path.read_text(encoding="utf-8") or "null")
    except json.JSONDecodeError as error:
        raise ArtifactError(f"not JSON: {error.msg}", path=path, line=error.lineno) from None


def _ruff(folder: Path, manifest: SessionManifest) -> list[str]:
    items = _load_json(folder / manifest.artifacts["findings"]) or []
    found = [f"{i['filename']}:{i['location']['row']}: {i['code']} {i['message']}" for i in items]
    if "format" in manifest.artifacts:
        listed = (folder / manifest.artifacts["format"]).read_text(encoding="utf-8")
        found += [f"{path}: would be reformatted" for path in listed.splitlines() if path]
    return found


def mypy_where(item: dict[str, Any]) -> str:
    """``file:line`` of a mypy finding; just ``file`` when mypy gives no line (``-1``)."""
    line = item.get("line")
    return f"{item['file']}:{line}" if isinstance(line, int) and line > 0 else str(item["file"])


def mypy_errors(path: Path) -> list[str]:
    """The errors of mypy's JSON lines (``-O json``) in ``path``: ``file:line: message [code]``.

    Notes are not errors; a line that is not JSON is an :class:`ArtifactError`.
    """
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.startswith("{"):
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ArtifactError(f"not JSON: {error.msg}", path=path, line=number) from None
        if item.get("severity") == "error":
            found.append(f"{mypy_where(item)}: {item['message']} [{item.get('code')}]")
    return found


def _mypy(folder: Path, manifest: SessionManifest) -> list[str]:
    return mypy_errors(folder / manifest.artifacts["findings"])


def _sqlfluff(folder: Path, manifest: SessionManifest) -> list[str]:
    files = _load_json(folder / manifest.artifacts["findings"]) or []
    return [
        f"{f['filepath']}:{v.get('start_line_no', '?')}: {v.get('code')} {v.get('description')}"
        for f in files
        for v in f.get("violations", [])
    ]


def _security(folder: Path, manifest: SessionManifest) -> list[str]:
    found = []
    if "bandit" in manifest.artifacts:  # the gate checks it is there when there is source
        bandit = _load_json(folder / manifest.artifacts["bandit"]) or {}
        found += [
            f"{r['filename']}:{r['line_number']}: {r['test_id']} {r['issue_text']}"
            for r in bandit.get("results", [])
        ]
    audit = _load_json(folder / manifest.artifacts["findings"]) or {}
    found += [
        f"{f['package']}=={f['version']}: {f['advisory_id']}" for f in audit.get("findings", [])
    ]
    if audit.get("status") == "not-audited":
        found.append(_NOT_AUDITED)
    return found


_READERS: dict[str, Callable[[Path, SessionManifest], list[str]]] = {
    "lint": _ruff,
    "type": _mypy,
    "sql": _sqlfluff,
    "security": _security,
}


def expected_tool_sessions(context: Context) -> list[tuple[str, str | None]]:
    """lint, sql, security, and type per member and Python: (session, its Python if any)."""
    typed = [
        (session_name("type", python, member.name), python)
        for member in context.workspace.members
        if type_checked(member)
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
            yield _judge(context, f"{NAME}/{name}", title, *entry)


def _judge(
    context: Context, gate: str, title: str, folder: Path, manifest: SessionManifest
) -> GateResult:
    """The result of one tool session that left its manifest."""
    scanned = manifest.kind != "security" or any(m.source for m in context.workspace.members)
    roles = {"findings", "bandit"} if manifest.kind == "security" and scanned else {"findings"}
    missing = sorted(roles - manifest.artifacts.keys())
    if manifest.outcome == "crashed" or missing:
        why = " ".join(["no", *(m for m in missing if m != "findings"), "findings file"])
        if manifest.outcome == "crashed":
            why = manifest.message or why
        return GateResult(gate, title, "failed", f"crashed: {why}", _BOUND)
    found = _READERS[manifest.kind](folder, manifest)
    not_audited = _NOT_AUDITED in found
    found = [line for line in found if line != _NOT_AUDITED]
    if manifest.outcome == "failed" and not found and not not_audited:
        found = [manifest.message or "the tool reported a failure"]
    extra = len(found) - _SHOWN
    details = tuple(found[:_SHOWN]) + ((f"... and {extra} more",) if extra > 0 else ())
    measured = f"{len(found)} findings" + ("" if scanned else " (bandit: no source to scan)")
    status: Status = "failed" if found else "passed"
    if not_audited:
        measured += ", dependencies NOT audited"
        details += (_NOT_AUDITED,)
        if status == "passed":
            status = "failed" if context.strict else "warning"
    return GateResult(gate, title, status, measured, _BOUND, details)


GATE = ToolsGate()
