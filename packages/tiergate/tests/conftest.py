"""Fixtures shared by the tiergate tests: throwaway uv workspaces written to tmp_path."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pytest_postgresql import factories as postgresql_factories

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

    import psycopg
    from pytest_postgresql.executors import NoopExecutor

    BuiltOnce = Callable[[Callable[[], object]], None]
    """The ``built_once`` fixture: ``built_once(build)``."""

sys.path.insert(0, str(Path(__file__).parent))  # run_cli: the CLI in a child process

ROOT_PYPROJECT = """\
[tool.uv.workspace]
members = ["packages/*"]
"""
ADVISORY_DB = Path(__file__).parent / "fixtures" / "advisory-db"
"""Real OSV records copied from the PyPA advisory database (its README.md says which)."""


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _new_workspace(root: Path) -> Path:
    _write(root / "pyproject.toml", ROOT_PYPROJECT)
    _write(root / ".python-version", "3.11\n3.12\n3.13\n")
    return root


@pytest.fixture
def ws_root(
    request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A workspace root: members "packages/*", Pythons 3.11, 3.12, 3.13, no member yet.

    For a test that uses ``built_once``, at one path for every such test of its
    module in this process (see there); else in the test's own ``tmp_path``.
    """
    if "built_once" not in request.fixturenames:
        return _new_workspace(tmp_path / "ws")
    root = _module_folder(request, tmp_path_factory) / "ws"
    if root.exists():
        shutil.rmtree(root)
    return _new_workspace(root)


def _module_folder(request: pytest.FixtureRequest, factory: pytest.TempPathFactory) -> Path:
    """This process's folder for the requesting test module (each xdist worker has its own)."""
    module: str = request.module.__name__
    return factory.getbasetemp() / "per-module" / module


@pytest.fixture
def built_once(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, ws_root: Path
) -> BuiltOnce:
    """``built_once(build)``: ``build`` fills ``ws_root`` once per module and process.

    The first test of the module to ask runs it and keeps a copy of the workspace
    it made; each later one gets that copy back instead, byte for byte and at the
    same path (coverage data and run folders name absolute paths). For modules
    whose tests start from the same workspace of real pytest runs under coverage.
    """
    copy = _module_folder(request, tmp_path_factory) / "built"

    def once(build: Callable[[], object]) -> None:
        if copy.is_dir():
            shutil.rmtree(ws_root)
            shutil.copytree(copy, ws_root, symlinks=True)
        else:
            build()
            shutil.copytree(ws_root, copy, symlinks=True)

    return once


@pytest.fixture(scope="session")
def advisory_db() -> Path:
    """The repository's OSV fixture: nine PyPA records, the newest modified on 2024-10-10."""
    return ADVISORY_DB


@pytest.fixture
def write_file(ws_root: Path) -> Callable[[str, str], Path]:
    """Write dedented text to a path relative to the workspace root; return the path."""

    def write(relative: str, text: str) -> Path:
        return _write(ws_root / relative, text)

    return write


@pytest.fixture
def add_member(ws_root: Path) -> Callable[..., Path]:
    """Write a member ``packages/<name>`` depending on ``*dependencies``; return its folder.

    Keywords: ``folder`` (relative to the root), ``requires_python``, ``groups``
    (name -> requirement strings), ``package`` (an import package under src/),
    ``tests`` (create tests/), ``files`` (path relative to the member -> text).
    """

    def add(  # noqa: PLR0913 - one keyword per optional part of a member
        name: str,
        *dependencies: str,
        folder: str | None = None,
        requires_python: str | None = None,
        groups: Mapping[str, Sequence[str]] | None = None,
        package: str | None = None,
        tests: bool = False,
        files: Mapping[str, str] | None = None,
    ) -> Path:
        path = ws_root / (folder or f"packages/{name}")
        lines = ["[project]", f'name = "{name}"', 'version = "1.0"']
        if requires_python is not None:
            lines.append(f'requires-python = "{requires_python}"')
        lines.append(f"dependencies = {json.dumps(list(dependencies))}")
        if groups:
            lines.append("\n[dependency-groups]")
            lines.extend(f"{group} = {json.dumps(list(raws))}" for group, raws in groups.items())
        _write(path / "pyproject.toml", "\n".join(lines) + "\n")
        if package is not None:
            _write(path / "src" / package / "__init__.py", "")
        if tests:
            (path / "tests").mkdir()
        for relative, text in (files or {}).items():
            _write(path / relative, text)
        return path

    return add


@pytest.fixture
def run_tier(ws_root: Path) -> Callable[..., Path]:
    """Run one tier of a member's tests for real, the way the tests session does.

    ``run_tier(package, tier, python="3.11", run_id="r1", args=())`` runs pytest
    with pytest-tiergate under coverage into the run folder and (re)writes the
    session's manifest with that tier added; returns the session folder.
    """
    import os  # noqa: PLC0415 - only this fixture needs them
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415
    from datetime import UTC, datetime  # noqa: PLC0415

    from tiergate.runfolder import (  # noqa: PLC0415
        Outcome,
        SessionManifest,
        TierRun,
        read_manifest,
        session_dir,
        session_name,
        write_manifest,
    )

    def run(  # noqa: PLR0913 - one keyword per part of a session
        package: str,
        tier: str,
        *,
        python: str = "3.11",
        run_id: str = "r1",
        args: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
    ) -> Path:
        name = session_name("tests", python, package)
        folder = session_dir(ws_root / ".tiergate" / "runs" / run_id, name)
        (folder / tier).mkdir(parents=True, exist_ok=True)
        member = ws_root / "packages" / package
        command = [
            sys.executable,
            "-m",
            "coverage",
            "run",
            "--parallel-mode",
            f"--source={member / 'src'}",
            "-m",
            "pytest",
            str(member / "tests"),
            f"--tier={tier}",
            f"--tiergate-root={ws_root}",
            "-p",
            "no:cacheprovider",
            f"--junitxml={folder / tier / 'junit.xml'}",
            f"--tiergate-records={folder / tier / 'tests.jsonl'}",
            *args,
        ]
        environment = {
            k: v for k, v in os.environ.items() if k not in {"CI", "COVERAGE_PROCESS_START"}
        }
        environment.update(
            {"COVERAGE_FILE": str(folder / tier / "coverage.db"), "PYTHONPATH": str(member / "src")}
        )
        environment.update(env or {})
        code = subprocess.run(
            command, cwd=ws_root, env=environment, capture_output=True, check=False
        ).returncode
        subprocess.run(
            [sys.executable, "-m", "coverage", "combine", "--quiet"],
            cwd=ws_root,
            env=environment,
            check=False,
            capture_output=True,
        )
        outcome: Outcome = "passed" if code == 0 else "failed" if code in {1, 5} else "crashed"
        artifacts = {
            "junit": f"{tier}/junit.xml",
            "records": f"{tier}/tests.jsonl",
            "coverage": f"{tier}/coverage.db",
        }
        tiers = {}
        if (folder / "manifest.json").exists():
            tiers = dict(read_manifest(folder / "manifest.json").tiers)
        tiers[tier] = TierRun(exit_code=code, outcome=outcome, artifacts=artifacts)
        now = datetime.now(UTC)
        bad = any(t.outcome != "passed" for t in tiers.values())
        worst: Outcome = "failed" if bad else "passed"
        write_manifest(
            folder,
            SessionManifest(
                schema_version=1,
                run_id=run_id,
                session=name,
                kind="tests",
                package=package,
                python=python,
                started_at=now,
                finished_at=now,
                outcome=worst,
                exit_code=code,
                command=command,
                artifacts={},
                tiers=tiers,
            ),
        )
        return folder

    return run


@pytest.fixture
def git() -> Callable[..., str]:
    """Run real git in a folder: ``git(folder, *args, date=None)`` returns its output.

    ``date`` (e.g. ``"2020-01-01T12:00:00+00:00"``) sets the author and committer
    dates of a commit. Only the test repository's own config is ever written.
    """
    import os  # noqa: PLC0415 - only this fixture needs them
    import subprocess  # noqa: PLC0415

    def run(folder: Path, *args: str, date: str | None = None) -> str:
        environment = dict(os.environ)
        if date is not None:
            environment.update({"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})
        return subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            check=True,
            env=environment,
        ).stdout

    return run


@pytest.fixture
def git_init(git: Callable[..., str]) -> Callable[[Path], Path]:
    """Make ``folder`` (created if needed) a git repository on branch main; return it."""

    def init(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        git(folder, "init", "--quiet", "--initial-branch=main")
        for key, value in (
            ("user.name", "Tiergate Test"),
            ("user.email", "test@tiergate.invalid"),
            ("commit.gpgsign", "false"),
        ):
            git(folder, "config", "--local", key, value)
        return folder

    return init


# ------------------------------------------------------------------ PostgreSQL
PG_BINDIR_ENV = "TIERGATE_TEST_PG_BINDIR"
PG_TOOLS = ("initdb", "pg_ctl", "postgres")


def _pg_bindir() -> Path | None:
    """``$TIERGATE_TEST_PG_BINDIR``, else the newest Debian server, else ``pg_ctl``'s folder."""
    import os  # noqa: PLC0415 - only the PostgreSQL fixture needs them
    import shutil  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    if os.environ.get(PG_BINDIR_ENV):
        return Path(os.environ[PG_BINDIR_ENV])
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    found = [folder for folder in debian if all((folder / t).is_file() for t in PG_TOOLS)]
    if found:
        return found[-1]
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _free_port() -> int:
    import socket  # noqa: PLC0415 - only the PostgreSQL fixture needs it

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def pg_server() -> Iterator[NoopExecutor]:
    """A real PostgreSQL server for this test session, started here and stopped after it.

    Binaries: ``$TIERGATE_TEST_PG_BINDIR``, else the newest ``/usr/lib/postgresql/<N>/bin``,
    else ``pg_ctl``'s folder on PATH; missing ones fail the tests that need the server.
    ``initdb`` and ``pg_ctl`` refuse to run as root: as root they run as ``postgres``
    (``runuser``), in a folder it owns under the system temp folder (pytest's own is
    private to root). Trust authentication on 127.0.0.1 and a free port;
    pytest-postgresql's client factory makes a database per test from the empty
    template created here.
    """
    import os  # noqa: PLC0415 - only this fixture needs them
    import shutil  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from pytest_postgresql.executors import NoopExecutor  # noqa: PLC0415
    from pytest_postgresql.janitor import DatabaseJanitor  # noqa: PLC0415

    bindir = _pg_bindir()
    if bindir is None or not all((bindir / tool).is_file() for tool in PG_TOOLS):
        pytest.fail(
            f"PostgreSQL server binaries ({', '.join(PG_TOOLS)}) not found in "
            f"{bindir or '/usr/lib/postgresql/<N>/bin or on PATH'}: install the PostgreSQL "
            f"server (apt-get install postgresql) or set {PG_BINDIR_ENV}",
            pytrace=False,
        )
    as_root = os.geteuid() == 0
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    folder = Path(tempfile.mkdtemp(prefix="tiergate-pg-"))
    if as_root:
        shutil.chown(folder, "postgres", "postgres")
    data, log, port = folder / "data", folder / "server.log", _free_port()

    def pg(*command: str) -> None:
        done = subprocess.run(
            [*prefix, *command], capture_output=True, text=True, check=False, timeout=120
        )
        if done.returncode != 0:
            server_log = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
            pytest.fail(
                f"{' '.join(command[:2])} failed ({done.returncode}): "
                f"{done.stderr.strip()[-2000:]}\n{server_log}",
                pytrace=False,
            )

    try:
        pg(
            str(bindir / "initdb"),
            f"--pgdata={data}",
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder}"
        pg(str(bindir / "pg_ctl"), "start", "-D", str(data), "-l", str(log), "-w", "-o", options)
        try:
            server = NoopExecutor(
                host="127.0.0.1", port=port, user="postgres", options="", dbname="tiergate"
            )
            DatabaseJanitor(
                user=server.user,
                host=server.host,
                port=server.port,
                dbname=server.template_dbname,
                as_template=True,
            ).init()
            yield server
        finally:
            pg(str(bindir / "pg_ctl"), "stop", "-D", str(data), "-m", "fast", "-w")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


pg_database = postgresql_factories.postgresql("pg_server")
"""A fresh database per test (from the server's empty template; dropped after the test)."""


@pytest.fixture
def pg_url(pg_database: psycopg.Connection[Any]) -> str:
    """``postgresql://postgres@127.0.0.1:<port>/<fresh database>`` for one test."""
    info = pg_database.info
    return f"postgresql://{info.user}@{info.host}:{info.port}/{info.dbname}"
