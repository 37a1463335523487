"""A read set holds while every file read keeps its hash; one read then deleted while still gone."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest

from tiergate.cache.readset import ABSENT, UNREADABLE, first_change, read_set_file
from tiergate.reading import stream_sha256

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.req("FR-202")
def test_a_file_read_then_deleted_holds_while_it_stays_absent(tmp_path: Path) -> None:
    data = tmp_path / "data.txt"
    data.write_text("one\n", encoding="utf-8")
    read = {"data.txt": hashlib.sha256(b"one\n").hexdigest(), "gone.txt": ABSENT}
    assert first_change(read, tmp_path) is None
    (tmp_path / "gone.txt").write_text("back\n", encoding="utf-8")
    assert first_change(read, tmp_path) == ("gone.txt", "gone.txt changed since it was read")
    (tmp_path / "gone.txt").unlink()
    data.write_text("two\n", encoding="utf-8")
    assert first_change(read, tmp_path) == ("data.txt", "data.txt changed since it was read")


@pytest.mark.req("FR-202")
def test_a_file_that_could_not_be_read_never_holds(tmp_path: Path) -> None:
    (tmp_path / "locked").write_text("x", encoding="utf-8")
    assert first_change({"locked": UNREADABLE}, tmp_path) == (
        "locked",
        "locked could not be read when it was recorded",
    )


@pytest.mark.req("FR-215")
@pytest.mark.parametrize(
    "text",
    [
        "not json",
        '["reads"]',
        '{"reads": ["a.py"]}',
        '{"reads": {"a.py": 1}}',
        '{"outside": {}}',
    ],
)
def test_a_read_set_file_that_is_not_one_gives_none(tmp_path: Path, text: str) -> None:
    path = tmp_path / "reads.json"
    path.write_text(text, encoding="utf-8")
    assert read_set_file(path) is None


@pytest.mark.req("FR-215")
def test_a_read_set_file_gives_its_reads(tmp_path: Path) -> None:
    path = tmp_path / "reads.json"
    assert read_set_file(path) is None  # missing
    path.write_text('{"reads": {"a.py": "ab", "b.txt": "absent"}, "outside": []}', "utf-8")
    assert read_set_file(path) == {"a.py": "ab", "b.txt": "absent"}


def test_read_sets_checked_at_one_moment_hash_each_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data.txt"
    data.write_text("one\n", encoding="utf-8")
    hashed: list[Path] = []

    def counted(path: Path) -> str | None:
        hashed.append(path)
        return stream_sha256(path)

    monkeypatch.setattr("tiergate.cache.readset.stream_sha256", counted)
    one = {"data.txt": hashlib.sha256(b"one\n").hexdigest(), "gone.txt": ABSENT}
    digests: dict[str, str | None] = {}
    assert first_change(one, tmp_path, digests) is None
    assert first_change(one, tmp_path, digests) is None
    assert sorted(path.name for path in hashed) == ["data.txt", "gone.txt"]
    # A later moment starts afresh: what changed meanwhile is seen.
    data.write_text("two\n", encoding="utf-8")
    assert first_change(one, tmp_path, digests) is None  # the same moment: as hashed then
    assert first_change(one, tmp_path) == ("data.txt", "data.txt changed since it was read")
