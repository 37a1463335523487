"""Read pytest's JUnit XML with a hardened parser (no entities, no external references).

The file is read through :func:`tiergate.reading.read_xml`: bounded in size and
parsed whole, so that even a huge attribute parses in linear time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from tiergate.errors import ArtifactError
from tiergate.reading import read_xml

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class JunitTotals:
    """Counts of one JUnit file, from its ``<testcase>`` elements."""

    tests: int
    failures: int
    errors: int
    skipped: int


def read_junit_totals(path: Path) -> JunitTotals:
    """Count the test cases of a JUnit XML file and how they ended."""
    root = read_xml(path, "JUnit XML", ArtifactError)
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
