"""``tiergate audit`` in process, and the audit behind it, against OSV databases made here.

Every test audits offline, or with pip-audit made unavailable (not importable, not on
PATH): pip-audit's real runs, which start a process and need a service, are the
integration tier's. Real PyPA records come from the repository's fixture
(``tests/fixtures/advisory-db``).
"""

from __future__ import annotations

import json
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tiergate.advisories.audit import (
    OnlineUnavailable,
    audit,
    audit_offline,
    export_requirements,
    parse_pip_audit_json,
)
from tiergate.advisories.osv import age_in_days
from tiergate.advisories.requirements import parse_requirements
from tiergate.cli import main
from tiergate.errors import AdvisoryError, ExitCode

if TYPE_CHECKING:
    from collections.abc import Callable

REPO_ROOT = Path(__file__).resolve().parents[4]
OLD = datetime(2024, 10, 10, 17, 22, tzinfo=UTC)
RECORD = """\
id: {id}
aliases: [{alias}]
summary: {summary}
affected:
- package: {{name: {name}, ecosystem: PyPI}}
  ranges:
  - type: ECOSYSTEM
    events: [{{introduced: '0'}}, {{fixed: '{fixed}'}}]
  versions: [{versions}]
modified: '{modified}'
"""
PINS = "demo==1.0\n    # via app\nother-lib==3.1\n"
FINDINGS_TABLE = [
    "known vulnerabilities",
    "┏━━━━━━━━━┳━━━━━━━━━┳━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━┓",
    "┃ package ┃ version ┃ advisory       ┃ aliases       ┃ fixed in ┃",
    "┡━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━┩",
    "│ demo    │ 1.0     │ PYSEC-2024-901 │ CVE-2024-9001 │ 1.1      │",
    "└─────────┴─────────┴────────────────┴───────────────┴──────────┘",
]


@pytest.fixture(autouse=True)
def _columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")


def write_db(folder: Path, modified: datetime, *, invalid: bool = False) -> Path:
    """An OSV database: demo < 1.1 is affected by PYSEC-2024-901; other-lib has none."""
    versions = "'not a version'" if invalid else ""
    record = RECORD.format(
        id="PYSEC-2024-901",
        alias="CVE-2024-9001",
        summary="Demo trusts its input.",
        name="demo",
        fixed="1.1",
        versions=versions,
        modified=modified.isoformat().replace("+00:00", "Z"),
    )
    (folder / "vulns/demo").mkdir(parents=True)
    (folder / "vulns/demo/PYSEC-2024-901.yaml").write_text(record, encoding="utf-8")
    return folder


@pytest.fixture
def root(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    """A workspace whose pinned requirements are ``requirements.txt``; an old database."""
    add_member("app")
    (ws_root / "requirements.txt").write_text(PINS)
    write_db(ws_root / "advisory-db", OLD)
    return ws_root


@pytest.fixture
def no_pip_audit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """pip-audit is neither importable nor on PATH (as in an environment without it)."""
    monkeypatch.setitem(sys.modules, "pip_audit", None)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def _audit(root: Path, *args: str) -> int:
    return main(["--root", str(root), "audit", *args])


@pytest.mark.req("FR-037")
def test_a_known_vulnerability_fails_offline_with_the_database_age(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--offline", "--advisory-db", "advisory-db", "--requirements", "requirements.txt")
    assert _audit(root, *args) == 1

    age = age_in_days(OLD)
    assert capsys.readouterr().out.splitlines() == [
        f"source: offline advisory database {root.resolve() / 'advisory-db'}",
        (
            f"advisory database from 2024-10-10, {age} days old "
            "(stale: later advisories are unknown to this audit)"
        ),
        "packages audited: 2",
        "online audit skipped (offline mode)",
        "offline: 1 advisories read for 2 package(s)",
        *FINDINGS_TABLE,
        "FAILED: 1 known vulnerability(ies) in 1 package(s)",
    ]


@pytest.mark.req("FR-037")
def test_a_clean_audit_with_a_fresh_configured_database_passes(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    write_db(tmp_path / "fresh", now, invalid=True)
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text()
        + f"\n[tool.tiergate.security]\nadvisory-db = '{tmp_path / 'fresh'}'\n"
    )
    (root / "requirements.txt").write_text("demo==1.1\nother-lib==3.1\n")

    assert _audit(root, "--offline", "--requirements", "requirements.txt") == 0

    assert capsys.readouterr().out.splitlines() == [
        f"source: offline advisory database {tmp_path / 'fresh'}",
        f"advisory database from {now:%Y-%m-%d}, {age_in_days(now)} days old",
        "packages audited: 2",
        "online audit skipped (offline mode)",
        "offline: 1 advisories read for 2 package(s)",
        "1 invalid version string(s) in the database were skipped",
        "PASSED: no known vulnerabilities in 2 packages",
    ]


@pytest.mark.req("FR-122", "FR-123")
def test_local_requirements_are_named_and_the_pinned_ones_audited(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "requirements.txt").write_text(
        "-e ./packages/app\n./libs/helper\n" + PINS + "../wheels/w-1.0-py3-none-any.whl\n"
    )
    args = ("--offline", "--advisory-db", "advisory-db", "--requirements", "requirements.txt")
    assert _audit(root, *args, "--json-output", "audit.json") == 1

    lines = capsys.readouterr().out.splitlines()
    assert lines[2:7] == [
        "packages audited: 2",
        "not auditable (local): 3",
        "  line 1: editable path ./packages/app",
        "  line 2: path ./libs/helper",
        "  line 6: w: path ../wheels/w-1.0-py3-none-any.whl",
    ]
    assert lines[-1] == "FAILED: 1 known vulnerability(ies) in 1 package(s)"
    document = json.loads((root / "audit.json").read_text())
    assert [(e["line"], e["kind"], e["editable"]) for e in document["not_auditable"]] == [
        (1, "path", True),
        (2, "path", False),
        (6, "path", False),
    ]
    assert document["packages_audited"] == 2


def test_the_environment_names_the_database_and_json_output_is_written(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIERGATE_ADVISORY_DB", "advisory-db")
    args = ("--offline", "--requirements", "requirements.txt", "--json-output", "out/audit.json")
    assert _audit(root, *args) == 1
    capsys.readouterr()

    document = json.loads((root / "out/audit.json").read_text())
    assert (document["status"], document["source"], document["packages_audited"]) == (
        "failed",
        "offline",
        2,
    )
    assert document["database"] == {
        "path": str(root.resolve() / "advisory-db"),
        "date": "2024-10-10T17:22:00+00:00",
        "age_days": age_in_days(OLD),
    }
    assert document["findings"] == [
        {
            "package": "demo",
            "version": "1.0",
            "advisory_id": "PYSEC-2024-901",
            "aliases": ["CVE-2024-9001"],
            "fixed_in": ["1.1"],
            "summary": "Demo trusts its input.",
        }
    ]


@pytest.mark.req("FR-041")
def test_not_audited_warns_loudly_locally(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--offline", "--no-advisory-db", "--requirements", "requirements.txt")
    assert _audit(root, *args) == 0
    assert capsys.readouterr().out.splitlines() == [
        "source: none",
        "packages audited: 0",
        "online audit skipped (offline mode)",
        (
            "no offline advisory database (set [tool.tiergate.security] advisory-db or "
            "TIERGATE_ADVISORY_DB)"
        ),
        "2 package(s) were NOT audited",
        (
            "WARNING: dependencies were NOT audited: no advisory source answered. "
            "This fails in CI (CI=true) or with --strict."
        ),
    ]


@pytest.mark.req("FR-041")
def test_not_audited_fails_in_ci_and_with_strict(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TIERGATE_ADVISORY_DB", "")  # set but empty: no database
    args = ("--offline", "--requirements", "requirements.txt")
    assert _audit(root, *args, "--strict") == 1
    assert capsys.readouterr().out.splitlines()[-1] == "FAILED: dependencies were NOT audited"
    monkeypatch.setenv("CI", "true")
    assert _audit(root, *args) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "FAILED: dependencies were NOT audited"


@pytest.mark.req("FR-041")
def test_a_configured_database_this_machine_lacks_is_not_audited_never_a_crash(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A clone on another machine: the folder the configuration names is not there.
    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + '\n[tool.tiergate.security]\nadvisory-db = "../elsewhere/db"\n'
    )
    args = ("--offline", "--requirements", "requirements.txt")
    assert _audit(root, *args) == 0
    out = capsys.readouterr().out.splitlines()
    missing = root / "../elsewhere/db"
    assert (
        out[2]
        == f"the configured offline advisory database is not on this machine: {missing.resolve()}"
    )
    assert out[-1].startswith("WARNING: dependencies were NOT audited")
    assert _audit(root, *args, "--strict") == 1


@pytest.mark.req("FR-037", "FR-041")
def test_without_pip_audit_the_online_attempt_says_so_and_offline_answers(
    root: Path, no_pip_audit: None, capsys: pytest.CaptureFixture[str]
) -> None:
    del no_pip_audit
    args = ("--advisory-db", "advisory-db", "--requirements", "requirements.txt")
    assert _audit(root, *args, "--online-timeout", "1") == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[3:5] == [
        "online audit unavailable: pip-audit is not installed",
        "offline: 1 advisories read for 2 package(s)",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--requirements", "missing.txt"), "{root}/missing.txt: requirements file not found"),
        (("--advisory-db", "no-db", "--requirements", "requirements.txt"), "{root}/no-db: "),
        (("--requirements", "loose.txt"), "{root}/loose.txt:2: other-lib is not pinned"),
        (
            ("--requirements", "latin1.txt"),
            "{root}/latin1.txt:2: not a requirements file: not UTF-8 text (byte 15)",
        ),
        (
            ("--requirements", "."),
            "{root}: cannot read the requirements file: is a folder, not a file",
        ),
    ],
)
@pytest.mark.req("NFR-001", "FR-172")
def test_bad_input_is_one_line_naming_the_file(
    root: Path, args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "loose.txt").write_text("demo==1.0\nother-lib>=3\n")
    (root / "latin1.txt").write_bytes(b"demo==1.0\n# caf\xe9 \xff\nother-lib==3.1\n")
    assert _audit(root, "--offline", *args) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("tiergate: error: " + message.format(root=root.resolve()))
    assert err.count("\n") == 1


def test_an_empty_requirements_file_audits_nothing_and_says_so(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "requirements.txt").write_text("-e ./packages/app\n")
    assert _audit(root, "--offline", "--requirements", "requirements.txt") == 2
    assert capsys.readouterr().err == (
        "tiergate: error: no pinned requirements: nothing to audit\n"
    )


def test_a_json_output_that_cannot_be_written_is_named(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "taken").mkdir()
    args = ("--offline", "--no-advisory-db", "--requirements", "requirements.txt")
    assert _audit(root, *args, "--json-output", "taken") == 2
    assert capsys.readouterr() == (
        "",
        (
            f"tiergate: error: {root.resolve() / 'taken'}: cannot write the audit result: "
            "is a folder, not a file\n"
        ),
    )


# ------------------------------------------------------- uv export (the default)


def test_without_uv_the_default_export_is_a_tool_crash(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert _audit(root, "--offline") == 3
    assert capsys.readouterr().err == (
        "tiergate: error: uv not found on PATH: cannot export the locked requirements\n"
    )


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_a_workspace_without_a_lock_cannot_be_exported_and_uv_says_why_in_one_line(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # COLUMNS is 100 here: uv would wrap its message over two lines if it read it.
    assert _audit(root, "--offline", "--no-advisory-db") == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"tiergate: error: {root.resolve() / 'uv.lock'}: uv export failed: error: "
    )
    assert "`--frozen`" in err  # on the first line of the wrapped message
    assert "`uv lock`" in err  # on the second
    assert err.count("\n") == 1


@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not on PATH")
def test_the_export_of_a_lock_is_every_third_party_pin() -> None:
    text = export_requirements(REPO_ROOT)
    pins = {pin.name: pin.version for pin in parse_requirements(text, source="uv export")}
    assert {"pydantic", "coverage", "rich"} <= set(pins)
    assert "tiergate" not in pins  # the workspace members are the code under audit


# ------------------------------------------------------------ the audit itself


def test_pip_audit_json_without_a_version_is_an_online_failure() -> None:
    pins = parse_requirements("demo==1.0\n")
    with pytest.raises(OnlineUnavailable) as caught:
        parse_pip_audit_json({"dependencies": [{"name": "Demo", "version": None}]}, pins)
    assert caught.value.reason == "pip-audit reported no version for demo"


def test_audit_offline_counts_what_it_read(tmp_path: Path) -> None:
    database = write_db(tmp_path / "db", OLD, invalid=True)
    result = audit_offline(parse_requirements("demo==0.9\nother-lib==1\n"), database)
    assert (result.status, result.packages_audited, result.database_date) == ("failed", 2, OLD)
    assert [f.advisory_id for f in result.findings] == ["PYSEC-2024-901"]
    assert result.messages == (
        "offline: 1 advisories read for 2 package(s)",
        "1 invalid version string(s) in the database were skipped",
    )


def test_audit_with_neither_source_is_not_audited_and_names_both(
    no_pip_audit: None,
) -> None:
    del no_pip_audit
    result = audit(parse_requirements("demo==1.0\n"), advisory_db=None, online_timeout=1)
    assert (result.source, result.status, result.packages_audited) == ("none", "not-audited", 0)
    assert result.messages == (
        "online audit unavailable: pip-audit is not installed",
        (
            "no offline advisory database (set [tool.tiergate.security] advisory-db or "
            "TIERGATE_ADVISORY_DB)"
        ),
        "1 package(s) were NOT audited",
    )


def test_an_unreadable_database_is_an_advisory_error(tmp_path: Path) -> None:
    with pytest.raises(AdvisoryError) as caught:
        audit(parse_requirements("demo==1.0\n"), advisory_db=tmp_path / "none", online=False)
    assert caught.value.path == tmp_path / "none"
    assert caught.value.exit_code == ExitCode.BAD_INPUT


# ------------------------------------------------------------- real PyPA records


@pytest.mark.req("FR-037")
def test_the_pypa_snapshot_finds_the_requests_advisory(
    root: Path, advisory_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (root / "requirements.txt").write_text("requests==2.19.0\nidna==3.10\n")
    args = ("--offline", "--advisory-db", str(advisory_db), "--requirements", "requirements.txt")
    assert _audit(root, *args) == 1
    out = capsys.readouterr().out
    assert f"advisory database from 2024-10-10, {age_in_days(OLD)} days old" in out
    assert "│ requests │ 2.19.0  │ PYSEC-2018-28 " in out
