from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

NOT_ALLOWED = (
    "tiergate: skip not allowed: {nodeid}: {reason} -- add it to "
    "[tool.tiergate.skips] allow with a reason and an expiry date"
)
SKIPPING = """
import pytest

def test_fine():
    pass

def test_later():
    pytest.skip("no database")
"""
ALLOW = """
[[tool.tiergate.skips.allow]]
test = "{test}"
reason = "the database comes later"
expires = {expires}
"""


def _config(write: Callable[[str, str], Path], mode: str, *allow: tuple[str, str]) -> Path:
    entries = "".join(ALLOW.format(test=test, expires=expires) for test, expires in allow)
    return write("pyproject.toml", f'[tool.tiergate.skips]\nnever-skip = "{mode}"\n{entries}')


def _records(path: Path) -> dict[str, dict[str, object]]:
    lines = path.read_text().splitlines()
    return {str(r["nodeid"]).split("::")[1]: r for r in map(json.loads, lines)}


@pytest.mark.req("FR-044")
def test_a_disallowed_skip_fails_the_run_naming_test_and_reason(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _config(write, "always")
    write("tests/unit/test_s.py", SKIPPING)
    result = pytester.runpytest("-ra")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, failed=1)
    message = NOT_ALLOWED.format(nodeid="tests/unit/test_s.py::test_later", reason="no database")
    assert message in result.stdout.lines
    result.stdout.fnmatch_lines(["FAILED tests/unit/test_s.py::test_later*"])


KINDS = {
    "skip-marker": (
        "import pytest\n\n@pytest.mark.skip(reason='later')\ndef test_s():\n    pass\n",
        "later",
    ),
    "skipif-marker": (
        "import pytest\n\n@pytest.mark.skipif(True, reason='no')\ndef test_s():\n    pass\n",
        "no",
    ),
    "module-skipif": (
        """
        import pytest

        pytestmark = pytest.mark.skipif(1 > 0, reason="always")

        def test_s():
            pass
        """,
        "always",
    ),
    "importorskip": (
        "import pytest\n\ndef test_s():\n    pytest.importorskip('no_such_module_here')\n",
        "could not import 'no_such_module_here': No module named 'no_such_module_here'",
    ),
    "fixture-skip": (
        """
        import pytest

        @pytest.fixture
        def db():
            pytest.skip("no db")

        def test_s(db):
            pass
        """,
        "no db",
    ),
}


@pytest.mark.parametrize(("source", "reason"), KINDS.values(), ids=KINDS.keys())
def test_every_kind_of_skip_is_caught_and_shown_as_failed(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], source: str, reason: str
) -> None:
    _config(write, "always")
    write("tests/unit/test_kind.py", source)
    result = pytester.runpytest("-ra")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(failed=1)
    nodeid = "tests/unit/test_kind.py::test_s"
    assert NOT_ALLOWED.format(nodeid=nodeid, reason=reason) in result.stdout.lines
    result.stdout.fnmatch_lines([f"FAILED {nodeid}*"])


@pytest.mark.parametrize(
    "source",
    [
        "import pytest\n\npytest.skip('no db', allow_module_level=True)\ndef test_s():\n    pass\n",
        "import pytest\n\npytest.importorskip('no_such_module')\n\ndef test_s():\n    pass\n",
    ],
    ids=["module-skip", "module-importorskip"],
)
def test_a_module_level_skip_is_a_collection_error_unless_allowed(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], source: str
) -> None:
    _config(write, "always")
    write("tests/unit/test_mod.py", source)
    write("tests/unit/test_other.py", "def test_o():\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(
        [
            "*ERROR collecting tests/unit/test_mod.py*",
            "tiergate: skip not allowed: tests/unit/test_mod.py: *",
        ]
    )
    _config(write, "always", ("tests/unit/test_mod.py::*", "2999-01-01"))
    pytester.runpytest().assert_outcomes(passed=1, skipped=1)


@pytest.mark.req("FR-044")
def test_an_allow_listed_skip_stays_a_skip(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _config(write, "always", ("tests/*/test_s.py::test_l*", "2999-01-01"))
    write("tests/unit/test_s.py", SKIPPING)
    result = pytester.runpytest("-ra")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["SKIPPED * no database"])


def test_an_allow_list_pattern_must_match_the_whole_node_id(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _config(write, "always", ("test_s.py::test_later", "2999-01-01"))
    write("tests/unit/test_s.py", SKIPPING)
    pytester.runpytest().assert_outcomes(passed=1, failed=1)


@pytest.mark.parametrize("mode", ["always", "ci", "off"])
@pytest.mark.req("FR-044")
def test_an_expired_entry_is_a_usage_error_in_every_mode(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], mode: str
) -> None:
    pyproject = _config(
        write, mode, ("tests/unit/*", "2999-01-01"), ("*::test_later", "2020-01-31")
    )
    write("tests/unit/test_s.py", SKIPPING)
    for args in ([], ["--tiergate-allow-skips"]):
        result = pytester.runpytest(*args)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        expected = f"ERROR: {pyproject}: tool.tiergate.skips.allow[1] (*::test_later): "
        assert [line for line in result.stderr.lines if line] == [
            expected + "expired on 2020-01-31"
        ]


@pytest.mark.parametrize(("ci", "expected"), [("true", 1), (None, 0), ("false", 0)])
def test_never_skip_ci_follows_the_ci_variable(
    pytester: pytest.Pytester,
    write: Callable[[str, str], Path],
    monkeypatch: pytest.MonkeyPatch,
    ci: str | None,
    expected: int,
) -> None:
    _config(write, "ci")
    write("tests/unit/test_s.py", SKIPPING)
    if ci is not None:
        monkeypatch.setenv("CI", ci)
    assert pytester.runpytest().ret == expected


def test_without_a_pyproject_never_skip_is_on_in_ci(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    write("tests/unit/test_s.py", SKIPPING)
    assert pytester.runpytest().ret == pytest.ExitCode.OK
    monkeypatch.setenv("CI", "true")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["tiergate: *, never-skip on"])


def test_the_options_force_never_skip_on_or_off(
    pytester: pytest.Pytester, write: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    write("tests/unit/test_s.py", SKIPPING)
    _config(write, "always")
    monkeypatch.setenv("CI", "true")
    pytester.runpytest("--tiergate-allow-skips").assert_outcomes(passed=1, skipped=1)
    _config(write, "off")
    pytester.runpytest("--tiergate-never-skip").assert_outcomes(passed=1, failed=1)
    result = pytester.runpytest("--tiergate-never-skip", "--tiergate-allow-skips")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "are mutually exclusive" in result.stderr.str()


def test_xfail_is_not_a_skip(pytester: pytest.Pytester, write: Callable[[str, str], Path]) -> None:
    _config(write, "always")
    write(
        "tests/unit/test_x.py",
        """
        import pytest

        @pytest.mark.xfail(reason="known bug", strict=True)
        def test_marked():
            assert False

        @pytest.mark.xfail(reason="too slow", run=False)
        def test_not_run():
            pass

        def test_imperative():
            pytest.xfail("not yet")
        """,
    )
    out = pytester.path / "tests.jsonl"
    result = pytester.runpytest(f"--tiergate-records={out}")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(xfailed=3)
    records = _records(out)
    assert {r["outcome"] for r in records.values()} == {"xfailed"}
    assert {r["skip_allowed"] for r in records.values()} == {None}


@pytest.mark.req("FR-045")
def test_a_strict_xpass_fails_the_run_and_is_recorded_as_such(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _config(write, "always")
    write(
        "tests/unit/test_x.py",
        "import pytest\n\n@pytest.mark.xfail(reason='fixed?', strict=True)\ndef test_x():\n"
        "    pass\n",
    )
    out = pytester.path / "tests.jsonl"
    result = pytester.runpytest(f"--tiergate-records={out}")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    record = _records(out)["test_x"]
    assert (record["outcome"], record["strict_xpass"], record["skip_allowed"]) == (
        "xpassed",
        True,
        None,
    )


def test_records_show_the_final_outcome_and_the_skip_verdict(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _config(write, "always", ("*::test_allowed", "2999-01-01"))
    write(
        "tests/unit/test_r.py",
        """
        import pytest

        def test_fine():
            pass

        def test_later():
            pytest.skip("no database")

        @pytest.mark.skip(reason="flaky on CI")
        def test_allowed():
            pass
        """,
    )
    out = pytester.path / "run/tests.jsonl"
    assert pytester.runpytest(f"--tiergate-records={out}").ret == pytest.ExitCode.TESTS_FAILED
    records = _records(out)
    picked = {
        name: (r["outcome"], r["skip_reason"], r["skip_allowed"]) for name, r in records.items()
    }
    assert picked == {
        "test_fine": ("passed", None, None),
        "test_later": ("failed", "no database", False),
        "test_allowed": ("skipped", "flaky on CI", True),
    }


def test_records_mark_a_skip_outside_the_allow_list_even_when_never_skip_is_off(
    pytester: pytest.Pytester, write: Callable[[str, str], Path]
) -> None:
    _config(write, "off")
    write("tests/unit/test_s.py", SKIPPING)
    out = pytester.path / "tests.jsonl"
    assert pytester.runpytest(f"--tiergate-records={out}").ret == pytest.ExitCode.OK
    record = _records(out)["test_later"]
    assert (record["outcome"], record["skip_reason"], record["skip_allowed"]) == (
        "skipped",
        "no database",
        False,
    )
