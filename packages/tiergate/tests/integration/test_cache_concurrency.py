"""Several processes storing the same cache entry at once: one valid entry, every one ends well.

Each writer is a real ``python`` process that waits for a start file, then calls
:meth:`~tiergate.cache.ResultCache.save` on the same session folder and key and
prints the digest of what it got back.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest

from tiergate.cache import Hit, ResultCache
from tiergate.cache.entry import SESSION
from tiergate.inputs import InputKey
from tiergate.runfolder import SessionManifest, session_dir, write_manifest

if TYPE_CHECKING:
    from pathlib import Path

WRITERS = 6
ROUNDS = 3
WRITER = """
import json, sys, time
from pathlib import Path
from tiergate.cache import CacheEntry, ResultCache
from tiergate.inputs import InputKey

cache, folder, key, start = sys.argv[1:5]
while not Path(start).exists():
    time.sleep(0.001)
saved = ResultCache(Path(cache)).save(Path(folder), InputKey.model_validate_json(key))
print(json.dumps({"stored": isinstance(saved, CacheEntry), "what": str(saved)[:200]}))
"""


def _lint_session(run_dir: Path) -> Path:
    """A passed ``lint`` session that left a large ``ruff.json`` (copying takes a while)."""
    folder = session_dir(run_dir, "lint")
    folder.mkdir(parents=True)
    (folder / "ruff.json").write_text(json.dumps([{"padding": "x" * 1000}] * 4000))
    moment = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
    write_manifest(
        folder,
        SessionManifest(
            schema_version=1,
            run_id=run_dir.name,
            session="lint",
            kind="lint",
            package=None,
            python=None,
            started_at=moment,
            finished_at=moment,
            outcome="passed",
            exit_code=0,
            command=["ruff", "check"],
            artifacts={"findings": "ruff.json"},
        ),
    )
    return folder


@pytest.mark.req("FR-206")
@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_writers_storing_the_same_entry_at_once_leave_one_valid_entry(
    tmp_path: Path, round_number: int
) -> None:
    folder = _lint_session(tmp_path / "runs" / "r1")
    key = InputKey.of({"ruff.toml": hashlib.sha256(str(round_number).encode()).hexdigest()})
    cache = ResultCache(tmp_path / "cache")
    start = tmp_path / "start"
    writers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(cache.folder),
                str(folder),
                key.model_dump_json(),
                str(start),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    time.sleep(0.5)  # every writer is waiting for the start file
    start.touch()
    results = [writer.communicate(timeout=120) for writer in writers]

    assert [
        (writer.returncode, err) for writer, (_, err) in zip(writers, results, strict=True)
    ] == [(0, "")] * WRITERS
    answers = [json.loads(out) for out, _ in results]
    assert all(answer["stored"] for answer in answers), answers
    entries = cache.entries()
    assert [(e.session, e.digest) for e in entries] == [("lint", key.digest)]
    hit = cache.lookup("lint", key)
    assert isinstance(hit, Hit)
    stored = hit.folder / SESSION / "ruff.json"
    assert stored.read_bytes() == (folder / "ruff.json").read_bytes()
    assert list((cache.folder / "tmp").iterdir()) == []  # every writer cleaned up after itself
