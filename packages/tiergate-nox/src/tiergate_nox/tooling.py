"""The tool sessions: type (mypy), lint (ruff), sql (sqlfluff), security (bandit, audit).

Each writes its tool's own JSON into its folder of the run.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from tiergate_nox.base import finish_tool, run
from tiergate_nox.install import sync

if TYPE_CHECKING:
    from pathlib import Path

    import nox

    from tiergate_nox.base import SessionContext

_SKIP_DIRS = {".git", ".venv", ".nox", ".tiergate", "node_modules", "__pycache__"}


def type_check(ctx: SessionContext, session: nox.Session, package: str) -> None:
    """``type-<python>(package=...)``: mypy on the member, in its own environment."""
    member = ctx.member_for(session, package)
    with ctx.record("type", str(session.python), package) as rec:
        sync(session, member=member, groups=("type",))
        findings = rec.artifact("findings", "mypy.jsonl")
        targets = [str(p) for p in (*member.source_dirs, member.tests_dir) if p is not None]
        if member.is_root:
            targets += [
                str(p) for p in (ctx.root / "noxfile.py", ctx.root / "tasks.py") if p.exists()
            ]
        rec.command = [
            "mypy",
            f"--config-file={ctx.root / 'pyproject.toml'}",
            "-O",
            "json",
            *targets,
        ]
        with findings.open("w", encoding="utf-8") as out:
            code = run(session, rec.command, stdout=out)
        errors = _mypy_errors(findings)
        for line in errors:
            session.log(line)
        finish_tool(session, rec, code, f"mypy: {len(errors)} error(s)")


# ------------------------------------------------------------------- lint
def lint(ctx: SessionContext, session: nox.Session) -> None:
    """``lint``: ruff check and ruff format --check on the repository."""
    with ctx.record("lint") as rec:
        sync(session, groups=("lint",))
        findings = rec.artifact("findings", "ruff.json")
        rec.command = [
            "ruff",
            "check",
            "--output-format=json",
            f"--output-file={findings}",
            ".",
        ]
        check = run(session, rec.command)
        count = len(json.loads(findings.read_text(encoding="utf-8") or "[]"))
        if count:
            session.run("ruff", "check", "--output-format=concise", ".", success_codes=[0, 1])
        fmt = run(session, ["ruff", "format", "--check", "."])
        code = check if check not in (0, 1) else max(check, fmt)
        finish_tool(session, rec, code, f"ruff: {count} finding(s), format check exit {fmt}")


# -------------------------------------------------------------------- sql
def sql(ctx: SessionContext, session: nox.Session) -> None:
    """``sql``: sqlfluff on every ``.sql`` file of the repository."""
    with ctx.record("sql") as rec:
        sync(session, groups=("sql",))
        files = sorted(str(p.relative_to(ctx.root)) for p in _find(ctx.root, "*.sql"))
        findings = rec.artifact("findings", "sqlfluff.json")
        if not files:
            findings.write_text("[]\n", encoding="utf-8")
            session.log("sql: no .sql files in the repository; nothing to lint")
            rec.finish("passed", 0, "no .sql files")
            return
        rec.command = [
            "sqlfluff",
            "lint",
            "--format=json",
            f"--write-output={findings}",
            *files,
        ]
        code = run(session, rec.command)
        finish_tool(session, rec, code, f"sqlfluff: problems in {len(files)} file(s)")


# --------------------------------------------------------------- security
def security(ctx: SessionContext, session: nox.Session) -> None:
    """``security``: bandit on every member's source and the audit of the lock."""
    with ctx.record("security") as rec:
        sync(session, groups=("security",))
        bandit_out = rec.artifact("bandit", "bandit.json")
        sources = [str(p) for m in ctx.workspace.members for p in m.source_dirs]
        bandit = [
            "bandit",
            "-q",
            "-c",
            "pyproject.toml",
            "-f",
            "json",
            "-o",
            str(bandit_out),
            "-r",
            *sources,
        ]
        bandit_code = run(session, bandit)
        if bandit_code == 1:
            session.run("bandit", "-q", "-c", "pyproject.toml", "-r", *sources, success_codes=[1])
        requirements = rec.artifact("requirements", "requirements.txt")
        session.run_install(
            "uv",
            "export",
            "--frozen",
            "--no-hashes",
            "--no-emit-workspace",
            "--all-packages",
            "--all-groups",
            "--format=requirements.txt",
            f"--output-file={requirements}",
            "--quiet",
        )
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
        audit_code = run(session, rec.command, external=True)
        code = bandit_code if bandit_code not in (0, 1) else max(bandit_code, audit_code)
        finish_tool(session, rec, code, f"bandit exit {bandit_code}, audit exit {audit_code}")


def _mypy_errors(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw.startswith("{"):
            item = json.loads(raw)
            where = f"{item['file']}:{item['line']}"
            lines.append(f"{where}: {item['severity']}: {item['message']} [{item.get('code')}]")
    return lines


def _find(root: Path, pattern: str) -> list[Path]:
    return [
        path
        for path in root.rglob(pattern)
        if not _SKIP_DIRS.intersection(path.relative_to(root).parts)
    ]
