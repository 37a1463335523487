"""Generate the nox sessions of a workspace from its :class:`~tiergate.workspace.Workspace`.

``noxfile.py`` calls :func:`register_sessions` and nothing else. Sessions:

- ``tests-<python>(package=...)``: the member's tests under coverage, JUnit XML
  and coverage data into the run folder (:mod:`tiergate_nox.testing`);
- ``type-<python>(package=...)``: mypy (:mod:`tiergate_nox.typecheck`);
- ``lint``, ``sql``, ``security``, ``audit``: the other tools (:mod:`tiergate_nox.tooling`).

Each session writes its results and a manifest into ``<run-dir>/<run-id>/``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import nox

from tiergate import memo
from tiergate.ci import is_ci
from tiergate.config import load_config
from tiergate.errors import TiergateError
from tiergate.plan import member_tiers, type_checked
from tiergate.runfolder import current_run_id
from tiergate.workspace import load_workspace
from tiergate_nox.base import SessionContext

if TYPE_CHECKING:
    from collections.abc import Callable

    from tiergate.workspace import Workspace


def register_sessions(root: Path | str) -> Workspace:
    """Register every session of the workspace at ``root`` with nox; return the workspace."""
    root = Path(root).resolve()
    try:
        config = load_config(root)
        memo.use(config.memo_folder(root))  # each session's nox process reads the workspace
        workspace = load_workspace(root)
        run_dir = root / config.run_dir / current_run_id()
    except TiergateError as error:
        # A noxfile that raises gets a traceback from nox; a user's mistake gets one line.
        print(f"nox: error: {error}", file=sys.stderr)  # noqa: T201
        raise SystemExit(int(error.exit_code)) from None
    nox.options.default_venv_backend = "uv"
    nox.options.download_python = "never"
    nox.options.error_on_missing_interpreters = is_ci()
    nox.options.reuse_venv = "yes"
    ctx = SessionContext(root, workspace, config, run_dir)
    pythons = list(workspace.pythons)
    tested = [m.name for m in workspace.members if member_tiers(m, config)]
    typed = [m.name for m in workspace.members if type_checked(m)]

    def tests(session: nox.Session, package: str) -> None:
        """Run a member's tests under coverage; JUnit XML and coverage data go to the run."""
        from tiergate_nox import testing  # noqa: PLC0415 - each session imports its own kind

        testing.tests(ctx, session, package)

    def type_(session: nox.Session, package: str) -> None:
        """Type-check a member (source and tests): mypy with the repository's configuration."""
        from tiergate_nox import typecheck  # noqa: PLC0415 - each session imports its own kind

        typecheck.type_check(ctx, session, package)

    def lint(session: nox.Session) -> None:
        """Lint the repository: ruff check and format --check, as configured and pinned."""
        from tiergate_nox import tooling  # noqa: PLC0415 - each session imports its own kind

        tooling.lint(ctx, session)

    def sql(session: nox.Session) -> None:
        """Lint every .sql file of the repository with sqlfluff."""
        from tiergate_nox import tooling  # noqa: PLC0415 - each session imports its own kind

        tooling.sql(ctx, session)

    def security(session: nox.Session) -> None:
        """Run bandit on every member's source."""
        from tiergate_nox import tooling  # noqa: PLC0415 - each session imports its own kind

        tooling.security(ctx, session)

    def audit(session: nox.Session) -> None:
        """Audit the locked dependencies for known vulnerabilities."""
        from tiergate_nox import tooling  # noqa: PLC0415 - each session imports its own kind

        tooling.audit(ctx, session)

    _register(tests, "tests", pythons, tested)
    _register(type_, "type", pythons, typed)
    for func, name in ((lint, "lint"), (sql, "sql"), (security, "security"), (audit, "audit")):
        nox.session(name=name, python=pythons[0])(func)
    return workspace


def _register(
    func: Callable[..., None], name: str, pythons: list[str], packages: list[str]
) -> None:
    nox.session(name=name, python=pythons)(nox.parametrize("package", packages)(func))
