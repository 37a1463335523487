"""``--tiergate-reads`` under pytest-xdist: the workers' reads reach the controller's FILE.

The same suite runs once without workers and once with ``-n 2``, each in its own
pytest process: the read sets must be equal, and hold what each worker read.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

READER = """
import os
from pathlib import Path

import helper_{number}

ROOT = Path(__file__).resolve().parents[1]


def test_reads_{number}():
    assert (ROOT / "data" / "{number}.txt").read_text() == "{number}\\n"


def test_reads_then_deletes_{number}():
    (ROOT / "data" / "gone-{number}.txt").read_text()
    (ROOT / "data" / "gone-{number}.txt").unlink()


def test_reads_outside_{number}():
    assert Path(os.environ["OUTSIDE"], "{number}.txt").read_text() == "{number}\\n"


def test_imports_{number}():
    assert helper_{number}.VALUE == {number}
"""

FILES = 6


def _suite(write: Callable[[str, str], Path], outside: Path) -> None:
    for number in range(FILES):
        write(f"helper_{number}.py", f"VALUE = {number}\n")
        write(f"tests/test_reader_{number}.py", READER.format(number=number))
        write(f"data/{number}.txt", f"{number}\n")
        write(f"data/gone-{number}.txt", "gone\n")
        (outside / f"{number}.txt").write_text(f"{number}\n")


def _run(pytester: pytest.Pytester, name: str, *args: str) -> dict[str, object]:
    target = pytester.path / "out" / f"{name}.json"
    result = pytester.runpytest_subprocess(
        "-p", "xdist", "-p", "pytest_tiergate.reads", f"--tiergate-reads={target}", *args
    )
    result.assert_outcomes(passed=4 * FILES)
    loaded = json.loads(target.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.req("FR-214")
def test_the_read_set_of_two_workers_equals_the_serial_one(
    pytester: pytest.Pytester,
    write: Callable[[str, str], Path],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path_factory.mktemp("inner-tmp")))
    outside = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.setenv("OUTSIDE", str(outside))
    _suite(write, outside)
    serial = _run(pytester, "serial")
    _suite(write, outside)
    workers = _run(pytester, "workers", "-n", "2")
    assert workers == serial
    reads = workers["reads"]
    assert isinstance(reads, dict)
    for number in range(FILES):
        data = pytester.path / "data" / f"{number}.txt"
        assert reads[f"data/{number}.txt"] == hashlib.sha256(data.read_bytes()).hexdigest()
        assert reads[f"data/gone-{number}.txt"] == "absent"
        assert f"helper_{number}.py" in reads
        assert f"tests/test_reader_{number}.py" in reads
        assert str((outside / f"{number}.txt").resolve()) in reads


@pytest.mark.req("FR-214")
def test_a_worker_that_dies_leaves_no_read_set(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("tests/test_dies.py", "import os\n\ndef test_dies():\n    os._exit(3)\n")
    write("tests/test_lives.py", "def test_lives():\n    pass\n")
    target = pytester.path / "reads.json"
    result = pytester.runpytest_subprocess(
        "-p", "xdist", "-p", "pytest_tiergate.reads", f"--tiergate-reads={target}", "-n", "2"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert not target.exists()
    lines = [line for line in result.errlines if "--tiergate-reads" in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"tiergate: --tiergate-reads: {target} not written: gw")
    assert lines[0].endswith(" ended without sending its reads")
