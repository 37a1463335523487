"""Read pytest's JUnit XML with a hardened parser (no entities, no external references)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError

from tiergate.errors import ArtifactError

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
    try:
        root = SafeET.parse(path).getroot()
    except FileNotFoundError:
        raise ArtifactError("JUnit XML not found", path=path) from None
    except ParseError as error:
        line, _column = error.position
        raise ArtifactError(f"not valid XML: {error.msg}", path=path, line=line) from None
    except DefusedXmlException as error:
        raise ArtifactError(f"refused unsafe XML: {error}", path=path) from None
    if root is None or root.tag not in {"testsuites", "testsuite"}:
        tag = "nothing" if root is None else f"<{root.tag}>"
        raise ArtifactError(f"not JUnit XML: root element is {tag}", path=path)
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
