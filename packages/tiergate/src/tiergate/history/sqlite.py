"""The SQLite history store: one file under ``.tiergate/``, nothing to install.

Write-ahead logging lets readers go on while a run is written; every write
transaction starts with ``BEGIN IMMEDIATE``, which takes the file's write lock
at once (waiting up to :data:`BUSY_TIMEOUT` seconds for another writer), so
concurrent writers — CI shards on one machine, parallel jobs — queue instead of
failing, and a migration is applied by exactly one of them.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tiergate.errors import HistoryError, TiergateError, ToolError
from tiergate.history.store import SQLStore, split_sql
from tiergate.reading import path_problem

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from tiergate.history.store import Transaction
    from tiergate.history.url import Dialect, StoreURL

BUSY_TIMEOUT = 60.0
"""Seconds a writer waits for another one to finish before giving up."""


class _SQLiteTransaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self._connection.execute(sql, params).fetchall()

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._connection.execute(sql, params).rowcount

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        self._connection.executemany(sql, rows)

    def script(self, sql: str) -> None:
        for statement in split_sql(sql):
            self._connection.execute(statement)


_WAL_RETRY = 0.05
"""Seconds between two attempts to put a store in WAL mode."""


class SQLiteStore(SQLStore):
    """A history store in one SQLite file (created with its folder when missing)."""

    dialect: Dialect = "sqlite"

    def __init__(self, url: StoreURL, *, busy_timeout: float = BUSY_TIMEOUT) -> None:
        super().__init__(url)
        self._busy_timeout = busy_timeout
        path = url.path
        if path is None:
            msg = "a SQLite store needs a file path"
            raise ValueError(msg)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            folder = path.is_dir()
        except (OSError, ValueError) as error:
            raise HistoryError(
                f"cannot create the store's folder: {path_problem(error)}", path=path
            ) from None
        if folder:
            raise HistoryError("not a usable history store: it is a folder, not a file", path=path)
        with self._guard():
            self._connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        try:
            with self._guard():
                self._connection.execute("PRAGMA foreign_keys = ON")
                self._into_wal(time.monotonic() + busy_timeout)
        except TiergateError:
            self._connection.close()
            raise

    def _into_wal(self, deadline: float) -> None:
        """Put the file in WAL mode, waiting while other connections hold it.

        Changing the journal mode needs the file to itself, and SQLite answers
        "locked" at once rather than through the busy timeout: a new store that
        several writers open together is retried here until ``deadline``.
        """
        while True:
            try:
                self._connection.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
                time.sleep(_WAL_RETRY)
            else:
                return

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back)."""
        self._connection.close()

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn sqlite3's errors into one-line tiergate errors naming the file."""
        try:
            yield
        except sqlite3.Error as error:
            reason = str(error) or type(error).__name__
            if "locked" in reason or "busy" in reason:
                msg = f"the history store stayed locked for {self._busy_timeout:g} s: {reason}"
                raise ToolError(msg, path=self.url.path) from None
            raise HistoryError(
                f"not a usable history store: {reason}", path=self.url.path
            ) from None

    @contextlib.contextmanager
    def _transaction(self, begin: str) -> Iterator[_SQLiteTransaction]:
        with self._guard():
            self._connection.execute(begin)
            try:
                yield _SQLiteTransaction(self._connection)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def _write(self) -> contextlib.AbstractContextManager[_SQLiteTransaction]:
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self) -> contextlib.AbstractContextManager[_SQLiteTransaction]:
        return self._transaction("BEGIN")

    def _lock_migrations(self, tx: Transaction) -> None:
        """``BEGIN IMMEDIATE`` already holds the one write lock of the file."""
        del tx

    def _migrated(self, tx: Transaction) -> bool:
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
        return bool(tx.query(query))

    def _value(self, value: object) -> object:
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        return value
