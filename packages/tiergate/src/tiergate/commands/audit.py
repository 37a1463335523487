"""``tiergate audit``: audit the locked dependencies for known vulnerabilities.

Online with pip-audit first, else the offline OSV database of
``[tool.tiergate.security]``; when neither answers the dependencies were NOT
audited, which fails in CI (or with ``--strict``) and warns loudly elsewhere.
Local requirements (paths, files, URLs, VCS, editables) are named, line by line,
as "not auditable (local)".
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergate.advisories.audit import (
    ADVISORY_DB_ENV,
    audit,
    export_requirements,
    resolve_advisory_db,
)
from tiergate.advisories.requirements import read_requirements
from tiergate.ci import is_ci
from tiergate.commands._shared import seconds
from tiergate.config import MAX_ONLINE_TIMEOUT, load_config
from tiergate.errors import AdvisoryError, ExitCode
from tiergate.files import write_whole
from tiergate.reading import read_text

if TYPE_CHECKING:
    import argparse

    from tiergate.advisories.audit import AuditResult


STALE_DAYS = 30
"""An offline database older than this is flagged as stale in the output."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The audit's options; paths are relative to the workspace root."""
    parser.add_argument(
        "--requirements",
        metavar="FILE",
        type=Path,
        help="pinned requirements to audit (default: `uv export` of the workspace's lock)",
    )
    db = parser.add_mutually_exclusive_group()
    db.add_argument(
        "--advisory-db",
        metavar="DIR",
        type=Path,
        help=f"offline OSV database folder (default: ${ADVISORY_DB_ENV}, else the configured one)",
    )
    db.add_argument(
        "--no-advisory-db",
        action="store_true",
        help="use no offline database, even if one is configured",
    )
    parser.add_argument(
        "--offline", action="store_true", help="skip the online attempt (pip-audit)"
    )
    parser.add_argument(
        "--online-timeout",
        metavar="SECONDS",
        type=seconds(MAX_ONLINE_TIMEOUT),
        help=f"seconds to wait for the online service, at most {MAX_ONLINE_TIMEOUT:g} "
        "(default: the configured online-timeout)",
    )
    parser.add_argument(
        "--json-output", metavar="FILE", type=Path, help="write the result as JSON to FILE"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="dependencies that were not audited fail the gate (the default when CI is set)",
    )


def _read_requirements(root: Path, requirements: Path | None) -> tuple[str, Path | str]:
    if requirements is None:
        return export_requirements(root), "uv export"
    return read_text(requirements, "requirements file", AdvisoryError), requirements


def _print_not_auditable(console: Console, result: AuditResult) -> None:
    if result.not_auditable:
        console.print(f"not auditable (local): {len(result.not_auditable)}")
        for local in result.not_auditable:
            console.print(f"  line {local.line}: {escape(local.describe())}")


def _print(console: Console, result: AuditResult) -> None:
    if result.source == "offline" and result.database_path is not None:
        console.print(f"source: offline advisory database {escape(str(result.database_path))}")
    elif result.source == "online":
        console.print("source: online (pip-audit)")
    else:
        console.print("source: [bold red]none[/]")
    if result.database_date is not None and result.database_age_days is not None:
        age = f"{result.database_date:%Y-%m-%d}, {result.database_age_days} days old"
        if result.database_age_days > STALE_DAYS:
            age += " [yellow](stale: later advisories are unknown to this audit)[/]"
        console.print(f"advisory database from {age}")
    console.print(f"packages audited: {result.packages_audited}")
    _print_not_auditable(console, result)
    for message in result.messages:
        console.print(f"[dim]{escape(message)}[/]")
    if result.findings:
        table = Table(title="known vulnerabilities")
        for column in ("package", "version", "advisory", "aliases", "fixed in"):
            table.add_column(column)
        for finding in result.findings:
            table.add_row(
                escape(finding.package),
                escape(finding.version),
                escape(finding.advisory_id),
                escape(", ".join(finding.aliases)),
                escape(", ".join(finding.fixed_in) or "-"),
            )
        console.print(table)


def run(args: argparse.Namespace) -> int:
    """Audit, print the source, the database's age and the findings; return the exit code."""
    root = args.root
    security = load_config(root).security
    text, source = _read_requirements(root, args.requirements)
    requirements = read_requirements(text, source=source)
    if args.no_advisory_db:
        database = None
    elif args.advisory_db is not None:
        database = args.advisory_db.resolve()
    else:
        configured = resolve_advisory_db(root, security.advisory_db)
        database = configured.resolve() if configured is not None else None
    absent = None
    if args.advisory_db is None and database is not None and not database.is_dir():
        # A configured database that this machine lacks audits nothing: it is said, never fatal.
        absent, database = database, None
    timeout = args.online_timeout if args.online_timeout is not None else security.online_timeout
    result = audit(
        requirements, advisory_db=database, online=not args.offline, online_timeout=timeout
    )
    if absent is not None:
        note = f"the configured offline advisory database is not on this machine: {absent}"
        result = replace(result, messages=(note, *result.messages))
    if args.json_output is not None:
        write_whole(args.json_output, result.to_json(), "audit result")
    console = Console(highlight=False, emoji=False, soft_wrap=True, width=max(100, Console().width))
    _print(console, result)
    if result.status == "failed":
        packages = len({f.package for f in result.findings})
        console.print(
            f"[bold red]FAILED[/]: {len(result.findings)} known vulnerability(ies) "
            f"in {packages} package(s)"
        )
        return int(ExitCode.GATE_FAILED)
    if result.status == "not-audited":
        if args.strict or is_ci():
            console.print("[bold red]FAILED: dependencies were NOT audited[/]")
            return int(ExitCode.GATE_FAILED)
        console.print(
            "[bold red]WARNING: dependencies were NOT audited: no advisory source answered. "
            "This fails in CI (CI=true) or with --strict.[/]"
        )
        return int(ExitCode.OK)
    console.print(
        f"[green]PASSED[/]: no known vulnerabilities in {result.packages_audited} packages"
    )
    return int(ExitCode.OK)
