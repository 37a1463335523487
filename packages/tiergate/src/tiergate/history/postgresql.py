"""The PostgreSQL history store: one database that a team's CI jobs all write into.

Needs psycopg 3 (``pip install tiergate[postgresql]``), imported only when a
``postgresql://`` URL is used. Each write is one transaction on an autocommit
connection; migrations take a transaction-scoped advisory lock first, so that
jobs opening a new store at once apply each migration exactly once. Messages
show the URL with its password masked, and scrub it from the driver's text.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from tiergate.errors import HistoryError, TiergateError, ToolError
from tiergate.history.store import SQLStore

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import ModuleType

    import psycopg

    from tiergate.history.store import Transaction
    from tiergate.history.url import Dialect, StoreURL

CONNECT_TIMEOUT = 10
"""Seconds to wait for the server before calling it unreachable (unless the URL says)."""
MIGRATION_LOCK = int.from_bytes(b"tiergate", "big")
"""The advisory lock key (the bytes of "tiergate") that serialises migrations."""


def _psycopg() -> ModuleType:
    try:
        import psycopg  # noqa: PLC0415 - optional: only a postgresql:// store needs it
    except ImportError:
        raise ToolError(
            "a postgresql:// history store needs psycopg 3: install tiergate[postgresql]"
        ) from None
    return psycopg


class _PostgresTransaction:
    def __init__(self, connection: psycopg.Connection[Any]) -> None:
        self._connection = connection

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return self._connection.execute(_placeholders(sql), params).fetchall()

    def execute(self, sql: str, params: Sequence[object] = ()) -> int:
        return self._connection.execute(_placeholders(sql), params).rowcount

    def many(self, sql: str, rows: Sequence[Sequence[object]]) -> None:
        with self._connection.cursor() as cursor:
            cursor.executemany(_placeholders(sql), rows)

    def script(self, sql: str) -> None:
        self._connection.execute(sql)  # no parameters: several statements are allowed


def _placeholders(sql: str) -> Any:  # noqa: ANN401 - psycopg's query type
    """``?`` placeholders (shared with SQLite) as psycopg's ``%s``."""
    return sql.replace("?", "%s")


class PostgresStore(SQLStore):
    """A history store in a PostgreSQL database (its tables are created on first use)."""

    dialect: Dialect = "postgresql"

    def __init__(self, url: StoreURL) -> None:
        super().__init__(url)
        self._psycopg = _psycopg()
        with self._guard("cannot connect"):
            given = self._psycopg.conninfo.conninfo_to_dict(url.raw)
            defaults = {"connect_timeout": CONNECT_TIMEOUT, "application_name": "tiergate"}
            self._connection: psycopg.Connection[Any] = self._psycopg.connect(
                url.raw, autocommit=True, **{k: v for k, v in defaults.items() if k not in given}
            )

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back by the server)."""
        self._connection.close()

    @contextlib.contextmanager
    def _guard(self, doing: str = "the history store failed") -> Iterator[None]:
        """Turn psycopg's errors into one line naming the redacted URL, hiding the password."""
        try:
            yield
        except TiergateError:
            raise
        except self._psycopg.Error as error:
            reason = " ".join(self.url.scrub(str(error)).split()) or type(error).__name__
            message = f"{self.url.redacted}: {doing}: {reason}"
            if isinstance(error, self._psycopg.ProgrammingError) and doing == "cannot connect":
                raise HistoryError(message) from None
            raise ToolError(message) from None

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        with self._guard(), self._connection.transaction():
            yield _PostgresTransaction(self._connection)

    def _write(self) -> contextlib.AbstractContextManager[Transaction]:
        return self._transaction()

    def _read(self) -> contextlib.AbstractContextManager[Transaction]:
        return self._transaction()

    def _lock_migrations(self, tx: Transaction) -> None:
        tx.query("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])

    def _migrated(self, tx: Transaction) -> bool:
        rows = tx.query("SELECT to_regclass('schema_migrations') IS NOT NULL")
        return bool(rows[0][0])

    def _value(self, value: object) -> object:
        return value
