"""The one guarded way in: every file tiergate reads comes through here.

Each reader takes the bytes (bounded in size), decodes them (an error names the
byte offset and line), parses them with limits on size and nesting, and, for
models, validates them with pydantic. Whatever goes wrong is the caller's
:class:`~tiergate.errors.TiergateError` subclass, one line naming the file,
never a traceback: an ``OSError`` of a user path (missing, a folder, a name too
long, a NUL byte, permission) included.

The limits (documented in ``docs/architecture.md``):

- configuration and spec files (TOML, INI, ``.python-version``, Markdown):
  :data:`MAX_CONFIG_BYTES`;
- artifacts (JSON, JSON Lines, JUnit XML, tool findings): :data:`MAX_ARTIFACT_BYTES`;
- nesting of JSON and TOML values: :data:`MAX_NESTING` levels.

A TOML file is parsed once per process while it is unchanged on disk
(:func:`read_toml` keeps the parsed table keyed on its path, size and mtime).
"""

from __future__ import annotations

import copy
import errno
import hashlib
import json
import os
import stat
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Protocol, TypeVar

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from pydantic import AfterValidator, AwareDatetime, BaseModel, ValidationError

from tiergate.errors import ConfigError, TiergateError

if TYPE_CHECKING:
    from collections.abc import Callable

    # A type only: defusedxml parses (read_xml).
    from xml.etree.ElementTree import Element  # nosec B405

    import tomlkit

_M = TypeVar("_M", bound=BaseModel)
_STREAM_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

MAX_CONFIG_BYTES: Final = 16 * 1024 * 1024
"""A configuration, spec, lock or requirements file larger than this is refused (16 MiB)."""
MAX_ARTIFACT_BYTES: Final = 64 * 1024 * 1024
"""A run-folder artifact or tool output larger than this is refused (64 MiB)."""
MAX_NESTING: Final = 64
"""JSON and TOML values nested deeper than this are refused."""

_PATH_PROBLEMS: Final = {
    errno.ENOENT: "not found",
    errno.EISDIR: "is a folder, not a file",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.ENAMETOOLONG: "the name is too long",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "too many symbolic links",
}
_TOML_CACHE: dict[tuple[str, int, int, int], tuple[dict[str, Any], str]] = {}


def first_problem(error: ValidationError, *prefix: str) -> str:
    """``key.path: message`` of the first problem pydantic found (``(top level)``: no key)."""
    first = error.errors()[0]
    key = ".".join([*prefix, *(str(part) for part in first["loc"])]) or "(top level)"
    return f"{key}: {str(first['msg']).removeprefix('Value error, ')}"


def path_problem(failure: OSError | ValueError) -> str:
    """What an ``OSError`` (or a NUL byte's ``ValueError``) of a user path means, in words."""
    if isinstance(failure, ValueError):
        return "the path holds a NUL byte"
    known = _PATH_PROBLEMS.get(failure.errno or 0)
    return known or failure.strerror or type(failure).__name__


def read_bytes(
    path: Path,
    what: str,
    error: type[TiergateError],
    *,
    limit: int = MAX_ARTIFACT_BYTES,
    missing: str | None = None,
) -> bytes:
    """The bytes of the regular file ``path`` (a ``what``), at most ``limit`` of them.

    ``missing``: the message when there is no file (default: ``<what> not found``).
    """
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR))
        if not stat.S_ISREG(status.st_mode):
            raise error(f"cannot read the {what}: not a regular file", path=path)
        with path.open("rb") as handle:
            # The size stat() saw, then whatever the file grew by: no buffer of the whole limit.
            data = handle.read(min(status.st_size, limit) + 1)
            if len(data) > status.st_size:
                data += handle.read(limit + 1 - len(data))
    except FileNotFoundError:
        raise error(missing or f"{what} not found", path=path) from None
    except (OSError, ValueError) as failure:
        raise error(f"cannot read the {what}: {path_problem(failure)}", path=path) from None
    if len(data) > limit:
        raise error(f"cannot read the {what}: larger than the {_size(limit)} limit", path=path)
    return data


def read_tail(path: Path, what: str, error: type[TiergateError], *, size: int) -> str:
    """The last ``size`` bytes of the regular file ``path`` (a log), decoded leniently.

    For text shown to a person, never parsed: an invalid byte is replaced, not refused.
    """
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise error(f"cannot read the {what}: not a regular file", path=path)
        with path.open("rb") as handle:
            handle.seek(max(handle.seek(0, os.SEEK_END) - size, 0))
            data = handle.read(size)
    except FileNotFoundError:
        raise error(f"{what} not found", path=path) from None
    except (OSError, ValueError) as failure:
        raise error(f"cannot read the {what}: {path_problem(failure)}", path=path) from None
    return data.decode("utf-8", errors="replace")


def read_head(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of the regular file ``path``, links followed; else ``None``.

    To tell what a file is (a script's ``#!``), never parsed. Opened without
    blocking: a FIFO in its place never hangs; ``None`` for anything that is not
    a regular file, or cannot be read.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        return os.read(descriptor, size) if stat.S_ISREG(os.fstat(descriptor).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(descriptor)


def stream_sha256(path: Path) -> str | None:
    """The SHA-256 (hex) of the regular file ``path``, streamed, never read whole.

    The file is opened without following a symbolic link and without blocking
    (a FIFO put in its place never hangs); ``None`` when nothing is there or it
    is not a regular file when opened. Any other failure raises :class:`OSError`.
    """
    try:
        descriptor = os.open(path, _STREAM_FLAGS)
    except (FileNotFoundError, NotADirectoryError):
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        return hashlib.file_digest(handle, "sha256").hexdigest()


def decode(data: bytes, path: Path, what: str, error: type[TiergateError]) -> str:
    """``data`` as UTF-8 text (a byte order mark dropped); else an error naming the byte."""
    try:
        return data.decode("utf-8").removeprefix("\N{BYTE ORDER MARK}")
    except UnicodeDecodeError as failure:
        line = data.count(b"\n", 0, failure.start) + 1
        raise error(
            f"not a {what}: not UTF-8 text (byte {failure.start})", path=path, line=line
        ) from None


def read_text(
    path: Path,
    what: str,
    error: type[TiergateError],
    *,
    limit: int = MAX_CONFIG_BYTES,
    missing: str | None = None,
) -> str:
    """The UTF-8 text of ``path`` (a ``what``), at most ``limit`` bytes of it."""
    data = read_bytes(path, what, error, limit=limit, missing=missing)
    return decode(data, path, what, error)


def exists(path: Path) -> bool:
    """Whether ``path`` names a regular file; a path that cannot name one is ``False``."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_folder(path: Path) -> bool:
    """Whether ``path`` names a folder; a path that cannot name one is ``False``."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def absent(path: Path) -> bool:
    """Whether nothing is at ``path``.

    A folder, or a path that cannot be read, is not absent: reading what is
    there then says, in one line, what is wrong with it.
    """
    try:
        path.stat()
    except FileNotFoundError:
        return True
    except (OSError, ValueError):
        return False
    return False


def has_content(path: Path) -> bool:
    """Whether ``path`` is a regular file that is not empty (a path that cannot be one is not)."""
    try:
        status = path.stat()
    except (OSError, ValueError):
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size > 0


def source_salt(module_file: str, *more: str) -> str:
    """A salt naming a reader: its module's source, this Python, and ``more``."""
    try:
        source = read_bytes(Path(module_file), "module source", TiergateError)
    except TiergateError:
        source = b""  # a bare source tree without the file: this Python and ``more`` still count
    python = ".".join(map(str, sys.version_info[:3]))
    return hashlib.sha256(
        b"\0".join([source, python.encode(), *(m.encode() for m in more)])
    ).hexdigest()


class ParseMemo(Protocol):
    """Keeps parse results between processes (:class:`tiergate.memo.Memo`)."""

    def get(
        self, salt: str, content: bytes, compute: Callable[[], dict[str, Any]]
    ) -> dict[str, Any]:
        """The table parsed from ``content``: kept, else ``compute()``."""
        ...


LARGE_TOML_BYTES: Final = 64 * 1024
"""A TOML file this large (a lock file) is parsed once per content when given a memo."""
_TOML_SALT: Final = source_salt(__file__, f"nesting {MAX_NESTING}")
"""What parses TOML here: this module, this Python (and its ``tomllib``)."""


def read_toml(  # noqa: PLR0913 - the four of every reader, the missing message, memo and copy
    path: Path,
    what: str = "TOML file",
    error: type[TiergateError] = ConfigError,
    *,
    missing: str | None = None,
    memo: ParseMemo | None = None,
    shared: bool = False,
) -> dict[str, Any]:
    """The parsed TOML file ``path``; read and parsed once while it is unchanged on disk.

    ``memo``: a file of :data:`LARGE_TOML_BYTES` or more is parsed once per content.
    ``shared``: the table kept for every reader, not a copy (a lock file is large): the
    caller only reads it.
    """
    table = _toml(path, what, error, missing, memo)[0]
    return table if shared else copy.deepcopy(table)


def read_toml_text(
    path: Path, what: str = "TOML file", error: type[TiergateError] = ConfigError
) -> str:
    """The text of the TOML file ``path``, for the lines errors name (read with its parse)."""
    return _toml(path, what, error, None)[1]


def _toml(
    path: Path,
    what: str,
    error: type[TiergateError],
    missing: str | None,
    memo: ParseMemo | None = None,
) -> tuple[dict[str, Any], str]:
    """The parsed table and the text of ``path``, kept while the file is unchanged."""
    try:
        status = path.stat()
    except FileNotFoundError:
        raise error(missing or f"{what} not found", path=path) from None
    except (OSError, ValueError) as failure:
        raise error(f"cannot read the {what}: {path_problem(failure)}", path=path) from None
    key = (str(path.absolute()), status.st_size, status.st_mtime_ns, status.st_ino)
    if key not in _TOML_CACHE:
        text = read_text(path, what, error, missing=missing)
        content = text.encode()
        if memo is None or len(content) < LARGE_TOML_BYTES:
            _TOML_CACHE[key] = (parse_toml(text, path, what, error), text)
        else:
            parsed = memo.get(_TOML_SALT, content, lambda: parse_toml(text, path, what, error))
            _TOML_CACHE[key] = (parsed, text)
    return _TOML_CACHE[key]


def parse_toml(
    text: str, path: Path, what: str = "TOML file", error: type[TiergateError] = ConfigError
) -> dict[str, Any]:
    """``text`` (the content of ``path``) parsed as TOML, its nesting bounded."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as failure:
        line = getattr(failure, "lineno", None) or _toml_line(str(failure))
        message = str(getattr(failure, "msg", "") or str(failure).split(" (at ")[0])
        raise error(f"invalid TOML: {message}", path=path, line=line) from None
    except RecursionError:
        raise error(f"not a {what}: nested too deep", path=path) from None
    _check_nesting(data, path, None, what, error)
    return data


def parse_json(  # noqa: PLR0913 - the four of every reader, the line, the walk
    text: str | bytes,
    path: Path,
    what: str,
    error: type[TiergateError],
    *,
    line: int | None = None,
    walk: bool = True,
) -> Any:  # noqa: ANN401 - JSON is any shape until validated
    """``text`` (from ``path``, at ``line`` for JSON Lines) parsed as strict JSON.

    Refused: invalid JSON, ``NaN`` and ``Infinity`` (not JSON), nesting deeper
    than :data:`MAX_NESTING` (``walk=False``: deeper than the parser itself
    manages, for a reader that validates every value it takes into a type; the
    memo, whose files hold megabytes of values of which a command uses a few).
    """
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as failure:
        at = line if line is not None else failure.lineno
        raise error(f"not JSON: {failure.msg}", path=path, line=at) from None
    except (RecursionError, ValueError) as failure:
        reason = "nested too deep" if isinstance(failure, RecursionError) else str(failure)
        raise error(f"not a {what}: {reason}", path=path, line=line) from None
    if walk and _openers(text) > MAX_NESTING:  # fewer containers cannot nest deeper
        _check_nesting(data, path, line, what, error)
    return data


def _openers(text: str | bytes) -> int:
    """How many ``[`` and ``{`` ``text`` holds: at least as many as the containers it parses to."""
    if isinstance(text, bytes):
        return text.count(b"[") + text.count(b"{")
    return text.count("[") + text.count("{")


def read_json(
    path: Path,
    what: str,
    error: type[TiergateError],
    *,
    limit: int = MAX_ARTIFACT_BYTES,
    walk: bool = True,
) -> Any:  # noqa: ANN401 - JSON is any shape until validated
    """The JSON file ``path`` (a ``what``), parsed with :func:`parse_json` (``walk``: see it)."""
    data = read_bytes(path, what, error, limit=limit)
    return parse_json(decode(data, path, what, error), path, what, error, walk=walk)


def read_model_lines(  # noqa: PLR0913 - the four of every reader, what a line is, the limit
    model: type[_M],
    path: Path,
    what: str,
    error: type[TiergateError],
    *,
    each: str,
    limit: int = MAX_ARTIFACT_BYTES,
) -> list[_M]:
    """Each non-blank line of the JSON Lines file ``path`` (a ``what``) validated into ``model``.

    ``each`` names what one line is, in the error of a line that does not validate.

    A line is parsed and validated in one step by pydantic's JSON parser unless it
    could hold what :func:`parse_json` refuses (a ``NaN`` or ``Infinity`` token, more
    than :data:`MAX_NESTING` containers); such a line, and one that does not
    validate, go the long way (:func:`parse_json`, then :func:`validate`), which
    gives the error naming the file and the line. Both ways accept the same lines.
    """
    text = read_text(path, what, error, limit=limit)
    found: list[_M] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if "NaN" not in line and "Infinity" not in line and _openers(line) <= MAX_NESTING:
            try:
                found.append(model.model_validate_json(line))
            except ValidationError:
                pass
            else:
                continue
        data = parse_json(line, path, what, error, line=number)
        found.append(validate(model, data, path, each, error, line=number))
    return found


def validate(  # noqa: PLR0913 - the four of every reader, and the line of JSON Lines
    model: type[_M],
    data: object,
    path: Path,
    what: str,
    error: type[TiergateError],
    *,
    line: int | None = None,
) -> _M:
    """``data`` (from ``path``) validated into ``model``; else one error naming the key."""
    try:
        return model.model_validate(data)
    except ValidationError as failure:
        raise error(f"not a valid {what}: {first_problem(failure)}", path=path, line=line) from None
    except RecursionError:
        raise error(f"not a valid {what}: nested too deep", path=path, line=line) from None


def read_model(
    path: Path,
    model: type[_M],
    what: str,
    error: type[TiergateError],
    *,
    limit: int = MAX_ARTIFACT_BYTES,
) -> _M:
    """The JSON file ``path`` (a ``what``) validated into ``model``."""
    return validate(model, read_json(path, what, error, limit=limit), path, what, error)


def read_xml(
    path: Path, what: str, error: type[TiergateError], *, limit: int = MAX_ARTIFACT_BYTES
) -> Element:
    """The root element of the XML file ``path``, parsed whole by defusedxml.

    No entities, no external references, no DTD tricks; parsing the bytes in
    one piece keeps a huge attribute linear (expat fed in chunks is quadratic).
    """
    return parse_xml(read_bytes(path, what, error, limit=limit), path, what, error)


def parse_xml(data: bytes, path: Path, what: str, error: type[TiergateError]) -> Element:
    """``data`` (the content of ``path``) parsed whole by defusedxml (see :func:`read_xml`)."""
    try:
        root: Element = SafeET.fromstring(data)
    except SafeET.ParseError as failure:
        line = failure.position[0]
        raise error(f"not a {what}: invalid XML: {failure.msg}", path=path, line=line) from None
    except DefusedXmlException as failure:
        raise error(f"not a {what}: refused XML: {failure}", path=path) from None
    except (LookupError, ValueError) as failure:  # an unknown or impossible encoding
        raise error(f"not a {what}: invalid XML: {failure}", path=path) from None
    return root


def parse_yaml(text: str, path: Path, what: str, error: type[TiergateError]) -> Any:  # noqa: ANN401 - YAML is any shape until validated
    """``text`` (the content of ``path``) parsed by PyYAML's safe loader, its nesting bounded."""
    import yaml  # noqa: PLC0415 - loaded by the few commands that read YAML

    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as failure:
        mark = failure.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise error(
            f"not a {what}: invalid YAML: {failure.problem}", path=path, line=line
        ) from None
    except yaml.YAMLError as failure:
        raise error(f"not a {what}: invalid YAML: {failure}", path=path) from None
    except (ValueError, OverflowError) as failure:  # an impossible date, such as 2024-13-45
        raise error(f"not a {what}: invalid YAML: {failure}", path=path) from None
    except RecursionError:
        raise error(f"not a {what}: nested too deep", path=path) from None
    _check_nesting(data, path, None, what, error)
    return data


def parse_toml_document(
    text: str, path: Path, what: str = "TOML file", error: type[TiergateError] = ConfigError
) -> tomlkit.TOMLDocument:
    """``text`` (the content of ``path``) as a tomlkit document, to edit with its comments kept."""
    import tomlkit  # noqa: PLC0415 - loaded by the one command that edits TOML
    import tomlkit.exceptions  # noqa: PLC0415 - as above

    parse_toml(text, path, what, error)  # the same errors, limits and lines as every TOML read
    try:
        return tomlkit.parse(text)
    except (tomlkit.exceptions.ParseError, RecursionError) as failure:
        line = getattr(failure, "line", None)
        raise error(f"invalid TOML: {failure}", path=path, line=line) from None


def in_utc(value: datetime) -> datetime:
    """``value`` (timezone-aware) in UTC, when UTC can hold it (a pydantic ``AfterValidator``).

    ``9999-12-31T23:59:59-23:59`` is a valid time whose UTC form is past year 9999.
    """
    try:
        return value.astimezone(UTC)
    except OverflowError:
        msg = "the time is outside the years UTC can hold (1 to 9999)"
        raise ValueError(msg) from None


UtcDatetime = Annotated[AwareDatetime, AfterValidator(in_utc)]
"""A timezone-aware datetime, held in UTC: every time an artifact or store gives."""


def _no_constant(name: str) -> object:
    msg = f"{name} is not a JSON number"
    raise ValueError(msg)


def _check_nesting(
    data: object, path: Path, line: int | None, what: str, error: type[TiergateError]
) -> None:
    """Refuse ``data`` nested deeper than :data:`MAX_NESTING` (walked without recursion)."""
    if not isinstance(data, dict | list):
        return
    stack: list[tuple[dict[object, object] | list[object], int]] = [(data, 1)]
    seen = {id(data)}  # YAML aliases share containers: each is walked once
    while stack:
        value, depth = stack.pop()
        if depth > MAX_NESTING:
            raise error(
                f"not a {what}: nested deeper than {MAX_NESTING} levels", path=path, line=line
            )
        for child in value.values() if isinstance(value, dict) else value:
            # Only non-empty containers go on the stack: scalars, most of a document, never do.
            if isinstance(child, dict | list) and child and id(child) not in seen:
                seen.add(id(child))
                stack.append((child, depth + 1))


def _toml_line(message: str) -> int | None:
    # Python < 3.14 only puts the position in the message: "... (at line 3, column 9)".
    marker = "(at line "
    if marker not in message:
        return None
    digits = message.split(marker, 1)[1].split(",", 1)[0].split(")", 1)[0]
    return int(digits) if digits.isdigit() else None


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB"
