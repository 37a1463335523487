"""The requirements gate on a throwaway monorepo: 35 requirements, real pytest runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import jsonschema
import pytest

from tiergate.config import load_config
from tiergate.context import Context
from tiergate.runfolder import merge_runs
from tiergate.schemas import FOLDER
from tiergate.trace.matrix import static_matrix
from tiergate.trace.render import render_json
from tiergate.trace.run import run_matrix
from tiergate.verdict import evaluate
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from conftest import BuiltOnce


SPEC_HEAD = """\
# Requirements of alpha

## FR-001: doubling one gives two

Intro text that mentions FR-002 without defining it.

| ID | requirement | tier |
|----|-------------|------|
| FR-002 | doubling two gives four | |
| FR-003 | doubling works in a real process | integration |

```
- FR-099 inside a code block is neither defined nor mentioned
```

"""
UNIT_TESTS = """\
import pytest

from alpha import double


class TestDouble:
    pytestmark = pytest.mark.req("FR-001")

    def test_one(self) -> None:
        assert double(1) == 2


@pytest.mark.parametrize(
    "value", [pytest.param(2, marks=pytest.mark.req("FR-002"))]
)
def test_two(value: int) -> None:
    assert double(value) == 4


@pytest.mark.req("FR-030")
def test_not_today() -> None:
    pytest.skip("the feature is not there yet")


@pytest.mark.req("FR-031")
def test_broken() -> None:
    assert double(3) == 7


@pytest.mark.req("FR-099", "FR-004")
def test_names_an_unknown_id() -> None:
    assert double(0) == 0
"""


def _spec() -> str:
    items = [f"- FR-{number:03}: doubling {number} works" for number in range(4, 36)]
    return SPEC_HEAD + "\n".join(items) + "\n"


def _unit_tests() -> str:
    generated = [
        f'@pytest.mark.req("FR-{n:03}")\ndef test_fr_{n:03}() -> None:\n'
        f"    assert double({n}) == {2 * n}\n"
        for n in range(4, 30)
    ]
    return UNIT_TESTS + "\n\n" + "\n\n".join(generated)


INTEGRATION_TEST = """\
import subprocess
import sys

import pytest


@pytest.mark.req("FR-003")
def test_in_a_child_process() -> None:
    code = "from alpha import double; print(double(21))"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert child.stdout == "42\\n"
"""


@pytest.fixture
def monorepo(
    ws_root: Path,
    built_once: BuiltOnce,
    add_member: Callable[..., Path],
    run_tier: Callable[..., Path],
) -> Path:
    """35 requirements, tests for 31 (one only skipped, one only failing), FR-099 unknown."""

    def build() -> None:
        (ws_root / ".python-version").write_text("3.11\n")
        pyproject = ws_root / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text() + "\n[tool.tiergate.requirements]\nmin-share = 80\n"
        )
        (ws_root / "docs/requirements").mkdir(parents=True)
        (ws_root / "docs/requirements/alpha.md").write_text(_spec())
        member = add_member("alpha", package="alpha", tests=True)
        (member / "src/alpha/__init__.py").write_text(
            "def double(x: int) -> int:\n    return 2 * x\n"
        )
        for tier, text in (("unit", _unit_tests()), ("integration", INTEGRATION_TEST)):
            (member / f"tests/{tier}").mkdir()
            (member / f"tests/{tier}/test_{tier}.py").write_text(text)
            run_tier("alpha", tier)

    built_once(build)
    return ws_root / ".tiergate/runs/r1"


def _failed(root: Path) -> dict[str, tuple[str, ...]]:
    verdict = evaluate(root, [root / ".tiergate/runs/r1"], strict=True, only=("requirements",))
    assert verdict.exit_code == 1
    return {r.gate: r.details for r in verdict.results if r.status == "failed"}


@pytest.mark.req("FR-055")
def test_the_gate_names_exactly_the_untested_skipped_failing_and_unknown(
    ws_root: Path, monorepo: Path
) -> None:
    del monorepo
    failed = _failed(ws_root)
    assert set(failed) == {
        "requirements/untested",
        "requirements/skipped",
        "requirements/failing",
        "requirements/unknown",
    }
    assert [line.split(" ", 1)[0] for line in failed["requirements/untested"]] == [
        "FR-032",
        "FR-033",
        "FR-034",
        "FR-035",
    ]
    assert failed["requirements/skipped"] == (
        "FR-030 (docs/requirements/alpha.md:42): doubling 30 works",
    )
    test = "packages/alpha/tests/unit/test_unit.py::test_broken"  # relative to the root
    assert failed["requirements/failing"] == (f"FR-031: failed: {test} (alpha, Python 3.11, unit)",)
    assert failed["requirements/unknown"] == (
        "FR-099: named by packages/alpha/tests/unit/test_unit.py::test_names_an_unknown_id",
    )


def _matrix_json(root: Path, run: Path) -> str:
    context = Context(
        root=root,
        workspace=load_workspace(root),
        config=load_config(root),
        sessions=merge_runs([run]),
        today=datetime.now(UTC).date(),
        strict=True,
    )
    return render_json(run_matrix(context, [".tiergate/runs/r1"]))


@pytest.mark.req("FR-054", "NFR-004")
def test_the_matrix_of_a_run_is_valid_and_the_same_bytes_every_time(
    ws_root: Path, monorepo: Path
) -> None:
    text = _matrix_json(ws_root, monorepo)
    assert _matrix_json(ws_root, monorepo) == text
    document = json.loads(text)
    jsonschema.validate(document, json.loads((FOLDER / "trace-matrix.schema.json").read_text()))
    summary = document["summary"]
    assert (summary["requirements"], summary["covered"], summary["share"]) == (35, 29, 82.86)
    assert summary["statuses"] == {
        "proven": 29,
        "missing-tier": 0,
        "failing": 1,
        "skipped": 1,
        "untested": 4,
    }
    rows = {row["id"]: row for row in document["requirements"]}
    assert (rows["FR-003"]["tiers"], rows["FR-003"]["proven_in"]) == (
        ["integration"],
        ["integration"],
    )
    assert rows["FR-002"]["tests"][0]["test"].endswith("test_unit.py::test_two[2]")
    assert rows["FR-002"]["mentions"] == [{"file": "docs/requirements/alpha.md", "line": 5}]


@pytest.mark.req("FR-053")
def test_the_static_scan_finds_the_same_tests_without_running_them(
    ws_root: Path, monorepo: Path
) -> None:
    del monorepo
    matrix = static_matrix(load_workspace(ws_root), load_config(ws_root))
    statuses = {row.id: row.status for row in matrix.requirements}
    assert [rid for rid, status in statuses.items() if status == "untested"] == [
        "FR-032",
        "FR-033",
        "FR-034",
        "FR-035",
    ]
    assert statuses["FR-030"] == statuses["FR-031"] == "tested"
    assert [u.id for u in matrix.unknown] == ["FR-099"]
    assert matrix.summary.tests == 32
