from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tiergate.config import TiergateConfig
from tiergate.errors import SpecError
from tiergate.tiers import folder_tiers
from tiergate.trace.scan import MarkedTest, Naming, scan_file, scan_workspace
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable

TIERS = {"unit": ("tests/unit",), "integration": ("tests/integration",), "e2e": ("tests/e2e",)}

SOURCE = """
import pytest
from pytest import mark

pytestmark = pytest.mark.req("FR-001")


@pytest.mark.req("FR-003", "FR-002")
@pytest.mark.slow
def test_function():
    pass


def test_module_mark_only():
    pass


def helper():
    pass


@mark.req("FR-004")
async def test_async():
    pass


@pytest.mark.req("FR-005")
class TestOuter:
    pytestmark: list[pytest.MarkDecorator] = [pytest.mark.req("FR-006"), pytest.mark.tier("e2e")]

    def test_method(self):
        pass

    class TestInner:
        @pytest.mark.req("FR-007")
        def test_nested(self):
            pass


class TestNotCollected:
    def __init__(self):
        pass

    @pytest.mark.req("FR-090")
    def test_ignored(self):
        pass


class TestOptedOut:
    __test__ = False

    @pytest.mark.req("FR-091")
    def test_ignored(self):
        pass


class Helper:
    @pytest.mark.req("FR-092")
    def test_ignored(self):
        pass


@pytest.mark.parametrize(
    "value",
    [
        1,
        pytest.param(2, marks=[pytest.mark.req("FR-008")]),
        pytest.param(3, marks=mark.req("FR-009")),
    ],
)
def test_param(value):
    assert value
"""


def _scan(tmp_path: Path, source: str, relative: str = "tests/unit/test_x.py") -> list[MarkedTest]:
    path = tmp_path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))
    return scan_file(path, tmp_path, TIERS, Naming())


@pytest.mark.req("FR-053")
def test_every_kind_of_req_mark_is_found_without_importing(tmp_path: Path) -> None:
    found = {(t.id.split("::", 1)[1], t.requirements, t.tier) for t in _scan(tmp_path, SOURCE)}
    assert found == {
        ("test_function", ("FR-001", "FR-002", "FR-003"), "unit"),
        ("test_module_mark_only", ("FR-001",), "unit"),
        ("test_async", ("FR-001", "FR-004"), "unit"),
        ("TestOuter::test_method", ("FR-001", "FR-005", "FR-006"), None),
        ("TestOuter::TestInner::test_nested", ("FR-001", "FR-005", "FR-006", "FR-007"), None),
        ("test_param", ("FR-001", "FR-008", "FR-009"), "unit"),
    }


@pytest.mark.req("FR-053")
def test_ids_are_node_ids_from_the_root_with_lines(tmp_path: Path) -> None:
    tests = _scan(tmp_path, SOURCE, "packages/a/tests/e2e/test_y.py")
    first = tests[0]
    assert first == MarkedTest(
        "packages/a/tests/e2e/test_y.py::test_function", 10, "e2e", ("FR-001", "FR-002", "FR-003")
    )
    assert {t.tier for t in tests} == {"e2e"}  # the tier mark agrees with the folder here


def test_a_tier_mark_decides_outside_tier_folders(tmp_path: Path) -> None:
    source = "import pytest\n\n@pytest.mark.tier('integration')\n@pytest.mark.req('FR-1')\n"
    unmarked = "\n\ndef test_b():\n    pass\n"
    tests = _scan(tmp_path, source + "def test_a():\n    pass\n" + unmarked, "tests/test_z.py")
    assert [(t.id, t.tier) for t in tests] == [("tests/test_z.py::test_a", "integration")]
    tests = _scan(
        tmp_path, "import pytest\n\n@pytest.mark.req('FR-1')\ndef test_a(): ...\n", "x/test_q.py"
    )
    assert [t.tier for t in tests] == [None]


def test_a_file_without_req_marks_is_not_even_parsed(tmp_path: Path) -> None:
    assert _scan(tmp_path, "this is not python, but it names no requirement\n") == []


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("import pytest\n\n@pytest.mark.req()\ndef test_a(): ...\n", 3, "@pytest.mark.req takes"),
        ("import pytest\n\n@pytest.mark.req\ndef test_a(): ...\n", 3, "@pytest.mark.req takes"),
        (
            "import pytest\nIDS = ['FR-1']\n\n@pytest.mark.req(*IDS)\ndef test_a(): ...\n",
            4,
            "@pytest.mark.req: *IDS is not a requirement ID as a string literal",
        ),
        (
            "import pytest\n\npytestmark = pytest.mark.req('FR-1', 12)\n\ndef test_a(): ...\n",
            3,
            "@pytest.mark.req: 12 is not a requirement ID",
        ),
        (  # as pytest-tiergate says: an ID has no space at its edges
            "import pytest\n\n@pytest.mark.req(' FR-1')\ndef test_a(): ...\n",
            3,
            "@pytest.mark.req: ' FR-1' is not a requirement ID",
        ),
        ("x.req = 1 +\n", 1, "cannot parse: "),
    ],
)
@pytest.mark.req("FR-053")
def test_what_a_static_scan_cannot_read_is_an_error_naming_file_and_line(
    tmp_path: Path, source: str, line: int, message: str
) -> None:
    with pytest.raises(SpecError) as caught:
        _scan(tmp_path, source)
    assert str(caught.value).startswith(f"{tmp_path / 'tests/unit/test_x.py'}:{line}: {message}")


def test_the_workspace_scan_follows_each_members_pytest_naming(
    ws_root: Path, add_member: Callable[..., Path]
) -> None:
    alpha = add_member("alpha", tests=True)
    (alpha / "pyproject.toml").write_text(
        (alpha / "pyproject.toml").read_text() + "\n[tool.pytest.ini_options]\n"
        'python_files = "check_*.py"\n'
        'python_classes = ["Check", "*Suite"]\n'
        'python_functions = ["check_*"]\n'
    )
    source = (
        "import pytest\n\n@pytest.mark.req('FR-1')\nclass MySuite:\n"
        "    def check_a(self): ...\n    def test_b(self): ...\n"
    )
    path = alpha / "tests/unit/check_x.py"
    path.parent.mkdir(parents=True)
    path.write_text(source)
    found = scan_workspace(load_workspace(ws_root), TiergateConfig())
    assert [t.id for t in found] == ["packages/alpha/tests/unit/check_x.py::MySuite::check_a"]


@pytest.mark.req("FR-053")
def test_the_workspace_scan_covers_each_member_tests_and_tier_folders(
    ws_root: Path, add_member: Callable[..., Path]
) -> None:
    alpha = add_member("alpha", tests=True)
    marked = "import pytest\n\n@pytest.mark.req('FR-001')\ndef test_a():\n    pass\n"
    for relative in ("tests/unit/test_u.py", "tests/test_top.py", "tests/e2e/sub/test_deep.py"):
        (alpha / relative).parent.mkdir(parents=True, exist_ok=True)
        (alpha / relative).write_text(marked)
    (alpha / "tests/unit/helpers.py").write_text(marked)
    (alpha / "tests/unit/.hidden").mkdir()
    (alpha / "tests/unit/.hidden/test_h.py").write_text(marked)
    found = scan_workspace(load_workspace(ws_root), TiergateConfig())
    assert [(t.id, t.tier, t.package) for t in found] == [
        ("packages/alpha/tests/e2e/sub/test_deep.py::test_a", "e2e", "alpha"),
        ("packages/alpha/tests/test_top.py::test_a", "unit", "alpha"),  # the default tier
        ("packages/alpha/tests/unit/test_u.py::test_a", "unit", "alpha"),
    ]


def test_folder_tiers_match_whole_consecutive_parts_below_the_root() -> None:
    root = Path("/ws/tests/unit/root")
    assert folder_tiers(root / "packages/x/tests/e2e/test_a.py", root, TIERS) == ["e2e"]
    assert folder_tiers(root / "tests/unittest/test_a.py", root, TIERS) == []
    assert folder_tiers(Path("/elsewhere/tests/unit/test_a.py"), root, TIERS) == ["unit"]
