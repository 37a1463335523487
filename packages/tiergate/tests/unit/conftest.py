"""Run folders for the unit tier, written in-process in the formats the sessions write.

A tests session leaves, per tier, ``tests.jsonl`` (one :class:`~tiergate.records.TestRecord`
per line), ``junit.xml`` (one ``<testcase>`` per test) and ``coverage.db`` (coverage.py data
with paths relative to the root, as ``relative_files = true`` stores them), then its
``manifest.json``; a tool session leaves its tool's own JSON. Here they are written
directly: the gates read genuine artifacts of known content, without running pytest,
coverage or a tool. The integration and end-to-end tiers produce them for real.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import TYPE_CHECKING, Any

import coverage
import pytest

from tiergate.advisories.audit import ADVISORY_DB_ENV, AuditResult
from tiergate.context import Context
from tiergate.history.url import HISTORY_URL_ENV
from tiergate.records import TestRecord
from tiergate.runfolder import (
    RUN_ID_ENV,
    SessionManifest,
    TierRun,
    session_dir,
    session_name,
    write_manifest,
)
from tiergate.verdict import evaluate

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
    from pathlib import Path

    from tiergate.runfolder import Outcome, SessionKind
    from tiergate.verdict import Verdict

TODAY = date(2026, 11, 22)
STARTED = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)

CALC = """\
import os


def double(x):
    return 2 * x


def sign(x):
    if x < 0:
        return -1
    return 1


class Box:
    def twice(self, x):
        return double(x)
"""
"""``alpha.calc``: 10 statements, on lines 1, 4, 5, 8, 9, 10, 11, 14, 15, 16."""
CALC_PATH = "packages/alpha/src/alpha/calc.py"
INIT_PATH = "packages/alpha/src/alpha/__init__.py"
IMPORTED = (1, 4, 8, 14, 15)
"""The lines of ``alpha.calc`` that importing it runs (the ``import`` and each ``def``)."""

TEST_CALC = "def test_0():\n    pass\n"
"""The test file of each tier of ``alpha`` (the records name ``test_calc.py::test_<n>``)."""

COVERAGE_CONFIG = """
[tool.coverage.run]
relative_files = true

[tool.coverage.report]
precision = 2
"""

_EXIT_CODES: dict[str, int] = {"passed": 0, "failed": 1, "crashed": 3}
_JUNIT_ELEMENTS = {
    "failed": "failure",
    "error": "error",
    "skipped": "skipped",
    "xfailed": "skipped",
}


def record(  # noqa: PLR0913 - one keyword per field of a record
    nodeid: str,
    outcome: str = "passed",
    *,
    tier: str | None = "unit",
    duration: float = 0.25,
    skip_reason: str | None = None,
    skip_allowed: bool | None = None,
    strict_xpass: bool = False,
    requirements: Sequence[str] = (),
) -> TestRecord:
    """A per-test record as pytest-tiergate writes it."""
    return TestRecord.model_validate(
        {
            "nodeid": nodeid,
            "tier": tier,
            "outcome": outcome,
            "duration": duration,
            "skip_reason": skip_reason,
            "skip_allowed": skip_allowed,
            "strict_xpass": strict_xpass,
            "requirements": list(requirements),
        }
    )


def passing(count: int, tier: str = "unit", module: str = "test_calc") -> tuple[TestRecord, ...]:
    """``count`` passing records ``packages/alpha/tests/<tier>/<module>.py::test_<n>``."""
    return tuple(
        record(f"packages/alpha/tests/{tier}/{module}.py::test_{n}", tier=tier)
        for n in range(count)
    )


@dataclass(frozen=True)
class Tier:
    """What one tier of a tests session left in its folder."""

    records: Sequence[TestRecord] | None = ()
    """``None``: no ``tests.jsonl`` was written."""
    executed: Mapping[str, Iterable[int]] | None = None
    """Lines executed per file (relative posix path); ``None``: no ``coverage.db``.
    A file mapped to no line is measured but ran nothing (coverage.py's ``touch_files``)."""
    junit_tests: int | None = None
    """``<testcase>`` elements in ``junit.xml`` (default: one per record)."""
    junit: bool = True
    """``False``: no ``junit.xml`` was written."""
    outcome: Outcome = "passed"
    message: str = ""
    roles: tuple[str, ...] = ("junit", "records", "coverage")
    """The artifacts the manifest lists (the session lists them whether or not they exist)."""


def junit_xml(records: Sequence[TestRecord], tests: int | None = None) -> str:
    """pytest's JUnit XML: one ``<testcase>`` per record (``tests`` of them when given)."""
    count = len(records) if tests is None else tests
    cases = []
    counted = {"failure": 0, "error": 0, "skipped": 0}
    for number in range(count):
        one = (
            records[number] if number < len(records) else record(f"tests/test_x.py::test_{number}")
        )
        module, _, name = one.nodeid.partition("::")
        classname = module.removesuffix(".py").replace("/", ".")
        head = f'<testcase classname="{escape(classname)}" name="{escape(name)}" time="0.001"'
        element = _JUNIT_ELEMENTS.get(one.outcome)
        if one.strict_xpass:
            element = "skipped"  # pytest's JUnit XML writes a passed strict xfail as a skip
        if element is None:
            cases.append(head + " />")
            continue
        counted[element] += 1
        why = escape(one.skip_reason or f"{one.outcome} in {name}")
        cases.append(f'{head}><{element} message="{why}">{why}</{element}></testcase>')
    suite = (
        f'<testsuite name="pytest" errors="{counted["error"]}" failures="{counted["failure"]}" '
        f'skipped="{counted["skipped"]}" tests="{count}" time="0.100" '
        f'timestamp="{STARTED.isoformat()}" hostname="unit">'
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests">'
        + suite
        + "".join(cases)
        + "</testsuite></testsuites>"
    )


def write_coverage(path: Path, executed: Mapping[str, Iterable[int]]) -> Path:
    """A coverage.py data file holding ``executed`` (lines per relative path)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = coverage.CoverageData(basename=str(path))
    data.add_lines({name: sorted(lines) for name, lines in executed.items() if lines})
    if untouched := [name for name, lines in executed.items() if not lines]:
        data.touch_files(untouched)
    data.write()
    data.close()
    return path


def ruff_finding(filename: str, row: int, code: str, message: str) -> dict[str, Any]:
    """One item of ``ruff check --output-format=json``."""
    return {
        "cell": None,
        "code": code,
        "end_location": {"column": 10, "row": row},
        "filename": filename,
        "fix": None,
        "location": {"column": 1, "row": row},
        "message": message,
        "noqa_row": row,
        "url": f"https://docs.astral.sh/ruff/rules/{code.lower()}",
    }


def mypy_line(file: str, line: int, message: str, code: str | None, severity: str = "error") -> str:
    """One line of ``mypy -O json``."""
    item = {
        "file": file,
        "line": line,
        "column": 4,
        "message": message,
        "hint": None,
        "code": code,
        "severity": severity,
    }
    return json.dumps(item)


def sqlfluff_file(filepath: str, *violations: tuple[int, str, str]) -> dict[str, Any]:
    """One file of ``sqlfluff lint --format=json``: ``(line, code, description)`` each."""
    return {
        "filepath": filepath,
        "violations": [
            {
                "start_line_no": line,
                "start_line_pos": 1,
                "code": code,
                "description": description,
                "name": "layout.spacing",
                "warning": False,
                "fixes": [],
            }
            for line, code, description in violations
        ],
        "statistics": {"source_chars": 40, "templating": 0.0, "parsing": 0.0},
        "timings": {"templating": 0.0, "lexing": 0.0, "parsing": 0.0, "linting": 0.0},
    }


def bandit_json(*results: tuple[str, int, str, str]) -> str:
    """``bandit -f json``: ``(filename, line, test id, issue text)`` per result."""
    return json.dumps(
        {
            "errors": [],
            "generated_at": STARTED.isoformat(),
            "metrics": {"_totals": {"loc": 10, "nosec": 0}},
            "results": [
                {
                    "code": f"{line} ...\n",
                    "col_offset": 0,
                    "filename": filename,
                    "issue_confidence": "HIGH",
                    "issue_severity": "LOW",
                    "issue_text": text,
                    "line_number": line,
                    "line_range": [line],
                    "more_info": f"https://bandit.readthedocs.io/en/latest/{test_id.lower()}.html",
                    "test_id": test_id,
                    "test_name": "blacklist",
                }
                for filename, line, test_id, text in results
            ],
        },
        indent=2,
    )


@dataclass
class RunFolder:
    """A run folder ``.tiergate/runs/<run_id>`` of the workspace at ``root``, written by hand."""

    root: Path
    run_id: str = "r1"
    started: datetime = STARTED
    folders: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        (self.path / "sessions").mkdir(parents=True, exist_ok=True)

    @property
    def path(self) -> Path:
        """The run folder."""
        return self.root / ".tiergate" / "runs" / self.run_id

    def tests(
        self,
        package: str,
        tiers: Mapping[str, Tier],
        *,
        python: str = "3.11",
        outcome: Outcome | None = None,
        message: str = "",
    ) -> Path:
        """A tests session of ``package`` on ``python`` that ran ``tiers``; its folder."""
        name = session_name("tests", python, package)
        folder = session_dir(self.path, name)
        runs = {tier: self._tier(folder, tier, spec) for tier, spec in tiers.items()}
        worst: Outcome = (
            "crashed"
            if any(run.outcome == "crashed" for run in runs.values())
            else "failed"
            if any(run.outcome == "failed" for run in runs.values())
            else "passed"
        )
        command = ["python", "-m", "coverage", "run", "--parallel-mode", "-m", "pytest"]
        self._manifest(
            folder,
            name,
            "tests",
            package=package,
            python=python,
            outcome=outcome or worst,
            exit_code=max((run.exit_code for run in runs.values()), default=0),
            command=command,
            message=message,
            tiers=runs,
        )
        return folder

    def _tier(self, folder: Path, tier: str, spec: Tier) -> TierRun:
        (folder / tier).mkdir(parents=True, exist_ok=True)
        artifacts = {
            role: f"{tier}/{name}"
            for role, name in (
                ("junit", "junit.xml"),
                ("records", "tests.jsonl"),
                ("coverage", "coverage.db"),
            )
            if role in spec.roles
        }
        if spec.records is not None:
            lines = (json.dumps(r.model_dump(mode="json"), sort_keys=True) for r in spec.records)
            (folder / tier / "tests.jsonl").write_text("".join(f"{line}\n" for line in lines))
            if spec.junit:
                text = junit_xml(spec.records, spec.junit_tests)
                (folder / tier / "junit.xml").write_text(text, encoding="utf-8")
        if spec.executed is not None:
            write_coverage(folder / tier / "coverage.db", spec.executed)
        return TierRun(
            exit_code=_EXIT_CODES[spec.outcome],
            outcome=spec.outcome,
            artifacts=artifacts,
            message=spec.message,
        )

    def tool(  # noqa: PLR0913 - one keyword per part of a tool session
        self,
        kind: SessionKind,
        files: Mapping[str, tuple[str, str]],
        *,
        package: str | None = None,
        python: str | None = None,
        outcome: Outcome = "passed",
        message: str = "",
    ) -> Path:
        """A tool session that left ``files`` (role -> (file name, text)); its folder."""
        name = session_name(kind, python, package)
        folder = session_dir(self.path, name)
        folder.mkdir(parents=True, exist_ok=True)
        for file_name, text in files.values():
            (folder / file_name).write_text(text, encoding="utf-8")
        self._manifest(
            folder,
            name,
            kind,
            package=package,
            python=python,
            outcome=outcome,
            exit_code=_EXIT_CODES[outcome],
            command=[kind],
            message=message,
            artifacts={role: file_name for role, (file_name, _) in files.items()},
        )
        return folder

    def lint(self, *findings: dict[str, Any], outcome: Outcome | None = None) -> Path:
        """The ``lint`` session: ``ruff.json``."""
        text = json.dumps(list(findings), indent=2)
        chosen = outcome or ("failed" if findings else "passed")
        message = f"ruff: {len(findings)} finding(s), format check exit 0" if findings else ""
        return self.tool("lint", {"findings": ("ruff.json", text)}, outcome=chosen, message=message)

    def types(self, package: str, *lines: str, python: str = "3.11") -> Path:
        """The ``type-<python>(package=...)`` session: ``mypy.jsonl`` (and mypy's summary)."""
        errors = [line for line in lines if '"severity": "error"' in line]
        summary = f"Found {len(errors)} errors in 1 file (checked 2 source files)" if errors else ""
        text = "".join(f"{line}\n" for line in (*lines, summary) if line)
        return self.tool(
            "type",
            {"findings": ("mypy.jsonl", text)},
            package=package,
            python=python,
            outcome="failed" if errors else "passed",
            message=f"mypy: {len(errors)} error(s)" if errors else "",
        )

    def sql(self, *files: dict[str, Any]) -> Path:
        """The ``sql`` session: ``sqlfluff.json``."""
        bad = any(one["violations"] for one in files)
        return self.tool(
            "sql",
            {"findings": ("sqlfluff.json", json.dumps(list(files)))},
            outcome="failed" if bad else "passed",
            message=f"sqlfluff: problems in {len(files)} file(s)" if bad else "",
        )

    def security(self, bandit: str) -> Path:
        """The ``security`` session: ``bandit.json``."""
        bad = bool(json.loads(bandit)["results"])
        return self.tool(
            "security",
            {"findings": ("bandit.json", bandit)},
            outcome="failed" if bad else "passed",
            message="bandit exit 1" if bad else "",
        )

    def audit(self, audit: AuditResult) -> Path:
        """The ``audit`` session: ``requirements.txt`` and ``audit.json``."""
        bad = audit.status != "passed"
        return self.tool(
            "audit",
            {
                "requirements": ("requirements.txt", "idna==3.4\n"),
                "findings": ("audit.json", audit.to_json()),
            },
            outcome="failed" if bad else "passed",
            message="audit exit 1" if bad else "",
        )

    def clean_tools(self, package: str) -> None:
        """Every tool session, clean: lint, types of ``package``, sql, security and audit."""
        self.lint()
        self.types(package)
        self.sql()
        self.security(bandit_json())
        self.audit(AuditResult(source="offline", findings=(), packages_audited=1))

    def _manifest(  # noqa: PLR0913 - one keyword per field of a manifest
        self,
        folder: Path,
        name: str,
        kind: SessionKind,
        *,
        package: str | None,
        python: str | None,
        outcome: Outcome,
        exit_code: int,
        command: list[str],
        message: str,
        artifacts: dict[str, str] | None = None,
        tiers: dict[str, TierRun] | None = None,
    ) -> None:
        write_manifest(
            folder,
            SessionManifest(
                schema_version=1,
                run_id=self.run_id,
                session=name,
                kind=kind,
                package=package,
                python=python,
                started_at=self.started,
                finished_at=self.started + timedelta(seconds=30),
                outcome=outcome,
                exit_code=exit_code,
                command=command,
                artifacts=artifacts or {},
                message=message,
                tiers=tiers or {},
            ),
        )
        self.folders.append(folder)

    def context(self, *, strict: bool = False, base: str | None = None) -> Context:
        """The gates' context of this run (today is :data:`TODAY`)."""
        return Context.load(self.root, [self.path], strict=strict, today=TODAY, base=base)

    def verdict(
        self, *, strict: bool = False, only: Collection[str] | None = None, base: str | None = None
    ) -> Verdict:
        """Every gate (or the kinds in ``only``) evaluated over this run."""
        return evaluate(self.root, [self.path], strict=strict, today=TODAY, only=only, base=base)


OUTER_ENVIRONMENT = (
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "CI",
    RUN_ID_ENV,
    HISTORY_URL_ENV,
    ADVISORY_DB_ENV,
    "GITHUB_STEP_SUMMARY",
    "GITHUB_HEAD_REF",
    "GITHUB_REF_NAME",
    "GITHUB_REF_TYPE",
)
"""Variables of an outer run (CI, a terminal, ``invoke check``) that change what tiergate does."""


@pytest.fixture(autouse=True)
def _known_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A 120-column pipe without colour, and none of :data:`OUTER_ENVIRONMENT`."""
    monkeypatch.setenv("COLUMNS", "120")
    for name in OUTER_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def commit_all(git_init: Callable[[Path], Path], git: Callable[..., str]) -> Callable[..., None]:
    """``commit_all(root, message, date=None)``: commit everything under ``root``.

    The first call makes ``root`` a git repository on main that ignores run folders.
    """

    def commit(root: Path, message: str, date: str | None = None) -> None:
        if not (root / ".git").exists():
            (root / ".gitignore").write_text(".tiergate/\n")
            git_init(root)
        git(root, "add", ".")
        git(root, "commit", "--quiet", "-m", message, date=date)

    return commit


@pytest.fixture
def workspace(ws_root: Path) -> Path:
    """A workspace root with no member yet: Python 3.11 only, coverage precision 2."""
    (ws_root / ".python-version").write_text("3.11\n", encoding="utf-8")
    pyproject = ws_root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8") + COVERAGE_CONFIG)
    return ws_root


@pytest.fixture
def configure(workspace: Path) -> Callable[[str], None]:
    """Append TOML to the root ``pyproject.toml`` (e.g. ``[tool.tiergate.coverage]``)."""

    def append(text: str) -> None:
        pyproject = workspace / "pyproject.toml"
        pyproject.write_text(pyproject.read_text(encoding="utf-8") + "\n" + text)

    return append


@pytest.fixture
def alpha(workspace: Path, add_member: Callable[..., Path]) -> Path:
    """Member ``alpha``: ``alpha/__init__.py`` (empty) and ``alpha/calc.py`` (:data:`CALC`),
    with unit and integration test folders; returns its folder."""
    member = add_member("alpha", package="alpha", tests=True)
    (member / "src/alpha/calc.py").write_text(CALC, encoding="utf-8")
    for tier in ("unit", "integration"):
        (member / "tests" / tier).mkdir()
        (member / "tests" / tier / "test_calc.py").write_text(TEST_CALC, encoding="utf-8")
    del workspace
    return member


@pytest.fixture
def run(workspace: Path) -> RunFolder:
    """An empty run folder ``r1`` of the workspace, to write sessions into."""
    return RunFolder(workspace)
