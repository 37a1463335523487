"""Where the history store is: its URL, resolved from the environment or the configuration.

``sqlite:///<path>`` (relative to the workspace root; ``sqlite:////<path>`` is
absolute) or ``postgresql://user:password@host:port/database``. A password is
never shown: every URL that reaches a message or a report goes through
:func:`redact` (``postgresql://user:***@host/db``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote

from tiergate.errors import HistoryError

if TYPE_CHECKING:
    from pathlib import Path

    from tiergate.config import HistoryConfig

HISTORY_URL_ENV = "TIERGATE_HISTORY_URL"
DEFAULT_SQLITE = ".tiergate/history.db"
MASK = "***"

Dialect = Literal["sqlite", "postgresql"]

_SCHEMES: dict[str, Dialect] = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
}
_QUERY_PASSWORD = re.compile(r"(?i)(\bpassword=)('[^']*'|[^&\s]*)")


def _userinfo_end(text: str, start: int) -> int:
    """Index of the ``@`` ending the user info after ``start`` (-1: none).

    The last ``@`` before the query wins, so a password with an unencoded ``@`` or
    ``/`` is still hidden whole.
    """
    query = text.find("?", start)
    return text.rfind("@", start, query if query >= 0 else len(text))


def redact(text: str) -> str:
    """``text`` with the password of a URL (or a ``password=`` parameter) replaced by ``***``."""
    scheme_end = text.find("://")
    if scheme_end >= 0:
        start = scheme_end + 3
        at = _userinfo_end(text, start)
        colon = text.find(":", start, at) if at >= 0 else -1
        if colon >= 0:
            text = f"{text[: colon + 1]}{MASK}{text[at:]}"
    return _QUERY_PASSWORD.sub(rf"\g<1>{MASK}", text)


def _passwords(raw: str) -> list[str]:
    """The password(s) written in ``raw``, as written and decoded, longest first."""
    found: list[str] = []
    scheme_end = raw.find("://")
    if scheme_end >= 0:
        start = scheme_end + 3
        at = _userinfo_end(raw, start)
        colon = raw.find(":", start, at) if at >= 0 else -1
        if colon >= 0:
            found.append(raw[colon + 1 : at])
    found.extend(match.group(2).strip("'") for match in _QUERY_PASSWORD.finditer(raw))
    secrets = {secret for one in found for secret in (one, unquote(one)) if secret}
    return sorted(secrets, key=len, reverse=True)


@dataclass(frozen=True)
class StoreURL:
    """A parsed store URL. ``str()`` of it is the redacted form; ``raw`` is for connecting only."""

    raw: str = field(repr=False)
    dialect: Dialect
    path: Path | None = None
    """The SQLite file (``None`` for PostgreSQL)."""

    def __str__(self) -> str:
        return self.redacted

    @property
    def redacted(self) -> str:
        """The URL as it may be shown: ``postgresql://user:***@host/db``."""
        return redact(self.raw)

    def scrub(self, text: str) -> str:
        """``text`` (a driver's error message) with this URL's password masked out."""
        text = text.replace(self.raw, self.redacted)
        for secret in _passwords(self.raw):
            text = text.replace(secret, MASK)
        return redact(text)


def parse_url(raw: str, root: Path) -> StoreURL:
    """Parse a store URL; SQLite paths are made absolute against ``root``.

    An unknown scheme or a SQLite URL without a path is a :class:`HistoryError`
    that shows the URL redacted.
    """
    raw = raw.strip()
    scheme, separator, rest = raw.partition("://")
    dialect = _SCHEMES.get(scheme.lower()) if separator else None
    if dialect is None:
        known = "sqlite:///<path> or postgresql://<user>@<host>/<database>"
        raise HistoryError(f"history store URL {redact(raw)!r}: use {known}")
    if dialect == "postgresql":
        return StoreURL(raw, dialect)
    if not rest.startswith("/") or rest == "/" or "?" in rest:
        raise HistoryError(
            f"history store URL {redact(raw)!r}: a SQLite URL is sqlite:///<path relative to "
            "the root> or sqlite:////<absolute path>, with no query"
        )
    relative = rest[1:]
    return StoreURL(raw, dialect, (root / relative).resolve())


def resolve_url(root: Path, config: HistoryConfig) -> StoreURL:
    """The store of this workspace: ``$TIERGATE_HISTORY_URL``, else ``url``, else SQLite."""
    raw = os.environ.get(HISTORY_URL_ENV, "").strip() or config.url
    return parse_url(raw or f"sqlite:///{DEFAULT_SQLITE}", root)
