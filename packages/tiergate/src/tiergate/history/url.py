"""Where the history store is: its URL, resolved from the environment or the configuration.

``sqlite:///<path>`` (relative to the workspace root; ``sqlite:////<path>`` is
absolute) or ``postgresql://user:password@host:port/database``. A password is
never shown: every URL that reaches a message or a report goes through
:func:`redact` (``postgresql://user:***@host/db``).

A URL is split the way libpq splits it (``conninfo_uri_parse_options``): the user
information ends at the first ``@`` found before the first ``/``, the password
starts at the first ``:`` in it, and ``password`` may also be a query parameter
(its name percent-encoded or not). Redaction hides more than libpq would read
whenever the text is ambiguous: everything from the first ``:`` after ``://`` up
to the last ``@``, and every ``password`` parameter's value up to the next ``&``,
so that a password with an unencoded ``@``, ``/`` or ``?`` never shows in part.
A URL that libpq would read differently from the way it looks (an unencoded
``@`` or ``/`` in the user name or password) is refused, shown redacted.
``key=value`` connection strings (``host=db password='se cret'``) are redacted
too, with libpq's quoting rules (single quotes, backslash escapes).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote

from tiergate.errors import HistoryError
from tiergate.reading import path_problem

if TYPE_CHECKING:
    from collections.abc import Iterator
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
_SEPARATOR = "://"
_SPACE, _DELETE = 0x20, 0x7F
"""Characters below the space, and DEL, are control characters: no URL holds one."""
_QUERY_KEY = re.compile(r"[?&]([^?&=]*)=")
"""A query parameter's name (``?name=`` or ``&name=``); its value runs to the next ``&``."""
_KEYWORD_VALUE = (
    r"(?i)(?P<key>\bpassword\s*=\s*)(?P<value>'(?:[^'\\]|\\.)*'?|(?:[^\s'\\{end}]|\\.)+|'?)"
)
_KEYWORD_PASSWORD = re.compile(_KEYWORD_VALUE.format(end=""))
"""``password=value`` of a key/value connection string: quoted (libpq's escapes) or a word."""
_URI_KEYWORD_PASSWORD = re.compile(_KEYWORD_VALUE.format(end="&"))
"""The same in a URL, where ``&`` starts the next query parameter."""
_UNESCAPE = re.compile(r"\\(.)")


def _query_passwords(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of the value of every ``password`` query parameter of ``text``."""
    for found in _QUERY_KEY.finditer(text):
        if unquote(found.group(1)).strip().lower() == "password":
            end = text.find("&", found.end())
            yield found.end(), len(text) if end < 0 else end


def _visible_ats(text: str, start: int) -> list[int]:
    """Where ``text`` holds an ``@`` from ``start`` on, outside ``password`` query values."""
    hidden = [span for span in _query_passwords(text) if span[0] >= start]
    return [
        index
        for index, char in enumerate(text)
        if char == "@" and index >= start and not any(a <= index < b for a, b in hidden)
    ]


def _userinfo_password(text: str, start: int) -> tuple[int, int] | None:
    """``(start, end)`` that may hold a URL's password: after the first ``:``, to the last ``@``.

    Everything after ``://`` when the part before that ``:`` is not a plain user name.
    """
    ats = _visible_ats(text, start)
    at = ats[-1] if ats else text.rfind("@", start)
    if at < 0:
        return None
    colon = text.find(":", start, at)
    if colon < 0:
        return None
    user = text[start:colon]
    if any(char in user for char in "/?#"):
        return start, at
    return colon + 1, at


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with every span (merged where they touch) replaced by :data:`MASK`."""
    merged: list[list[int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([begin, end])
    out: list[str] = []
    last = 0
    for begin, end in merged:
        out += [text[last:begin], MASK]
        last = end
    return "".join([*out, text[last:]])


def redact(text: str) -> str:
    """``text`` with every password of a URL or a ``password=`` parameter replaced by ``***``."""
    spans: list[tuple[int, int]] = []
    scheme_end = text.find(_SEPARATOR)
    if scheme_end >= 0:
        start = scheme_end + len(_SEPARATOR)
        spans.extend(span for span in _query_passwords(text) if span[0] >= start)
        userinfo = _userinfo_password(text, start)
        if userinfo is not None:
            spans.append(userinfo)
        text = _masked(text, spans)
    keyword = _KEYWORD_PASSWORD if scheme_end < 0 else _URI_KEYWORD_PASSWORD
    return keyword.sub(lambda found: f"{found['key']}{MASK}", text)


def _libpq_userinfo(raw: str, start: int) -> tuple[int, int | None] | None:
    """Where libpq's user information of ``raw`` ends: ``(@ index, : index or None)``, or ``None``.

    libpq scans from ``start`` for the first ``@`` or ``/``: user information only
    when an ``@`` comes first; the password follows its first ``:``.
    """
    for index in range(start, len(raw)):
        if raw[index] == "/":
            return None
        if raw[index] == "@":
            colon = raw.find(":", start, index)
            return index, colon if colon >= 0 else None
    return None


def _passwords(raw: str) -> list[str]:
    """Every text of ``raw`` that is or may be a password, as written and decoded, longest first."""
    found: list[str] = []
    scheme_end = raw.find(_SEPARATOR)
    if scheme_end >= 0:
        start = scheme_end + len(_SEPARATOR)
        libpq = _libpq_userinfo(raw, start)
        if libpq is not None and libpq[1] is not None:
            found.append(raw[libpq[1] + 1 : libpq[0]])
        userinfo = _userinfo_password(raw, start)
        if userinfo is not None:
            found.append(raw[userinfo[0] : userinfo[1]])
        found.extend(raw[begin:end] for begin, end in _query_passwords(raw) if begin >= start)
    for match in _KEYWORD_PASSWORD.finditer(raw):
        value = match["value"]
        found.append(value)
        found.append(_UNESCAPE.sub(r"\1", value.removeprefix("'").removesuffix("'")))
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


def _ambiguous(raw: str, start: int) -> bool:
    """Whether libpq would read the user information of ``raw`` otherwise than it looks.

    True when an ``@`` outside ``password`` query values is not the one libpq
    ends the user information at: the user name or password holds an unencoded
    ``@`` or ``/`` (or the path an ``@``).
    """
    ats = _visible_ats(raw, start)
    if not ats:
        return False
    libpq = _libpq_userinfo(raw, start)
    return libpq is None or libpq[0] != ats[-1]


def parse_url(raw: str, root: Path) -> StoreURL:
    """Parse a store URL; SQLite paths are made absolute against ``root``.

    A control character, an unknown scheme, a SQLite URL without a path, or a
    PostgreSQL URL whose user name or password holds an unencoded ``@`` or ``/``
    is a :class:`HistoryError` that shows the URL redacted.
    """
    raw = raw.strip()
    if any(ord(char) < _SPACE or ord(char) == _DELETE for char in raw):
        raise HistoryError(
            f"history store URL {redact(raw)!r}: holds a control character (a line break, a NUL)"
        )
    scheme, separator, rest = raw.partition(_SEPARATOR)
    dialect = _SCHEMES.get(scheme.lower()) if separator else None
    if dialect is None:
        known = "sqlite:///<path> or postgresql://<user>@<host>/<database>"
        raise HistoryError(f"history store URL {redact(raw)!r}: use {known}")
    if dialect == "postgresql":
        if _ambiguous(raw, len(scheme) + len(_SEPARATOR)):
            raise HistoryError(
                f"history store URL {redact(raw)!r}: the user name or password holds an "
                "unencoded '@' or '/'; percent-encode it (%40 for @, %2F for /)"
            )
        return StoreURL(raw, dialect)
    if not rest.startswith("/") or rest == "/" or "?" in rest:
        raise HistoryError(
            f"history store URL {redact(raw)!r}: a SQLite URL is sqlite:///<path relative to "
            "the root> or sqlite:////<absolute path>, with no query"
        )
    try:
        path = (root / rest[1:]).resolve()
    except (OSError, ValueError) as failure:
        raise HistoryError(f"history store URL {redact(raw)!r}: {path_problem(failure)}") from None
    return StoreURL(raw, dialect, path)


def resolve_url(root: Path, config: HistoryConfig) -> StoreURL:
    """The store of this workspace: ``$TIERGATE_HISTORY_URL``, else ``url``, else SQLite."""
    raw = os.environ.get(HISTORY_URL_ENV, "").strip() or config.url
    return parse_url(raw or f"sqlite:///{DEFAULT_SQLITE}", root)
