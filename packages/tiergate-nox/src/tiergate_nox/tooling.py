"""The tool sessions of the repository: lint (ruff), sql (sqlfluff), security (bandit), audit.

Each runs its tool the way the repository configured it (its own configuration
files, the version it pins in ``.pre-commit-config.yaml``) and writes the tool's
own JSON into its folder of the run. A tool that stops on a usage or
configuration error is ``crashed`` with the tool's own first error line. The
type session is in :mod:`tiergate_nox.typecheck`.
"""

from __future__ import annotations

import re
import sys
from itertools import pairwise
from typing import TYPE_CHECKING

from tiergate.advisories.audit import UV_EXPORT
from tiergate.config import read_toml
from tiergate.errors import ArtifactError, ConfigError, ExitCode
from tiergate.files import find_files, read_ini, relative
from tiergate.gates.tools import ruff_findings, sqlfluff_files
from tiergate_nox.base import (
    capture,
    finish_tool,
    first_error,
    provide,
    run,
)

if TYPE_CHECKING:
    from pathlib import Path

    import nox

    from tiergate_nox.base import SessionContext
    from tiergate_nox.record import SessionRecord

_REFORMAT = re.compile(r"^Would reformat: (?P<path>.+)$")
_LOCATION = re.compile(r"^\s*--> (?P<path>.+?):\d+:\d+$")


# ------------------------------------------------------------------- lint
def lint(ctx: SessionContext, session: nox.Session) -> None:
    """``lint``: ruff check and ruff format --check on the repository, as it configures them."""
    with ctx.record("lint") as rec:
        provide(ctx, session, ("ruff",), group="lint")
        findings = rec.artifact("findings", "ruff.json")
        rec.command = ["ruff", "check", "--output-format=json", f"--output-file={findings}", "."]
        check, _, errors = capture(session, rec.command)
        if check not in (0, 1):
            finish_tool(session, rec, check, f"ruff: {first_error('ruff', errors)}")
            return
        try:
            count = len(ruff_findings(findings))
        except ArtifactError as error:
            finish_tool(session, rec, ExitCode.CRASHED, f"ruff: {error}")
            return
        if count:
            session.run("ruff", "check", "--output-format=concise", ".", success_codes=[0, 1])
        fmt, out, errors = capture(session, ["ruff", "format", "--check", "."])
        unformatted = reformat_paths(out)
        rec.artifact("format", "ruff-format.txt").write_text(
            "".join(f"{path}\n" for path in unformatted), encoding="utf-8"
        )
        message = f"ruff: {count} finding(s), {len(unformatted)} file(s) would be reformatted"
        if fmt not in (0, 1):
            message = f"ruff format: {first_error('ruff', errors, out)}"
        finish_tool(session, rec, fmt if fmt not in (0, 1) else max(check, fmt), message)


def reformat_paths(output: str) -> list[str]:
    """The files ``ruff format --check`` would reformat, from its output (old and new forms)."""
    lines = output.splitlines()
    # older ruff: "Would reformat: a.py"; newer: "unformatted: ..." then " --> a.py:1:2"
    found = [m["path"] for line in lines if (m := _REFORMAT.match(line))]
    found += [
        m["path"]
        for line, after in pairwise(lines)
        if line.startswith("unformatted:") and (m := _LOCATION.match(after))
    ]
    return sorted(dict.fromkeys(found))


# -------------------------------------------------------------------- sql
def sql(ctx: SessionContext, session: nox.Session) -> None:
    """``sql``: sqlfluff on every ``.sql`` file of the repository."""
    with ctx.record("sql") as rec:
        files = [str(p.relative_to(ctx.root)) for p in find_files(ctx.root, "*.sql")]
        findings = rec.artifact("findings", "sqlfluff.json")
        if not files:  # nothing to lint: sqlfluff is not even installed
            findings.write_text("[]\n", encoding="utf-8")
            session.log("sql: no .sql files in the repository; nothing to lint")
            rec.finish("passed", 0, "no .sql files")
            return
        provide(ctx, session, ("sqlfluff",), group="sql")
        rec.command = ["sqlfluff", "lint", "--format=json", f"--write-output={findings}", *files]
        code, out, errors = capture(session, rec.command)
        message = f"sqlfluff: {first_error('sqlfluff', errors, out)}"
        if code == 1 and findings.is_file():
            try:
                bad = [one for one in sqlfluff_files(findings) if one.violations]
            except ArtifactError as error:
                finish_tool(session, rec, ExitCode.CRASHED, f"sqlfluff: {error}")
                return
            message = f"sqlfluff: problems in {len(bad)} of {len(files)} file(s)"
        finish_tool(session, rec, code, message)


# --------------------------------------------------------------- security
def security(ctx: SessionContext, session: nox.Session) -> None:
    """``security``: bandit on every member's source."""
    with ctx.record("security") as rec:
        sources = sorted({relative(p, ctx.root) for m in ctx.workspace.members for p in m.source})
        if not sources:  # nothing to scan: bandit is not even installed
            session.log("security: bandit: no source to scan (no member has source)")
            rec.finish("passed", 0, "bandit: no source to scan")
            return
        provide(ctx, session, ("bandit",), group="security")
        code, note = _bandit(ctx, session, rec, sources)
        finish_tool(session, rec, code, note)


def audit(ctx: SessionContext, session: nox.Session) -> None:
    """``audit``: the locked dependencies checked for known vulnerabilities."""
    with ctx.record("audit") as rec:
        provide(ctx, session, ("pip-audit",), group="security")
        requirements = rec.artifact("requirements", "requirements.txt")
        session.run_install(*UV_EXPORT, f"--output-file={requirements}", "--quiet")
        audit_out = rec.artifact("findings", "audit.json")
        rec.command = [
            sys.executable,
            "-m",
            "tiergate",
            "--root",
            str(ctx.root),
            "audit",
            f"--requirements={requirements}",
            f"--json-output={audit_out}",
        ]
        code = run(session, rec.command, external=True)
        finish_tool(session, rec, code, f"audit exit {code}")


def _bandit(
    ctx: SessionContext, session: nox.Session, rec: SessionRecord, sources: list[str]
) -> tuple[int, str]:
    """Run bandit on ``sources``: its exit code and what to say about it."""
    config = bandit_config(ctx.root)
    # Tests kept beside the code (*_test.py) are tests, not source: asserts are their job.
    tests = sorted(
        {relative(path, ctx.root) for m in ctx.workspace.members for path in m.tests_in_source}
    )
    if tests:
        config = [*config, "-x", ",".join(tests)]
    out = rec.artifact("findings", "bandit.json")
    code, stdout, errors = capture(
        session, ["bandit", "-q", *config, "-f", "json", "-o", str(out), "-r", *sources]
    )
    if code == 1:
        session.run("bandit", "-q", *config, "-r", *sources, success_codes=[1])
    if code not in (0, 1):
        return code, f"bandit: {first_error('bandit', errors, stdout)}"
    return code, f"bandit exit {code}"


def bandit_config(root: Path) -> list[str]:
    """Options naming bandit's configuration: the root's ``[tool.bandit]``, else ``.bandit``."""
    tool = read_toml(root / "pyproject.toml").get("tool")
    if isinstance(tool, dict) and "bandit" in tool:
        return ["-c", str(root / "pyproject.toml")]
    dotted = root / ".bandit"
    if not dotted.is_file():
        return []
    try:
        sections = read_ini(dotted)
    except ConfigError:
        return ["-c", str(dotted)]  # not INI: bandit's YAML configuration
    # An INI .bandit holds command-line options; bandit finds one only inside its targets.
    return ["--ini", str(dotted)] if "bandit" in sections else ["-c", str(dotted)]
