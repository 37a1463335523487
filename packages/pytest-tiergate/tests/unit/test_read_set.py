from __future__ import annotations

import hashlib
import json
import os
import sys
import sysconfig
from pathlib import Path, PurePath

import pytest

from pytest_tiergate.reads import (
    ABSENT,
    SYSTEM,
    UNREADABLE,
    UNSEEN,
    Places,
    ReadLog,
    digest,
    environment,
    module_files,
    read_set,
    source_of,
)

READ = os.O_RDONLY | os.O_CLOEXEC
"""The flags Python's own ``open`` event carries for ``open(path)`` and ``io.open_code``."""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """A root inside a temporary folder, an environment in the root, a folder outside both."""
    folders = {
        "root": tmp_path / "repo",
        "venv": tmp_path / "repo" / ".venv",
        "temporary": tmp_path,
        "outside": tmp_path.parent / f"{tmp_path.name}-elsewhere",
    }
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    return folders


def _places(layout: dict[str, Path], *outputs: Path) -> Places:
    return Places(
        root=str(layout["root"].resolve()),
        excluded=(str(layout["venv"].resolve()), *SYSTEM),
        outputs=frozenset(str(path.resolve()) for path in outputs),
        temporary=(str(layout["temporary"].resolve()),),
    )


@pytest.mark.req("FR-210")
def test_the_hook_keeps_reads_and_leaves_out_writes_folders_and_descriptors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log = ReadLog()
    log.audit("open", ("/repo/read.txt", "r", READ))
    log.audit("open", (b"/repo/bytes.txt", "r", READ))
    log.audit("open", ("/repo/updated.txt", "r+", os.O_RDWR | os.O_CLOEXEC))
    log.audit("open", ("/repo/low-level.txt", None, os.O_RDONLY))
    log.audit("open", ("relative.txt", "r", READ))
    log.audit("open", ("in-a-folder-descriptor.txt", None, os.O_RDONLY))
    log.audit("open", ("/repo/written.txt", "w", os.O_WRONLY | os.O_CREAT | os.O_TRUNC))
    log.audit("open", ("/repo/appended.txt", "a", os.O_WRONLY | os.O_APPEND | os.O_CREAT))
    log.audit("open", ("/repo/folder", None, os.O_RDONLY | os.O_DIRECTORY))
    log.audit("open", (3, "r", READ))
    log.audit("os.listdir", ("/repo/listed",))
    assert sorted(log.paths()) == sorted(
        [
            "/repo/read.txt",
            "/repo/bytes.txt",
            "/repo/updated.txt",
            "/repo/low-level.txt",
            str(tmp_path / "relative.txt"),
        ]
    )


@pytest.mark.req("FR-210")
def test_the_hook_never_raises_when_the_working_folder_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    log = ReadLog()
    log.audit("open", ("relative.txt", "r", READ))
    assert list(log.paths()) == []


@pytest.mark.req("FR-210")
def test_the_hook_records_nothing_once_stopped() -> None:
    log = ReadLog()
    log.active = False
    log.audit("open", ("/repo/read.txt", "r", READ))
    assert list(log.paths()) == []


@pytest.mark.req("FR-210")
def test_a_compiled_module_is_its_source_when_the_source_is_there(tmp_path: Path) -> None:
    cache = tmp_path / "__pycache__"
    cache.mkdir()
    (tmp_path / "helper.py").write_text("VALUE = 1\n")
    (tmp_path / "test_x.py").write_text("def test(): pass\n")
    compiled = cache / f"helper.{sys.implementation.cache_tag}.pyc"
    rewritten = cache / f"test_x.{sys.implementation.cache_tag}-pytest-9.2.0.pyc"
    orphan = cache / f"gone.{sys.implementation.cache_tag}.pyc"
    sourceless = tmp_path / "legacy.pyc"
    assert source_of(str(compiled)) == str(tmp_path / "helper.py")
    assert source_of(str(rewritten)) == str(tmp_path / "test_x.py")
    assert source_of(str(orphan)) == str(orphan)
    assert source_of(str(sourceless)) == str(sourceless)
    (tmp_path / "legacy.py").write_text("")
    assert source_of(str(sourceless)) == str(tmp_path / "legacy.py")
    assert source_of(str(tmp_path / "helper.py")) == str(tmp_path / "helper.py")


@pytest.mark.req("FR-211")
def test_places_keep_the_root_and_outside_and_leave_out_the_rest(
    layout: dict[str, Path],
) -> None:
    root, venv, outside = layout["root"].resolve(), layout["venv"], layout["outside"].resolve()
    where = _places(layout)
    assert where.keep(str(root / "data" / "a.txt")) == str(root / "data" / "a.txt")
    assert where.keep(str(root / "data" / ".." / "b.txt")) == str(root / "b.txt")
    assert where.keep(str(outside / "shared.txt")) == str(outside / "shared.txt")
    assert where.keep(str(venv / "lib" / "site.py")) is None
    assert where.keep(str(layout["temporary"] / "scratch.txt")) is None
    assert where.keep("/proc/self/status") is None
    assert where.keep("/dev/null") is None
    assert where.key(str(root / "data" / "a.txt")) == "data/a.txt"
    assert where.key(str(outside / "shared.txt")) == str(outside / "shared.txt")
    assert not where.outside(str(root / "data" / "a.txt"))
    assert where.outside(str(outside / "shared.txt"))


@pytest.mark.req("FR-211")
def test_a_link_is_kept_as_the_file_it_leads_to(layout: dict[str, Path]) -> None:
    root, outside = layout["root"].resolve(), layout["outside"].resolve()
    (outside / "target.txt").write_text("shared\n")
    (root / "link.txt").symlink_to(outside / "target.txt")
    (root / "linked").symlink_to(layout["venv"])
    where = _places(layout)
    assert where.keep(str(root / "link.txt")) == str(outside / "target.txt")
    assert where.keep(str(root / "linked" / "lib.py")) is None


@pytest.mark.req("FR-211")
def test_the_environment_holds_the_interpreter_folders_but_never_the_root() -> None:
    found = environment("/nowhere/repo")
    assert os.path.realpath(sys.prefix) in found
    assert sysconfig.get_path("stdlib") in found
    assert sysconfig.get_path("purelib") in found
    holding = environment(os.path.realpath(sys.base_prefix) + "/src/repo")
    assert os.path.realpath(sys.base_prefix) not in holding
    assert sysconfig.get_path("stdlib") in holding


@pytest.mark.req("FR-211")
def test_every_imported_module_is_named_by_its_absolute_file() -> None:
    files = set(module_files())
    assert os.path.normpath(json.__file__) in files
    assert os.path.normpath(__file__) in files
    assert all(PurePath(path).is_absolute() for path in files)


@pytest.mark.req("FR-212")
def test_the_sessions_outputs_and_coverage_data_are_left_out(layout: dict[str, Path]) -> None:
    root = layout["root"].resolve()
    where = _places(layout, root / "out" / "reads.json", root / "out" / "junit.xml")
    assert where.keep(str(root / "out" / "reads.json")) is None
    assert where.keep(str(root / "out" / "junit.xml")) is None
    assert where.keep(str(root / ".coverage")) is None
    assert where.keep(str(root / "sub" / ".coverage.host.123.456")) is None
    assert where.keep(str(root / ".coveragerc")) == str(root / ".coveragerc")
    assert where.keep(str(root / "out" / "data.txt")) == str(root / "out" / "data.txt")


@pytest.mark.req("FR-210", "FR-211")
def test_the_read_set_hashes_files_marks_deleted_ones_and_skips_folders(
    layout: dict[str, Path],
) -> None:
    root, outside = layout["root"].resolve(), layout["outside"].resolve()
    (root / "data").mkdir()
    (root / "data" / "a.txt").write_text("alpha\n")
    (outside / "shared.txt").write_text("shared\n")
    kept = [
        str(root / "data" / "a.txt"),
        str(root / "data" / "a.txt"),
        str(root / "data" / "gone.txt"),
        str(root / "data"),
        str(outside / "shared.txt"),
    ]
    document = read_set(kept, _places(layout))
    assert document == {
        "version": 1,
        "root": str(root),
        "reads": {
            "data/a.txt": _sha(root / "data" / "a.txt"),
            "data/gone.txt": ABSENT,
            str(outside / "shared.txt"): _sha(outside / "shared.txt"),
        },
        "outside": [str(outside / "shared.txt")],
        "unseen": UNSEEN,
    }


def test_a_file_that_cannot_be_opened_as_read_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "target.txt").write_text("x")
    (tmp_path / "link.txt").symlink_to(tmp_path / "target.txt")
    os.mkfifo(tmp_path / "fifo")
    assert digest(str(tmp_path / "link.txt")) == UNREADABLE  # replaced by a link since
    assert digest(str(tmp_path / "fifo")) is None
    assert digest(str(tmp_path / "target.txt")) == _sha(tmp_path / "target.txt")
