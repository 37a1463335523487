from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tiergate.advisories.audit import (
    AuditResult,
    OnlineUnavailable,
    _failure_reason,
    _layers,
    audit,
    parse_pip_audit_json,
    resolve_advisory_db,
)
from tiergate.advisories.osv import (
    AdvisoryDatabase,
    Finding,
    age_in_days,
    database_date,
    match_advisories,
    parse_advisory,
)
from tiergate.advisories.requirements import PinnedRequirement, parse_requirements
from tiergate.errors import AdvisoryError, ExitCode


def _record(
    *ranges: list[dict[str, str]],
    versions: tuple[str, ...] = (),
    name: str = "demo",
    ecosystem: str = "PyPI",
    range_type: str = "ECOSYSTEM",
    **extra: object,
) -> dict[str, Any]:
    affected: dict[str, Any] = {
        "package": {"name": name, "ecosystem": ecosystem},
        "ranges": [{"type": range_type, "events": events} for events in ranges],
    }
    if versions:
        affected["versions"] = list(versions)
    return {"id": "PYSEC-0000-1", "affected": [affected], **extra}


def _affected(record: dict[str, Any], version: str, package: str = "demo") -> bool:
    return bool(match_advisories([record], package, version))


# ------------------------------------------------------------------ ranges


@pytest.mark.parametrize(
    ("version", "expected"),
    [("0.9", False), ("1.0", True), ("1.5.3", True), ("1.99", True), ("2.0", False), ("3", False)],
)
@pytest.mark.req("FR-037")
def test_introduced_fixed_is_half_open(version: str, expected: bool) -> None:
    record = _record([{"introduced": "1.0"}, {"fixed": "2.0"}])
    assert _affected(record, version) is expected


@pytest.mark.parametrize(("version", "expected"), [("0", True), ("0.0.1", True), ("2.0", False)])
def test_introduced_zero_is_before_everything(version: str, expected: bool) -> None:
    assert _affected(_record([{"introduced": "0"}, {"fixed": "2.0"}]), version) is expected


def test_introduced_without_fix_affects_all_later_versions() -> None:
    record = _record([{"introduced": "1.2"}])
    assert not _affected(record, "1.1")
    assert _affected(record, "1.2")
    assert _affected(record, "99.0")


@pytest.mark.parametrize(
    ("version", "expected"), [("1.4", True), ("1.4.0", True), ("1.4.1", False), ("1.5", False)]
)
def test_last_affected_is_inclusive(version: str, expected: bool) -> None:
    assert _affected(_record([{"introduced": "0"}, {"last_affected": "1.4"}]), version) is expected


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.9", False),
        ("1.0.1", True),
        ("1.0.2", False),
        ("2.0", False),
        ("3.0", True),
        ("3.2.4", True),
        ("3.2.5", False),
    ],
)
def test_several_pairs_in_one_range_are_sorted_then_walked(version: str, expected: bool) -> None:
    events = [{"introduced": "3.0"}, {"fixed": "3.2.5"}, {"fixed": "1.0.2"}, {"introduced": "1.0"}]
    assert _affected(_record(events), version) is expected


def test_several_ranges_are_a_union() -> None:
    record = _record(
        [{"introduced": "1.0"}, {"fixed": "1.1"}], [{"introduced": "2.0"}, {"fixed": "2.1"}]
    )
    assert [_affected(record, v) for v in ("1.0", "1.5", "2.0.5", "2.1")] == [
        True,
        False,
        True,
        False,
    ]


def test_limit_bounds_a_range() -> None:
    record = _record([{"introduced": "1.0"}, {"limit": "1.5"}])
    assert _affected(record, "1.4")
    assert not _affected(record, "1.5")
    assert _affected(_record([{"introduced": "1.0"}, {"limit": "*"}]), "7.0")


def test_pre_releases_sort_before_their_release() -> None:
    fixed = _record([{"introduced": "0"}, {"fixed": "2.0.0"}])
    assert _affected(fixed, "2.0.0rc1")
    assert _affected(fixed, "2.0.0.dev3")
    assert not _affected(fixed, "2.0.0")
    assert not _affected(fixed, "2.0.0.post1")
    introduced = _record([{"introduced": "2.0.0"}, {"fixed": "2.1"}])
    assert not _affected(introduced, "2.0.0rc1")
    assert _affected(introduced, "2.1.0b1")


@pytest.mark.parametrize("range_type", ["GIT", "SEMVER"])
def test_git_and_semver_ranges_never_match_pypi_releases(range_type: str) -> None:
    record = _record([{"introduced": "0"}, {"fixed": "2.0"}], range_type=range_type)
    assert not _affected(record, "1.0")


def test_other_ecosystems_do_not_match() -> None:
    assert not _affected(_record([{"introduced": "0"}], ecosystem="npm"), "1.0")


# ---------------------------------------------------------------- versions


@pytest.mark.parametrize(
    ("version", "expected"), [("2.19", True), ("2.19.0", True), ("2.19.1", False)]
)
def test_explicit_versions_match_after_normalisation(version: str, expected: bool) -> None:
    assert _affected(_record(versions=("2.19.0", "1.0")), version) is expected


def test_versions_list_or_range_is_enough() -> None:
    record = _record([{"introduced": "5.0"}], versions=("1.0",))
    assert _affected(record, "1.0")
    assert _affected(record, "5.1")
    assert not _affected(record, "2.0")


def test_withdrawn_advisory_is_ignored() -> None:
    record = _record([{"introduced": "0"}], withdrawn="2023-06-06T10:37:00Z")
    assert parse_advisory(record).withdrawn
    assert not _affected(record, "1.0")


@pytest.mark.parametrize("package", ["foo-bar", "Foo_Bar", "FOO.bar", "foo__bar"])
def test_names_match_after_pep503_normalisation(package: str) -> None:
    findings = match_advisories([_record([{"introduced": "0"}], name="Foo_Bar")], package, "1.0")
    assert [f.package for f in findings] == ["foo-bar"]


def test_invalid_versions_are_skipped_and_counted() -> None:
    raw = yaml.safe_load(
        "id: PYSEC-0000-2\n"
        "affected:\n"
        "- package: {name: demo, ecosystem: PyPI}\n"
        "  ranges:\n"
        "  - type: ECOSYSTEM\n"
        "    events: [{introduced: '1.0'}, {fixed: '2019-09-12x'}]\n"
        "  versions: ['1.0', 'not a version', 1.10, '0.2.0-n653-bad']\n"
    )
    advisory = parse_advisory(raw)
    assert advisory.invalid_versions == 4  # the fixed event, a word, a float, a bad tag
    assert advisory.match("demo", "1.0") is not None
    # the unreadable fix is skipped, so the range stays open: over-report, never under-report
    assert advisory.match("demo", "3.0") is not None
    assert advisory.match("demo", "0.5") is None


def test_finding_carries_ids_fixes_and_summary() -> None:
    record = _record(
        [{"introduced": "0"}, {"fixed": "1.10"}],
        [{"introduced": "2.0"}, {"fixed": "2.3"}],
        aliases=["GHSA-xxxx", "CVE-2020-1"],
        details="First line.\nSecond line.",
    )
    (finding,) = match_advisories([record], "Demo", "1.2")
    assert finding == Finding(
        package="demo",
        version="1.2",
        advisory_id="PYSEC-0000-1",
        aliases=("CVE-2020-1", "GHSA-xxxx"),
        fixed_in=("1.10", "2.3"),
        summary="First line.",
    )
    record["summary"] = "Short."
    assert match_advisories([record], "demo", "1.2")[0].summary == "Short."


def test_record_without_id_is_an_advisory_error() -> None:
    with pytest.raises(AdvisoryError, match="without an id"):
        parse_advisory({"affected": []})


# ---------------------------------------------------------------- database


def _write_db(root: Path, records: dict[str, str]) -> Path:
    for relative, text in records.items():
        path = root / "vulns" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


RECORD = """\
id: {id}
affected:
- package: {{name: {name}, ecosystem: PyPI}}
  ranges:
  - type: ECOSYSTEM
    events: [{{introduced: '0'}}, {{fixed: '2.0'}}]
modified: {modified}
"""


def test_database_reads_only_the_folders_it_is_asked_about(tmp_path: Path) -> None:
    db_path = _write_db(
        tmp_path,
        {
            "Foo_Bar/PYSEC-1.yaml": RECORD.format(id="PYSEC-1", name="foo-bar", modified="x"),
            "other/PYSEC-2.yaml": "{ this is: [not yaml",
            ".id-allocator": "",
        },
    )
    database = AdvisoryDatabase(db_path)
    findings = database.audit([("foo.bar", "1.0"), ("foo-bar", "2.0"), ("absent", "1.0")])
    assert [(f.package, f.version, f.advisory_id) for f in findings] == [
        ("foo-bar", "1.0", "PYSEC-1")
    ]
    assert database.records_read == 1
    with pytest.raises(AdvisoryError, match="not a well-formed OSV record: invalid YAML") as error:
        database.advisories("other")
    assert error.value.path == db_path / "vulns/other/PYSEC-2.yaml"


def test_non_mapping_record_is_an_advisory_error(tmp_path: Path) -> None:
    database = AdvisoryDatabase(_write_db(tmp_path, {"demo/X.yaml": "- a\n- b\n"}))
    with pytest.raises(AdvisoryError, match="not a mapping"):
        database.advisories("demo")


@pytest.mark.parametrize("make_vulns", [False, True])
def test_missing_folder_or_vulns_is_an_advisory_error(tmp_path: Path, make_vulns: bool) -> None:
    folder = tmp_path / "db"
    if make_vulns:
        folder.mkdir()
    with pytest.raises(AdvisoryError) as error:
        AdvisoryDatabase(folder)
    assert error.value.path == folder
    assert error.value.exit_code == ExitCode.BAD_INPUT
    with pytest.raises(AdvisoryError):
        database_date(folder)


def test_database_date_is_the_newest_modified(tmp_path: Path) -> None:
    db_path = _write_db(
        tmp_path,
        {
            "a/A.yaml": RECORD.format(id="A", name="a", modified="'2023-01-02T03:04:05Z'"),
            "b/B.yaml": RECORD.format(id="B", name="b", modified="2024-10-10T17:22:00.587279Z"),
            "c/C.yaml": RECORD.format(id="C", name="c", modified='"2024-02-01T00:00:00Z"'),
            "d/D.yaml": RECORD.format(id="D", name="d", modified="not-a-date"),
        },
    )
    assert database_date(db_path) == datetime(2024, 10, 10, 17, 22, 0, 587279, tzinfo=UTC)


def test_database_without_dates_is_an_advisory_error(tmp_path: Path) -> None:
    (tmp_path / "vulns").mkdir()
    with pytest.raises(AdvisoryError, match="modified date"):
        database_date(tmp_path)


def test_age_in_days_counts_calendar_days_in_utc() -> None:
    date = datetime(2024, 10, 10, 17, 22, tzinfo=UTC)
    assert age_in_days(date, now=datetime(2026, 11, 22, 2, 0, tzinfo=UTC)) == 773
    assert age_in_days(date, now=datetime(2024, 10, 10, 23, 59, tzinfo=UTC)) == 0


# ------------------------------------------------------------ requirements

EXPORT = """\
# This file was autogenerated by uv via the following command:
#    uv export --frozen --no-hashes --no-emit-workspace --all-packages --all-groups
-e ./packages/tiergate
--index-url https://pypi.org/simple
Requests==2.19.0 ; python_version >= '3.8'
    # via
    #   my-app
typing_extensions==4.12.2    # via pydantic
zope.interface==6.0 \\
    --hash=sha256:0000000000000000000000000000000000000000000000000000000000000000
requests==2.19.0 ; sys_platform == 'win32'
numpy==1.26.4 ; python_full_version < '3.12'
numpy==2.1.0 ; python_full_version >= '3.12'
"""


def test_requirements_export_is_parsed_into_normalised_pins() -> None:
    pins = parse_requirements(EXPORT)
    assert [(p.name, p.version) for p in pins] == [
        ("numpy", "1.26.4"),
        ("numpy", "2.1.0"),
        ("requests", "2.19.0"),
        ("typing-extensions", "4.12.2"),
        ("zope-interface", "6.0"),
    ]
    requests = pins[2]
    assert requests.marker == 'python_version >= "3.8"'
    assert requests.line == 5


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("requests>=2.0", "not pinned"),
        ("requests", "not pinned"),
        ("requests==2.*", "not a valid version"),
        ("-r other.txt", "unsupported option '-r'"),
        ("--constraint c.txt", "unsupported option"),
        ("foo @ not a url", "invalid requirement"),
        ("-e", "-e without a path or URL"),
    ],
)
def test_unauditable_lines_are_errors_naming_file_and_line(line: str, message: str) -> None:
    with pytest.raises(AdvisoryError, match=message) as error:
        parse_requirements(f"ok==1.0\n{line}\n", source="reqs.txt")
    assert str(error.value).startswith("reqs.txt:2: ")


# ------------------------------------------------------------------- audit


def _pins(*pairs: tuple[str, str]) -> tuple[PinnedRequirement, ...]:
    return tuple(PinnedRequirement(name, version) for name, version in pairs)


def test_status_and_json_are_stable() -> None:
    second = Finding("b", "1.0", "PYSEC-2", ("CVE-2",), ("1.1",), "s")
    first = Finding("a", "10.0", "PYSEC-9", ("GHSA-z", "CVE-9"), (), "t")
    third = Finding("a", "9.0", "PYSEC-1", (), (), "u")
    result = AuditResult("offline", (second, first, third), 3, Path("/db"), None, 5, ("m",))
    assert result.status == "failed"
    data = json.loads(result.to_json())
    assert [(f["package"], f["version"]) for f in data["findings"]] == [
        ("a", "9.0"),
        ("a", "10.0"),
        ("b", "1.0"),
    ]
    assert data["findings"][1]["aliases"] == ["CVE-9", "GHSA-z"]
    assert data["database"] == {"path": "/db", "date": None, "age_days": 5}
    assert (
        result.to_json()
        == AuditResult("offline", (third, first, second), 3, Path("/db"), None, 5, ("m",)).to_json()
    )
    assert AuditResult("none", (), 0).status == "not-audited"
    assert AuditResult("online", (), 3).status == "passed"


def test_empty_requirements_are_an_error_not_a_pass() -> None:
    with pytest.raises(AdvisoryError, match="nothing to audit"):
        audit((), advisory_db=None, online=False)


@pytest.mark.req("FR-041")
def test_no_source_is_not_audited() -> None:
    result = audit(_pins(("a", "1.0")), advisory_db=None, online=False)
    assert result.source == "none"
    assert result.status == "not-audited"
    assert result.packages_audited == 0
    assert any("NOT audited" in m for m in result.messages)


PIP_AUDIT_JSON: dict[str, Any] = {
    "dependencies": [
        {
            "name": "requests",
            "version": "2.19.0",
            "vulns": [
                {
                    "id": "PYSEC-2018-28",
                    "fix_versions": ["2.20.0"],
                    "aliases": ["GHSA-x84v-xcm2-53pg", "CVE-2018-18074"],
                    "description": "The Requests package\nbefore 2.20.0 ...",
                }
            ],
        },
        {"name": "idna", "version": "3.10", "vulns": []},
    ],
    "fixes": [],
}


def test_pip_audit_json_becomes_findings() -> None:
    (finding,) = parse_pip_audit_json(PIP_AUDIT_JSON, _pins(("requests", "2.19"), ("IDNA", "3.10")))
    assert finding.advisory_id == "PYSEC-2018-28"
    assert finding.aliases == ("CVE-2018-18074", "GHSA-x84v-xcm2-53pg")
    assert finding.fixed_in == ("2.20.0",)
    assert finding.summary == "The Requests package before 2.20.0 ..."


def test_pip_audit_json_that_skipped_or_missed_a_package_is_unavailable() -> None:
    with pytest.raises(OnlineUnavailable, match="did not report on 1 package"):
        parse_pip_audit_json(PIP_AUDIT_JSON, _pins(("requests", "2.19.0"), ("six", "1.16.0")))
    skipped = {"dependencies": [{"name": "six", "skip_reason": "Dependency not found on PyPI"}]}
    with pytest.raises(OnlineUnavailable, match="skipped six"):
        parse_pip_audit_json(skipped, _pins(("six", "1.16.0")))
    with pytest.raises(OnlineUnavailable):
        parse_pip_audit_json([], _pins(("six", "1.16.0")))


def test_failure_reason_prefers_the_last_error_line() -> None:
    stderr = (
        "WARNING:pip_audit._cli:--no-deps is supported\n"
        "ERROR:pip_audit._cli:Could not connect to PyPI's vulnerability feed\n"
        "ERROR:pip_audit._cli:Tip: your network may be blocking this service.\n"
    )
    assert _failure_reason(stderr) == "Could not connect to PyPI's vulnerability feed"
    assert _failure_reason("Traceback ...\nrequests.exceptions.ConnectionError: x\n").endswith(
        "ConnectionError: x"
    )


def test_duplicate_names_go_to_separate_pip_audit_runs() -> None:
    layers = _layers(_pins(("a", "1"), ("a", "2"), ("b", "1"), ("a", "3")))
    assert [[(r.name, r.version) for r in layer] for layer in layers] == [
        [("a", "1"), ("b", "1")],
        [("a", "2")],
        [("a", "3")],
    ]


def test_advisory_db_env_overrides_config_and_empty_disables(tmp_path: Path) -> None:
    assert resolve_advisory_db(tmp_path, "db", environ={}) == tmp_path / "db"
    assert resolve_advisory_db(tmp_path, None, environ={}) is None
    env = {"TIERGATE_ADVISORY_DB": "/abs/db"}
    assert resolve_advisory_db(tmp_path, "db", environ=env) == Path("/abs/db")
    assert resolve_advisory_db(tmp_path, "db", environ={"TIERGATE_ADVISORY_DB": ""}) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("id: X\nmodified: 2024-13-45\n", "invalid YAML: month must be in 1..12"),
        ("id: X\naliases: CVE-1\n", "OSV record: aliases must be a list, not a str"),
        ("id: X\naffected:\n- package: {name: d, ecosystem: PyPI}\n  ranges: 3\n", "ranges"),
        ("id: X\naffected: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deep"),
        (b"id: X\nsummary: caf\xe9\n", "not UTF-8 text"),
    ],
)
def test_a_record_of_another_shape_is_one_line_naming_it(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    database = AdvisoryDatabase(_write_db(tmp_path, {"demo/X.yaml": ""}))
    record = tmp_path / "vulns/demo/X.yaml"
    record.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(AdvisoryError, match=message) as error:
        database.advisories("demo")
    assert error.value.path == record
    assert "\n" not in str(error.value)
