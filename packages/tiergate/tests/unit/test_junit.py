from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ArtifactError
from tiergate.junit import JunitTotals, read_junit_totals

if TYPE_CHECKING:
    from pathlib import Path

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="4">
<testcase classname="t" name="a" time="0.1"/>
<testcase classname="t" name="b" time="0.1"><failure message="x">boom</failure></testcase>
<testcase classname="t" name="c" time="0.1"><error message="y">setup</error></testcase>
<testcase classname="t" name="d" time="0.1"><skipped message="z"/></testcase>
</testsuite></testsuites>
"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<testsuites>&lol2;</testsuites>
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "junit.xml"
    path.write_text(text)
    return path


def test_counts_every_outcome(tmp_path: Path) -> None:
    assert read_junit_totals(_write(tmp_path, JUNIT)) == JunitTotals(4, 1, 1, 1)


def test_an_empty_suite_counts_zero(tmp_path: Path) -> None:
    path = _write(tmp_path, '<testsuite name="pytest" tests="0"></testsuite>')
    assert read_junit_totals(path).tests == 0


def test_text_that_is_not_xml_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "<testsuites>\n<testcase>\n")
    with pytest.raises(ArtifactError) as caught:
        read_junit_totals(path)
    assert str(caught.value).startswith(f"{path}:3: not a JUnit XML: invalid XML")


@pytest.mark.req("NFR-003")
def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, BILLION_LAUGHS)
    with pytest.raises(ArtifactError, match="not a JUnit XML: refused XML"):
        read_junit_totals(path)


def test_xml_that_is_not_junit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="root element is <html>"):
        read_junit_totals(_write(tmp_path, "<html/>"))


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="JUnit XML not found"):
        read_junit_totals(tmp_path / "nope.xml")
