"""Values computed from a file's bytes, kept between processes: parse once per content.

A warm check spends its time parsing what did not change: every test file (which tests,
which tier marks, :mod:`tiergate.testast`), every measured source file (the statements
``coverage report`` counts, :mod:`tiergate.covdata`) and the lock file. Each of those is a
function of the file's bytes and of what reads them, so a :class:`Memo` keeps the value
under ``SHA-256(salt, bytes)``, the salt naming the reader (the computing module's own
source, the Python, coverage.py's version and its exclusion patterns, ...).

The rules:

- off unless :func:`use` gave it a folder (the CLI gives ``<cache>/memo`` when the
  result cache is enabled); off, every value is computed;
- one JSON file per kind (``<folder>/<kind>.json``), read once, through the reading
  layer: a file that does not read back whole is as if absent, an entry that does not
  validate into the kind's type is computed again; a memo never fails a command. The
  file's nesting is not walked (``walk=False``): each entry taken is validated into
  its kind's type, whose depth pydantic bounds, and a file holds megabytes of entries
  of which a command takes a few;
- written at process exit, merged with what is on disk then, in a temporary file renamed
  into place (whole or absent), at most :attr:`Memo.limit` entries, this process's first;
- a value is only ever kept for bytes that were read and hashed here, never for a path.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticSerializationError

from tiergate.errors import TiergateError
from tiergate.reading import read_json

if TYPE_CHECKING:
    from collections.abc import Callable

T = TypeVar("T")
FOLDER = "memo"
"""The memo's folder in the result cache's."""

_folder: Path | None = None
_registered = False
_memos: list[Memo[object]] = []


def use(folder: Path | None) -> None:
    """Keep memos in ``folder`` from now on (``None``: off), written at process exit."""
    global _folder, _registered  # noqa: PLW0603 - one memo folder per process, as the cache's
    if folder == _folder:
        return
    if folder is not None and not _registered:
        atexit.register(save_all)
        _registered = True
    save_all()
    _folder = folder
    for memo in _memos:
        memo.forget()


class Memo(Generic[T]):
    """Values of one kind, each under the digest of its salt and the bytes it was computed from."""

    limit = 20_000
    """Entries kept per kind."""

    def __init__(self, kind: str, adapter: TypeAdapter[T], *, limit: int | None = None) -> None:
        self.kind = kind
        self._adapter = adapter
        if limit is not None:
            self.limit = limit
        self._loaded: dict[str, object] | None = None
        self._new: dict[str, object] = {}
        self._used: set[str] = set()
        _memos.append(self)  # type: ignore[arg-type]

    def get(self, salt: str, content: bytes, compute: Callable[[], T]) -> T:
        """The value for ``content`` read with ``salt``: from the memo, else ``compute()`` kept."""
        if _folder is None:
            return compute()
        digest = hashlib.sha256(salt.encode() + b"\0" + content).hexdigest()
        stored = self._entries().get(digest)
        if stored is not None:
            try:
                value = self._adapter.validate_python(stored)
            except (ValidationError, RecursionError):
                pass
            else:
                self._used.add(digest)
                return value
        value = compute()
        # A value not of the kind's type (a TOML date, say) is not kept: computed each time.
        with contextlib.suppress(PydanticSerializationError, ValueError, TypeError):
            self._new[digest] = self._adapter.dump_python(value, mode="json", warnings="error")
        return value

    def forget(self) -> None:
        """Drop what was read and computed (after :func:`use` changed the folder)."""
        self._loaded, self._new, self._used = None, {}, set()

    def save(self) -> None:
        """Write this process's new and used entries over what is on disk, within the limit."""
        if _folder is None or not self._new:
            return
        self._loaded = None
        on_disk = self._entries()
        first = {**self._new, **{d: on_disk[d] for d in self._used if d in on_disk}}
        rest = (item for item in on_disk.items() if item[0] not in first)
        kept = dict(list(first.items())[: self.limit])
        for digest, value in rest:
            if len(kept) >= self.limit:
                break
            kept[digest] = value
        _write(_folder / f"{self.kind}.json", {"entries": kept})
        self._new = {}

    def _entries(self) -> dict[str, object]:
        if self._loaded is None:
            self._loaded = _read(_folder / f"{self.kind}.json") if _folder else {}
        return self._loaded


def save_all() -> None:
    """Save every memo (registered to run at process exit by :func:`use`)."""
    for memo in _memos:
        with contextlib.suppress(OSError, ValueError, TypeError):
            memo.save()


def _read(path: Path) -> dict[str, object]:
    """The entries of the memo file ``path``; empty when it is absent or not a memo."""
    try:
        data = read_json(path, "memo", TiergateError, walk=False)
    except TiergateError:
        return {}
    entries = data.get("entries") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def _write(path: Path, data: dict[str, object]) -> None:
    """``data`` as JSON in ``path``, through a temporary file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, separators=(",", ":"))
        Path(temporary).replace(path)
    finally:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
