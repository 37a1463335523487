"""The result cache: passed sessions stored under their input key, looked up, restored, pruned."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate import memo
from tiergate.cache.entry import ENTRY, ENTRY_VERSION, SESSION, CacheEntry, StoredFile, read_entry
from tiergate.cache.readset import first_change
from tiergate.cache.tree import (
    TEMPORARY,
    TreeError,
    copy_files,
    folder_bytes,
    remove,
    remove_stale,
    scratch,
    walk_files,
)
from tiergate.errors import ArtifactError, TiergateError
from tiergate.files import write_whole
from tiergate.inputs import NoKey, changed_inputs
from tiergate.reading import path_problem, stream_sha256
from tiergate.runfolder import (
    MANIFEST,
    Reused,
    SessionManifest,
    read_manifest,
    session_dir,
    slugify,
    utc_time,
    write_manifest,
)

if TYPE_CHECKING:
    from tiergate.config import TiergateConfig
    from tiergate.inputs import InputKey

ENTRIES = "entries"
STALE_SECONDS = 3600.0
"""A temporary folder older than this was left by a killed process: pruning removes it."""
_SHOWN_CHANGES = 3


@dataclass(frozen=True)
class Hit:
    """A stored result that still holds: its entry and the folder it is in."""

    entry: CacheEntry
    folder: Path


@dataclass(frozen=True)
class Miss:
    """No stored result holds; ``reason`` is one line, ``changed`` the inputs that changed."""

    reason: str
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Refused:
    """Why a session's result was not stored (one line)."""

    reason: str


def default_folder(root: Path, config: TiergateConfig) -> Path:
    """``cache`` beside the run folders' folder: ``<root>/.tiergate/cache`` by default."""
    return config.cache_folder(root)


def tiergate_version() -> str:
    """The installed tiergate's version (``unknown`` when run from a bare source tree)."""
    try:
        return version("tiergate")
    except PackageNotFoundError:
        return "unknown"


class ResultCache:
    """The entries in ``folder``; read-set paths that are relative are relative to ``root``."""

    def __init__(self, folder: Path, *, root: Path | None = None) -> None:
        self.folder = folder
        self.root = root if root is not None else Path.cwd()

    @classmethod
    def of(cls, root: Path, config: TiergateConfig) -> ResultCache:
        """The cache of the workspace at ``root`` (:func:`default_folder`)."""
        return cls(default_folder(root, config), root=root)

    def entry_folder(self, session: str, digest: str) -> Path:
        """Where the entry of ``session`` under ``digest`` is (or would be)."""
        return self._session_folder(session) / digest

    def _session_folder(self, session: str) -> Path:
        tag = hashlib.sha256(session.encode("utf-8", "surrogateescape")).hexdigest()[:8]
        return self.folder / ENTRIES / f"{slugify(session) or 'session'}-{tag}"

    def save(
        self,
        session_folder: Path,
        key: InputKey | NoKey,
        *,
        read_set: dict[str, str] | None = None,
        now: datetime | None = None,
    ) -> CacheEntry | Refused:
        """Store a passed session's folder under ``key``; anything else is :class:`Refused`.

        The entry is written in a temporary folder of the cache, then renamed into
        place: it is whole or absent. When the entry is there already and its read
        set still holds (another process stored it first), that entry is returned;
        one whose read set no longer holds (the same declared inputs, but a file its
        tests read changed) is replaced: kept, it would send the session to run again
        at every check.
        """
        if isinstance(key, NoKey):
            return Refused(f"no input key: {key.reason}")
        try:
            manifest = read_manifest(session_folder / MANIFEST)
        except TiergateError as error:
            return Refused(f"not stored: {error}")
        problem = _not_passed(manifest)
        if problem is not None:
            return Refused(problem)
        target = self.entry_folder(manifest.session, key.digest)
        existing = self._valid(target, manifest.session, key.digest)
        if existing is not None:
            # Kept while its read set holds, unless this result is newer: an online audit
            # too old to reuse is run again, and its new result must replace the old one.
            newer = _finished(manifest) > existing.finished_at
            if not newer and first_change(existing.read_set, self.root) is None:
                return existing
            remove(target, self.folder)
        try:
            entry = self._write(session_folder, manifest, key, read_set or {}, now)
        except (TiergateError, TreeError, OSError, ValueError) as failure:
            return Refused(f"not stored: {_one_line(failure)}")
        return entry

    def _write(
        self,
        session_folder: Path,
        manifest: SessionManifest,
        key: InputKey,
        read_set: dict[str, str],
        now: datetime | None,
    ) -> CacheEntry:
        moment = now or datetime.now(UTC)
        origin = manifest.reused
        temporary = scratch(self.folder, "saving")
        try:
            names = walk_files(session_folder)
            copy_files(session_folder, temporary / SESSION, sorted(names))
            files = {name: _stored(temporary / SESSION / name) for name in sorted(names)}
            entry = CacheEntry(
                schema_version=ENTRY_VERSION,
                session=manifest.session,
                digest=key.digest,
                parts=dict(key.parts),
                read_set=dict(read_set),
                run_id=origin.run_id if origin else manifest.run_id,
                started_at=origin.started_at if origin else manifest.started_at,
                finished_at=_finished(manifest),
                saved_at=moment,
                last_used=moment,
                tiergate_version=tiergate_version(),
                size=sum(one.size for one in files.values()),
                files=files,
            )
            write_whole(temporary / ENTRY, entry.model_dump_json(indent=2) + "\n", "cache entry")
            return self._place(temporary, entry)
        finally:
            remove(temporary, self.folder)

    def _place(self, temporary: Path, entry: CacheEntry) -> CacheEntry:
        """Rename the written entry into place; when one is there already, keep that one."""
        target = self.entry_folder(entry.session, entry.digest)
        target.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                temporary.rename(target)
            except OSError:
                existing = self._valid(target, entry.session, entry.digest)
                if existing is not None:
                    return existing  # stored by another process meanwhile: as good
                continue  # a broken one was removed: try once more
            return entry
        msg = f"cannot store the entry in {target}"
        raise ArtifactError(msg)

    def lookup(
        self,
        session: str,
        key: InputKey | NoKey,
        read_digests: dict[str, str | None] | None = None,
    ) -> Hit | Miss:
        """The stored result of ``session`` under ``key``, when it exists, is whole and holds.

        ``read_digests``: files already hashed at this moment (see :func:`first_change`).
        """
        if isinstance(key, NoKey):
            return Miss(key.reason)
        folder = self.entry_folder(session, key.digest)
        if not folder.exists():
            return self._changed_since(session, key)
        try:
            entry = check_entry(folder, session, key.digest)
        except (TiergateError, TreeError) as failure:
            remove(folder, self.folder)
            return Miss(f"broken cache entry removed: {_one_line(failure)}")
        change = first_change(entry.read_set, self.root, read_digests)
        if change is not None:
            path, reason = change
            return Miss(reason, (path,))
        return Hit(entry, folder)

    def _changed_since(self, session: str, key: InputKey) -> Miss:
        """The inputs that changed since the newest entry of ``session``; or no entry yet."""
        stored = [
            entry
            for _, entry in self._scan([self._session_folder(session)])
            if entry is not None and entry.session == session
        ]
        if not stored:
            return Miss("no entry yet")
        newest = max(stored, key=lambda entry: entry.saved_at)
        changed = changed_inputs(newest.key, key)
        shown = ", ".join(changed[:_SHOWN_CHANGES])
        more = f" and {len(changed) - _SHOWN_CHANGES} more" if len(changed) > _SHOWN_CHANGES else ""
        return Miss(f"changed since run {newest.run_id}: {shown}{more}", tuple(changed))

    def restore(self, hit: Hit, run_dir: Path, *, now: datetime | None = None) -> Path:
        """Copy ``hit``'s session folder into ``run_dir``; return the session's folder there.

        The manifest is written last (as a session writes it), with the new run id,
        this moment as its times and ``reused`` saying where the result came from.
        Every file copied is checked against its recorded SHA-256: a difference is
        an :class:`ArtifactError`, the entry is removed and the copy too.
        """
        entry, moment = hit.entry, now or datetime.now(UTC)
        target = session_dir(run_dir, entry.session)
        stored = hit.folder / SESSION
        if target.exists():  # a session empties its folder when it starts
            remove(target, self.folder)
        names = sorted(name for name in entry.files if name != MANIFEST)
        try:
            _verify(stored / MANIFEST, entry.files.get(MANIFEST), MANIFEST)
            manifest = read_manifest(stored / MANIFEST)
            copy_files(stored, target, names)
            for name in names:
                _verify(target / name, entry.files[name], name)
        except (TiergateError, TreeError) as failure:
            remove(target, self.folder)
            remove(hit.folder, self.folder)
            msg = f"broken cache entry removed: {_one_line(failure)}"
            raise ArtifactError(msg, path=hit.folder / ENTRY) from None
        target.mkdir(parents=True, exist_ok=True)
        data = manifest.model_dump()
        data.update(
            run_id=run_dir.name,
            started_at=moment,
            finished_at=moment,
            reused=Reused(
                digest=entry.digest,
                run_id=entry.run_id,
                started_at=entry.started_at,
                finished_at=entry.finished_at,
            ),
        )
        write_manifest(target, SessionManifest.model_validate(data))
        used = entry.model_copy(update={"last_used": moment})
        # Removed meanwhile (pruned, cleared): the result was restored all the same.
        with contextlib.suppress(TiergateError):
            write_whole(hit.folder / ENTRY, used.model_dump_json(indent=2) + "\n", "cache entry")
        return target

    def entries(self) -> list[CacheEntry]:
        """Every entry that reads back, by session name, then newest first."""
        found = [entry for _, entry in self._scan() if entry is not None]
        return sorted(found, key=lambda one: (one.session, -one.saved_at.timestamp()))

    def newest(self, session: str) -> CacheEntry | None:
        """The entry of ``session`` saved last that reads back; ``None``: none.

        Only that session's folder is read.
        """
        folder = self._session_folder(session)
        found = [e for _, e in self._scan([folder]) if e is not None and e.session == session]
        return max(found, key=lambda entry: entry.saved_at, default=None)

    def total_bytes(self) -> int:
        """Bytes of the entries (their records included) and the temporary folders.

        The parse memo beside them is bounded by its count of entries (:mod:`tiergate.memo`).
        """
        return folder_bytes(self.folder / ENTRIES) + folder_bytes(self.folder / TEMPORARY)

    def prune(self, max_bytes: int) -> list[CacheEntry]:
        """Remove entries, least recently used first, until the cache holds at most ``max_bytes``.

        Broken entries and temporary folders older than an hour go first. Returns
        the entries removed.
        """
        remove_stale(self.folder, STALE_SECONDS)
        readable: list[tuple[Path, CacheEntry]] = []
        for folder, entry in self._scan():
            if entry is None:
                remove(folder, self.folder)
            else:
                readable.append((folder, entry))
        total = self.total_bytes()
        removed: list[CacheEntry] = []
        for folder, entry in sorted(readable, key=lambda pair: utc_time(pair[1].last_used)):
            if total <= max_bytes:
                break
            total -= folder_bytes(folder)
            remove(folder, self.folder)
            removed.append(entry)
        return removed

    def clear(self) -> int:
        """Remove every entry, temporary folder and the parse memo; how many entries went."""
        count = len(self._scan())
        remove(self.folder / ENTRIES, self.folder)
        shutil.rmtree(self.folder / TEMPORARY, ignore_errors=True)
        shutil.rmtree(self.folder / memo.FOLDER, ignore_errors=True)
        return count

    def _scan(self, sessions: list[Path] | None = None) -> list[tuple[Path, CacheEntry | None]]:
        """Each entry folder (of ``sessions``' folders, default all) with its entry.

        The entry is ``None`` when it does not read back (its files are not checked here).
        """
        found: list[tuple[Path, CacheEntry | None]] = []
        for session_folder in _folders(self.folder / ENTRIES) if sessions is None else sessions:
            for folder in _folders(session_folder):
                try:
                    entry: CacheEntry | None = read_entry(folder / ENTRY)
                except TiergateError:
                    entry = None
                if entry is not None and entry.digest != folder.name:
                    entry = None
                found.append((folder, entry))
        return found

    def _valid(self, folder: Path, session: str, digest: str) -> CacheEntry | None:
        """The entry in ``folder`` when it is whole; a broken one is removed (``None``)."""
        if not folder.exists():
            return None
        try:
            return check_entry(folder, session, digest)
        except (TiergateError, TreeError):
            remove(folder, self.folder)
            return None


def check_entry(folder: Path, session: str, digest: str) -> CacheEntry:
    """The entry in ``folder``, checked whole: its record, its files and its manifest.

    Anything amiss is an :class:`ArtifactError` (or a :class:`TreeError`) in one line.
    """
    path = folder / ENTRY
    entry = read_entry(path)
    if (entry.session, entry.digest) != (session, digest):
        raise ArtifactError("the entry is of another session or key", path=path)
    present = walk_files(folder / SESSION)
    recorded = {name: one.size for name, one in entry.files.items()}
    if present != recorded:
        odd = min(set(present.items()) ^ set(recorded.items()))[0]
        raise ArtifactError(f"{SESSION}/{odd}: not as recorded", path=path)
    manifest = read_manifest(folder / SESSION / MANIFEST)
    if manifest.session != session:
        raise ArtifactError("the stored manifest is of another session", path=path)
    problem = _not_passed(manifest)
    if problem is not None:
        raise ArtifactError(f"the stored manifest: {problem}", path=path)
    return entry


def _finished(manifest: SessionManifest) -> datetime:
    """When the session's result was made: its own run's end, or the run it was reused from."""
    origin = manifest.reused
    return origin.finished_at if origin else manifest.finished_at


def _not_passed(manifest: SessionManifest) -> str | None:
    """Why a manifest's result may not be stored: only a passed one may."""
    if manifest.outcome != "passed":
        return f"not stored: the session {manifest.outcome} (only passed sessions are stored)"
    tier = next((name for name, run in manifest.tiers.items() if run.outcome != "passed"), None)
    if tier is not None:
        outcome = manifest.tiers[tier].outcome
        return f"not stored: its tier {tier} {outcome} (only passed sessions are stored)"
    return None


def _stored(path: Path) -> StoredFile:
    digest = stream_sha256(path)
    if digest is None:
        raise TreeError(f"{path.name}: not a regular file")
    return StoredFile(size=path.lstat().st_size, sha256=digest)


def _verify(path: Path, recorded: StoredFile | None, name: str) -> None:
    """``path`` holds what was stored as ``name``; else a :class:`TreeError`."""
    try:
        digest = stream_sha256(path)
    except (OSError, ValueError) as failure:
        raise TreeError(f"{name}: {path_problem(failure)}") from None
    if recorded is None or digest != recorded.sha256:
        raise TreeError(f"{SESSION}/{name}: not as stored (its SHA-256 differs)")


def _folders(folder: Path) -> list[Path]:
    """The folders in ``folder`` (links not followed), sorted; none when it cannot be listed."""
    try:
        return sorted(p for p in folder.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def _one_line(failure: BaseException) -> str:
    return str(failure).splitlines()[0] if str(failure) else type(failure).__name__
