"""The dependency audit: online with pip-audit, else an offline OSV database, else say so.

An audit never passes without looking: when neither source answers, the result
is ``source="none"`` (status ``not-audited``), never an empty list of findings.
Local requirements (paths, files, URLs, VCS, editables) cannot be looked up at
all: the result lists them as ``not_auditable``, beside what was audited.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version
from pydantic import BaseModel, ConfigDict, ValidationError

from tiergate.advisories.osv import (
    AdvisoryDatabase,
    Finding,
    age_in_days,
    database_date,
    finding_order,
)
from tiergate.advisories.requirements import Requirements
from tiergate.errors import AdvisoryError, ToolError
from tiergate.reading import first_problem, read_json

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from tiergate.advisories.local import LocalRequirement
    from tiergate.advisories.requirements import PinnedRequirement

Source = Literal["online", "offline", "none"]
Status = Literal["passed", "failed", "not-audited"]

SCHEMA_VERSION = 1
ADVISORY_DB_ENV = "TIERGATE_ADVISORY_DB"
UV_EXPORT = (
    "uv",
    "export",
    "--frozen",
    "--no-hashes",
    "--no-emit-workspace",
    "--all-packages",
    "--all-groups",
    "--format",
    "requirements.txt",
)
ONLINE_GRACE_SECONDS = 30.0
"""Wall-clock allowance for pip-audit's start-up, on top of its per-request timeout."""
ONLINE_SECONDS_PER_PACKAGE = 1.0
"""Wall-clock allowance per package (pip-audit asks the service once per package)."""

_UNREACHABLE = re.compile(
    r"ConnectionError|NameResolutionError|Failed to resolve|name resolution|Max retries"
    r"|timed out|Timeout|Could not connect|network may be blocking|SSLError|ProxyError"
    r"|HTTPError|ServiceError|not found on PyPI|could not be audited",
    re.IGNORECASE,
)
"""pip-audit's ways of saying the service could not answer for every package."""
_LOG_PREFIX = re.compile(r"^(ERROR|WARNING):[\w.]+:")


@dataclass(frozen=True)
class AuditResult:
    """What an audit looked at and found; ``status`` is the verdict."""

    source: Source
    findings: tuple[Finding, ...]
    packages_audited: int
    database_path: Path | None = None
    database_date: datetime | None = None
    database_age_days: int | None = None
    messages: tuple[str, ...] = ()
    not_auditable: tuple[LocalRequirement, ...] = ()
    """Requirements that name no release of an index ("not auditable (local)")."""

    @property
    def status(self) -> Status:
        """``failed`` with findings, ``not-audited`` without a source, else ``passed``."""
        if self.findings:
            return "failed"
        return "not-audited" if self.source == "none" else "passed"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with findings sorted by package, version and advisory id."""
        return {
            "schema_version": SCHEMA_VERSION,
            "status": self.status,
            "source": self.source,
            "packages_audited": self.packages_audited,
            "database": {
                "path": str(self.database_path) if self.database_path else None,
                "date": self.database_date.isoformat() if self.database_date else None,
                "age_days": self.database_age_days,
            },
            "findings": [
                {
                    "package": f.package,
                    "version": f.version,
                    "advisory_id": f.advisory_id,
                    "aliases": sorted(f.aliases),
                    "fixed_in": list(f.fixed_in),
                    "summary": f.summary,
                }
                for f in sorted(self.findings, key=finding_order)
            ],
            "messages": list(self.messages),
            "not_auditable": [local.to_dict() for local in self.not_auditable],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as stable JSON (sorted keys, two-space indent, final newline)."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class OnlineUnavailable(Exception):  # noqa: N818 - a state, not a programming error
    """The online service did not answer for every package (``reason`` says why)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _PipAuditOutputError(AdvisoryError):
    """pip-audit's output file cannot be read as JSON (the online audit is then unavailable)."""


class _PipAuditVuln(BaseModel):
    """One vulnerability of a dependency in pip-audit's ``--format json``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str
    aliases: list[str] | None = None
    fix_versions: list[str] | None = None
    description: str | None = None


class _PipAuditDependency(BaseModel):
    """One dependency in pip-audit's ``--format json``."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = ""
    version: str | None = None
    skip_reason: str | None = None
    vulns: list[_PipAuditVuln] | None = None


def export_requirements(root: Path) -> str:
    """The locked third-party requirements of the workspace at ``root`` (``uv export``)."""
    uv = shutil.which("uv")
    if uv is None:
        raise ToolError("uv not found on PATH: cannot export the locked requirements")
    # uv wraps its messages at $COLUMNS: unwrapped, its last line is the whole reason.
    environment = {name: value for name, value in os.environ.items() if name != "COLUMNS"}
    completed = subprocess.run(
        [uv, *UV_EXPORT[1:]], cwd=root, env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        lines = completed.stderr.strip().splitlines() or [f"exit code {completed.returncode}"]
        raise AdvisoryError(f"uv export failed: {lines[-1]}", path=root / "uv.lock")
    return completed.stdout


def resolve_advisory_db(
    root: Path, configured: str | None, *, environ: Mapping[str, str] | None = None
) -> Path | None:
    """The offline database folder, or None when there is none.

    ``TIERGATE_ADVISORY_DB`` wins when set (set but empty: no database), else the
    configured folder; a relative path is relative to ``root``.
    """
    env = os.environ if environ is None else environ
    value = env.get(ADVISORY_DB_ENV, configured)
    if value is None or not value.strip():
        return None
    return root / value.strip()


def _pip_audit_command() -> list[str] | None:
    if importlib.util.find_spec("pip_audit") is not None:
        return [sys.executable, "-m", "pip_audit"]
    found = shutil.which("pip-audit")
    return [found] if found else None


def _failure_reason(stderr: str) -> str:
    """pip-audit's last error line (or the last line of a traceback)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [
        _LOG_PREFIX.sub("", line)
        for line in lines
        if line.startswith("ERROR:") and "Tip:" not in line
    ]
    return errors[-1] if errors else (lines[-1] if lines else "no output")


def _layers(requirements: Sequence[PinnedRequirement]) -> list[list[PinnedRequirement]]:
    """Split so that no name repeats within a layer (pip-audit rejects duplicate names)."""
    layers: list[list[PinnedRequirement]] = []
    for requirement in requirements:
        for layer in layers:
            if all(r.name != requirement.name for r in layer):
                layer.append(requirement)
                break
        else:
            layers.append([requirement])
    return layers


def parse_pip_audit_json(
    data: object, requirements: Sequence[PinnedRequirement]
) -> tuple[Finding, ...]:
    """The findings of pip-audit's ``--format json`` output.

    Raises :class:`OnlineUnavailable` unless every requirement was audited
    (none missing, none skipped).
    """
    if not isinstance(data, dict) or not isinstance(data.get("dependencies"), list):
        raise OnlineUnavailable("pip-audit wrote no dependency list")
    audited: set[tuple[str, Version]] = set()
    findings: list[Finding] = []
    for number, raw in enumerate(data["dependencies"]):
        try:
            dep = _PipAuditDependency.model_validate(raw)
        except ValidationError as error:
            problem = first_problem(error, "dependencies", str(number))
            raise OnlineUnavailable(f"pip-audit wrote unexpected JSON: {problem}") from None
        name = canonicalize_name(dep.name)
        if dep.skip_reason:
            raise OnlineUnavailable(f"pip-audit skipped {name}: {dep.skip_reason}")
        try:
            version = Version(str(dep.version))
        except InvalidVersion:
            raise OnlineUnavailable(f"pip-audit reported no version for {name}") from None
        audited.add((name, version))
        findings.extend(
            Finding(
                package=name,
                version=str(dep.version),
                advisory_id=vuln.id,
                aliases=tuple(sorted(vuln.aliases or ())),
                fixed_in=tuple(vuln.fix_versions or ()),
                summary=" ".join((vuln.description or "").split())[:200],
            )
            for vuln in dep.vulns or ()
        )
    missing = [
        r for r in requirements if (canonicalize_name(r.name), r.parsed_version) not in audited
    ]
    if missing:
        names = ", ".join(f"{r.name}=={r.version}" for r in missing[:5])
        raise OnlineUnavailable(f"pip-audit did not report on {len(missing)} package(s): {names}")
    return tuple(sorted(set(findings), key=finding_order))


def audit_online(
    requirements: Sequence[PinnedRequirement],
    *,
    timeout: float,
    extra_args: Sequence[str] = (),
) -> tuple[Finding, ...]:
    """Audit with pip-audit (its default service: PyPI), one run per layer of unique names.

    Raises :class:`OnlineUnavailable` when pip-audit is missing or the service does
    not answer for every package, :class:`ToolError` when pip-audit fails otherwise.
    """
    command = _pip_audit_command()
    if command is None:
        raise OnlineUnavailable("pip-audit is not installed")
    findings: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="tiergate-audit-") as tmp:
        for number, layer in enumerate(_layers(requirements)):
            req_file = Path(tmp) / f"requirements-{number}.txt"
            out_file = Path(tmp) / f"pip-audit-{number}.json"
            req_file.write_text(
                "".join(f"{r.name}=={r.version}\n" for r in layer), encoding="utf-8"
            )
            argv = [
                *command,
                "--strict",
                "--requirement",
                str(req_file),
                "--no-deps",
                "--disable-pip",
                "--format",
                "json",
                "--output",
                str(out_file),
                "--progress-spinner",
                "off",
                "--timeout",
                str(max(1, round(timeout))),
                *extra_args,
            ]
            deadline = timeout + ONLINE_GRACE_SECONDS + ONLINE_SECONDS_PER_PACKAGE * len(layer)
            try:
                completed = subprocess.run(
                    argv, capture_output=True, text=True, check=False, timeout=deadline
                )
            except subprocess.TimeoutExpired:
                raise OnlineUnavailable(
                    f"pip-audit did not finish within {deadline:.0f} s"
                ) from None
            if completed.returncode in {0, 1} and out_file.is_file():
                try:
                    data = read_json(out_file, "pip-audit output", _PipAuditOutputError)
                except _PipAuditOutputError:
                    raise OnlineUnavailable("pip-audit wrote invalid JSON") from None
                findings.extend(parse_pip_audit_json(data, layer))
                continue
            reason = _failure_reason(completed.stderr)
            short = reason if len(reason) <= 300 else reason[:299] + "…"
            if _UNREACHABLE.search(reason):
                raise OnlineUnavailable(short)
            raise ToolError(f"pip-audit failed (exit code {completed.returncode}): {short}")
    return tuple(sorted(set(findings), key=finding_order))


def audit_offline(requirements: Sequence[PinnedRequirement], folder: Path) -> AuditResult:
    """Audit against the OSV database in ``folder`` (an :class:`AdvisoryError` if unreadable)."""
    database = AdvisoryDatabase(folder)
    findings = database.audit((r.name, r.version) for r in requirements)
    date = database_date(folder)
    messages = [
        f"offline: {database.records_read} advisories read for {len(requirements)} package(s)"
    ]
    if database.invalid_versions:
        messages.append(
            f"{database.invalid_versions} invalid version string(s) in the database were skipped"
        )
    return AuditResult(
        source="offline",
        findings=findings,
        packages_audited=len(requirements),
        database_path=folder,
        database_date=date,
        database_age_days=age_in_days(date),
        messages=tuple(messages),
    )


def audit(
    requirements: Requirements | Sequence[PinnedRequirement],
    *,
    advisory_db: Path | None,
    online: bool = True,
    online_timeout: float = 10.0,
    online_args: Sequence[str] = (),
) -> AuditResult:
    """Audit ``requirements``: online first (unless ``online`` is False), then offline.

    ``online_args`` are extra pip-audit options (e.g. ``--vulnerability-service osv``).
    Given :class:`Requirements`, its local ones are the result's ``not_auditable``.

    An empty ``requirements`` is an :class:`AdvisoryError`: an audit of nothing proves nothing.
    """
    local: tuple[LocalRequirement, ...] = ()
    if isinstance(requirements, Requirements):
        local = requirements.local
        requirements = requirements.pinned
    if not requirements:
        raise AdvisoryError("no pinned requirements: nothing to audit")
    messages: list[str] = []
    if online:
        try:
            findings = audit_online(requirements, timeout=online_timeout, extra_args=online_args)
        except OnlineUnavailable as unavailable:
            messages.append(f"online audit unavailable: {unavailable.reason}")
        else:
            return AuditResult(
                source="online",
                findings=findings,
                packages_audited=len(requirements),
                messages=(
                    f"online: pip-audit {' '.join(online_args) or '(PyPI advisory service)'}",
                ),
                not_auditable=local,
            )
    else:
        messages.append("online audit skipped (offline mode)")
    if advisory_db is not None:
        result = audit_offline(requirements, advisory_db)
        return replace(result, messages=(*messages, *result.messages), not_auditable=local)
    messages.append(
        f"no offline advisory database (set [tool.tiergate.security] advisory-db or "
        f"{ADVISORY_DB_ENV})"
    )
    messages.append(f"{len(requirements)} package(s) were NOT audited")
    return AuditResult(
        source="none",
        findings=(),
        packages_audited=0,
        messages=tuple(messages),
        not_auditable=local,
    )
