"""``tiergate cache``: the stored results of passed sessions; ``--clear``, ``--prune``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from tiergate.cache import ResultCache
from tiergate.config import load_config
from tiergate.errors import ExitCode
from tiergate.files import relative
from tiergate.reading import UtcDatetime

if TYPE_CHECKING:
    import argparse
    from pathlib import Path

    from tiergate.cache import CacheEntry

_DIGEST_SHOWN = 12
_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_STEP = 1024


class EntryDocument(BaseModel):
    """One stored result, as ``tiergate cache --json`` lists it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session: str
    digest: str
    run_id: str = Field(description="The run the result came from.")
    finished_at: UtcDatetime = Field(description="When the session finished in that run.")
    saved_at: UtcDatetime
    last_used: UtcDatetime
    size: int = Field(description="Bytes of the stored session folder.")
    read_set: int = Field(description="How many files its read set holds.")


class CacheDocument(BaseModel):
    """What ``tiergate cache --json`` prints."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    folder: str
    enabled: bool
    max_bytes: int
    total_bytes: int
    action: Literal["list", "clear", "prune"]
    removed: int = Field(description="Entries removed by --clear or --prune.")
    entries: list[EntryDocument]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--clear``, ``--prune``, ``--json``."""
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--clear", action="store_true", help="remove every stored result")
    action.add_argument(
        "--prune",
        action="store_true",
        help="remove the least recently used results until the cache is within "
        "[tool.tiergate.cache] max-size (and what a killed process left)",
    )
    parser.add_argument("--json", action="store_true", help="print the cache as JSON")


def run(args: argparse.Namespace) -> int:
    """List the stored results (after clearing or pruning, when asked)."""
    root: Path = args.root
    settings = load_config(root)
    config = settings.cache
    cache = ResultCache.of(root, settings)
    removed = 0
    action: Literal["list", "clear", "prune"] = "list"
    if args.clear:
        action, removed = "clear", cache.clear()
    elif args.prune:
        action, removed = "prune", len(cache.prune(config.max_bytes))
    entries = cache.entries()
    total = cache.total_bytes()
    shown = relative(cache.folder, root)
    if args.json:
        document = CacheDocument(
            schema_version=1,
            folder=shown,
            enabled=config.enabled,
            max_bytes=config.max_bytes,
            total_bytes=total,
            action=action,
            removed=removed,
            entries=[_document(entry) for entry in entries],
        )
        sys.stdout.write(document.model_dump_json(indent=2) + "\n")
        return int(ExitCode.OK)
    console = Console(highlight=False, emoji=False, width=max(120, Console().width))
    if action != "list":
        what = "cleared" if action == "clear" else "pruned"
        console.print(f"{what}: {removed} entr{'y' if removed == 1 else 'ies'} removed")
    _table(console, entries, datetime.now(UTC))
    off = " (the cache is off: [tool.tiergate.cache] enabled = false)"
    state = "" if config.enabled else escape(off)
    console.print(
        f"cache {escape(shown)}: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, "
        f"{size_text(total)} of {size_text(config.max_bytes)} (max-size){state}"
    )
    return int(ExitCode.OK)


def _document(entry: CacheEntry) -> EntryDocument:
    return EntryDocument(
        session=entry.session,
        digest=entry.digest,
        run_id=entry.run_id,
        finished_at=entry.finished_at,
        saved_at=entry.saved_at,
        last_used=entry.last_used,
        size=entry.size,
        read_set=len(entry.read_set),
    )


def _table(console: Console, entries: list[CacheEntry], now: datetime) -> None:
    if not entries:
        console.print("no stored results")
        return
    table = Table(title="stored results of passed sessions")
    for column in ("session", "key", "from run", "age", "last used", "size"):
        table.add_column(column, no_wrap=column != "session", overflow="fold")
    for entry in entries:
        table.add_row(
            escape(entry.session),
            entry.digest[:_DIGEST_SHOWN],
            escape(entry.run_id),
            age_text(now - entry.finished_at),
            age_text(now - entry.last_used) + " ago",
            size_text(entry.size),
        )
    console.print(table)


def size_text(size: int) -> str:
    """``1.5 GiB``, ``512 B``: a size for people."""
    power = 0
    while power < len(_UNITS) - 1 and size >= _STEP ** (power + 1):
        power += 1
    return f"{size} B" if power == 0 else f"{size / _STEP**power:.1f} {_UNITS[power]}"


def age_text(elapsed: timedelta) -> str:
    """``3d 4h``, ``5m``, ``12s``: how long ago, for people."""
    seconds = max(int(elapsed.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes}m"
    return f"{minutes}m" if minutes else f"{seconds}s"
