from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from tiergate.errors import ArtifactError
from tiergate.runfolder import (
    Reused,
    SessionManifest,
    current_run_id,
    manifest_json_schema,
    new_run_id,
    read_manifest,
    read_sessions,
    session_dir,
    session_name,
    slugify,
    write_manifest,
)

MOMENT = datetime(2026, 11, 22, 10, 15, tzinfo=UTC)


def _manifest(**changes: object) -> SessionManifest:
    data: dict[str, object] = {
        "schema_version": 1,
        "run_id": "r1",
        "session": "tests-3.12(package='tiergate')",
        "kind": "tests",
        "package": "tiergate",
        "python": "3.12",
        "started_at": MOMENT,
        "finished_at": MOMENT,
        "outcome": "passed",
        "exit_code": 0,
        "command": ["pytest"],
        "artifacts": {"junit": "junit.xml"},
    }
    data.update(changes)
    return SessionManifest.model_validate(data)


def test_session_names_match_nox() -> None:
    assert session_name("tests", "3.12", "tiergate") == "tests-3.12(package='tiergate')"
    assert session_name("lint") == "lint"
    assert session_name("type", "3.13") == "type-3.13"


def test_slug_is_folder_safe() -> None:
    assert slugify("tests-3.12(package='pytest-tiergate')") == "tests-3.12-pytest-tiergate"
    assert slugify("lint") == "lint"
    assert session_dir(Path("/r"), "type-3.11(package='a')").as_posix() == "/r/sessions/type-3.11-a"


def test_run_ids_sort_by_time() -> None:
    run_id = new_run_id(MOMENT)
    assert re.fullmatch(r"20261122T101500Z-[0-9a-f]{4}", run_id)
    assert new_run_id(MOMENT) < new_run_id(datetime(2026, 11, 22, 10, 16, tzinfo=UTC))


def test_run_id_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIERGATE_RUN_ID", raising=False)
    assert current_run_id() == "local"
    monkeypatch.setenv("TIERGATE_RUN_ID", "gh-42-1")
    assert current_run_id() == "gh-42-1"
    monkeypatch.setenv("TIERGATE_RUN_ID", "../escape")
    with pytest.raises(ArtifactError, match="TIERGATE_RUN_ID"):
        current_run_id()


@pytest.mark.req("FR-012")
def test_manifest_round_trips_and_validates_against_the_schema(tmp_path: Path) -> None:
    manifest = _manifest()
    path = write_manifest(tmp_path / "s", manifest)
    assert read_manifest(path) == manifest
    jsonschema.validate(json.loads(path.read_text()), manifest_json_schema())
    assert not list((tmp_path / "s").glob(".*partial"))


def test_a_manifest_that_is_not_json_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text('{\n  "schema_version": 1,\n  oops\n}\n')
    with pytest.raises(ArtifactError) as caught:
        read_manifest(path)
    assert str(caught.value).startswith(f"{path}:3: not JSON")


@pytest.mark.req("FR-012")
def test_a_manifest_missing_a_field_names_the_field(tmp_path: Path) -> None:
    data = json.loads(_manifest().model_dump_json())
    del data["outcome"]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data))
    with pytest.raises(
        ArtifactError, match=r"manifest.json: not a valid manifest: outcome: Field required"
    ):
        read_manifest(path)


@pytest.mark.req("FR-012")
def test_a_manifest_of_another_version_is_refused(tmp_path: Path) -> None:
    data = json.loads(_manifest().model_dump_json())
    data["schema_version"] = 2
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ArtifactError, match="schema_version"):
        read_manifest(path)


@pytest.mark.req("FR-222")
def test_a_session_took_what_it_took_where_it_ran() -> None:
    ran = _manifest(finished_at=MOMENT + timedelta(seconds=95.5))
    assert ran.seconds == 95.5
    earlier = MOMENT - timedelta(days=1)
    reused = Reused(
        digest="0" * 64,
        run_id="r0",
        started_at=earlier,
        finished_at=earlier + timedelta(minutes=5),
    )
    assert _manifest(finished_at=MOMENT + timedelta(seconds=1), reused=reused).seconds == 300.0
    assert _manifest(finished_at=MOMENT - timedelta(seconds=3)).seconds == 0.0  # clock stepped


def test_sessions_are_read_by_name(tmp_path: Path) -> None:
    write_manifest(tmp_path / "sessions" / "a", _manifest())
    write_manifest(
        tmp_path / "sessions" / "b", _manifest(session="lint", kind="lint", package=None)
    )
    (tmp_path / "sessions" / "unfinished").mkdir()
    found = read_sessions(tmp_path)
    assert sorted(found) == ["lint", "tests-3.12(package='tiergate')"]


def test_a_folder_without_sessions_is_not_a_run(tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="not a run folder"):
        read_sessions(tmp_path)
