"""Tool findings: lint (ruff), types (mypy), SQL (sqlfluff), security (bandit), the audit.

Each tool session writes its tool's own JSON into the run; this gate counts the
findings and lists them. A tool session that should have run and did not, or
that crashed, is red: a tool that did not look never passes. (A ``type-X.Y``
session whose Python is not installed here is a warning locally, red in
strict mode, like the tests sessions; so are dependencies that no advisory
source answered for.)
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, RootModel

from tiergate.errors import ArtifactError
from tiergate.gates.base import GateResult, Status, not_run
from tiergate.plan import type_checked
from tiergate.reading import MAX_ARTIFACT_BYTES, parse_json, read_text, validate
from tiergate.runfolder import TOOL_SESSIONS, session_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from tiergate.context import Context
    from tiergate.runfolder import SessionManifest

NAME = "tools"
_SHOWN = 10
_BOUND = "0 findings"
_NOT_AUDITED = "dependencies were NOT audited: no advisory source answered"

_Report = TypeVar("_Report", bound=BaseModel)


class _Finding(BaseModel):
    """One item of a tool's report: the keys the gate shows, the others ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class RuffLocation(_Finding):
    """Where ruff found something."""

    row: int


class RuffFinding(_Finding):
    """One item of ``ruff check --output-format=json`` (``code`` is null for a syntax error)."""

    filename: str
    code: str | None
    message: str
    location: RuffLocation


class RuffReport(RootModel[list[RuffFinding]]):
    """``ruff.json``: a list of findings."""


class MypyFinding(_Finding):
    """One line of ``mypy -O json``."""

    file: str
    line: int | None = None
    message: str
    code: str | None = None
    severity: str


class SqlfluffViolation(_Finding):
    """One violation sqlfluff found in a file."""

    start_line_no: int | None = None
    code: str | None = None
    description: str | None = None


class SqlfluffFile(_Finding):
    """One file of ``sqlfluff lint --format=json``."""

    filepath: str
    violations: list[SqlfluffViolation] = Field(default_factory=list)


class SqlfluffReport(RootModel[list[SqlfluffFile]]):
    """``sqlfluff.json``: a list of files."""


class BanditResult(_Finding):
    """One result of ``bandit -f json``."""

    filename: str
    line_number: int
    test_id: str
    issue_text: str


class BanditReport(_Finding):
    """``bandit.json``: its results (the rest is ignored)."""

    results: list[BanditResult] = Field(default_factory=list)


class AuditFinding(_Finding):
    """One finding of ``tiergate audit --json-output``."""

    package: str
    version: str
    advisory_id: str


class AuditReport(_Finding):
    """``audit.json`` as ``tiergate audit`` writes it: the findings and the status."""

    status: Literal["passed", "failed", "not-audited"]
    findings: list[AuditFinding] = Field(default_factory=list)


class EmptyReportError(ArtifactError):
    """A tool's report is blank: the tool did not look (every tool writes ``[]`` at least)."""


@dataclass(frozen=True)
class _Found:
    """What a tool session's reports say: findings, and whether the audit had no source."""

    lines: list[str]
    not_audited: bool = False


def _read_report(path: Path, model: type[_Report], what: str) -> _Report:
    """The JSON report ``path`` of a tool validated into ``model``.

    A blank file is an :class:`ArtifactError`: every tool writes JSON (``[]`` when it
    found nothing), so an empty report means it did not look, never "no findings".
    """
    text = read_text(path, what, ArtifactError, limit=MAX_ARTIFACT_BYTES)
    if not text.strip():
        raise EmptyReportError(f"empty {what}: the tool wrote nothing", path=path)
    return validate(model, parse_json(text, path, what, ArtifactError), path, what, ArtifactError)


def ruff_findings(path: Path) -> list[RuffFinding]:
    """The findings of ``ruff.json``; a blank or bad one is an ArtifactError."""
    return _read_report(path, RuffReport, "ruff report").root


def sqlfluff_files(path: Path) -> list[SqlfluffFile]:
    """The files of ``sqlfluff.json``; a blank or bad one is an ArtifactError."""
    return _read_report(path, SqlfluffReport, "sqlfluff report").root


def _ruff(folder: Path, manifest: SessionManifest) -> _Found:
    found = [
        f"{i.filename}:{i.location.row}: {i.code} {i.message}"
        for i in ruff_findings(folder / manifest.artifacts["findings"])
    ]
    if "format" in manifest.artifacts:
        path = folder / manifest.artifacts["format"]
        listed = read_text(path, "ruff format report", ArtifactError, limit=MAX_ARTIFACT_BYTES)
        found += [f"{name}: would be reformatted" for name in listed.splitlines() if name]
    return _Found(found)


def mypy_where(finding: MypyFinding, workdir: str = ".") -> str:
    """``file:line`` of a mypy finding; just ``file`` when mypy gives no line (``-1``).

    mypy names a file relative to the folder it ran in, ``workdir`` (relative to the
    workspace root): the file is named relative to the root.
    """
    file = posixpath.normpath(posixpath.join(workdir, finding.file))
    line = finding.line
    return f"{file}:{line}" if line is not None and line > 0 else file


def mypy_errors(path: Path, workdir: str = ".") -> list[str]:
    """The errors of mypy's JSON lines (``-O json``) in ``path``: ``file:line: message [code]``.

    Notes are not errors, and lines that do not start with ``{`` are mypy's summary;
    a line that is not a finding is an :class:`ArtifactError` naming file and line.
    ``workdir``: the folder mypy ran in, relative to the workspace root.
    """
    what = "mypy report"
    text = read_text(path, what, ArtifactError, limit=MAX_ARTIFACT_BYTES)
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("{"):
            continue
        data = parse_json(line, path, what, ArtifactError, line=number)
        item = validate(MypyFinding, data, path, what, ArtifactError, line=number)
        if item.severity == "error":
            found.append(f"{mypy_where(item, workdir)}: {item.message} [{item.code}]")
    return found


def _mypy(folder: Path, manifest: SessionManifest) -> _Found:
    return _Found(mypy_errors(folder / manifest.artifacts["findings"], manifest.workdir))


def _sqlfluff(folder: Path, manifest: SessionManifest) -> _Found:
    return _Found(
        [
            f"{f.filepath}:{'?' if v.start_line_no is None else v.start_line_no}: "
            f"{v.code} {v.description}"
            for f in sqlfluff_files(folder / manifest.artifacts["findings"])
            for v in f.violations
        ]
    )


def _bandit(folder: Path, manifest: SessionManifest) -> _Found:
    if "findings" not in manifest.artifacts:  # no source: the gate says bandit had none
        return _Found([])
    path = folder / manifest.artifacts["findings"]
    bandit = _read_report(path, BanditReport, "bandit report")
    return _Found(
        [f"{r.filename}:{r.line_number}: {r.test_id} {r.issue_text}" for r in bandit.results]
    )


def _audit(folder: Path, manifest: SessionManifest) -> _Found:
    path = folder / manifest.artifacts["findings"]
    audit = _read_report(path, AuditReport, "audit report")
    found = [f"{f.package}=={f.version}: {f.advisory_id}" for f in audit.findings]
    return _Found(found, not_audited=audit.status == "not-audited")


_READERS: dict[str, Callable[[Path, SessionManifest], _Found]] = {
    "lint": _ruff,
    "type": _mypy,
    "sql": _sqlfluff,
    "security": _bandit,
    "audit": _audit,
}


def expected_tool_sessions(context: Context) -> list[tuple[str, str | None]]:
    """The tool sessions and type per member and Python: (session, its Python if any)."""
    typed = [
        (session_name("type", python, member.name), python)
        for member in context.workspace.members
        if type_checked(member)
        for python in member.pythons
    ]
    others = [(name, None) for name in TOOL_SESSIONS if name != "lint"]
    return [("lint", None), *typed, *others]


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
    if manifest.outcome == "crashed" or (scanned and "findings" not in manifest.artifacts):
        why = manifest.message if manifest.outcome == "crashed" else None
        return GateResult(gate, title, "failed", f"crashed: {why or 'no findings file'}", _BOUND)
    try:
        report = _READERS[manifest.kind](folder, manifest)
    except EmptyReportError as error:
        if manifest.outcome == "passed":  # green without a report would be green unseen
            return GateResult(gate, title, "failed", f"crashed: {error.message}", _BOUND)
        report = _Found([])  # the tool failed before writing: its failure is what is shown
    found = _from_root(report.lines, context.root)
    not_audited = report.not_audited
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
    if manifest.reused is not None:  # found then, not now: say so wherever the row is shown
        measured += f"; {manifest.reused.describe()}"
    return GateResult(gate, title, status, measured, _BOUND, details)


def _from_root(findings: list[str], root: Path) -> list[str]:
    """``findings`` with the workspace root's prefix dropped from the path each starts with.

    ruff names each file by its absolute path; the other tools name it relative to
    where they ran. Shown relative, a finding reads the same on every machine and in
    the verdict of shards merged from CI jobs that checked out at the same path.
    """
    prefixes = [f"{folder}{os.sep}" for folder in dict.fromkeys((root, root.resolve()))]
    return [next((f.removeprefix(p) for p in prefixes if f.startswith(p)), f) for f in findings]


GATE = ToolsGate()
