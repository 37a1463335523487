"""The reading layer's edges: a log's tail, what is not a regular file, values that are no TOML."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ArtifactError
from tiergate.inputs.hashing import value_digest
from tiergate.reading import (
    MAX_NESTING,
    absent,
    exists,
    has_content,
    is_folder,
    parse_json,
    read_bytes,
    read_head,
    read_tail,
    read_xml,
    stream_sha256,
)
from tiergate.testast import marked_tiers

if TYPE_CHECKING:
    from pathlib import Path


def test_the_tail_of_a_log_is_its_last_bytes_decoded_leniently(tmp_path: Path) -> None:
    log = tmp_path / "session.log"
    log.write_bytes(b"first line\n" + b"x" * 100 + b"\nlast \xff line\n")
    assert read_tail(log, "log", ArtifactError, size=12) == "last \ufffd line\n"
    assert read_tail(log, "log", ArtifactError, size=10_000).startswith("first line\n")


@pytest.mark.parametrize(
    ("folder", "message"),
    [(False, "log not found"), (True, "cannot read the log: not a regular file")],
)
def test_the_tail_of_no_log_is_one_error_naming_it(
    tmp_path: Path, folder: bool, message: str
) -> None:
    path = tmp_path / "session.log"
    if folder:
        path.mkdir()
    with pytest.raises(ArtifactError, match=message) as raised:
        read_tail(path, "log", ArtifactError, size=10)
    assert raised.value.path == path


def test_a_fifo_is_never_read_nor_hashed(tmp_path: Path) -> None:
    """Opening a FIFO for reading would wait for a writer: it is refused without opening."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ArtifactError, match="not a regular file"):
        read_bytes(fifo, "artifact", ArtifactError)
    assert stream_sha256(fifo) is None
    assert read_head(fifo, 2) is None


def test_the_head_of_a_file_is_its_first_bytes_through_a_link(tmp_path: Path) -> None:
    """What a file on ``PATH`` is (``#!``): read through a link, nothing for what is no file."""
    script = tmp_path / "python3.99"
    script.write_bytes(b'#!/bin/sh\nexec python3 "$@"\n')
    (tmp_path / "python3").symlink_to(script)
    (tmp_path / "folder").mkdir()
    assert read_head(tmp_path / "python3", 2) == b"#!"
    assert read_head(tmp_path / "folder", 2) is None
    assert read_head(tmp_path / "gone", 2) is None


def test_a_test_file_that_cannot_be_read_marks_no_tier(tmp_path: Path) -> None:
    assert marked_tiers(tmp_path / "test_gone.py") == frozenset()
    (tmp_path / "test_folder.py").mkdir()
    assert marked_tiers(tmp_path / "test_folder.py") == frozenset()


def test_a_toml_date_or_time_never_digests_as_its_text() -> None:
    for value in (date(2026, 1, 1), datetime(2026, 1, 1, 12, 0, tzinfo=UTC), time(12, 0)):
        assert value_digest({"when": value}) != value_digest({"when": value.isoformat()})
    assert value_digest({"when": date(2026, 1, 1)}) == value_digest({"when": date(2026, 1, 1)})
    with pytest.raises(TypeError, match="not a TOML value: object"):
        value_digest({"what": object()})


def test_a_path_that_cannot_name_a_file_is_neither_there_nor_absent(tmp_path: Path) -> None:
    """A name longer than the file system allows: not a file, not a folder, not absent."""
    too_long = tmp_path / ("x" * 300)
    assert (exists(too_long), is_folder(too_long), absent(too_long)) == (False, False, False)
    assert not has_content(too_long)
    assert absent(tmp_path / "missing")


def test_xml_in_an_unknown_encoding_is_one_error_naming_the_file(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    # A dotted name is refused by the codec registry without trying to import a codec.
    report.write_bytes(b'<?xml version="1.0" encoding="no.such.codec"?><testsuites/>')
    with pytest.raises(ArtifactError) as caught:
        read_xml(report, "JUnit XML report", ArtifactError)
    assert str(caught.value).startswith(f"{report}: not a JUnit XML report: invalid XML")


@pytest.mark.parametrize("kind", [str, bytes], ids=["text", "bytes"])
def test_json_nested_deeper_than_the_bound_is_refused(tmp_path: Path, kind: type) -> None:
    def json(text: str) -> str | bytes:
        return text if kind is str else text.encode()

    depth = MAX_NESTING + 1
    deep = "[" * depth + "1" + "]" * depth
    with pytest.raises(ArtifactError) as caught:
        parse_json(json(deep), tmp_path / "a.json", "manifest", ArtifactError)
    assert f"nested deeper than {MAX_NESTING} levels" in str(caught.value)
    shallow = "[" * MAX_NESTING + "1" + "]" * MAX_NESTING
    assert parse_json(json(shallow), tmp_path / "a.json", "manifest", ArtifactError)
    # More containers than the bound, side by side, and brackets inside strings: not deep.
    wide = "[" + ",".join(['{"a": [1]}'] * MAX_NESTING) + ', "[[[{{{"]'
    assert len(parse_json(json(wide), tmp_path / "a.json", "manifest", ArtifactError)) == 65
