"""``tiergate.schemas.write_all``: every published schema, written where it is asked."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tiergate.schemas import FOLDER, SCHEMAS, render, write_all

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.req("NFR-002")
def test_write_all_writes_each_schema_as_rendered_and_as_published(tmp_path: Path) -> None:
    written = write_all(tmp_path)

    assert written == [tmp_path / name for name in SCHEMAS]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(SCHEMAS)
    for path in written:
        assert path.read_text() == render(path.name) == (FOLDER / path.name).read_text()
        assert json.loads(path.read_text())["type"] == "object"


def test_write_all_replaces_what_was_there(tmp_path: Path) -> None:
    (tmp_path / "baseline.schema.json").write_text("{}")
    write_all(tmp_path)
    assert (tmp_path / "baseline.schema.json").read_text() == render("baseline.schema.json")
