"""The result cache over real run folders: save, lookup, restore, read sets, broken entries."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import jsonschema
import pytest

from tiergate.cache import CacheEntry, Hit, Miss, Refused, ResultCache, default_folder
from tiergate.cache.entry import ENTRY, SESSION
from tiergate.config import load_config
from tiergate.errors import ArtifactError
from tiergate.inputs import InputKey, NoKey
from tiergate.runfolder import MANIFEST, read_manifest, read_sessions
from tiergate.schemas import FOLDER
from unit.conftest import CALC_PATH, IMPORTED, RunFolder, Tier, passing, record
from unit.input_repo import KeyRepo, src_layout

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

ALPHA = "tests-3.11(package='alpha')"
APP_TESTS = "tests-3.11(package='app')"
LATER = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _key(**parts: str) -> InputKey:
    """A key of named parts, each the SHA-256 of its text."""
    return InputKey.of({name.replace("_", "/"): _sha(text) for name, text in parts.items()})


KEY = _key(calc="one", python="3.11")


@pytest.fixture
def cache(workspace: Path) -> ResultCache:
    return ResultCache.of(workspace, load_config(workspace))


@pytest.fixture
def passed(alpha: Path, run: RunFolder) -> Path:
    """alpha's tests session, passed: unit and integration tiers with records, JUnit, coverage."""
    del alpha
    return run.tests(
        "alpha",
        {
            "unit": Tier(passing(2), {CALC_PATH: IMPORTED}),
            "integration": Tier(passing(1, "integration"), {CALC_PATH: IMPORTED}),
        },
    )


def _hit(found: Hit | Miss) -> Hit:
    assert isinstance(found, Hit), found
    return found


def _miss(found: Hit | Miss) -> Miss:
    assert isinstance(found, Miss), found
    return found


def _saved(saved: CacheEntry | Refused) -> CacheEntry:
    assert isinstance(saved, CacheEntry), saved
    return saved


@pytest.mark.req("FR-200")
def test_a_passed_session_is_stored_whole_and_found_under_its_key(
    workspace: Path, cache: ResultCache, passed: Path
) -> None:
    entry = _saved(cache.save(passed, KEY))

    assert cache.folder == workspace / ".tiergate" / "cache"
    assert default_folder(workspace, load_config(workspace)) == cache.folder
    assert (entry.session, entry.digest, entry.parts) == (ALPHA, KEY.digest, KEY.parts)
    assert (entry.run_id, entry.read_set) == ("r1", {})
    stored = cache.entry_folder(ALPHA, KEY.digest)
    copied = sorted(
        p.relative_to(stored / SESSION).as_posix() for p in (stored / SESSION).rglob("*.*")
    )
    original = sorted(p.relative_to(passed).as_posix() for p in passed.rglob("*.*"))
    assert copied == original == sorted(entry.files)
    assert "unit/coverage.db" in copied
    assert entry.size == sum((passed / name).stat().st_size for name in original)
    document = json.loads((stored / ENTRY).read_text())
    jsonschema.validate(document, json.loads((FOLDER / "cache-entry.schema.json").read_text()))
    assert document["read_set"] == {}  # the field is always there
    hit = _hit(cache.lookup(ALPHA, KEY))
    assert hit.entry == entry
    assert cache.entries() == [entry]
    assert cache.total_bytes() >= entry.size


@pytest.mark.req("FR-200")
@pytest.mark.parametrize("outcome", ["failed", "crashed"])
def test_failed_and_crashed_sessions_are_never_stored(
    alpha: Path, run: RunFolder, cache: ResultCache, outcome: str
) -> None:
    del alpha
    unit = (*passing(1), record("packages/alpha/tests/unit/test_calc.py::test_9", "failed"))
    tier = Tier(unit, {CALC_PATH: IMPORTED}, outcome="failed" if outcome == "failed" else "crashed")
    folder = run.tests("alpha", {"unit": tier})
    assert read_manifest(folder / MANIFEST).outcome == outcome

    refused = cache.save(folder, KEY)

    assert isinstance(refused, Refused)
    assert refused.reason == (
        f"not stored: the session {outcome} (only passed sessions are stored)"
    )
    assert not cache.folder.exists() or cache.entries() == []
    assert _miss(cache.lookup(ALPHA, KEY)) == Miss("no entry yet")


def test_a_passed_session_with_a_tier_that_did_not_pass_is_not_stored(
    alpha: Path, run: RunFolder, cache: ResultCache
) -> None:
    del alpha
    folder = run.tests(
        "alpha",
        {"unit": Tier(passing(1), {CALC_PATH: IMPORTED}, outcome="failed")},
        outcome="passed",
    )
    refused = cache.save(folder, KEY)
    assert refused == Refused("not stored: its tier unit failed (only passed sessions are stored)")


def test_no_key_is_never_stored_and_a_lookup_gives_its_reason(
    cache: ResultCache, passed: Path
) -> None:
    why = NoKey(reason="not a git repository")
    assert cache.save(passed, why) == Refused("no input key: not a git repository")
    assert cache.lookup(ALPHA, why) == Miss("not a git repository")


def test_a_session_folder_holding_a_symbolic_link_is_not_stored(
    cache: ResultCache, passed: Path, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere.txt").write_text("secret")
    (passed / "unit" / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    refused = cache.save(passed, KEY)
    assert refused == Refused("not stored: unit/link.txt: not a regular file or folder")
    assert not any((cache.folder / "tmp").iterdir())  # nothing half-written left behind


@pytest.mark.req("FR-201")
def test_a_miss_names_the_inputs_that_changed_since_the_newest_entry(
    tmp_path: Path, passed: Path, cache: ResultCache
) -> None:
    repo: KeyRepo = src_layout(tmp_path / "repo")
    first = repo.must_key(APP_TESTS)
    saved = _saved(cache.save(passed, first))
    assert saved.session == ALPHA  # the session's name is the manifest's
    older = _key(calc="old")
    assert isinstance(cache.save(passed, older, now=LATER - timedelta(days=9)), CacheEntry)
    model = repo.root / "packages/core/src/core/model.py"
    model.write_text(model.read_text() + "# changed\n")
    (repo.root / "packages/app/tests/conftest.py").write_text("# new\n")

    miss = _miss(cache.lookup(ALPHA, repo.must_key(APP_TESTS)))

    assert miss.changed == (
        "packages/app/tests/conftest.py",
        "packages/core/src/core/model.py",
    )
    assert miss.reason == (
        "changed since run r1: packages/app/tests/conftest.py, packages/core/src/core/model.py"
    )
    assert _miss(cache.lookup("lint", first)) == Miss("no entry yet")


@pytest.mark.req("FR-202")
def test_a_one_byte_change_to_a_file_of_the_read_set_is_a_miss_naming_it(
    workspace: Path, cache: ResultCache, passed: Path
) -> None:
    data = workspace / "data" / "table.csv"
    data.parent.mkdir()
    data.write_bytes(b"a,b\n1,2\n")
    other = workspace / "data" / "other.csv"
    other.write_bytes(b"x\n")
    read_set = {"data/table.csv": hashlib.sha256(data.read_bytes()).hexdigest()}
    _saved(cache.save(passed, KEY, read_set=read_set))

    other.write_bytes(b"y\n")  # not read by the session: still a hit
    assert _hit(cache.lookup(ALPHA, KEY)).entry.read_set == read_set

    data.write_bytes(b"a,b\n1,3\n")
    assert _miss(cache.lookup(ALPHA, KEY)) == Miss(
        "data/table.csv changed since it was read", ("data/table.csv",)
    )
    data.write_bytes(b"a,b\n1,2\n")
    assert isinstance(cache.lookup(ALPHA, KEY), Hit)  # the same bytes again: it holds
    data.unlink()
    assert _miss(cache.lookup(ALPHA, KEY)).changed == ("data/table.csv",)
    data.mkdir()  # a folder where the file was
    assert _miss(cache.lookup(ALPHA, KEY)).changed == ("data/table.csv",)


def _break_entry_json(data: bytes) -> Callable[[Path], None]:
    def change(entry: Path) -> None:
        (entry / ENTRY).write_bytes(data)

    return change


def _edit_entry(**changes: object) -> Callable[[Path], None]:
    def change(entry: Path) -> None:
        data = json.loads((entry / ENTRY).read_text())
        data.update(changes)
        (entry / ENTRY).write_text(json.dumps(data))

    return change


def _file_outside(entry: Path) -> None:
    data = json.loads((entry / ENTRY).read_text())
    data["files"]["../../escape.txt"] = {"size": 0, "sha256": _sha("")}
    (entry / ENTRY).write_text(json.dumps(data))


def _artifact_outside(entry: Path) -> None:
    manifest = entry / SESSION / MANIFEST
    data = json.loads(manifest.read_text())
    data["tiers"]["unit"]["artifacts"]["junit"] = "../../../../outside.xml"
    manifest.write_text(json.dumps(data))
    entry_data = json.loads((entry / ENTRY).read_text())
    entry_data["files"][MANIFEST]["size"] = manifest.stat().st_size
    entry_data["size"] = sum(one["size"] for one in entry_data["files"].values())
    (entry / ENTRY).write_text(json.dumps(entry_data))


def _extra_file(entry: Path) -> None:
    (entry / SESSION / "unit" / "planted.py").write_text("print('hi')\n")


def _link_in_session(entry: Path) -> None:
    (entry / SESSION / "unit" / "tests.jsonl").unlink()
    (entry / SESSION / "unit" / "tests.jsonl").symlink_to("/etc/hostname")


@pytest.mark.req("FR-203")
@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_break_entry_json(b"{not json"), "not JSON: Expecting property name"),
        (_break_entry_json(b"[1, 2]"), "not a valid cache entry: (top level): Input should be"),
        (_break_entry_json(b"\xff\xfe"), "not a cache entry: not UTF-8 text"),
        (_edit_entry(read_set={"x": "not a digest"}), "read_set.x: String should match"),
        (_edit_entry(digest="0" * 64), "digest does not match"),
        (_edit_entry(size=-1), "size: Input should be greater than or equal to 0"),
        (_file_outside, "files: not a path inside the entry: '../../escape.txt'"),
        (_artifact_outside, "artifact path outside the session folder: ../../../../outside.xml"),
        (_extra_file, "session/unit/planted.py: not as recorded"),
        (_link_in_session, "unit/tests.jsonl: not a regular file or folder"),
    ],
)
def test_a_broken_entry_is_a_miss_with_its_reason_and_is_removed(
    cache: ResultCache, passed: Path, damage: Callable[[Path], None], reason: str
) -> None:
    _saved(cache.save(passed, KEY))
    folder = cache.entry_folder(ALPHA, KEY.digest)
    damage(folder)

    miss = _miss(cache.lookup(ALPHA, KEY))

    assert miss.reason.startswith("broken cache entry removed: ")
    assert reason in miss.reason
    assert "\n" not in miss.reason
    assert not folder.exists()
    assert _miss(cache.lookup(ALPHA, KEY)) == Miss("no entry yet")
    assert isinstance(cache.save(passed, KEY), CacheEntry)  # and it can be stored again


@pytest.mark.req("FR-204")
def test_restore_copies_the_session_into_the_new_run_with_reused_and_its_run_id(
    workspace: Path, cache: ResultCache, passed: Path
) -> None:
    entry = _saved(cache.save(passed, KEY))
    later = RunFolder(workspace, run_id="r2")

    target = cache.restore(_hit(cache.lookup(ALPHA, KEY)), later.path, now=LATER)

    manifest = read_manifest(target / MANIFEST)
    old = read_manifest(passed / MANIFEST)
    assert target == later.path / "sessions" / "tests-3.11-alpha"
    assert manifest.run_id == "r2"
    assert manifest.reused is not None
    assert manifest.reused.model_dump() == {
        "digest": KEY.digest,
        "run_id": "r1",
        "started_at": old.started_at,
        "finished_at": old.finished_at,
    }
    assert (manifest.started_at, manifest.finished_at) == (LATER, LATER)
    assert manifest.label == "cached from run r1 (finished 2026-11-22 10:00:30 UTC)"
    assert manifest.tiers == old.tiers
    for name in entry.files:
        if name != MANIFEST:
            assert (target / name).read_bytes() == (passed / name).read_bytes()
    assert read_sessions(later.path)[ALPHA][1] == manifest
    assert _saved(cache.entries()[0]).last_used == LATER
    # Stored again from the restored run: the origin stays the first run.
    again = _saved(cache.save(target, _key(calc="two")))
    assert (again.run_id, again.finished_at) == ("r1", old.finished_at)


def test_restore_replaces_what_the_session_folder_held(
    workspace: Path, cache: ResultCache, passed: Path
) -> None:
    _saved(cache.save(passed, KEY))
    later = RunFolder(workspace, run_id="r2")
    stale = later.path / "sessions" / "tests-3.11-alpha" / "unit" / "old.txt"
    stale.parent.mkdir(parents=True)
    stale.write_text("from an earlier attempt")
    target = cache.restore(_hit(cache.lookup(ALPHA, KEY)), later.path)
    assert not stale.exists()
    assert (target / "unit" / "junit.xml").is_file()


def test_a_stored_file_changed_after_lookup_fails_the_restore_and_removes_the_entry(
    workspace: Path, cache: ResultCache, passed: Path
) -> None:
    _saved(cache.save(passed, KEY))
    hit = _hit(cache.lookup(ALPHA, KEY))
    junit = hit.folder / SESSION / "unit" / "junit.xml"
    junit.write_bytes(junit.read_bytes().replace(b"pytest", b"pytesX", 1))  # same size
    later = RunFolder(workspace, run_id="r2")

    with pytest.raises(ArtifactError) as raised:
        cache.restore(hit, later.path)

    assert str(raised.value) == (
        f"{hit.folder / ENTRY}: broken cache entry removed: "
        "session/unit/junit.xml: not as stored (its SHA-256 differs)"
    )
    assert not hit.folder.exists()
    assert not (later.path / "sessions" / "tests-3.11-alpha").exists()


@pytest.mark.req("FR-205")
def test_prune_removes_the_least_recently_used_first_and_stays_under_the_bound(
    workspace: Path, cache: ResultCache, passed: Path
) -> None:
    keys = [_key(calc=str(n)) for n in range(4)]
    for number, key in enumerate(keys):
        _saved(cache.save(passed, key, now=LATER + timedelta(hours=number)))
    # Restoring the oldest makes it the most recently used.
    cache.restore(
        _hit(cache.lookup(ALPHA, keys[0])),
        RunFolder(workspace, "r2").path,
        now=LATER + timedelta(days=1),
    )
    one = cache.total_bytes() // 4
    stale = cache.folder / "tmp" / "saving-killed"
    stale.mkdir(parents=True)
    (stale / "half.bin").write_bytes(b"x" * 100)
    old = (LATER - timedelta(days=1)).timestamp()
    os.utime(stale, (old, old))
    fresh = cache.folder / "tmp" / "saving-running"
    fresh.mkdir()

    removed = cache.prune(2 * one + one // 2)

    assert [entry.digest for entry in removed] == [keys[1].digest, keys[2].digest]
    assert cache.total_bytes() <= 2 * one + one // 2
    assert sorted(e.digest for e in cache.entries()) == sorted([keys[0].digest, keys[3].digest])
    assert not stale.exists()
    assert fresh.exists()  # another process may be writing it now
    assert len(cache.prune(0)) == 2
    assert (cache.entries(), cache.total_bytes()) == ([], 0)


def test_clear_removes_every_entry_and_the_memo(cache: ResultCache, passed: Path) -> None:
    for number in range(3):
        _saved(cache.save(passed, _key(calc=str(number))))
    counted = cache.total_bytes()
    memo = cache.folder / "memo" / "test-files.json"
    memo.parent.mkdir()
    memo.write_text('{"entries": {}}')
    assert cache.total_bytes() == counted  # bounded by its count, not by max-size
    assert len(cache.entries()) == 3
    assert cache.clear() == 3
    assert (cache.entries(), cache.total_bytes()) == ([], 0)
    assert not memo.parent.exists()
    assert cache.clear() == 0


def test_an_entry_there_already_is_kept(cache: ResultCache, passed: Path) -> None:
    first = _saved(cache.save(passed, KEY, now=LATER))
    second = _saved(cache.save(passed, KEY, now=LATER + timedelta(hours=1)))
    assert second == first
    shutil.rmtree(cache.entry_folder(ALPHA, KEY.digest) / SESSION / "unit")
    third = _saved(cache.save(passed, KEY, now=LATER + timedelta(hours=2)))  # broken: replaced
    assert third.saved_at == LATER + timedelta(hours=2)


@pytest.mark.req("FR-196")
def test_a_newer_result_of_the_same_key_replaces_the_entry(
    cache: ResultCache, passed: Path
) -> None:
    """An online audit too old to reuse runs again: its result must be stored, not rerun forever."""
    old = _saved(cache.save(passed, KEY, now=LATER))
    manifest = passed / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    finished = datetime.fromisoformat(data["finished_at"]) + timedelta(hours=2)
    data["finished_at"] = finished.isoformat()
    manifest.write_text(json.dumps(data), encoding="utf-8")
    later = LATER + timedelta(hours=2)
    new = _saved(cache.save(passed, KEY, now=later))
    assert (new.finished_at, new.saved_at) == (finished, later)
    assert _hit(cache.lookup(ALPHA, KEY)).entry == new
    assert [entry.finished_at for entry in cache.entries()] == [finished]
    data["finished_at"] = (finished - timedelta(hours=3)).isoformat()  # an older result: kept out
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert _saved(cache.save(passed, KEY, now=later + timedelta(hours=1))) == new
    assert old.finished_at < new.finished_at


@pytest.mark.req("FR-202")
def test_an_entry_whose_read_set_no_longer_holds_is_replaced_by_the_new_run(
    workspace: Path, cache: ResultCache, passed: Path
) -> None:
    """The same declared inputs, another file read: the new run's entry, not a rerun forever."""
    data = workspace / "data.csv"
    data.write_bytes(b"1\n")
    old = _saved(cache.save(passed, KEY, read_set={"data.csv": _sha("1\n")}, now=LATER))
    data.write_bytes(b"2\n")
    assert _miss(cache.lookup(ALPHA, KEY)).changed == ("data.csv",)

    later = LATER + timedelta(hours=1)
    new = _saved(cache.save(passed, KEY, read_set={"data.csv": _sha("2\n")}, now=later))
    assert (new.saved_at, new.read_set) == (later, {"data.csv": _sha("2\n")})
    assert _hit(cache.lookup(ALPHA, KEY)).entry == new
    assert [entry.saved_at for entry in cache.entries()] == [later]
    assert old.saved_at == LATER


@pytest.mark.req("FR-200")
def test_a_folder_whose_manifest_does_not_read_is_not_stored(
    cache: ResultCache, passed: Path
) -> None:
    (passed / MANIFEST).write_text("{not json", encoding="utf-8")
    refused = cache.save(passed, KEY)
    assert isinstance(refused, Refused)
    assert refused.reason.startswith("not stored: ")
    assert MANIFEST in refused.reason
    assert cache.entries() == []


@pytest.mark.req("FR-203")
def test_an_entry_in_the_folder_of_another_digest_is_not_listed(
    cache: ResultCache, passed: Path
) -> None:
    _saved(cache.save(passed, KEY))
    folder = cache.entry_folder(ALPHA, KEY.digest)
    folder.rename(folder.with_name("0" * 64))
    assert cache.entries() == []
    assert _miss(cache.lookup(ALPHA, KEY)) == Miss("no entry yet")
