"""Time the static requirement scan on a generated tree of 10,000 tests and 1,000 requirements.

Usage: ``uv run python bench/trace_scan.py [--runs N] [--keep DIR]``. Writes a
throwaway workspace (one member; 1,000 test files of 10 tests each across the
three tiers; 10 spec files of 100 requirements each), then prints the median of
N runs of:

* the static matrix, in the library (read the specs, scan the tests, join);
* ``tiergate trace --check``, the pre-commit hook's command, as a process;
* ``pytest --collect-only -q`` on the same tests (imports every test module);
* ``grep -rhoE`` of the requirement markers (text only: no node ids, no tiers).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.config import load_config
from tiergate.trace.matrix import static_matrix
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable

FILES = 1000
TESTS_PER_FILE = 10
REQUIREMENTS = 1000
SPEC_FILES = 10
TIERS = ("unit", "unit", "unit", "integration", "integration", "e2e")
ROOT_PYPROJECT = """\
[tool.uv.workspace]
members = ["packages/*"]

[tool.tiergate.requirements]
id-patterns = ['REQ-\\d{4}']
"""
MEMBER_PYPROJECT = '[project]\nname = "bench"\nversion = "1.0"\ndependencies = []\n'


def _rid(number: int) -> str:
    return f"REQ-{number % REQUIREMENTS + 1:04}"


def _test_file(index: int) -> str:
    """Ten tests: decorated functions, a marked class, a parametrized case, a module mark."""
    first = index * TESTS_PER_FILE
    lines = ["import pytest", "", f'pytestmark = pytest.mark.req("{_rid(index)}")', ""]
    for number in range(first, first + 6):
        lines += ["", f'@pytest.mark.req("{_rid(number)}", "{_rid(number + 7)}")']
        lines += [f"def test_{number}() -> None:", f"    assert {number} >= 0", ""]
    lines += ["", f'@pytest.mark.req("{_rid(first + 6)}")', "class TestGroup:"]
    for number in range(first + 6, first + 9):
        lines += [f"    def test_{number}(self) -> None:", f"        assert {number} >= 0", ""]
    param = f'pytest.param(1, marks=pytest.mark.req("{_rid(first + 9)}"))'
    lines += ["", f'@pytest.mark.parametrize("value", [{param}])']
    lines += [f"def test_{first + 9}(value: int) -> None:", "    assert value", ""]
    return "\n".join(lines)


def generate(root: Path) -> None:
    """The workspace: root and member pyproject, specs, 1,000 test files."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(ROOT_PYPROJECT)
    (root / ".python-version").write_text(f"{sys.version_info.major}.{sys.version_info.minor}\n")
    member = root / "packages/bench"
    (member / "src/bench").mkdir(parents=True)
    (member / "src/bench/__init__.py").write_text("")
    (member / "pyproject.toml").write_text(MEMBER_PYPROJECT)
    specs = root / "docs/requirements"
    specs.mkdir(parents=True)
    per_file = REQUIREMENTS // SPEC_FILES
    for spec in range(SPEC_FILES):
        items = [
            f"- {_rid(number - 1)}: requirement {number} holds"
            for number in range(spec * per_file + 1, (spec + 1) * per_file + 1)
        ]
        (specs / f"area_{spec:02}.md").write_text(f"# Area {spec}\n\n" + "\n".join(items) + "\n")
    for index in range(FILES):
        folder = member / "tests" / TIERS[index % len(TIERS)] / f"group_{index // 100:02}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"test_area_{index:04}.py").write_text(_test_file(index))


def _median(runs: int, action: Callable[[], object]) -> float:
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def _run(command: list[str], root: Path) -> None:
    subprocess.run(command, cwd=root, check=True, capture_output=True)


def main() -> None:
    """Generate the tree, time each way of finding the markers, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="tiergate-trace-bench-"))
    try:
        started = time.perf_counter()
        generate(root)
        seconds = time.perf_counter() - started
        tests = FILES * TESTS_PER_FILE
        print(f"setup: {FILES} files, {tests} tests, {REQUIREMENTS} requirements: {seconds:.2f} s")
        matrix = static_matrix(load_workspace(root), load_config(root))
        summary = matrix.summary
        print(f"static matrix: {summary.tests} tests name {summary.covered} requirements")

        def library() -> None:
            static_matrix(load_workspace(root), load_config(root))

        check = [sys.executable, "-m", "tiergate", "--root", str(root), "trace", "--check"]
        collect = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"]
        grep = ["grep", "-rhoE", r"mark\.req\([^)]*\)", "packages"]
        scan = _median(args.runs, library)
        hook = _median(args.runs, lambda: _run(check, root))
        pytest = _median(args.runs, lambda: _run(collect, root))
        text = _median(args.runs, lambda: _run(grep, root))
        print(f"static matrix in the library (median of {args.runs}):  {scan:.2f} s")
        print(f"tiergate trace --check, whole process:           {hook:.2f} s")
        print(f"pytest --collect-only -q:                        {pytest:.2f} s")
        print(f"grep -rhoE 'mark.req(...)' (text only):          {text:.2f} s")
        print(f"ratio static matrix / pytest --collect-only: {scan / pytest:.2f}x")
        print(f"ratio tiergate trace --check / pytest --collect-only: {hook / pytest:.2f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
