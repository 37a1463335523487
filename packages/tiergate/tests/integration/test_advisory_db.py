from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tiergate.advisories.audit import OnlineUnavailable, audit, audit_offline, audit_online
from tiergate.advisories.osv import AdvisoryDatabase, age_in_days, database_date
from tiergate.advisories.requirements import parse_requirements
from tiergate.errors import ExitCode, ToolError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def database(advisory_db: Path) -> AdvisoryDatabase:
    return AdvisoryDatabase(advisory_db)


def test_requests_2_19_0_is_affected_by_pysec_2018_28(database: AdvisoryDatabase) -> None:
    findings = {f.advisory_id: f for f in database.audit([("requests", "2.19.0")])}
    finding = findings["PYSEC-2018-28"]
    assert "CVE-2018-18074" in finding.aliases
    assert finding.fixed_in == ("2.20.0",)
    assert finding.package == "requests"
    assert finding.version == "2.19.0"


def test_requests_2_20_0_is_not_affected_by_pysec_2018_28(database: AdvisoryDatabase) -> None:
    ids = {f.advisory_id for f in database.audit([("requests", "2.20.0")])}
    assert "PYSEC-2018-28" not in ids
    assert "PYSEC-2023-74" in ids  # fixed only in 2.31.0


def test_package_absent_from_the_database_has_no_findings(database: AdvisoryDatabase) -> None:
    assert database.audit([("tiergate-surely-not-a-package", "1.0")]) == ()
    assert database.records_read == 0


def test_folder_names_are_matched_after_normalisation(database: AdvisoryDatabase) -> None:
    assert database.advisories("jw-util")  # the folder is vulns/jw.util
    assert database.advisories("JW_Util") == database.advisories("jw.util")


def test_withdrawn_record_is_ignored(database: AdvisoryDatabase) -> None:
    assert any(a.id == "PYSEC-2023-73" and a.withdrawn for a in database.advisories("redis"))
    assert "PYSEC-2023-73" not in {f.advisory_id for f in database.audit([("redis", "1.34")])}


def test_a_last_affected_bound_is_inclusive(database: AdvisoryDatabase) -> None:
    assert [f.advisory_id for f in database.audit([("py", "1.11.0")])] == ["PYSEC-2022-42969"]
    assert database.audit([("py", "1.11.1")]) == ()


def test_a_version_string_that_is_not_a_version_is_skipped_and_counted(
    database: AdvisoryDatabase,
) -> None:
    (finding,) = database.audit([("jw.util", "1.5.4")])
    assert (finding.advisory_id, finding.fixed_in) == ("PYSEC-2020-341", ("2.3",))
    assert database.invalid_versions == 1  # "-class.-jw.util.version.Version-"


def test_database_date_and_age(advisory_db: Path) -> None:
    date = database_date(advisory_db)
    assert date == datetime(2024, 10, 10, 17, 22, 0, 587279, tzinfo=UTC)  # jwcrypto's record
    assert age_in_days(date, now=datetime(2026, 11, 22, tzinfo=UTC)) == 773
    assert age_in_days(date) >= 773 - 1  # the snapshot only gets older


@pytest.mark.req("FR-037")
def test_offline_audit_reports_source_database_and_age(advisory_db: Path) -> None:
    pins = parse_requirements("requests==2.19.0\nidna==3.10\nsix==1.16.0\n")
    result = audit_offline(pins, advisory_db)
    assert result.source == "offline"
    assert result.status == "failed"
    assert result.packages_audited == 3
    assert result.database_path == advisory_db
    assert result.database_age_days == age_in_days(database_date(advisory_db))
    assert {(f.package, f.advisory_id) for f in result.findings} >= {("requests", "PYSEC-2018-28")}
    data = json.loads(result.to_json())
    assert data["status"] == "failed"
    assert data["database"]["date"].startswith("2024-10-10")


# ------------------------------------------------ online, against a local OSV-API stand-in


class _OsvStandIn(BaseHTTPRequestHandler):
    """Answers pip-audit's OSV queries: PYSEC-2018-28 for requests 2.19.0, else nothing."""

    mode = "ok"
    record: dict[str, Any] = {}  # noqa: RUF012 - set once per fixture

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.mode == "hang":
            time.sleep(5)
        if self.mode == "error":
            self.send_response(503)
            self.end_headers()
            return
        affected = query["package"]["name"] == "requests" and query["version"] == "2.19.0"
        body = json.dumps({"vulns": [self.record]} if affected else {}, default=str).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture
def osv_url(advisory_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    path = advisory_db / "vulns" / "requests" / "PYSEC-2018-28.yaml"
    _OsvStandIn.record = yaml.safe_load(path.read_text(encoding="utf-8"))
    _OsvStandIn.mode = "ok"
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OsvStandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    server.server_close()


def _osv_args(url: str) -> tuple[str, ...]:
    return ("--vulnerability-service", "osv", "--osv-url", url)


@pytest.mark.req("FR-037")
def test_online_audit_uses_pip_audit_json(osv_url: str, advisory_db: Path) -> None:
    pins = parse_requirements("requests==2.19.0\nidna==3.10\n")
    result = audit(pins, advisory_db=advisory_db, online_timeout=5, online_args=_osv_args(osv_url))
    assert result.source == "online"
    assert result.database_path is None
    assert result.packages_audited == 2
    (finding,) = result.findings
    assert (finding.package, finding.version) == ("requests", "2.19.0")
    assert "PYSEC-2018-28" in {finding.advisory_id, *finding.aliases}
    assert finding.fixed_in == ("2.20.0",)


@pytest.mark.req("FR-037")
def test_online_service_error_falls_back_to_offline(osv_url: str, advisory_db: Path) -> None:
    _OsvStandIn.mode = "error"
    pins = parse_requirements("requests==2.19.0\n")
    result = audit(pins, advisory_db=advisory_db, online_timeout=5, online_args=_osv_args(osv_url))
    assert result.source == "offline"
    assert result.messages[0].startswith("online audit unavailable: ")
    assert "PYSEC-2018-28" in {f.advisory_id for f in result.findings}


def test_online_service_that_hangs_times_out(osv_url: str) -> None:
    _OsvStandIn.mode = "hang"
    started = time.perf_counter()
    with pytest.raises(OnlineUnavailable, match=r"timed out|Timeout"):
        audit_online(parse_requirements("idna==3.10\n"), timeout=1, extra_args=_osv_args(osv_url))
    assert time.perf_counter() - started < 20


def test_pip_audit_failing_for_another_reason_is_a_tool_error() -> None:
    with pytest.raises(ToolError, match="pip-audit failed") as error:
        audit_online(
            parse_requirements("idna==3.10\n"),
            timeout=1,
            extra_args=("--vulnerability-service", "no-such-service"),
        )
    assert error.value.exit_code == ExitCode.CRASHED
