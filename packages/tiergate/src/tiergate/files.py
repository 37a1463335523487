"""Writing a file whole: a reader sees the old content or the new, never half of it."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from tiergate.errors import TiergateError

if TYPE_CHECKING:
    from pathlib import Path


def write_whole(
    path: Path, text: str, what: str, error: type[TiergateError] = TiergateError
) -> None:
    """Write ``text`` beside ``path``, then rename it over ``path``.

    A failure leaves ``path`` as it was and raises ``error`` naming the file
    (``cannot write the <what>: <reason>``).
    """
    partial = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as failure:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise error(f"cannot write the {what}: {failure.strerror}", path=path) from None
