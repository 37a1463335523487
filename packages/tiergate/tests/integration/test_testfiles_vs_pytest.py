"""The test files tiergate expects of a member are those real pytest collects, on three layouts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from typing import TYPE_CHECKING

import pytest

from tiergate.testfiles import MemberTests, find_member_tests

if TYPE_CHECKING:
    from pathlib import Path

TEST = "def test_it():\n    assert True\n"
HELPER = "def make_widget():\n    return 1\n"
TESTCASE = (
    "import unittest\n\n\nclass Widget(unittest.TestCase):\n    def test_w(self):\n        pass\n"
)
WORKSPACE = (
    '[project]\nname = "ws"\nversion = "0"\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
)
MEMBER = '[project]\nname = "{}"\nversion = "0"\n'

LAYOUTS: dict[str, dict[str, str]] = {
    # Root testpaths: the root member keeps tests/, each member is searched whole.
    "root-testpaths": {
        "pyproject.toml": WORKSPACE + '\n[tool.pytest]\ntestpaths = ["tests", "packages"]\n',
        "tests/test_contract.py": TEST,
        "packages/a/tests/test_flat.py": TEST,
        "packages/a/tests/test_utils.py": HELPER,
        "packages/a/tests/conftest.py": HELPER,
        "packages/a/src/a/__init__.py": "",
        "packages/a/src/a/calc.py": HELPER,
        "packages/a/src/a/calc_test.py": TEST,
        "packages/a/.venv/pyvenv.cfg": "home = /usr/bin\n",
        "packages/a/.venv/lib/test_installed.py": TEST,
        "packages/a/env/pyvenv.cfg": "home = /usr/bin\n",
        "packages/a/env/lib/test_installed_too.py": TEST,
        "packages/b/test/test_case.py": TESTCASE,
        "packages/b/test/test_client.py": (
            "class TestClient:\n    def __init__(self):\n        pass\n\n"
            "    def test_get(self):\n        pass\n"
        ),
    },
    # A member's own pytest.ini: testpaths, python_files, norecursedirs; a broken file.
    "member-ini": {
        "pyproject.toml": WORKSPACE,
        "packages/a/pytest.ini": textwrap.dedent("""\
            [pytest]
            testpaths = checks it
            python_files = check_*.py *_spec.py
            norecursedirs = slow*
            """),
        "packages/a/checks/check_one.py": TEST,
        "packages/a/checks/test_ignored_name.py": TEST,
        "packages/a/checks/slow_suite/check_slow.py": TEST,
        "packages/a/checks/build/check_built.py": TEST,
        "packages/a/it/thing_spec.py": TEST,
        "packages/a/it/check_broken.py": "def test_broken(:\n    pass\n",
        "packages/a/other/check_elsewhere.py": TEST,
        "packages/b/tests/unit/test_unit_b.py": TEST,
        "packages/b/tests/integration/test_integration_b.py": TEST,
        "packages/b/tests/e2e/test_e2e_b.py": TEST,
    },
    # Root testpaths inside a member, from setup.cfg; the root holds tests of its own.
    "setup-cfg-inside-member": {
        "pyproject.toml": WORKSPACE,
        "setup.cfg": "[tool:pytest]\ntestpaths = packages/a/it\npython_classes = *Suite\n",
        "test_top.py": "class ReleaseSuite:\n    def test_release(self):\n        pass\n",
        "tests/test_plain_class.py": "class TestPlain:\n    def test_x(self):\n        pass\n",
        "packages/a/it/test_it_a.py": TEST,
        "packages/a/tests/test_not_in_testpaths.py": TEST,
        "packages/b/tests/test_b_flat.py": TEST,
    },
}

EXPECTED = {
    "root-testpaths": {
        "": ["tests/test_contract.py"],
        "packages/a": ["packages/a/src/a/calc_test.py", "packages/a/tests/test_flat.py"],
        "packages/b": ["packages/b/test/test_case.py"],
    },
    "member-ini": {
        "": [],
        "packages/a": [
            "packages/a/checks/build/check_built.py",
            "packages/a/checks/check_one.py",
            "packages/a/it/check_broken.py",
            "packages/a/it/thing_spec.py",
        ],
        "packages/b": [
            "packages/b/tests/e2e/test_e2e_b.py",
            "packages/b/tests/integration/test_integration_b.py",
            "packages/b/tests/unit/test_unit_b.py",
        ],
    },
    "setup-cfg-inside-member": {
        "": ["test_top.py"],
        "packages/a": ["packages/a/it/test_it_a.py"],
        "packages/b": ["packages/b/tests/test_b_flat.py"],
    },
}

_ERROR = re.compile(r"^ERROR (\S+)")


def build(root: Path, files: dict[str, str]) -> None:
    for name in ("a", "b"):
        files.setdefault(f"packages/{name}/pyproject.toml", MEMBER.format(name))
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def collected_by_pytest(root: Path, tests: MemberTests) -> set[Path]:
    """The files real pytest collects (tests or errors) given the member's roots and ignores.

    Node IDs are relative to pytest's rootdir: if ours were wrong, the paths would not match.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--collect-only",
        "-q",
        "-p",
        "no:tiergate",
        "-p",
        "no:cacheprovider",
        "--import-mode=importlib",
        *(str(path) for path in tests.roots),
        *(f"--ignore={path}" for path in tests.ignore),
    ]
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert result.returncode in {0, 2, 5}, result.stdout + result.stderr
    found: set[Path] = set()
    for line in result.stdout.splitlines():
        error = _ERROR.match(line)
        if "::" in line and not line.startswith(" "):
            found.add(tests.settings.rootdir / line.split("::")[0])
        elif error:
            found.add(root / error[1])  # the summary names a path relative to the working folder
    return found


@pytest.mark.req("FR-107", "FR-108")
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_files_are_those_pytest_collects(tmp_path: Path, layout: str) -> None:
    root = tmp_path / "ws"
    build(root, dict(LAYOUTS[layout]))
    members = [root, root / "packages/a", root / "packages/b"]
    for member in members:
        tests = find_member_tests(member, root, other_members=members)
        assert set(tests.files) == collected_by_pytest(root, tests), member
        relative = [path.relative_to(root).as_posix() for path in tests.files]
        assert relative == EXPECTED[layout][member.relative_to(root).as_posix().strip(".")]
