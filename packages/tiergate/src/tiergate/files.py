"""Files of tiergate's own formats: written whole, read back into validated models.

Every error names the file (and line, for JSON), in one line.
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ValidationError

from tiergate.errors import TiergateError

if TYPE_CHECKING:
    from pathlib import Path

_M = TypeVar("_M", bound=BaseModel)


def first_problem(error: ValidationError, *prefix: str) -> str:
    """``key.path: message`` of the first problem pydantic found (``(top level)``: no key)."""
    first = error.errors()[0]
    key = ".".join([*prefix, *(str(part) for part in first["loc"])]) or "(top level)"
    return f"{key}: {str(first['msg']).removeprefix('Value error, ')}"


def read_model(path: Path, model: type[_M], what: str, error: type[TiergateError]) -> _M:
    """Read the JSON file ``path`` (a ``what``) into ``model``, or raise ``error`` naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{what} not found", path=path) from None
    except UnicodeDecodeError:
        raise error(f"not a {what}: not UTF-8 text", path=path) from None
    except OSError as failure:
        raise error(f"cannot read the {what}: {failure.strerror}", path=path) from None
    except json.JSONDecodeError as failure:
        raise error(f"not JSON: {failure.msg}", path=path, line=failure.lineno) from None
    try:
        return model.model_validate(data)
    except ValidationError as failure:
        raise error(f"not a valid {what}: {first_problem(failure)}", path=path) from None


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
