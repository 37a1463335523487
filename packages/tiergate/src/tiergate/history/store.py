"""The history store: the :class:`Store` protocol, the migrations, and the SQL both stores share.

A store holds every recorded run (:class:`~tiergate.history.summary.RunSummary`).
Its schema lives in ``migrations/<dialect>/NNNN_<name>.sql``, applied in order
and remembered in ``schema_migrations`` (created by ``schema_migrations.sql``),
all inside one transaction that holds the store's migration lock, so that
several processes opening a new store at once apply each migration once.

A run is written in one transaction: it is in the store whole or not at all.
Its ``run_id`` is unique: one run, one record (:meth:`Store.record_run` says
what recording did, :class:`Recording`). The store remembers the sessions a run
was evaluated from (name and finishing time): evaluated again from the same
sessions, nothing is written; from more sessions, every one of the first still
the same (a shard added later), the record is completed in place; from sessions
that changed (one run again), the first record is kept.
"""

from __future__ import annotations

import enum
import os
import re
import sqlite3
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

from pydantic import ValidationError

from tiergate.errors import HistoryError
from tiergate.history.summary import RunSummary
from tiergate.reading import first_problem
from tiergate.runfolder import utc_time

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from contextlib import AbstractContextManager
    from types import TracebackType

    from tiergate.history.url import Dialect, StoreURL

BOOTSTRAP = "schema_migrations.sql"
PAUSE_ENV = "TIERGATE_HISTORY_PAUSE_BEFORE_COMMIT"
"""Test hook: a file path. When set, :meth:`Store.record` writes the run id into it after
writing every row and before committing, then waits, so that a test can kill the
writer in the middle of its transaction."""
_PAUSE_SECONDS = 300
_MIGRATION_FILE = re.compile(r"^(?P<number>\d{4})_[a-z0-9_]+\.sql$")

_RUN_COLUMNS = (
    "run_id",
    "recorded_at",
    "started_at",
    "commit_sha",
    "branch",
    "verdict",
    "exit_code",
    "strict_mode",
    "coverage_precision",
    "tiergate_version",
)
_RUN_FIELDS = (
    "run_id",
    "recorded_at",
    "started_at",
    "commit",
    "branch",
    "verdict",
    "exit_code",
    "strict",
    "precision",
    "tiergate_version",
)
_COVERAGE_COLUMNS = ("package", "tier", "python", "statements", "covered")
_TESTS_COLUMNS = (
    "package",
    "tier",
    "python",
    "passed",
    "failed",
    "errors",
    "skipped",
    "xfailed",
    "xpassed",
    "duration",
)
_GATE_COLUMNS = ("gate", "status", "measured", "bound")
_CHILD_TABLES = ("coverage", "tests", "gate_results", "run_sessions")


class Recording(enum.Enum):
    """What recording a run did."""

    NEW = "recorded"
    """The run was not in the store: it is now."""
    COMPLETED = "completed"
    """Evaluated from more sessions than before, each earlier one unchanged: record replaced."""
    SAME = "already recorded"
    """Evaluated from the sessions it was recorded from (or recorded without them): unchanged."""
    KEPT = "kept"
    """Evaluated from sessions that changed since it was recorded: the first record is kept."""


class Store(Protocol):
    """What tiergate asks of a history store (SQLite or PostgreSQL)."""

    url: StoreURL

    def migrate(self) -> list[int]:
        """Apply the migrations the store lacks; return their numbers (``[]``: up to date)."""
        ...

    def schema_version(self) -> int:
        """The newest migration applied to the store (0: none)."""
        ...

    def record(self, summary: RunSummary) -> bool:
        """Record a run in one transaction; ``False`` when its id was already recorded."""
        ...

    def record_run(self, summary: RunSummary, sessions: Mapping[str, datetime]) -> Recording:
        """Record a run evaluated from ``sessions`` (name -> finished at), one record per id."""
        ...

    def runs(self, limit: int, branch: str | None = None) -> list[RunSummary]:
        """The last ``limit`` recorded runs (of ``branch``), newest first."""
        ...

    def run(self, run_id: str) -> RunSummary | None:
        """One recorded run, or ``None``."""
        ...

    def baseline(self, branch: str, *, exclude: str | None = None) -> RunSummary | None:
        """The last run recorded on ``branch`` other than ``exclude``, or ``None``."""
        ...

    def close(self) -> None:
        """Release the connection."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


@dataclass(frozen=True)
class Migration:
    """One numbered schema file of a dialect."""

    number: int
    file_name: str
    sql: str


def _folder(dialect: Dialect) -> Any:  # noqa: ANN401 - importlib's Traversable
    return files("tiergate.history") / "migrations" / dialect


def migrations(dialect: Dialect) -> list[Migration]:
    """The dialect's migrations in order; they are numbered 1, 2, ... without a gap."""
    found = []
    for entry in _folder(dialect).iterdir():
        match = _MIGRATION_FILE.match(entry.name)
        if match:
            found.append(Migration(int(match["number"]), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda migration: migration.number)
    numbers = [migration.number for migration in found]
    if numbers != list(range(1, len(found) + 1)):
        msg = f"{dialect} migrations must be numbered 1..{len(found)}: {numbers}"
        raise RuntimeError(msg)
    return found


def bootstrap_sql(dialect: Dialect) -> str:
    """The statement creating ``schema_migrations`` (idempotent)."""
    text: str = (_folder(dialect) / BOOTSTRAP).read_text("utf-8")
    return text


def split_sql(script: str) -> list[str]:
    """The statements of a schema file, one each (comments kept with the statement after)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if any(not line.strip().startswith("--") for line in pending.splitlines() if line.strip()):
        msg = f"unterminated SQL statement: {pending.strip()[:60]!r}"
        raise RuntimeError(msg)
    return statements


def pause_before_commit(run_id: str) -> None:
    """The test hook of :data:`PAUSE_ENV` (does nothing when it is not set)."""
    signal = os.environ.get(PAUSE_ENV)
    if signal:
        written = Path(f"{signal}.part")  # whole or absent: a watcher polls for the name
        written.write_text(run_id, encoding="utf-8")
        written.replace(signal)
        time.sleep(_PAUSE_SECONDS)


class Transaction(Protocol):
    """One open transaction of a store's connection."""

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run a statement and return its rows."""
        ...

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        """Run a statement and return how many rows it changed."""
        ...

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        """Run one statement once per row."""
        ...

    def script(self, sql: str) -> None:
        """Run a schema file (several statements)."""
        ...


def _insert(table: str, columns: Sequence[str]) -> str:
    marks = ", ".join("?" for _ in columns)
    return f"INSERT INTO {table} (run_id, {', '.join(columns)}) VALUES (?, {marks})"  # noqa: S608 - constant names  # nosec B608


def _utc(moment: object) -> datetime:
    """A time as the store gave it back (SQLite: ISO text) or was given, in UTC.

    Anything else (a time edited into text that is not one, a number) is a ``ValueError``.
    """
    if isinstance(moment, str):
        return utc_time(datetime.fromisoformat(moment))
    if isinstance(moment, datetime):
        return utc_time(moment)
    msg = f"not a time: {moment!r}"
    raise ValueError(msg)


def _whole_number(value: object) -> int:
    """A count or a number the store holds; anything else is a ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"not a whole number: {value!r}"
        raise ValueError(msg)  # noqa: TRY004 - the caller reports any ValueError as a bad row
    return value


class SQLStore(ABC):
    """The SQL both stores run; a subclass opens the connection and its transactions.

    Statements are written with ``?`` placeholders; a store's transactions adapt them.
    """

    dialect: Dialect

    def __init__(self, url: StoreURL) -> None:
        self.url = url

    # ------------------------------------------------------------ subclass hooks
    @abstractmethod
    def _write(self) -> AbstractContextManager[Transaction]:
        """A transaction to write in (SQLite: holding the file's write lock from its start)."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Transaction]:
        """A transaction for reading."""

    @abstractmethod
    def _lock_migrations(self, tx: Transaction) -> None:
        """Serialise migrations between processes (inside the write transaction)."""

    @abstractmethod
    def _migrated(self, tx: Transaction) -> bool:
        """Whether ``schema_migrations`` exists (a new store has none)."""

    @abstractmethod
    def _value(self, value: object) -> object:
        """A Python value as the driver stores it."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _error(self, message: str) -> HistoryError:
        """A :class:`HistoryError` naming the store (its file, or its redacted URL)."""
        if self.url.path is not None:
            return HistoryError(message, path=self.url.path)
        return HistoryError(f"{self.url.redacted}: {message}")

    # -------------------------------------------------------------- migrations
    def migrate(self) -> list[int]:
        """Apply the migrations the store lacks; a store from a newer tiergate is an error.

        An up-to-date store is only read (no write lock: readers never wait for writers).
        """
        known = migrations(self.dialect)
        with self._read() as tx:
            applied = self._applied(tx, len(known)) if self._migrated(tx) else set()
        if applied.issuperset(range(1, len(known) + 1)):
            return []
        with self._write() as tx:
            self._lock_migrations(tx)
            tx.script(bootstrap_sql(self.dialect))
            applied = self._applied(tx, len(known))
            done = []
            for migration in known:
                if migration.number in applied:
                    continue
                tx.script(migration.sql)
                tx.execute(
                    "INSERT INTO schema_migrations (migration, file_name, applied_at) "
                    "VALUES (?, ?, ?)",
                    [migration.number, migration.file_name, self._value(datetime.now(UTC))],
                )
                done.append(migration.number)
        return done

    def _applied(self, tx: Transaction, known: int) -> set[int]:
        rows = tx.query("SELECT migration FROM schema_migrations")
        try:
            applied = {_whole_number(row[0]) for row in rows}
        except ValueError as error:
            raise self._error(f"schema_migrations: {error}") from None
        newest = max(applied, default=0)
        if newest > known:
            raise self._error(
                f"the history store has schema version {newest}, newer than this tiergate "
                f"knows ({known}): upgrade tiergate"
            )
        return applied

    def schema_version(self) -> int:
        """The newest migration applied (0 for a migrated store without any)."""
        with self._read() as tx:
            rows = tx.query("SELECT MAX(migration) FROM schema_migrations")
        try:
            return _whole_number(rows[0][0] or 0)
        except ValueError as error:
            raise self._error(f"schema_migrations: {error}") from None

    # ----------------------------------------------------------------- writing
    def record(self, summary: RunSummary) -> bool:
        """Record a run without its sessions; ``False`` if its id is there already."""
        return self.record_run(summary, {}) is Recording.NEW

    def record_run(self, summary: RunSummary, sessions: Mapping[str, datetime]) -> Recording:
        """Record a run evaluated from ``sessions`` (name -> finished at), in one transaction.

        A new id is written whole. A known one is left as it is unless the run
        grew: its sessions are a strict superset of those it was recorded from,
        each with the same finishing time; then its rows are replaced by this
        evaluation's, keeping its place in the history (``seq``).
        """
        run = summary.model_dump()
        values = [self._value(run[name]) for name in _RUN_FIELDS]
        marks = ", ".join("?" for _ in _RUN_COLUMNS)
        given = {name: _utc(moment) for name, moment in sessions.items()}
        with self._write() as tx:
            inserted = tx.execute(
                f"INSERT INTO runs ({', '.join(_RUN_COLUMNS)}) VALUES ({marks}) "  # noqa: S608 - constant names  # nosec B608
                "ON CONFLICT (run_id) DO NOTHING",
                values,
            )
            if inserted:
                self._write_rows(tx, summary, given)
                return Recording.NEW
            # A no-op update takes the run's row lock (PostgreSQL; SQLite's is the file's), so
            # that two evaluations completing one run at once are judged one after the other.
            tx.execute("UPDATE runs SET branch = branch WHERE run_id = ?", [summary.run_id])
            known = self._recorded_sessions(tx, summary.run_id)
            if not known or known == given:
                return Recording.SAME
            if not known.items() < given.items():
                return Recording.KEPT
            settings = ", ".join(f"{column} = ?" for column in _RUN_COLUMNS[1:])
            tx.execute(
                f"UPDATE runs SET {settings} WHERE run_id = ?",  # noqa: S608 - constant names  # nosec B608
                [*values[1:], summary.run_id],
            )
            for table in _CHILD_TABLES:
                tx.execute(f"DELETE FROM {table} WHERE run_id = ?", [summary.run_id])  # noqa: S608 - constant names  # nosec B608
            self._write_rows(tx, summary, given)
        return Recording.COMPLETED

    def _write_rows(
        self, tx: Transaction, summary: RunSummary, sessions: Mapping[str, datetime]
    ) -> None:
        """The rows of a run other than its ``runs`` row (then the test hook's pause)."""
        run = summary.model_dump()
        for table, columns, rows in (
            ("coverage", _COVERAGE_COLUMNS, run["coverage"]),
            ("tests", _TESTS_COLUMNS, run["tests"]),
        ):
            if rows:
                tx.many(
                    _insert(table, columns),
                    [[summary.run_id, *(row[c] for c in columns)] for row in rows],
                )
        if run["gates"]:
            tx.many(
                _insert("gate_results", ("ordinal", *_GATE_COLUMNS)),
                [
                    [summary.run_id, ordinal, *(row[c] for c in _GATE_COLUMNS)]
                    for ordinal, row in enumerate(run["gates"])
                ],
            )
        if sessions:
            tx.many(
                _insert("run_sessions", ("session_name", "finished_at")),
                [[summary.run_id, name, self._value(when)] for name, when in sessions.items()],
            )
        pause_before_commit(summary.run_id)

    def _recorded_sessions(self, tx: Transaction, run_id: str) -> dict[str, datetime]:
        rows = tx.query(
            "SELECT session_name, finished_at FROM run_sessions WHERE run_id = ?", [run_id]
        )
        try:
            return {str(name): _utc(when) for name, when in rows}
        except ValueError as error:
            raise self._error(f"run {run_id}: run_sessions.finished_at: {error}") from None

    # ----------------------------------------------------------------- reading
    def runs(self, limit: int, branch: str | None = None) -> list[RunSummary]:
        """The last ``limit`` runs (of ``branch``), newest first."""
        where, params = ("WHERE branch = ?", [branch]) if branch is not None else ("", [])
        return self._select(f"{where} ORDER BY seq DESC LIMIT ?", [*params, limit])

    def run(self, run_id: str) -> RunSummary | None:
        """One recorded run, or ``None``."""
        found = self._select("WHERE run_id = ?", [run_id])
        return found[0] if found else None

    def baseline(self, branch: str, *, exclude: str | None = None) -> RunSummary | None:
        """The last complete green run recorded on ``branch``, other than the run ``exclude``.

        Green: a red run (a drop the ratchet caught, say) never lowers the bar.
        Complete: it measured the whole (the combined row that a run missing a
        tier's data does not have), so no scope of the baseline is left out.
        """
        found = self._select(
            "WHERE branch = ? AND run_id <> ? AND verdict = 'passed' AND EXISTS ("
            "SELECT 1 FROM coverage AS c WHERE c.run_id = runs.run_id"
            " AND c.package = '*' AND c.tier = '*' AND c.python = '*'"
            ") ORDER BY seq DESC LIMIT 1",
            [branch, exclude or ""],
        )
        return found[0] if found else None

    def _select(self, clause: str, params: Sequence[object]) -> list[RunSummary]:
        with self._read() as tx:
            runs = tx.query(f"SELECT {', '.join(_RUN_COLUMNS)} FROM runs {clause}", params)  # noqa: S608 - constant names  # nosec B608
            ids = [row[0] for row in runs]
            if not ids:
                return []
            children = {
                table: self._children(tx, table, columns, ids)
                for table, columns in (
                    ("coverage", _COVERAGE_COLUMNS),
                    ("tests", _TESTS_COLUMNS),
                    ("gate_results", ("ordinal", *_GATE_COLUMNS)),
                )
            }
        return [self._summary(row, children) for row in runs]

    def _summary(
        self, row: tuple[Any, ...], children: Mapping[str, Mapping[str, list[dict[str, Any]]]]
    ) -> RunSummary:
        """One run read back, validated; a row edited into nonsense is a :class:`HistoryError`.

        The error names the store and the run, so that a bad row is found where it is
        read, not by a comparison far away.
        """
        run_id = row[0]
        data: dict[str, object] = dict(zip(_RUN_FIELDS, row, strict=True))
        data["coverage"] = children["coverage"][run_id]
        data["tests"] = children["tests"][run_id]
        try:
            gates = sorted(
                children["gate_results"][run_id], key=lambda gate: _whole_number(gate["ordinal"])
            )
        except ValueError as error:
            raise self._error(f"run {run_id}: gate_results.ordinal: {error}") from None
        data["gates"] = [{k: v for k, v in gate.items() if k != "ordinal"} for gate in gates]
        try:
            return RunSummary.model_validate(data)
        except ValidationError as error:
            problem = first_problem(error)
            raise self._error(f"run {run_id}: not a valid record: {problem}") from None

    @staticmethod
    def _children(
        tx: Transaction, table: str, columns: Sequence[str], ids: Iterable[str]
    ) -> dict[str, list[dict[str, Any]]]:
        chosen = list(ids)
        marks = ", ".join("?" for _ in chosen)
        rows = tx.query(
            f"SELECT run_id, {', '.join(columns)} FROM {table} WHERE run_id IN ({marks})",  # noqa: S608 - constant names  # nosec B608
            chosen,
        )
        found: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            found[row[0]].append(dict(zip(columns, row[1:], strict=True)))
        return found
