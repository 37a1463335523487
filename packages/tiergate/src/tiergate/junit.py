"""Read pytest's JUnit XML with a hardened parser (no entities, no external references).

The file is read through :mod:`tiergate.reading`: bounded in size and parsed whole
(:func:`~tiergate.reading.parse_xml`), so that even a huge attribute parses in linear
time; its counts are kept per content (:mod:`tiergate.memo`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from tiergate.errors import ArtifactError
from tiergate.memo import Memo
from tiergate.reading import parse_xml, read_bytes, source_salt

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class JunitTotals:
    """Counts of one JUnit file, from its ``<testcase>`` elements."""

    tests: int
    failures: int
    errors: int
    skipped: int


_TOTALS: Memo[JunitTotals] = Memo("junit-totals", TypeAdapter(JunitTotals), limit=5_000)
"""The counts of each JUnit XML file read before, per content: a warm check parses none."""
_SALT = source_salt(__file__)


def read_junit_totals(path: Path) -> JunitTotals:
    """Count the test cases of a JUnit XML file and how they ended."""
    data = read_bytes(path, "JUnit XML", ArtifactError)
    return _TOTALS.get(_SALT, data, lambda: _count(data, path))


def _count(data: bytes, path: Path) -> JunitTotals:
    root = parse_xml(data, path, "JUnit XML", ArtifactError)
    if root.tag not in {"testsuites", "testsuite"}:
        raise ArtifactError(f"not JUnit XML: root element is <{root.tag}>", path=path)
    tests = failures = errors = skipped = 0
    for case in root.iter("testcase"):
        tests += 1
        if case.find("failure") is not None:
            failures += 1
        elif case.find("error") is not None:
            errors += 1
        elif case.find("skipped") is not None:
            skipped += 1
    return JunitTotals(tests=tests, failures=failures, errors=errors, skipped=skipped)
