"""The input key of a session, the reason when there is none, and what changed between two.

A key is a digest over named parts, each part the SHA-256 of one input. Part
names say what the input is:

- a file: its repository-relative POSIX path (``packages/core/src/core/model.py``),
  written ``./<path>`` only when the path would read as one of the names below;
- a configuration table: ``<file>[<table>]`` (``pyproject.toml[tool.pytest]``);
- a locked distribution: ``uv.lock:<distribution>``;
- the interpreter: ``python``; a tool's version: ``tool:<name>``;
- the offline advisory database: ``advisory-db``;
- an environment variable: ``env:<NAME>``; the command line: ``command``.
"""

from __future__ import annotations

import functools
import hashlib
import re
from typing import TYPE_CHECKING, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from collections.abc import Mapping

_HEX = r"^[0-9a-f]{64}$"
_TABLE = re.compile(r"^.+\[[^\[\]]+\]$")
_PREFIXES = ("uv.lock:", "tool:", "env:")
_SINGLE = ("python", "advisory-db", "command")
_ORDER = ("file", "table", "uv.lock:", "python", "tool:", "advisory-db", "env:", "command")
"""The order in which :func:`changed_inputs` names parts of each kind."""


class InputKey(BaseModel):
    """Everything a session's result depends on, as a digest and its named parts.

    ``digest`` is the SHA-256 over every ``name`` and part in name order; a key
    whose digest does not match its parts is refused.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    digest: str = Field(pattern=_HEX)
    parts: dict[str, str]

    @classmethod
    def of(cls, parts: Mapping[str, str]) -> InputKey:
        """The key of ``parts`` (name -> SHA-256 hex)."""
        return cls(digest=key_digest(parts), parts=dict(sorted(parts.items())))

    @model_validator(mode="after")
    def _digest_matches(self) -> Self:
        bad = next((name for name, part in self.parts.items() if not _is_hex(part)), None)
        if bad is not None:
            msg = f"part {bad!r} is not a SHA-256 hex digest"
            raise ValueError(msg)
        if key_digest(self.parts) != self.digest:
            msg = "the digest does not match the parts"
            raise ValueError(msg)
        return self


class NoKey(BaseModel):
    """Why a session has no complete key: it must run (``reason`` is one line)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reason: str


def key_digest(parts: Mapping[str, str]) -> str:
    """SHA-256 over ``name NUL part LF`` of every part, in name order."""
    digest = hashlib.sha256()
    for name in sorted(parts):
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(parts[name].encode("ascii") + b"\n")
    return digest.hexdigest()


def changed_inputs(old: InputKey, new: InputKey) -> list[str]:
    """The names of the parts added, removed or changed from ``old`` to ``new``.

    Files first, then configuration tables, locked distributions, the
    interpreter, tool versions, the advisory database, environment variables
    and the command; sorted by name within each kind.
    """
    names = set(old.parts) | set(new.parts)
    changed = [name for name in names if old.parts.get(name) != new.parts.get(name)]
    return sorted(changed, key=lambda name: (_ORDER.index(part_kind(name)), name))


def part_kind(name: str) -> str:
    """What kind of input the part ``name`` is (a value of the order above)."""
    if name in _SINGLE:
        return name
    prefix = next((p for p in _PREFIXES if name.startswith(p)), None)
    if prefix is not None:
        return prefix
    if not name.startswith("./") and _TABLE.match(name):
        return "table"
    return "file"


@functools.lru_cache(maxsize=1 << 16)
def file_part_name(path: str) -> str:
    """The part name of the repository file ``path``: itself, unless it reads as another kind."""
    readable = path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return readable if part_kind(readable) == "file" else f"./{readable}"


class Parts:
    """The parts of a key being built; a name given twice keeps both values, in order."""

    def __init__(self) -> None:
        self._parts: dict[str, str] = {}

    def add(self, name: str, digest: str) -> None:
        """Add the part ``name``; when it is there already with another value, join them."""
        known = self._parts.get(name)
        if known is not None and known != digest:
            digest = hashlib.sha256(f"{known}\n{digest}".encode("ascii")).hexdigest()
        self._parts[name] = digest

    def add_file(self, path: str, digest: str) -> None:
        """Add the repository file ``path`` (see :func:`file_part_name`)."""
        self.add(file_part_name(path), digest)

    def key(self) -> InputKey:
        """The finished key."""
        return InputKey.of(self._parts)


_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _is_hex(text: str) -> bool:
    return _HEX_DIGEST.fullmatch(text) is not None
