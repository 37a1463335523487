"""Untrusted text (test ids, paths, messages) as literal Markdown, for every Markdown output."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
"""What Markdown could read as syntax inside a line: emphasis, code, links, HTML, table cells."""


def escape_markdown(text: str) -> str:
    """``text`` (a test id, a path, a message) as literal Markdown text, on one line.

    Backslash, backtick, ``*``, ``_``, ``[``, ``]``, ``<``, ``>`` and ``|`` are
    escaped with a backslash (GitHub's Markdown reads an escaped pipe as a pipe inside
    a table cell too); line breaks become spaces, so a cell or a list item stays one.
    """
    return " ".join(_SPECIAL.sub(r"\\\1", text).splitlines())
