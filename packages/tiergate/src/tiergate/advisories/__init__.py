"""Dependency audit: pinned requirements against online and offline advisory sources."""

from __future__ import annotations

from tiergate.advisories.audit import (
    ADVISORY_DB_ENV,
    AuditResult,
    audit,
    audit_offline,
    audit_online,
    export_requirements,
    resolve_advisory_db,
)
from tiergate.advisories.local import LocalRequirement
from tiergate.advisories.osv import (
    Advisory,
    AdvisoryDatabase,
    Finding,
    age_in_days,
    database_date,
    match_advisories,
    parse_advisory,
)
from tiergate.advisories.requirements import (
    PinnedRequirement,
    Requirements,
    parse_requirements,
    read_requirements,
)

__all__ = [
    "ADVISORY_DB_ENV",
    "Advisory",
    "AdvisoryDatabase",
    "AuditResult",
    "Finding",
    "LocalRequirement",
    "PinnedRequirement",
    "Requirements",
    "age_in_days",
    "audit",
    "audit_offline",
    "audit_online",
    "database_date",
    "export_requirements",
    "match_advisories",
    "parse_advisory",
    "parse_requirements",
    "read_requirements",
    "resolve_advisory_db",
]
