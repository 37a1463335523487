"""What the fuzz suite shares: example budgets, strategies, and the one property of a reader.

The property: a reader given any input either returns a value or raises a
:class:`~tiergate.errors.TiergateError` whose ``str()`` is one line and, when a
file is involved, names that file. Any other exception is a bug: the CLI would
turn it into ``internal error`` and a crash log.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import itertools
import math
import os
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

from tiergate.errors import TiergateError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

PROFILE_ENV = "TIERGATE_HYPOTHESIS_PROFILE"
"""``quick``: about ten times fewer examples (pre-commit); ``explore``: new cases each run."""
QUICK_DIVISOR = 10
QUICK = os.environ.get(PROFILE_ENV, "ci") == "quick"


def examples(count: int) -> int:
    """``count`` examples in the ``ci`` profile, a tenth of them (at least 2) in ``quick``."""
    return max(2, count // QUICK_DIVISOR) if QUICK else count


# ------------------------------------------------------------------ folders


@functools.cache
def _process_folder() -> Path:
    """This process's folder of example folders, removed when the process ends.

    Removing each example's folder right after it costs more than the example
    itself on a slow disk; the folders are removed together instead.
    """
    folder = Path(tempfile.mkdtemp(prefix="tiergate-fuzz-")).resolve()
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


_COUNTER = itertools.count()


@contextlib.contextmanager
def fresh_folder() -> Iterator[Path]:
    """A new empty folder (its path resolved) for one example: no file of another is in it."""
    folder = _process_folder() / f"e{next(_COUNTER)}"
    folder.mkdir()
    yield folder


def write(path: Path, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8, bytes as they are) to ``path``, folders made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8", "surrogatepass") if isinstance(content, str) else content
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------- property


def one_line(text: str) -> bool:
    """Whether ``text`` is a single line (no line break of any kind)."""
    return len(text.splitlines()) <= 1 and "\n" not in text and "\r" not in text


def check_error(error: TiergateError, files: Sequence[Path | str]) -> str:
    """Assert the property of a reader's error; return its message."""
    text = str(error)
    assert isinstance(error, TiergateError)
    assert "\n" not in text, f"{type(error).__name__} has a line break: {text!r}"
    assert "\r" not in text, f"{type(error).__name__} has a carriage return: {text!r}"
    assert one_line(text), f"{type(error).__name__} has a raw line separator: {text!r}"
    if files:
        assert any(str(file) in text for file in files), (
            f"{type(error).__name__} names none of {[str(f) for f in files]}: {text!r}"
        )
    return text


def guarded(call: Callable[[], object], *files: Path | str) -> object:
    """``call()``'s value, or ``None`` after checking the TiergateError it raised.

    Any other exception propagates: hypothesis reports it (shrunk) as the bug.
    ``files``: the error must name one of them (a file or the folder holding them).
    """
    try:
        return call()
    except TiergateError as error:
        check_error(error, files)
        return None


def run_cli(argv: Sequence[str]) -> tuple[int, str, str]:
    """``tiergate.cli.main(argv)`` in process: (exit code, stdout, stderr)."""
    from tiergate.cli import main  # noqa: PLC0415 - imported where the CLI is run

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as leaving:  # argparse: a usage error (exit 2)
            code = leaving.code if isinstance(leaving.code, int) else 2
    return code, out.getvalue(), err.getvalue()


def check_cli(code: int, out: str, err: str, *secrets: str) -> None:
    """The CLI's property: a documented exit code, never a traceback, one line per error.

    Exit 2 is exactly one stderr line ``tiergate: error: ...``; exit 3 is a tool's
    error, never ``internal error`` (that is a crash log: a bug). ``secrets`` never
    appear in any output.
    """
    assert code in {0, 1, 2, 3}, f"exit {code}\nstdout: {out}\nstderr: {err}"
    assert "Traceback" not in out + err, f"a traceback:\nstdout: {out}\nstderr: {err}"
    assert "internal error" not in err, f"a crash (exit {code}): {err.strip()}"
    if code == 2:
        lines = err.splitlines()
        assert len(lines) == 1, f"exit 2 with {len(lines)} stderr lines: {err!r}"
        assert lines[0].startswith("tiergate: error: "), f"exit 2: {err!r}"
    if code == 3:
        assert err.startswith("tiergate: error: "), f"exit 3 without a tool error: {err!r}"
    for secret in secrets:
        assert secret not in out + err, f"secret {secret!r} shown:\n{out}\n{err}"


# --------------------------------------------------------------- strategies

text_no_surrogates = st.text(st.characters(codec="utf-8"), max_size=12)
"""Text that UTF-8 can encode."""
short_keys = st.text(st.characters(codec="utf-8"), max_size=8)
random_bytes = st.binary(max_size=400)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text_no_surrogates
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(short_keys, children, max_size=3)
    ),
    max_leaves=8,
)
"""Any JSON value (finite numbers)."""


def deep_json(depth: int, *, dict_inside: bool = False) -> str:
    """A JSON text of lists (or objects) nested ``depth`` deep."""
    if dict_inside:
        return '{"a":' * depth + "1" + "}" * depth
    return "[" * depth + "]" * depth


deep_nesting = st.builds(
    deep_json, st.integers(min_value=1, max_value=5000), dict_inside=st.booleans()
)
bad_numbers = st.sampled_from(
    [math.nan, math.inf, -math.inf, -1.0, -1e308, 1e308, -0.0, 0.0, 2**64, -(2**64)]
)
"""Numbers readers must refuse or survive (json.dumps writes NaN and Infinity as bare words)."""

aware_datetimes = st.datetimes(
    min_value=datetime(1, 1, 2),  # noqa: DTZ001 - hypothesis bounds are naive
    max_value=datetime(9999, 12, 30),  # noqa: DTZ001 - hypothesis bounds are naive
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-12)), timezone(timedelta(hours=14))]),
)
naive_datetimes = st.datetimes()
odd_timestamps = st.one_of(
    aware_datetimes.map(datetime.isoformat),
    naive_datetimes.map(datetime.isoformat),
    st.sampled_from(
        [
            "",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59-23:59",
            "0001-01-01T00:00:00+14:00",
            "2026-02-30",
            "2026-11-22T10:00:00+99:00",
            "1e10",
        ]
    ),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True),
)
"""Timestamps: aware, naive (no timezone), out of range, not timestamps at all."""

traversing_paths = st.one_of(
    st.sampled_from(
        [
            "../../../etc/passwd",
            "..",
            ".",
            "",
            "/",
            "/etc/passwd",
            "/dev/zero",
            "/dev/null",
            "unit/../../x",
            "a\x00b",
            "x" * 300,
            "/".join(["x" * 250] * 20),
            "unit",
            "unit/",
            "nested/",
            "~/x",
            "\\\\server\\share",
        ]
    ),
    text_no_surrogates,
)
"""Artifact paths a manifest may name: traversal, absolute, devices, NUL, too long, folders."""


# ----------------------------------------------------------------- TOML


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string (control characters escaped)."""
    out = ['"']
    for char in text:
        if char == '"':
            out.append('\\"')
        elif char == "\\":
            out.append("\\\\")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def toml_value(value: Any) -> str:  # noqa: ANN401, PLR0911 - any TOML value, one return per type
    """``value`` as a TOML value: inline tables and arrays, any depth."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{toml_string(key)} = {toml_value(item)}" for key, item in value.items())
        return "{" + ", ".join(pairs) + "}"
    msg = f"no TOML for {value!r}"
    raise TypeError(msg)


def toml_table(name: str, table: dict[str, Any]) -> str:
    """``[name]`` and one ``key = value`` line per entry (values inline)."""
    lines = [f"[{name}]"] if name else []
    lines.extend(f"{toml_string(key)} = {toml_value(value)}" for key, value in table.items())
    return "\n".join(lines) + "\n"


toml_scalars = (
    st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | text_no_surrogates
    | st.dates()
    | aware_datetimes
)
toml_values = st.recursive(
    toml_scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(short_keys, children, max_size=3)
    ),
    max_leaves=6,
)
"""Any TOML value (TOML allows nan and inf)."""

toml_tokens = st.sampled_from(
    [
        "[",
        "]",
        "[[",
        "]]",
        "=",
        '"',
        "'",
        '"""',
        "'''",
        "\n",
        "\r\n",
        " ",
        "#",
        ",",
        ".",
        "{",
        "}",
        "tool",
        "tiergate",
        "uv",
        "workspace",
        "project",
        "members",
        "name",
        "x",
        "1",
        "-1",
        "1e999",
        "nan",
        "inf",
        "true",
        "1979-05-27T07:32:00Z",
        "1979-05-27",
        "07:32:00",
        "\\",
        "\\u",
        "\x00",
        "\x7f",
        "\ufeff",
        "é",
    ]
)
tomlish_text = st.lists(toml_tokens, max_size=40).map("".join)
"""Text made of TOML's tokens: mostly invalid TOML, sometimes valid."""


def encoded(text: str) -> bytes:
    """``text`` in UTF-8 (a lone surrogate kept as its bytes: not UTF-8)."""
    return text.encode("utf-8", "surrogatepass")


file_contents = st.one_of(random_bytes, tomlish_text.map(encoded), text_no_surrogates.map(encoded))
"""Bytes of a file: random, TOML-ish, or any UTF-8 text."""


# ------------------------------------------------------------ special files

SPECIAL_KINDS = ("folder", "missing", "fifo", "symlink loop", "dangling")


def make_special(path: Path, kind: str) -> None:
    """Make ``path`` a file that is not a regular file (or nothing at all)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink loop":
        path.symlink_to(path)
    elif kind == "dangling":
        path.symlink_to(path.parent / "nowhere")


@contextlib.contextmanager
def unblocking(path: Path, after: float = 2.0) -> Iterator[list[bool]]:
    """Unblock a reader stuck on the FIFO ``path`` after ``after`` seconds.

    A reader that opens a FIFO waits for a writer forever: a hang, not an error.
    After ``after`` seconds a writer opens and closes it (the reader sees an empty
    file) and the yielded list holds ``True``: the reader blocked.
    """
    import threading  # noqa: PLC0415 - only FIFOs need them
    import time  # noqa: PLC0415

    blocked: list[bool] = []
    done = threading.Event()

    def unblock() -> None:
        if done.wait(after):
            return
        blocked.append(True)
        while not done.is_set():
            with contextlib.suppress(OSError):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            time.sleep(0.05)

    is_fifo = path.is_fifo() if not path.is_symlink() else False
    watchdog = threading.Thread(target=unblock, daemon=True) if is_fifo else None
    if watchdog is not None:
        watchdog.start()
    try:
        yield blocked
    finally:
        done.set()
        if watchdog is not None:
            watchdog.join()


# ---------------------------------------------------------------- mutations


def _paths(value: object, trail: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path to a value inside ``value`` (dict keys and list indexes), itself first."""
    yield trail
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*trail, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*trail, index))


def _replace(value: Any, trail: tuple[Any, ...], new: Any) -> Any:  # noqa: ANN401 - JSON
    if not trail:
        return new
    head, rest = trail[0], trail[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


_DELETE = object()


def _delete(value: Any, trail: tuple[Any, ...]) -> Any:  # noqa: ANN401 - JSON
    head, rest = trail[0], trail[1:]
    if rest:
        copy = dict(value) if isinstance(value, dict) else list(value)
        copy[head] = _delete(value[head], rest)
        return copy
    if isinstance(value, dict):
        return {key: child for key, child in value.items() if key != head}
    return [child for index, child in enumerate(value) if index != head]


replacements = st.one_of(json_values, bad_numbers, odd_timestamps, traversing_paths)
"""What a mutation writes in place of a valid value."""


@st.composite
def mutated(draw: st.DrawFn, valid: Any, extra: st.SearchStrategy[Any] = replacements) -> Any:  # noqa: ANN401 - JSON
    """``valid`` with one to three values replaced, deleted or added."""
    value = valid
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        trail = draw(st.sampled_from(list(_paths(value))))
        operation = draw(st.sampled_from(["replace", "delete", "add"]))
        if operation == "delete" and trail:
            value = _delete(value, trail)
        elif operation == "add":
            target = value
            for part in trail:
                target = target[part]
            if isinstance(target, dict):
                key = draw(short_keys)
                value = _replace(value, trail, {**target, key: draw(extra)})
            else:
                value = _replace(value, trail, draw(extra))
        else:
            value = _replace(value, trail, draw(extra))
    return value


def json_text(value: Any) -> str:  # noqa: ANN401 - JSON
    """``value`` as JSON text; NaN and Infinity written as bare words (as Python does)."""
    import json  # noqa: PLC0415 - only mutations are written here

    return json.dumps(value, allow_nan=True)


def corrupt_bytes(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` truncated, with bytes flipped, or with invalid UTF-8 inserted."""

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "bom", "empty"]))
        if kind == "empty" or not data:
            return b""
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        if kind == "truncate":
            return data[:at]
        if kind == "flip":
            return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        if kind == "insert":
            junk = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b"\r"]))
            return data[:at] + junk + data[at:]
        return b"\xef\xbb\xbf" + data

    return build()


def json_contents(valid: Any) -> st.SearchStrategy[bytes]:  # noqa: ANN401 - any JSON document
    """Bytes of a JSON file around the ``valid`` document: mutated, of any shape, corrupt."""
    return st.one_of(
        mutated(valid).map(json_text).map(str.encode),
        json_values.map(json_text).map(str.encode),
        random_bytes,
        deep_nesting.map(str.encode),
        corrupt_bytes(json_text(valid).encode()),
    )
