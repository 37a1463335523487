"""The memo: a value computed from a file's bytes is computed once per content, across processes.

A "new process" is the memo folder given again after the old state was saved and
dropped (:func:`tiergate.memo.use` with ``None``, then the folder): what the
second one knows comes from the file only.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import coverage
import pytest
from pydantic import JsonValue, TypeAdapter

from tiergate import covdata, junit, memo, reading, testast
from tiergate.config import RequirementsConfig, read_toml
from tiergate.covdata import SourceIndex
from tiergate.errors import SpecError
from tiergate.junit import JunitTotals, read_junit_totals
from tiergate.memo import Memo
from tiergate.reading import source_salt
from tiergate.testast import marked_tiers
from tiergate.trace import specs
from tiergate.trace.specs import Specs, read_specs

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

NUMBERS: Memo[list[int]] = Memo("numbers-under-test", TypeAdapter(list[int]), limit=3)


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    """A memo folder in use for the test, off again after it."""
    where = tmp_path / "memo"
    memo.use(where)
    yield where
    memo.use(None)


def _new_process(folder: Path) -> None:
    memo.use(None)
    memo.use(folder)


def _counted(value: list[int], calls: list[int]) -> Callable[[], list[int]]:
    def compute() -> list[int]:
        calls.append(1)
        return value

    return compute


@pytest.mark.req("FR-216")
def test_a_value_is_computed_once_per_content_across_processes(folder: Path) -> None:
    calls: list[int] = []
    assert NUMBERS.get("salt", b"one", _counted([1], calls)) == [1]
    _new_process(folder)
    assert NUMBERS.get("salt", b"one", _counted([9], calls)) == [1]
    assert len(calls) == 1
    assert json.loads((folder / "numbers-under-test.json").read_text())["entries"]


@pytest.mark.req("FR-216")
@pytest.mark.parametrize(("salt", "content"), [("salt", b"one!"), ("other reader", b"one")])
def test_other_bytes_or_another_reader_compute_again(
    folder: Path, salt: str, content: bytes
) -> None:
    calls: list[int] = []
    NUMBERS.get("salt", b"one", _counted([1], calls))
    _new_process(folder)
    assert NUMBERS.get(salt, content, _counted([2], calls)) == [2]
    assert len(calls) == 2


def test_off_every_value_is_computed_and_nothing_written(tmp_path: Path) -> None:
    memo.use(None)
    calls: list[int] = []
    NUMBERS.get("salt", b"one", _counted([1], calls))
    NUMBERS.get("salt", b"one", _counted([1], calls))
    memo.save_all()
    assert len(calls) == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.req("FR-216")
@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[1, 2]",
        '{"entries": [1]}',
        "\x00\x01",
        "",
    ],
)
def test_a_broken_memo_file_is_as_if_absent_and_is_rewritten_whole(folder: Path, text: str) -> None:
    folder.mkdir(parents=True)
    (folder / "numbers-under-test.json").write_text(text, encoding="utf-8")
    calls: list[int] = []
    assert NUMBERS.get("salt", b"one", _counted([1], calls)) == [1]
    _new_process(folder)
    assert NUMBERS.get("salt", b"one", _counted([2], calls)) == [1]
    assert len(calls) == 1


@pytest.mark.req("FR-216")
def test_an_entry_nested_deeper_than_its_type_is_computed_again(folder: Path) -> None:
    """Entries are not walked when the file is read: each is validated when taken."""
    calls: list[int] = []
    NUMBERS.get("salt", b"one", _counted([1], calls))
    NUMBERS.get("salt", b"two", _counted([2], calls))
    _new_process(folder)
    path = folder / "numbers-under-test.json"
    one, two = (hashlib.sha256(b"salt\0" + content).hexdigest() for content in (b"one", b"two"))
    assert set(json.loads(path.read_text())["entries"]) == {one, two}
    deep = "[" * 100 + "1" + "]" * 100  # deeper than the 64 levels other JSON may nest
    path.write_text(f'{{"entries": {{"{one}": {deep}, "{two}": [2]}}}}')
    _new_process(folder)
    assert NUMBERS.get("salt", b"two", _counted([3], calls)) == [2]
    assert NUMBERS.get("salt", b"one", _counted([4], calls)) == [4]


@pytest.mark.req("FR-216")
def test_a_memo_file_too_deep_for_the_json_parser_is_as_if_absent(folder: Path) -> None:
    calls: list[int] = []
    NUMBERS.get("salt", b"one", _counted([1], calls))
    _new_process(folder)
    depth = 1_000_000  # beyond the recursion any Python's JSON parser allows
    (folder / "numbers-under-test.json").write_text(
        '{"entries": {"x": ' + "[" * depth + "]" * depth + "}}", encoding="utf-8"
    )
    _new_process(folder)
    assert NUMBERS.get("salt", b"one", _counted([2], calls)) == [2]


@pytest.mark.req("FR-216")
def test_an_entry_of_another_type_is_computed_again(folder: Path) -> None:
    calls: list[int] = []
    NUMBERS.get("salt", b"one", _counted([1], calls))
    _new_process(folder)
    path = folder / "numbers-under-test.json"
    data = json.loads(path.read_text())
    data["entries"] = {digest: {"not": "a list of integers"} for digest in data["entries"]}
    path.write_text(json.dumps(data))
    _new_process(folder)
    assert NUMBERS.get("salt", b"one", _counted([2], calls)) == [2]
    assert len(calls) == 2


def test_at_most_the_limit_is_kept_this_process_first(folder: Path) -> None:
    for n in range(3):
        NUMBERS.get("salt", f"old {n}".encode(), lambda n=n: [n])  # type: ignore[misc]
    _new_process(folder)
    NUMBERS.get("salt", b"new", lambda: [7])
    _new_process(folder)
    entries = json.loads((folder / "numbers-under-test.json").read_text())["entries"]
    assert len(entries) == NUMBERS.limit
    calls: list[int] = []
    assert NUMBERS.get("salt", b"new", _counted([0], calls)) == [7]
    assert not calls


def test_what_another_process_saved_meanwhile_is_kept(folder: Path) -> None:
    """Two processes saving one after the other: the file holds what both computed."""
    NUMBERS.get("salt", b"mine", lambda: [1])
    code = (
        "from pathlib import Path; from pydantic import TypeAdapter; from tiergate import memo; "
        f"memo.use(Path({str(folder)!r})); "
        "m = memo.Memo('numbers-under-test', TypeAdapter(list[int]), limit=3); "
        "m.get('salt', b'theirs', lambda: [2])"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    _new_process(folder)
    calls: list[int] = []
    assert NUMBERS.get("salt", b"mine", _counted([0], calls)) == [1]
    assert NUMBERS.get("salt", b"theirs", _counted([0], calls)) == [2]
    assert not calls


def test_a_value_not_of_the_kinds_type_is_not_kept(folder: Path) -> None:
    """A TOML date is no JSON value: the table is parsed each time, and nothing warns."""
    tables: Memo[dict[str, Any]] = Memo("tables-under-test", TypeAdapter(dict[str, JsonValue]))
    calls: list[int] = []

    def parse() -> dict[str, Any]:
        calls.append(1)
        return {"when": datetime(2026, 1, 1, tzinfo=UTC)}

    tables.get("salt", b"when = 2026-01-01", parse)
    _new_process(folder)
    assert tables.get("salt", b"when = 2026-01-01", parse) == {
        "when": datetime(2026, 1, 1, tzinfo=UTC)
    }
    assert len(calls) == 2


def test_a_salt_names_the_module_source_and_the_rest(tmp_path: Path) -> None:
    module = tmp_path / "reader.py"
    module.write_text("A = 1\n")
    first = source_salt(str(module), "coverage 7")
    assert source_salt(str(module), "coverage 7") == first
    assert source_salt(str(module), "coverage 8") != first
    module.write_text("A = 2\n")
    assert source_salt(str(module), "coverage 7") != first


def _never(*_: object) -> Any:  # noqa: ANN401 - stands for any parser
    pytest.fail("parsed again, although the memo holds it")


@pytest.mark.req("FR-216")
def test_test_files_coverage_analyses_and_large_tables_read_back_the_same(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the memo gives equals what parsing gives: marks, statements, lock, specs, JUnit,
    the lines a coverage data file executed."""
    workspace = tmp_path / "ws"
    (workspace / "pkg").mkdir(parents=True)
    (workspace / "pyproject.toml").write_text("[tool.coverage.report]\nexclude_also = ['never']\n")
    test = workspace / "test_x.py"
    test.write_text('import pytest\n\n@pytest.mark.tier("e2e")\ndef test_x():\n    pass\n')
    source = workspace / "pkg" / "m.py"
    source.write_text(
        "def f(\n    a,\n):\n    if a:  # never\n        return 1\n    return (\n2)\n"
    )
    lock = workspace / "uv.lock"
    packages = "".join(f'[[package]]\nname = "p{n}"\nversion = "1.{n}"\n\n' for n in range(3000))
    lock.write_text(f"version = 1\n\n{packages}")
    (workspace / "spec.md").write_text(
        "# Spec\n\n- FR-001: Totals add up. [tier: unit]\n\n| ID | Text |\n|---|---|\n"
        "| FR-002 | Needs FR-001 |\n\n```\nFR-003 in code is nothing\n```\n"
    )
    requirements = RequirementsConfig(specs=("spec.md",), id_patterns=(r"FR-\d{3}",))
    data = coverage.CoverageData(basename=str(workspace / "coverage.db"))
    data.add_lines({str(source): [1, 6, 7]})
    data.write()
    (workspace / "junit.xml").write_text(
        '<testsuites><testsuite><testcase name="a"/><testcase name="b"><failure/></testcase>'
        '<testcase name="c"><skipped/></testcase></testsuite></testsuites>'
    )

    def read() -> tuple[
        frozenset[str],
        frozenset[int],
        frozenset[int],
        dict[str, Any],
        object,
        Specs,
        JunitTotals,
        dict[str, frozenset[int]],
    ]:
        index = SourceIndex(workspace)
        return (
            marked_tiers(test),
            index.statements("pkg/m.py"),
            index.executed("pkg/m.py", [7]),
            read_toml(lock),
            index.functions("pkg/m.py"),
            read_specs(workspace, requirements, ("unit", "e2e"), workspace / "pyproject.toml"),
            read_junit_totals(workspace / "junit.xml"),
            covdata.read_executed(workspace / "coverage.db", workspace),
        )

    parsed = read()
    _new_process(folder)
    memo_files = {path.name for path in folder.iterdir()}
    assert {
        "test-files.json",
        "coverage-analyses.json",
        "function-regions.json",
        "toml-files.json",
        "spec-files.json",
        "junit-totals.json",
        "coverage-lines.json",
    } <= memo_files
    # A new process: nothing parsed in this one is kept, and nothing may be parsed again.
    testast._summarize.cache_clear()
    reading._TOML_CACHE.clear()
    monkeypatch.setattr(testast, "_parse", _never)
    monkeypatch.setattr(SourceIndex, "_analyse", _never)
    monkeypatch.setattr(covdata, "_functions", _never)
    monkeypatch.setattr(reading, "parse_toml", _never)
    monkeypatch.setattr(specs, "parse_spec", _never)
    monkeypatch.setattr(junit, "parse_xml", _never)
    monkeypatch.setattr(covdata, "_executed_in", _never)
    assert read() == parsed
    assert parsed[0] == {"e2e"}
    assert 4 not in parsed[1]  # excluded by the workspace's coverage configuration
    assert parsed[2] == {6}  # line 7 belongs to the statement on line 6
    assert parsed[4] == (("f", 1, frozenset(range(4, 8))),)  # its body: the def runs on import
    assert list(parsed[5].requirements) == ["FR-001", "FR-002"]
    assert parsed[5].requirements["FR-001"].tiers == ("unit",)
    assert [str(where) for where in parsed[5].mentions["FR-001"]] == ["spec.md:7"]
    assert parsed[6] == JunitTotals(tests=3, failures=1, errors=0, skipped=1)
    assert parsed[7] == {"pkg/m.py": frozenset({1, 6, 7})}


@pytest.mark.req("FR-216")
def test_a_spec_read_again_with_other_tiers_or_patterns_is_parsed_again(
    folder: Path, tmp_path: Path
) -> None:
    """The tiers and the ID patterns decide what a spec defines: they are in the salt."""
    (tmp_path / "spec.md").write_text("- FR-001: Slow path. [tier: e2e]\n- REQ-7: Other.\n")
    pyproject = tmp_path / "pyproject.toml"
    first = RequirementsConfig(specs=("spec.md",), id_patterns=(r"FR-\d{3}",))
    assert list(read_specs(tmp_path, first, ("unit", "e2e"), pyproject).requirements) == ["FR-001"]
    _new_process(folder)
    with pytest.raises(SpecError, match="unknown tier 'e2e'"):
        read_specs(tmp_path, first, ("unit",), pyproject)
    both = RequirementsConfig(specs=("spec.md",), id_patterns=(r"FR-\d{3}", r"REQ-\d+"))
    found = read_specs(tmp_path, both, ("unit", "e2e"), pyproject)
    assert list(found.requirements) == ["FR-001", "REQ-7"]
