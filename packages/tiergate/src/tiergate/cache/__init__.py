"""The result cache: a passed session's result, reused while nothing it depends on changed.

Layout, beside the run folders (``<root>/.tiergate/cache`` by default)::

    <cache>/
        entries/<session slug>-<hash of its name>/<key digest>/
            entry.json      the record (schemas/cache-entry.schema.json): session, key digest
                            and parts, read set, the run and times it came from, tiergate's
                            version, size, last used time, every stored file's size and SHA-256
            session/        the session's folder copied whole: manifest.json and its artifacts
        tmp/                entries being written or removed

The rules:

- only a passed session is stored (failed and crashed never are: :meth:`ResultCache.save`
  returns :class:`Refused`), with folders and regular files only;
- an entry is written in ``tmp/`` and renamed into place, so it is whole or absent; two
  processes storing the same entry both end well (the second keeps the first's);
- a hit needs the same key digest, an entry that reads back whole (the cache is hostile
  input: a broken entry is a miss with its reason, and is removed) and a read set that still
  holds (every file the session was seen to read has the SHA-256 it had); a miss says why:
  no entry yet, the inputs that changed since the newest entry (:func:`changed_inputs`
  order), the first read file that changed, or why there is no key;
- a restored session is copied into the run folder, every file checked against its
  SHA-256, its manifest written last with the new run id and ``reused`` (where it came
  from): every report labels it ``cached``, never as run now;
- pruning removes the least recently used entries until the cache is within its bound,
  broken entries and temporary folders a killed process left (older than an hour) first.
"""

from __future__ import annotations

from tiergate.cache.entry import CacheEntry, StoredFile, entry_json_schema
from tiergate.cache.store import Hit, Miss, Refused, ResultCache, default_folder

__all__ = [
    "CacheEntry",
    "Hit",
    "Miss",
    "Refused",
    "ResultCache",
    "StoredFile",
    "default_folder",
    "entry_json_schema",
]
