"""tiergate.covdata against the real ``coverage report``, on data from real test runs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from tiergate.covdata import SourceIndex, measure, read_executed, total, union

SOURCES = {
    "src/pkg/__init__.py": '"""A package: one statement."""\n',
    "src/pkg/core.py": """\
        def add(a, b):
            return a + b


        def scale(values, factor):
            result = []
            for value in values:
                if value < 0:
                    result.append(0)
                else:
                    result.append(value * factor)
            return result


        def count_while(limit, enabled):
            n = 0
            while (
                n < limit
                and enabled
            ):
                n += 1
            return n


        def never_called():
            text = "never"
            return text.upper()
        """,
    "src/pkg/unused.py": """\
        def alone():
            return 1


        VALUE = alone()
        """,
    "src/pkg/typed.py": """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from collections.abc import Iterable


        class Base:
            def run(self):
                raise NotImplementedError

            def name(self):
                return type(self).__name__


        def summed(values):
            return sum(values)
        """,
    "src/pkg/sub/__init__.py": "",
    "src/pkg/sub/deep.py": """\
        def depth(n):
            if n > 1:
                return depth(n - 1) + 1
            return 1
        """,
    "src/pkg/generated.py": "X = 1\n",  # omitted by [tool.coverage.run] omit
    "src/pkg/scripts/orphan.py": "Y = 2\n",  # no __init__.py: not importable, not counted
    "tests/unit/test_tier_a.py": """\
        from pkg.core import add, count_while, scale
        from pkg.typed import summed


        def test_a():
            assert add(1, 2) == 3
            assert scale([1, 2], 3) == [3, 6]
            assert count_while(3, True) == 3
            assert summed([1, 2]) == 3
        """,
    "tests/e2e/test_tier_b.py": """\
        from pkg.core import scale
        from pkg.sub.deep import depth


        def test_b():
            assert scale([-1], 2) == [0]
            assert depth(2) == 2
        """,
    "nothing.py": "print('imports nothing from src/pkg')\n",
}

PYPROJECT = """\
[tool.coverage.run]
relative_files = true
source = ["src/pkg"]
omit = ["src/pkg/generated.py"]

[tool.coverage.report]
precision = {precision}
exclude_also = ["if TYPE_CHECKING:", "raise NotImplementedError"]
"""

SOURCE = Path("src/pkg")
Row = tuple[str, str, str, str]  # statements, missing, cover, missing lines


@dataclass(frozen=True)
class Project:
    root: Path
    tiers: tuple[Path, Path]
    combined: Path


def _env(root: Path) -> dict[str, str]:
    # No outer coverage (patch = subprocess) nor outer pytest options leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COVERAGE_", "PYTEST_"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONPATH"] = str(root / "src")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def _coverage(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coverage", *args],
        cwd=root,
        env=_env(root),
        capture_output=True,
        text=True,
        check=check,
    )


def _write_pyproject(root: Path, precision: int) -> None:
    (root / "pyproject.toml").write_text(PYPROJECT.format(precision=precision), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A package tested in two tiers, each under its own ``coverage run``, and their combination."""
    root = tmp_path_factory.mktemp("covproject")
    for relative, text in SOURCES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    _write_pyproject(root, 2)
    tiers = (root / "unit.coverage", root / "e2e.coverage")
    for data, tests in zip(tiers, ("tests/unit", "tests/e2e"), strict=True):
        pytest_argv = ["-m", "pytest", "-q", "-p", "no:cacheprovider", tests]
        _coverage(root, "run", f"--data-file={data.name}", *pytest_argv)
    combined = root / "combined.coverage"
    _coverage(root, "combine", "--keep", f"--data-file={combined.name}", *(t.name for t in tiers))
    return Project(root, tiers, combined)


def _report(root: Path, data: Path) -> dict[str, Row]:
    """``coverage report -m``: name -> (Stmts, Miss, Cover without %, Missing)."""
    output = _coverage(root, "report", "-m", f"--data-file={data}").stdout
    rows: dict[str, Row] = {}
    for line in output.splitlines():
        if not line.strip() or line.startswith(("-", "Name ")):
            continue
        name, statements, missing, cover, *lines = line.split(maxsplit=4)
        rows[name] = (statements, missing, cover.removesuffix("%"), "".join(lines))
    return rows


def _ours(index: SourceIndex, executed: dict[str, frozenset[int]]) -> dict[str, Row]:
    precision = index.precision
    lines = measure(index, index.files_under(SOURCE), executed)
    rows = {
        one.path: (
            str(len(one.statements)),
            str(len(one.missing)),
            one.numbers().percent(precision),
            one.missing_ranges(),
        )
        for one in lines
    }
    counts = total(lines)
    rows["TOTAL"] = (str(counts.statements), str(counts.missing), counts.percent(precision), "")
    return rows


@pytest.fixture(params=[0, 1, 2], ids=lambda p: f"precision{p}")
def copy(request: pytest.FixtureRequest, project: Project, tmp_path: Path) -> Project:
    """The project copied, with ``[tool.coverage.report] precision`` set to the parameter."""
    root = tmp_path / "project"
    shutil.copytree(project.root, root)
    _write_pyproject(root, request.param)
    return Project(
        root,
        (root / project.tiers[0].name, root / project.tiers[1].name),
        root / project.combined.name,
    )


@pytest.mark.req("FR-031")
def test_each_tier_alone_equals_coverage_report(copy: Project) -> None:
    index = SourceIndex(copy.root)
    for data in copy.tiers:
        assert _ours(index, read_executed(data, copy.root)) == _report(copy.root, data)


@pytest.mark.req("FR-031")
def test_union_of_tiers_equals_report_of_combined_data(copy: Project) -> None:
    index = SourceIndex(copy.root)
    executed = union(*(read_executed(data, copy.root) for data in copy.tiers))
    assert _ours(index, executed) == _report(copy.root, copy.combined)


def test_the_project_exercises_what_it_claims(project: Project) -> None:
    index = SourceIndex(project.root)
    assert index.precision == 2
    assert index.files_under(SOURCE) == [
        "src/pkg/__init__.py",
        "src/pkg/core.py",
        "src/pkg/sub/__init__.py",
        "src/pkg/sub/deep.py",
        "src/pkg/typed.py",
        "src/pkg/unused.py",
    ]
    typed = index.statements("src/pkg/typed.py")
    assert not typed & {3, 4, 9}  # if TYPE_CHECKING: block, raise NotImplementedError
    unit, e2e = (read_executed(data, project.root) for data in project.tiers)
    assert "src/pkg/unused.py" not in union(unit, e2e)  # imported by nothing: 0%
    core = "src/pkg/core.py"
    # The multi-line while (line 17) is traced on its condition's line 18 (only, on
    # CPython 3.11-3.13); coverage.py, and so tiergate, count line 17 as run.
    assert 18 in unit[core]
    assert 17 in index.executed(core, unit[core])
    per_tier = [measure(index, [core], tier)[0].numbers() for tier in (unit, e2e)]
    both = measure(index, [core], union(unit, e2e))[0].numbers()
    assert both.covered > max(counts.covered for counts in per_tier)
    average = sum(counts.ratio for counts in per_tier) / 2
    assert both.ratio != average


@pytest.mark.req("FR-031")
def test_fail_under_agrees_with_coverage_report(project: Project) -> None:
    index = SourceIndex(project.root)
    executed = union(*(read_executed(data, project.root) for data in project.tiers))
    counts = total(measure(index, index.files_under(SOURCE), executed))
    shown = float(counts.percent(2))
    exact = round(counts.pc_covered(), 3)
    for bound in (shown, shown + 0.01, shown - 0.01, exact, exact + 0.001, 100.0, 0.0):
        result = _coverage(
            project.root,
            "report",
            f"--data-file={project.combined}",
            f"--fail-under={bound}",
            check=False,
        )
        assert result.returncode in {0, 2}, result.stderr
        assert counts.meets(bound, 2) is (result.returncode == 0), bound


def test_a_data_file_that_measured_nothing_reads_as_empty(project: Project, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(project.root, root)
    _coverage(root, "run", "--data-file=nothing.coverage", "nothing.py")
    data = root / "nothing.coverage"
    assert data.is_file()
    assert read_executed(data, root) == {}
    (root / "empty").mkdir()
    _coverage(root, "run", "--data-file=bare.coverage", "--source=empty", "nothing.py")
    assert read_executed(root / "bare.coverage", root) == {}
