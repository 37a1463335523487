"""Fuzz history store URLs: random strings, SQLite paths (folders too), PostgreSQL with passwords.

Besides the reader property: a password written in a URL never appears in any output.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzz.strategies import (
    check_cli,
    check_error,
    examples,
    fresh_folder,
    text_no_surrogates,
    toml_table,
    write,
)
from tiergate.errors import HistoryError
from tiergate.history.connect import open_store, store_exists
from tiergate.history.url import HISTORY_URL_ENV, parse_url

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

MARK = "Zq9"
"""Every generated password starts with it, so that no other text can contain a password."""
passwords = st.builds(
    lambda tail: MARK + tail,
    st.text(st.sampled_from("abc123:@/?#&=%'\" +~!$;,[]é"), min_size=1, max_size=10),
)
users = st.sampled_from(["", "u", "post gres", "a%40b", "user@x"])
hosts = st.sampled_from(
    ["127.0.0.1:9", "127.0.0.1:1", "[::1]:9", "", "127.0.0.1:99999", "127.0.0.1:x"]
)
databases = st.sampled_from(["db", "", "a/b", "db?sslmode=disable", "db?connect_timeout=1"])
schemes = st.sampled_from(["postgresql", "postgres", "POSTGRESQL", "postgresql+psycopg"])


@st.composite
def postgres_urls(draw: st.DrawFn) -> tuple[str, str]:
    """``(url, password)``: the password in the user info, encoded or not, or in the query."""
    password = draw(passwords)
    written = draw(st.sampled_from([password, quote(password, safe="")]))
    scheme, user, host, database = draw(schemes), draw(users), draw(hosts), draw(databases)
    if draw(st.booleans()):
        url = f"{scheme}://{user}:{written}@{host}/{database}"
    else:
        separator = "&" if "?" in database else "?"
        url = f"{scheme}://{user}@{host}/{database}{separator}password={written}"
    return url, password


def _secrets(password: str) -> tuple[str, ...]:
    return tuple({password, quote(password, safe=""), unquote(password)})


@contextlib.contextmanager
def _environment(name: str, value: str | None) -> Iterator[None]:
    before = os.environ.get(name)
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


def _shown(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, f"password {secret!r} shown: {text!r}"


@settings(max_examples=examples(600))
@given(
    raw=text_no_surrogates
    | st.builds(
        "".join,
        st.lists(
            st.sampled_from(
                [
                    "sqlite://",
                    "postgresql://",
                    "/",
                    ":",
                    "@",
                    "?",
                    "x",
                    "..",
                    "%",
                    " ",
                    "\n",
                    "\x00",
                ]
            ),
            max_size=6,
        ),
    )
)
def test_parse_url_of_any_string(raw: str) -> None:
    with fresh_folder() as root:
        try:
            url = parse_url(raw, root)
        except HistoryError as error:
            check_error(error, ())
        else:
            assert "\n" not in str(url)


@settings(max_examples=examples(600))
@given(generated=postgres_urls())
def test_postgres_password_never_shown_by_parsing(generated: tuple[str, str]) -> None:
    raw, password = generated
    with fresh_folder() as root:
        try:
            url = parse_url(raw, root)
        except HistoryError as error:
            _shown(check_error(error, ()), *_secrets(password))
        else:
            _shown(str(url) + url.redacted + repr(url), *_secrets(password))
            _shown(url.scrub(f"connection to {raw} failed: {password}"), *_secrets(password))


@settings(max_examples=examples(50))
@given(generated=postgres_urls(), command=st.sampled_from(["history", "baseline show"]))
def test_postgres_password_never_shown_by_the_cli(generated: tuple[str, str], command: str) -> None:
    raw, password = generated
    with fresh_folder() as root:
        write(root / "pyproject.toml", toml_table("tool.uv.workspace", {"members": []}))
        with _environment(HISTORY_URL_ENV, raw):
            code, out, err = _cli(root, command)
        check_cli(code, out, err, *_secrets(password))


@settings(max_examples=examples(50))
@given(generated=postgres_urls())
def test_postgres_password_in_pyproject_never_shown(generated: tuple[str, str]) -> None:
    raw, password = generated
    with fresh_folder() as root:
        table = toml_table("tool.tiergate.history", {"url": raw})
        write(root / "pyproject.toml", table + toml_table("tool.uv.workspace", {"members": []}))
        with _environment(HISTORY_URL_ENV, None):
            code, out, err = _cli(root, "history")
        check_cli(code, out, err, *_secrets(password))


def _cli(root: Path, command: str) -> tuple[int, str, str]:
    from fuzz.strategies import run_cli  # noqa: PLC0415 - the CLI is imported late

    return run_cli(["--root", str(root), *command.split()])


SQLITE_TARGETS = (
    "history.db",
    ".tiergate/history.db",
    "folder",
    "folder/",
    "file.txt",
    "file.txt/x.db",
    "missing/x.db",
    "../x.db",
    "",
    "a\x00b",
    "x" * 300,
)


@settings(max_examples=examples(100))
@given(
    target=st.sampled_from(SQLITE_TARGETS)
    | text_no_surrogates.filter(lambda t: ".." not in t and not t.startswith("/")),
    absolute=st.booleans(),
    content=st.none() | st.binary(max_size=200) | st.just(b"SQLite format 3\x00" + bytes(84)),
)
def test_sqlite_store_anywhere(target: str, absolute: bool, content: bytes | None) -> None:
    with fresh_folder() as base:
        root = base / "ws"
        (root / "folder").mkdir(parents=True)
        write(root / "file.txt", "not a database")
        if content is not None and target in {"history.db", ".tiergate/history.db"}:
            write(root / target, content)
        raw = f"sqlite:///{root}/{target}" if absolute else f"sqlite:///{target}"
        try:
            url = parse_url(raw, root)
            if store_exists(url):
                with open_store(url) as store:
                    store.runs(5, None)
        except HistoryError as error:
            check_error(error, ())
