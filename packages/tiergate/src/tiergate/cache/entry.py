"""``entry.json``: what one cache entry holds, validated as hostile input when read back.

The model's JSON Schema is published as ``schemas/cache-entry.schema.json``.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tiergate.errors import ArtifactError
from tiergate.inputs import InputKey
from tiergate.reading import UtcDatetime, read_model

if TYPE_CHECKING:
    from pathlib import Path

ENTRY_VERSION: Final = 1
ENTRY = "entry.json"
SESSION = "session"
"""The entry's copy of the session folder (its manifest and every artifact)."""
MAX_ENTRY_BYTES = 64 * 1024 * 1024
"""An ``entry.json`` larger than this is broken (a read set of many files fits well below)."""

_HEX = r"^[0-9a-f]{64}$"
_READ = r"^(?:[0-9a-f]{64}|absent|unreadable)$"


class StoredFile(BaseModel):
    """One file of the stored session folder."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    size: int = Field(ge=0, strict=True, description="Its size in bytes.")
    sha256: str = Field(pattern=_HEX, description="Its SHA-256, checked when it is restored.")


class CacheEntry(BaseModel):
    """``entry.json``: one passed session's result, stored under its input key."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = Field(description="Version of this entry format.")
    session: str = Field(min_length=1, description="The nox session name.")
    digest: str = Field(pattern=_HEX, description="The input key's digest.")
    parts: dict[str, str] = Field(
        description="The input key's parts (name -> SHA-256), to name what changed since."
    )
    read_set: dict[str, Annotated[str, Field(pattern=_READ)]] = Field(
        description=(
            "Files the session was seen to read: path (relative to the workspace root, or "
            "absolute) -> SHA-256, or 'absent' (read, then deleted) or 'unreadable'; empty "
            "when none was recorded. A change to one is a miss; 'unreadable' always is."
        )
    )
    run_id: str = Field(min_length=1, description="The run the result came from.")
    started_at: UtcDatetime = Field(description="When the session started in that run.")
    finished_at: UtcDatetime = Field(description="When the session finished in that run.")
    saved_at: UtcDatetime = Field(description="When the entry was stored.")
    last_used: UtcDatetime = Field(description="When the entry was stored or last restored.")
    tiergate_version: str = Field(description="The tiergate that stored it.")
    size: int = Field(ge=0, strict=True, description="Bytes of the stored session folder.")
    files: dict[str, StoredFile] = Field(
        description="Every file of the stored session folder: path relative to it -> size, hash."
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        try:
            InputKey(digest=self.digest, parts=self.parts)
        except ValidationError as failure:
            msg = f"parts: {failure.errors()[0]['msg'].removeprefix('Value error, ')}"
            raise ValueError(msg) from None
        bad = next((name for name in self.files if not _plain_path(name)), None)
        if bad is not None:
            msg = f"files: not a path inside the entry: {bad!r}"
            raise ValueError(msg)
        if sum(one.size for one in self.files.values()) != self.size:
            msg = "size: not the sum of the files' sizes"
            raise ValueError(msg)
        return self

    @property
    def key(self) -> InputKey:
        """The input key the entry was stored under."""
        return InputKey(digest=self.digest, parts=self.parts)


def _plain_path(name: str) -> bool:
    """Whether ``name`` is a relative POSIX path of plain parts (no ``..``, ``.``, empty)."""
    if not name or "\0" in name or "\\" in name:
        return False
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and str(path) == name
        and all(part not in {"", ".", ".."} for part in path.parts)
    )


def read_entry(path: Path) -> CacheEntry:
    """The ``entry.json`` at ``path``; anything wrong is an :class:`ArtifactError` naming it."""
    return read_model(path, CacheEntry, "cache entry", ArtifactError, limit=MAX_ENTRY_BYTES)


def entry_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``entry.json``, as published in the repository."""
    schema = CacheEntry.model_json_schema()
    schema["$id"] = f"urn:tiergate:cache-entry:{ENTRY_VERSION}"
    return schema
