"""Open the history store a URL names: SQLite or PostgreSQL, migrated to this tiergate's schema."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tiergate.history.sqlite import SQLiteStore

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
    """False for a SQLite store whose file was never created (reading it finds nothing)."""
    return url.path is None or url.path.is_file()
