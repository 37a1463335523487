"""Open the history store a URL names: SQLite or PostgreSQL, migrated to this tiergate's schema."""

from __future__ import annotations

import stat
from typing import TYPE_CHECKING

from tiergate.errors import HistoryError
from tiergate.history.sqlite import SQLiteStore
from tiergate.reading import path_problem

if TYPE_CHECKING:
    from tiergate.history.store import Store
    from tiergate.history.url import StoreURL


def connect(url: StoreURL) -> Store:
    """A connection to the store, as it is (not migrated)."""
    if url.dialect == "postgresql":
        from tiergate.history.postgresql import PostgresStore  # noqa: PLC0415 - optional psycopg

        return PostgresStore(url)
    return SQLiteStore(url)


def open_store(url: StoreURL) -> Store:
    """The store, with every migration applied (a new store is created)."""
    store = connect(url)
    try:
        store.migrate()
    except BaseException:
        store.close()
        raise
    return store


def store_exists(url: StoreURL) -> bool:
    """False for a SQLite store whose file was never created (reading it finds nothing).

    A path that names a folder, or that cannot name a file at all (a part of it
    is a file, a NUL byte, a name too long), is a :class:`HistoryError` naming it.
    """
    path = url.path
    if path is None:
        return True
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as failure:
        raise HistoryError(
            f"not a usable history store: {path_problem(failure)}", path=path
        ) from None
    if stat.S_ISDIR(mode):
        raise HistoryError("not a usable history store: it is a folder, not a file", path=path)
    return True
