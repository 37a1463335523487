from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ConfigError
from tiergate.pythons import read_python_versions

if TYPE_CHECKING:
    from pathlib import Path


def _versions(tmp_path: Path, text: str) -> tuple[str, ...]:
    (tmp_path / ".python-version").write_text(text)
    return read_python_versions(tmp_path)


@pytest.mark.req("FR-004")
def test_reads_versions_in_order(tmp_path: Path) -> None:
    assert _versions(tmp_path, "3.12\n# comment\n\n3.11.7\ncpython-3.13\n") == (
        "3.12",
        "3.11",
        "3.13",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3.11\npypy3.10\n", ":2: not a CPython 3.X version: 'pypy3.10'"),
        ("3.11\n3.11.4\n", ":2: 3.11 is listed twice"),
        ("# nothing\n", ": lists no Python version"),
    ],
)
@pytest.mark.req("FR-004")
def test_bad_lines_name_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _versions(tmp_path, text)
    assert str(caught.value) == f"{tmp_path / '.python-version'}{message}"


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing"):
        read_python_versions(tmp_path)
