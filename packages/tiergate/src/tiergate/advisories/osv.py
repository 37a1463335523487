"""Match pinned releases against an offline OSV database (``vulns/<package>/<ID>.yaml``).

The matching follows the OSV schema's evaluation algorithm for ``PyPI``
packages: a version is affected when it is listed in ``versions`` or lies in one
of the ``ECOSYSTEM`` ranges (events sorted by version, walked in order, with
``introduced: "0"`` before everything, ``fixed`` exclusive, ``last_affected``
inclusive and optional ``limit`` bounds). ``GIT`` and ``SEMVER`` ranges never
match a PyPI release. Versions compare as :class:`packaging.version.Version`,
so ``2.19`` equals ``2.19.0`` and ``2.0rc1`` comes before ``2.0``. Withdrawn
advisories are ignored. A version string the database gets wrong is skipped
and counted, never fatal: a range whose ``fixed`` is skipped stays open, so the
matcher over-reports rather than misses.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from tiergate.errors import AdvisoryError
from tiergate.reading import MAX_CONFIG_BYTES, parse_yaml, read_bytes, read_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

ECOSYSTEM = "PyPI"
VULNS = "vulns"
_SUFFIXES = (".yaml", ".yml")
_MODIFIED = re.compile(rb"""^modified:[ \t]*['"]?([0-9][^'"\s]*)""", re.MULTILINE)

MAX_RECORD_BYTES: Final = MAX_CONFIG_BYTES
"""An OSV record larger than this is refused (16 MiB; real ones are a few KiB)."""

EventKind = Literal["introduced", "fixed", "last_affected", "limit"]
_EVENT_KINDS: tuple[EventKind, ...] = ("introduced", "fixed", "last_affected", "limit")
_ZERO = Version("0")


@dataclass(frozen=True)
class Finding:
    """One advisory that affects one pinned release."""

    package: str
    version: str
    advisory_id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]
    summary: str


@dataclass(frozen=True)
class Event:
    """One range event; ``version`` is None for ``introduced: "0"`` and ``limit: "*"``."""

    kind: EventKind
    version: Version | None


@dataclass(frozen=True)
class AffectedPackage:
    """The ``PyPI`` part of one ``affected[]`` entry: normalised name, ranges, versions."""

    name: str
    ranges: tuple[tuple[Event, ...], ...]
    versions: frozenset[Version]
    fixed: tuple[str, ...]

    def affects(self, version: Version) -> bool:
        """True when ``version`` is listed or lies in one of the ranges."""
        return version in self.versions or any(_in_range(version, r) for r in self.ranges)


@dataclass(frozen=True)
class Advisory:
    """The parts of one OSV record that matching needs."""

    id: str
    aliases: tuple[str, ...]
    summary: str
    modified: datetime | None
    withdrawn: bool
    affected: tuple[AffectedPackage, ...]
    invalid_versions: int = 0
    """Version strings of this record that are not valid versions (skipped)."""

    def match(self, package: str, version: str) -> Finding | None:
        """The finding for ``package==version``, or None (not affected, or withdrawn)."""
        name = canonicalize_name(package)
        parsed = Version(version)
        entries = [a for a in self.affected if a.name == name]
        if self.withdrawn or not any(entry.affects(parsed) for entry in entries):
            return None
        fixed = sorted({f for entry in entries for f in entry.fixed}, key=Version)
        return Finding(name, version, self.id, self.aliases, tuple(fixed), self.summary)


def _in_range(version: Version, events: tuple[Event, ...]) -> bool:
    """OSV ``IncludedInRanges`` for one range whose events are already sorted."""
    limits = [e for e in events if e.kind == "limit"]
    if limits and not any(e.version is None or version < e.version for e in limits):
        return False
    vulnerable = False
    for event in events:
        if event.kind == "limit":
            continue
        if event.version is None:
            reached = True
        elif event.kind == "last_affected":
            reached = version > event.version
        else:
            reached = version >= event.version
        if reached:
            vulnerable = event.kind == "introduced"
    return vulnerable


def _items(value: object, key: str, source: Path | None) -> list[Any]:
    """The items of the list ``value`` (``key`` of a record); none for null, else an error."""
    if value is None:
        return []
    if not isinstance(value, list):
        kind = type(value).__name__
        raise AdvisoryError(f"OSV record: {key} must be a list, not a {kind}", path=source)
    return value


def _version(value: object) -> Version | None:
    """A database version string as a Version; None when it is not one.

    A float is not one: an unquoted ``1.10`` in YAML has already become ``1.1``.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        return Version(str(value))
    except InvalidVersion:
        return None


def _sort_key(event: Event) -> tuple[int, Version, int]:
    """Sort key: "0" first, "*" last, then by version; at a tie ``introduced`` first."""
    if event.version is None:
        return (0 if event.kind == "introduced" else 2, _ZERO, 0)
    return (1, event.version, 0 if event.kind == "introduced" else 1)


class _Counter:
    def __init__(self) -> None:
        self.invalid = 0


def _parse_range(
    raw: Mapping[str, Any], counter: _Counter, source: Path | None
) -> tuple[Event, ...] | None:
    if raw.get("type") != "ECOSYSTEM":
        return None
    events: list[Event] = []
    for item in _items(raw.get("events"), "affected.ranges.events", source):
        if not isinstance(item, dict):
            counter.invalid += 1
            continue
        for kind in _EVENT_KINDS:
            if kind not in item:
                continue
            value = item[kind]
            if (kind == "introduced" and str(value) == "0") or (
                kind == "limit" and "*" in str(value)
            ):
                events.append(Event(kind, None))
                continue
            parsed = _version(value)
            if parsed is None:
                counter.invalid += 1
            else:
                events.append(Event(kind, parsed))
    events.sort(key=_sort_key)
    return tuple(events)


def _parse_affected(
    raw: Mapping[str, Any], counter: _Counter, source: Path | None
) -> AffectedPackage | None:
    package = raw.get("package") or {}
    if not isinstance(package, dict) or package.get("ecosystem") != ECOSYSTEM:
        return None
    name = package.get("name")
    if not isinstance(name, str):
        return None
    ranges = [
        parsed
        for raw_range in _items(raw.get("ranges"), "affected.ranges", source)
        if isinstance(raw_range, dict)
        and (parsed := _parse_range(raw_range, counter, source)) is not None
    ]
    versions: set[Version] = set()
    for value in _items(raw.get("versions"), "affected.versions", source):
        version = _version(value)
        if version is None:
            counter.invalid += 1
        else:
            versions.add(version)
    return AffectedPackage(
        canonicalize_name(name), tuple(ranges), frozenset(versions), _fixed_strings(raw)
    )


def _fixed_strings(raw: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``fixed`` versions of the ECOSYSTEM ranges, as written in the record."""
    return tuple(
        str(item["fixed"])
        for raw_range in raw.get("ranges") or ()
        if isinstance(raw_range, dict) and raw_range.get("type") == "ECOSYSTEM"
        for item in raw_range.get("events") or ()
        if isinstance(item, dict) and _version(item.get("fixed")) is not None
    )  # the shapes were checked by _parse_affected


def _timestamp(value: object) -> datetime | None:
    """An OSV timestamp (a string, or the datetime YAML already made of it), in UTC."""
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, str):
        try:
            stamp = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    else:
        return None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _one_line(text: object, limit: int = 200) -> str:
    line = " ".join(str(text or "").split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def parse_advisory(record: Mapping[str, Any], *, source: Path | None = None) -> Advisory:
    """Parse one OSV record; a record whose shape is wrong is an :class:`AdvisoryError`.

    Wrong: no ``id``, or an ``affected``, ``aliases``, ``ranges``, ``events`` or
    ``versions`` that is not a list.
    """
    advisory_id = record.get("id")
    if not isinstance(advisory_id, str) or not advisory_id:
        raise AdvisoryError("OSV record without an id", path=source)
    counter = _Counter()
    affected = [
        parsed
        for raw in _items(record.get("affected"), "affected", source)
        if isinstance(raw, dict) and (parsed := _parse_affected(raw, counter, source)) is not None
    ]
    aliases = tuple(sorted(str(a) for a in _items(record.get("aliases"), "aliases", source)))
    summary = record.get("summary") or str(record.get("details") or "").strip().split("\n")[0]
    return Advisory(
        id=advisory_id,
        aliases=aliases,
        summary=_one_line(summary),
        modified=_timestamp(record.get("modified")),
        withdrawn=bool(record.get("withdrawn")),
        affected=tuple(affected),
        invalid_versions=counter.invalid,
    )


def _vulns_folder(folder: Path) -> Path:
    vulns = folder / VULNS
    if not folder.is_dir():
        raise AdvisoryError("advisory database folder not found", path=folder)
    if not vulns.is_dir():
        raise AdvisoryError(f"not an OSV advisory database: no {VULNS}/ folder in it", path=folder)
    return vulns


def _record_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in _SUFFIXES)


def load_record(path: Path) -> dict[str, Any]:
    """Read one YAML record; an unreadable or non-mapping file is an :class:`AdvisoryError`.

    The error names the file (and the line, for YAML that does not parse).
    """
    text = read_text(path, "OSV record", AdvisoryError, limit=MAX_RECORD_BYTES)
    data = parse_yaml(text, path, "well-formed OSV record", AdvisoryError)
    if not isinstance(data, dict):
        raise AdvisoryError("OSV record is not a mapping", path=path)
    return data


class AdvisoryDatabase:
    """An offline OSV database folder, read lazily: only the folders of audited packages.

    Folder names are matched by PEP 503 normalisation (``Foo_Bar`` is ``foo-bar``).
    A missing folder, or one without ``vulns/``, is an :class:`AdvisoryError`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vulns = _vulns_folder(path)
        self.records_read = 0
        """Records parsed so far."""
        self.invalid_versions = 0
        """Version strings skipped in the records parsed so far."""
        self.withdrawn_skipped = 0
        """Withdrawn records among those parsed so far."""
        self._index: dict[str, list[Path]] | None = None
        self._cache: dict[str, tuple[Advisory, ...]] = {}

    def _folders(self, package: str) -> list[Path]:
        if self._index is None:
            index: dict[str, list[Path]] = {}
            with os.scandir(self.vulns) as entries:
                for entry in entries:
                    if entry.is_dir() and not entry.name.startswith("."):
                        index.setdefault(canonicalize_name(entry.name), []).append(
                            self.vulns / entry.name
                        )
            self._index = index
        return self._index.get(canonicalize_name(package), [])

    def advisories(self, package: str) -> tuple[Advisory, ...]:
        """Every record in the folder(s) of ``package`` (withdrawn ones included)."""
        name = canonicalize_name(package)
        if name not in self._cache:
            advisories: list[Advisory] = []
            for folder in sorted(self._folders(name)):
                for path in _record_files(folder):
                    advisory = parse_advisory(load_record(path), source=path)
                    self.records_read += 1
                    self.invalid_versions += advisory.invalid_versions
                    self.withdrawn_skipped += advisory.withdrawn
                    advisories.append(advisory)
            self._cache[name] = tuple(advisories)
        return self._cache[name]

    def audit(self, packages: Iterable[tuple[str, str]]) -> tuple[Finding, ...]:
        """The findings for ``(name, version)`` pairs, sorted by package, version and id."""
        findings = {
            finding
            for name, version in packages
            for advisory in self.advisories(name)
            if (finding := advisory.match(name, version)) is not None
        }
        return tuple(sorted(findings, key=finding_order))


def finding_order(finding: Finding) -> tuple[str, Version, str, str]:
    """Sort key of findings: package, version, advisory id (then the version as written)."""
    return (finding.package, Version(finding.version), finding.advisory_id, finding.version)


def match_advisories(
    records: Iterable[Mapping[str, Any]], package: str, version: str
) -> tuple[Finding, ...]:
    """The findings of in-memory OSV records for one ``package==version``."""
    findings = (parse_advisory(record).match(package, version) for record in records)
    return tuple(sorted((f for f in findings if f is not None), key=finding_order))


def database_date(folder: Path) -> datetime:
    """The newest ``modified`` timestamp of all records: when the snapshot was taken.

    Reads every record's top-level ``modified:`` line from its bytes (no YAML parsing):
    a fraction of a second for the 2,661 records of the PyPA database.
    """
    vulns = _vulns_folder(folder)
    newest: datetime | None = None
    with os.scandir(vulns) as packages:
        folders = [entry.path for entry in packages if entry.is_dir()]
    for package_folder in folders:
        with os.scandir(package_folder) as records:
            for record in records:
                if not record.name.endswith(_SUFFIXES):
                    continue
                match = _MODIFIED.search(
                    read_bytes(
                        Path(record.path), "OSV record", AdvisoryError, limit=MAX_RECORD_BYTES
                    )
                )
                stamp = _timestamp(match.group(1).decode("ascii", "replace")) if match else None
                if stamp is not None and (newest is None or stamp > newest):
                    newest = stamp
    if newest is None:
        raise AdvisoryError("no OSV record with a modified date in it", path=folder)
    return newest


def age_in_days(date: datetime, *, now: datetime | None = None) -> int:
    """Whole days between ``date`` and ``now`` (default: today), both as UTC dates."""
    current = now if now is not None else datetime.now(UTC)
    return (current.astimezone(UTC).date() - date.astimezone(UTC).date()).days
