"""``--tiergate-reads``: real pytest processes over a suite that reads, imports, deletes files."""

from __future__ import annotations

import hashlib
import json
import os
import py_compile
import sys
from importlib.util import cache_from_source
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import tiergate

if TYPE_CHECKING:
    from collections.abc import Callable

MEMBERS = Path(tiergate.__file__).resolve().parents[3]
"""The workspace's ``packages`` folder: its members, installed editable, lie outside a suite."""

READING = """
import os
from pathlib import Path

import helper

ROOT = Path(__file__).resolve().parents[1]


def test_reads_a_data_file():
    assert Path("data/one.txt").read_text() == "one\\n"


def test_reads_then_deletes():
    gone = ROOT / "data" / "gone.txt"
    assert gone.read_bytes() == b"gone\\n"
    gone.unlink()


def test_reads_with_os_open():
    descriptor = os.open(ROOT / "data" / "low.txt", os.O_RDONLY)
    os.close(descriptor)


def test_only_writes():
    (ROOT / "data" / "written.txt").write_text("w")


def test_imports():
    assert helper.VALUE == 1


def test_reads_outside():
    if os.environ.get("OUTSIDE"):
        assert Path(os.environ["OUTSIDE"]).read_text() == "shared\\n"


def test_reads_temporary(tmp_path):
    (tmp_path / "scratch.txt").write_text("x")
    assert (tmp_path / "scratch.txt").read_text() == "x"
"""


def _suite(write: Callable[[str, str], Path]) -> None:
    write("helper.py", "VALUE = 1\n")
    write("tests/test_reading.py", READING)
    write("data/one.txt", "one\n")
    write("data/gone.txt", "gone\n")
    write("data/low.txt", "low\n")


@pytest.fixture
def elsewhere(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder that is neither the suite's root nor the temporary folder of its pytest process.

    (The suite lies in the outer temporary folder: the inner process gets one of its own.)
    """
    monkeypatch.setenv("TMPDIR", str(tmp_path_factory.mktemp("inner-tmp")))
    return tmp_path_factory.mktemp("elsewhere")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _document(path: Path) -> dict[str, object]:
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _reads(path: Path) -> dict[str, str]:
    reads = _document(path)["reads"]
    assert isinstance(reads, dict)
    return reads


def _outside(path: Path) -> list[str]:
    """The paths listed outside, but the workspace members this suite's environment runs."""
    outside = _document(path)["outside"]
    assert isinstance(outside, list)
    return [str(p) for p in outside if not Path(p).is_relative_to(MEMBERS)]


@pytest.mark.req("FR-210")
def test_reads_inside_the_root_are_relative_with_their_hash(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _suite(write)
    target = pytester.path / "out" / "reads.json"
    result = pytester.runpytest_subprocess(
        "-p", "pytest_tiergate.reads", f"--tiergate-reads={target}"
    )
    result.assert_outcomes(passed=7)
    document = _document(target)
    assert document["version"] == 1
    assert document["root"] == str(pytester.path.resolve())
    assert document["unseen"] == "child processes are not seen"
    reads = _reads(target)
    assert reads["data/one.txt"] == _sha(pytester.path / "data" / "one.txt")
    assert reads["data/low.txt"] == _sha(pytester.path / "data" / "low.txt")
    assert reads["data/gone.txt"] == "absent"
    assert reads["helper.py"] == _sha(pytester.path / "helper.py")
    assert reads["tests/test_reading.py"] == _sha(pytester.path / "tests" / "test_reading.py")
    assert "data/written.txt" not in reads
    assert "data" not in reads
    assert [key for key in reads if key.startswith("/")] == _document(target)["outside"]
    assert _outside(target) == []


@pytest.mark.req("FR-210")
def test_a_workspace_inside_pytests_temporary_root_still_records_its_reads(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repository an outer suite's test made, under that suite's temporary root."""
    _suite(write)
    monkeypatch.setenv("PYTEST_DEBUG_TEMPROOT", str(pytester.path.parent))
    target = pytester.path / "out" / "reads.json"
    result = pytester.runpytest_subprocess(
        "-p", "pytest_tiergate.reads", f"--tiergate-reads={target}"
    )
    result.assert_outcomes(passed=7)
    reads = _reads(target)
    assert reads["data/one.txt"] == _sha(pytester.path / "data" / "one.txt")
    assert reads["helper.py"] == _sha(pytester.path / "helper.py")
    assert reads["tests/test_reading.py"] == _sha(pytester.path / "tests" / "test_reading.py")
    # Its own tmp_path folders, beside the workspace under that root, are still left out.
    assert not any("scratch.txt" in key for key in reads)
    assert _outside(target) == []


@pytest.mark.req("FR-210")
def test_an_import_from_the_bytecode_cache_is_recorded_as_its_source(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _suite(write)
    helper = pytester.path / "helper.py"
    py_compile.compile(str(helper), cfile=cache_from_source(str(helper)), doraise=True)
    target = pytester.path / "reads.json"
    result = pytester.runpytest_subprocess(
        "-p", "pytest_tiergate.reads", f"--tiergate-reads={target}", "-k", "imports"
    )
    result.assert_outcomes(passed=1, deselected=6)
    reads = _reads(target)
    assert reads["helper.py"] == _sha(pytester.path / "helper.py")
    assert [key for key in reads if key.endswith(".pyc")] == []


@pytest.mark.req("FR-211")
def test_a_read_outside_the_root_and_temporary_folders_is_listed_as_outside(
    pytester: pytest.Pytester,
    write: Callable[[str, str], Path],
    elsewhere: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _suite(write)
    shared = elsewhere / "shared.txt"
    shared.write_text("shared\n")
    monkeypatch.setenv("OUTSIDE", str(shared))
    target = pytester.path / "reads.json"
    result = pytester.runpytest_subprocess(
        "-p", "pytest_tiergate.reads", f"--tiergate-reads={target}"
    )
    result.assert_outcomes(passed=7)
    real = str(shared.resolve())
    assert _outside(target) == [real]
    reads = _reads(target)
    assert reads[real] == _sha(shared)
    assert [key for key in reads if "scratch" in key] == []
    environment = (sys.prefix, os.path.realpath(sys.prefix), os.path.realpath(sys.base_prefix))
    assert [key for key in reads if key.startswith(environment)] == []
    assert [key for key in reads if key.startswith("runpytest-")] == []


@pytest.mark.req("FR-211")
@pytest.mark.usefixtures("elsewhere")
def test_the_root_is_the_one_tiergate_root_names(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _suite(write)
    write("data/pyproject.toml", "")
    target = pytester.path / "reads.json"
    pytester.runpytest_subprocess(
        "-p",
        "pytest_tiergate.reads",
        f"--tiergate-reads={target}",
        "--tiergate-root=data",
        "-p",
        "no:cacheprovider",
    ).assert_outcomes(passed=7)
    assert _document(target)["root"] == str((pytester.path / "data").resolve())
    reads = _reads(target)
    assert "one.txt" in reads
    helper = str((pytester.path / "helper.py").resolve())
    assert helper in reads
    assert helper in _outside(target)


OUTPUTS = """
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_reads_every_file_in_out():
    for path in sorted((ROOT / "out").rglob("*")):
        if path.is_file():
            path.read_bytes()
"""


@pytest.mark.req("FR-212")
def test_the_sessions_own_outputs_are_never_recorded_even_when_read(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("tests/test_outputs.py", OUTPUTS)
    write("out/data.txt", "data\n")
    write("out/.coverage", "")
    write("out/.coverage.host.1.2", "")
    write("out/state/cache.txt", "")
    write(".hypothesis/examples/1", "")
    args = (
        "-p",
        "pytest_tiergate.reads",
        "--tiergate-reads=out/reads.json",
        "--junitxml=out/junit.xml",
        "--tiergate-records=out/tests.jsonl",
        "--tiergate-reads-exclude=out/state",
    )
    pytester.runpytest_subprocess(*args)
    pytester.runpytest_subprocess(*args).assert_outcomes(passed=1)  # the outputs exist now
    reads = _reads(pytester.path / "out" / "reads.json")
    assert [key for key in reads if key.startswith("out/")] == ["out/data.txt"]
    assert [key for key in reads if key.startswith(".hypothesis")] == []
    assert [key for key in reads if key.startswith(".pytest_cache")] == []
    assert (pytester.path / ".pytest_cache").is_dir()


@pytest.mark.req("FR-213")
def test_nothing_is_recorded_or_written_without_the_option(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write(
        "tests/test_state.py",
        """
        from pytest_tiergate.reads import recording

        def test_not_recording(pytestconfig):
            assert not recording(pytestconfig)
        """,
    )
    before = sorted(pytester.path.rglob("*"))
    pytester.runpytest_subprocess("-p", "pytest_tiergate.reads").assert_outcomes(passed=1)
    pytest_state = (".pytest_cache", "stdout", "stderr")  # and pytester's, and bytecode
    after = sorted(pytester.path.rglob("*"))
    assert [
        p
        for p in after
        if not p.name.startswith("runpytest-")
        and "__pycache__" not in p.relative_to(pytester.path).parts
        and not p.relative_to(pytester.path).parts[0].startswith(("runpytest-", *pytest_state))
    ] == before


@pytest.mark.req("FR-213")
def test_an_unwritable_file_is_a_one_line_usage_error(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("tests/test_a.py", "def test_a():\n    pass\n")
    write("out/kept.txt", "a folder where the file should be\n")
    result = pytester.runpytest_subprocess("-p", "pytest_tiergate.reads", "--tiergate-reads=out")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if line.strip()]
    target = pytester.path / "out"
    assert errors == [f"ERROR: --tiergate-reads: cannot write {target}: is a folder, not a file"]
    assert "test_a" not in result.stdout.str()


@pytest.mark.req("FR-213")
def test_the_file_of_an_earlier_run_is_removed_at_start(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write("tests/test_a.py", "import os\n\ndef test_dies():\n    os._exit(3)\n")
    stale = write("reads.json", '{"version": 1}\n')
    result = pytester.runpytest_subprocess(
        "-p", "pytest_tiergate.reads", f"--tiergate-reads={stale}"
    )
    assert result.ret == 3
    assert not stale.exists()


@pytest.mark.req("FR-213")
def test_a_file_that_cannot_be_written_at_the_end_is_one_line_and_exit_4(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    write(
        "tests/test_a.py",
        """
        import shutil
        from pathlib import Path

        def test_removes_the_output_folder():
            shutil.rmtree(Path(__file__).resolve().parents[1] / "out")
        """,
    )
    result = pytester.runpytest_subprocess(
        "-p", "pytest_tiergate.reads", "--tiergate-reads=out/reads.json"
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.assert_outcomes(passed=1)
    target = pytester.path / "out" / "reads.json"
    lines = [line for line in result.errlines if line.strip()]
    assert lines == [f"tiergate: --tiergate-reads: cannot write {target}: not found"]
