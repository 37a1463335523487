"""Generate the nox sessions of a workspace from its :class:`~tiergate.workspace.Workspace`.

``noxfile.py`` calls :func:`register_sessions` and nothing else. Sessions:

- ``tests-<python>(package=...)``: the member's tests under coverage, JUnit XML
  and coverage data into the run folder;
- ``type-<python>(package=...)``: mypy (strict, root configuration) in the member's env;
- ``lint``: ruff check and ruff format --check; ``sql``: sqlfluff on every ``.sql``
  file; ``security``: bandit on every member and the dependency audit of the lock.

Each session writes its results and a manifest into ``<run-dir>/<run-id>/``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import nox
from nox.command import CommandFailed

from tiergate.ci import is_ci
from tiergate.config import load_config
from tiergate.errors import TiergateError
from tiergate.plan import member_tiers
from tiergate.runfolder import Outcome, SessionKind, TierRun, current_run_id, session_name
from tiergate.workspace import load_workspace
from tiergate_nox.install import sync
from tiergate_nox.record import SessionRecord

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import IO

    from tiergate.config import TiergateConfig
    from tiergate.workspace import Member, Workspace

_PYTEST_EXITS: dict[int, tuple[Outcome, str]] = {
    0: ("passed", ""),
    1: ("failed", "tests failed"),
    5: ("failed", "collected no tests"),
}
_SKIP_DIRS = {".git", ".venv", ".nox", ".tiergate", "node_modules", "__pycache__"}


@dataclass(frozen=True)
class _Sessions:
    root: Path
    workspace: Workspace
    config: TiergateConfig
    run_dir: Path

    def record(
        self, kind: SessionKind, python: str | None = None, package: str | None = None
    ) -> SessionRecord:
        return SessionRecord(
            run_dir=self.run_dir,
            run_id=self.run_dir.name,
            session=session_name(kind, python, package),
            kind=kind,
            package=package,
            python=python,
        )

    def member_for(self, session: nox.Session, package: str) -> Member:
        member = self.workspace.member(package)
        if str(session.python) not in member.pythons:
            session.skip(
                f"{package} does not support Python {session.python} ({member.requires_python})"
            )
        return member

    # ------------------------------------------------------------------ tests
    def tests(self, session: nox.Session, package: str) -> None:
        member = self.member_for(session, package)
        tiers = member_tiers(member, self.config)
        with self.record("tests", str(session.python), package) as rec:
            sync(session, member=member, groups=("test",))
            for tier in tiers:
                rec.tiers[tier] = self._tier(session, rec, member, tier)
            failed = [
                f"{t}: {run.message}" for t, run in rec.tiers.items() if run.outcome != "passed"
            ]
            crashed = any(run.outcome == "crashed" for run in rec.tiers.values())
            outcome: Outcome = "crashed" if crashed else "failed" if failed else "passed"
            rec.finish(
                outcome,
                max((r.exit_code for r in rec.tiers.values()), default=0),
                "; ".join(failed),
            )
        if failed:
            session.error("; ".join(failed))

    def _tier(self, session: nox.Session, rec: SessionRecord, member: Member, tier: str) -> TierRun:
        """Run one tier under coverage, into ``<session folder>/<tier>/``."""
        (rec.folder / tier).mkdir()
        artifacts = {"junit": f"{tier}/junit.xml", "records": f"{tier}/tests.jsonl"}
        env = {}
        command = ["python", "-m", "pytest"]
        if member.source_dirs:
            artifacts["coverage"] = f"{tier}/coverage.db"
            env["COVERAGE_FILE"] = str(rec.folder / artifacts["coverage"])
            sources = ",".join(str(path) for path in member.source_dirs)
            command = [
                "python",
                "-m",
                "coverage",
                "run",
                "--parallel-mode",
                f"--source={sources}",
                "-m",
                "pytest",
            ]
        targets = (
            [str(member.tests_dir)]
            if member.tests_dir
            else [
                str(member.path / path)
                for path in self.config.tiers[tier].paths
                if (member.path / path).is_dir()
            ]
        )
        command += [
            *targets,
            f"--tier={tier}",
            f"--tiergate-root={self.root}",
            f"--junitxml={rec.folder / artifacts['junit']}",
            f"--tiergate-records={rec.folder / artifacts['records']}",
            "-p",
            "no:cacheprovider",
            *session.posargs,
        ]
        rec.command = command
        code = _run(session, command, env=env)
        if member.source_dirs:
            session.run("python", "-m", "coverage", "combine", "--quiet", env=env)
        outcome, message = _PYTEST_EXITS.get(code, ("crashed", f"pytest exited with {code}"))
        return TierRun(exit_code=code, outcome=outcome, artifacts=artifacts, message=message)

    # ------------------------------------------------------------------- type
    def type(self, session: nox.Session, package: str) -> None:
        member = self.member_for(session, package)
        with self.record("type", str(session.python), package) as rec:
            sync(session, member=member, groups=("type",))
            findings = rec.artifact("findings", "mypy.jsonl")
            targets = [str(p) for p in (*member.source_dirs, member.tests_dir) if p is not None]
            if member.is_root:
                targets += [
                    str(p) for p in (self.root / "noxfile.py", self.root / "tasks.py") if p.exists()
                ]
            rec.command = [
                "mypy",
                f"--config-file={self.root / 'pyproject.toml'}",
                "-O",
                "json",
                *targets,
            ]
            with findings.open("w", encoding="utf-8") as out:
                code = _run(session, rec.command, stdout=out)
            errors = _mypy_errors(findings)
            for line in errors:
                session.log(line)
            _finish_tool(session, rec, code, f"mypy: {len(errors)} error(s)")

    # ------------------------------------------------------------------- lint
    def lint(self, session: nox.Session) -> None:
        with self.record("lint") as rec:
            sync(session, groups=("lint",))
            findings = rec.artifact("findings", "ruff.json")
            rec.command = [
                "ruff",
                "check",
                "--output-format=json",
                f"--output-file={findings}",
                ".",
            ]
            check = _run(session, rec.command)
            count = len(json.loads(findings.read_text(encoding="utf-8") or "[]"))
            if count:
                session.run("ruff", "check", "--output-format=concise", ".", success_codes=[0, 1])
            fmt = _run(session, ["ruff", "format", "--check", "."])
            code = check if check not in (0, 1) else max(check, fmt)
            _finish_tool(session, rec, code, f"ruff: {count} finding(s), format check exit {fmt}")

    # -------------------------------------------------------------------- sql
    def sql(self, session: nox.Session) -> None:
        with self.record("sql") as rec:
            sync(session, groups=("sql",))
            files = sorted(str(p.relative_to(self.root)) for p in _find(self.root, "*.sql"))
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
            code = _run(session, rec.command)
            _finish_tool(session, rec, code, f"sqlfluff: problems in {len(files)} file(s)")

    # --------------------------------------------------------------- security
    def security(self, session: nox.Session) -> None:
        with self.record("security") as rec:
            sync(session, groups=("security",))
            bandit_out = rec.artifact("bandit", "bandit.json")
            sources = [str(p) for m in self.workspace.members for p in m.source_dirs]
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
            bandit_code = _run(session, bandit)
            if bandit_code == 1:
                session.run(
                    "bandit", "-q", "-c", "pyproject.toml", "-r", *sources, success_codes=[1]
                )
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
                str(self.root),
                "audit",
                f"--requirements={requirements}",
                f"--json-output={audit_out}",
            ]
            audit_code = _run(session, rec.command, external=True)
            code = bandit_code if bandit_code not in (0, 1) else max(bandit_code, audit_code)
            _finish_tool(session, rec, code, f"bandit exit {bandit_code}, audit exit {audit_code}")


def _run(
    session: nox.Session,
    command: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    stdout: IO[str] | None = None,
    external: bool = False,
) -> int:
    """Run ``command``; return its exit code (a missing program still raises)."""
    try:
        session.run(*command, env=env, stdout=stdout, external=external)
    except CommandFailed as failure:
        if failure.return_code is None:
            raise
        return failure.return_code
    return 0


def _finish_tool(session: nox.Session, rec: SessionRecord, code: int, message: str) -> None:
    """0: passed; 1: the tool found problems; anything else: the tool crashed."""
    outcome: Outcome = "passed" if code == 0 else "failed" if code == 1 else "crashed"
    rec.finish(outcome, code, "" if code == 0 else message)
    if code:
        session.error(message)


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


def register_sessions(root: Path | str) -> Workspace:
    """Register every session of the workspace at ``root`` with nox; return the workspace."""
    root = Path(root).resolve()
    try:
        workspace = load_workspace(root)
        config = load_config(root)
        run_dir = root / config.run_dir / current_run_id()
    except TiergateError as error:
        # A noxfile that raises gets a traceback from nox; a user's mistake gets one line.
        print(f"nox: error: {error}", file=sys.stderr)  # noqa: T201
        raise SystemExit(int(error.exit_code)) from None
    nox.options.default_venv_backend = "uv"
    nox.options.download_python = "never"
    nox.options.error_on_missing_interpreters = is_ci()
    nox.options.reuse_venv = "yes"
    sessions = _Sessions(root, workspace, config, run_dir)
    pythons = list(workspace.pythons)
    tested = [m.name for m in workspace.members if member_tiers(m, config)]
    typed = [m.name for m in workspace.members if m.source_dirs or m.tests_dir is not None]

    def tests(session: nox.Session, package: str) -> None:
        """Run a member's tests under coverage; JUnit XML and coverage data go to the run."""
        sessions.tests(session, package)

    def type_(session: nox.Session, package: str) -> None:
        """Type-check a member (source and tests) with mypy --strict in its own env."""
        sessions.type(session, package)

    def lint(session: nox.Session) -> None:
        """Lint the repository: ruff check and ruff format --check."""
        sessions.lint(session)

    def sql(session: nox.Session) -> None:
        """Lint every .sql file of the repository with sqlfluff."""
        sessions.sql(session)

    def security(session: nox.Session) -> None:
        """Run bandit on every member and audit the locked dependencies."""
        sessions.security(session)

    _register(tests, "tests", pythons, tested)
    _register(type_, "type", pythons, typed)
    for func, name in ((lint, "lint"), (sql, "sql"), (security, "security")):
        nox.session(name=name, python=pythons[0])(func)
    return workspace


def _register(
    func: Callable[..., None], name: str, pythons: list[str], packages: list[str]
) -> None:
    nox.session(name=name, python=pythons)(nox.parametrize("package", packages)(func))
