from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest

from tiergate.errors import ConfigError
from tiergate.pytestconfig import DEFAULT_NORECURSEDIRS
from tiergate.testast import _summarize
from tiergate.testfiles import MemberTests, find_member_tests, marked_tiers, pytest_settings

if TYPE_CHECKING:
    from pathlib import Path

TEST = "def test_it():\n    assert True\n"
HELPER = "def make_widget():\n    return 1\n"
WORKSPACE = (
    '[project]\nname = "ws"\nversion = "0"\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n'
)


def member_pyproject(name: str, extra: str = "") -> str:
    return f'[project]\nname = "{name}"\nversion = "0"\n{extra}'


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def workspace(tmp_path: Path, files: dict[str, str], root_extra: str = "") -> Path:
    """A workspace root with members packages/a and packages/b, plus ``files``."""
    return write(
        tmp_path / "ws",
        {
            "pyproject.toml": WORKSPACE + root_extra,
            "packages/a/pyproject.toml": member_pyproject("a"),
            "packages/b/pyproject.toml": member_pyproject("b"),
            **files,
        },
    )


MEMBERS = ("", "packages/a", "packages/b")


def member_tests(root: Path, member: str, override: list[str] | None = None) -> MemberTests:
    others = [root / other for other in MEMBERS if other != member]
    return find_member_tests(root / member, root, other_members=others, override=override)


def found(root: Path, member: str, override: list[str] | None = None) -> list[str]:
    return [
        path.relative_to(root).as_posix() for path in member_tests(root, member, override).files
    ]


# ------------------------------------------------------------ configuration


CONFIGS = {
    "pytest.toml": '[pytest]\ntestpaths = ["tests", "it"]\n',
    ".pytest.toml": '[pytest]\ntestpaths = ["tests", "it"]\n',
    "pytest.ini": "[pytest]\ntestpaths = tests it\n",
    ".pytest.ini": "[pytest]\ntestpaths =\n    tests\n    it\n",
    "pyproject.toml": member_pyproject("a", '[tool.pytest]\ntestpaths = ["tests", "it"]\n'),
    "tox.ini": "[tox]\nenvlist = py311\n\n[pytest]\ntestpaths =\n  tests  # not a comment\n  it\n",
    "setup.cfg": "[metadata]\nname = a\n\n[tool:pytest]\ntestpaths = tests it\n",
}


@pytest.mark.req("FR-105")
@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_each_config_file_pytest_reads_is_found_with_its_testpaths(
    tmp_path: Path, name: str
) -> None:
    root = workspace(tmp_path, {f"packages/a/{name}": CONFIGS[name]})
    settings = pytest_settings(root / "packages/a/tests", root)
    assert settings.file == root / "packages/a" / name
    assert settings.rootdir == root / "packages/a"
    if name == "tox.ini":  # ini values are split like a shell, comments included
        assert settings.testpaths == ("tests", "#", "not", "a", "comment", "it")
    else:
        assert settings.testpaths == ("tests", "it")


@pytest.mark.req("FR-105")
def test_ini_options_take_strings_or_lists_and_defaults_fill_the_rest(tmp_path: Path) -> None:
    options = """
        [tool.pytest.ini_options]
        testpaths = "tests  it"
        python_files = ["check_*.py"]
        python_classes = "Check Spec*"
        """
    root = workspace(tmp_path, {}, root_extra=textwrap.dedent(options))
    settings = pytest_settings(root / "packages/a", root)
    assert settings.file == root / "pyproject.toml"
    assert settings.rootdir == root
    assert settings.testpaths == ("tests", "it")
    assert settings.python_files == ("check_*.py",)
    assert settings.python_classes == ("Check", "Spec*")
    assert settings.python_functions == ("test",)
    assert settings.norecursedirs == DEFAULT_NORECURSEDIRS


@pytest.mark.req("FR-105")
def test_first_file_in_pytests_order_wins_in_a_folder(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "packages/a/pytest.ini": "# no [pytest] section: still pytest's file\n",
            "packages/a/tox.ini": "[pytest]\ntestpaths = from_tox\n",
            "packages/b/tox.ini": "[tox]\nenvlist = py311\n",
            "packages/b/setup.cfg": "[tool:pytest]\ntestpaths = from_setup_cfg\n",
        },
    )
    settings_a = pytest_settings(root / "packages/a", root)
    assert (settings_a.file, settings_a.testpaths) == (root / "packages/a/pytest.ini", ())
    settings_b = pytest_settings(root / "packages/b", root)
    assert (settings_b.file, settings_b.testpaths) == (
        root / "packages/b/setup.cfg",
        ("from_setup_cfg",),
    )


@pytest.mark.req("FR-105")
def test_walk_up_skips_pyprojects_without_pytest_and_stops_at_the_root(tmp_path: Path) -> None:
    write(tmp_path, {"pytest.ini": "[pytest]\ntestpaths = outside\n"})
    root = workspace(tmp_path, {})
    # No pytest configuration up to the root: the first pyproject.toml seen, empty, as pytest does.
    settings = pytest_settings(root / "packages/a/tests", root)
    assert settings.file == root / "packages/a/pyproject.toml"
    assert settings.rootdir == root / "packages/a"
    assert settings.testpaths == ()
    write(root, {"pyproject.toml": WORKSPACE + '[tool.pytest]\ntestpaths = ["tests"]\n'})
    assert pytest_settings(root / "packages/a/tests", root).file == root / "pyproject.toml"


@pytest.mark.req("FR-105")
@pytest.mark.parametrize(
    ("name", "text", "line", "message"),
    [
        (
            "pyproject.toml",
            '[tool.pytest]\nx = 1\n[tool.pytest.ini_options]\ny = "2"\n',
            1,
            "cannot both be used",
        ),
        ("setup.cfg", "[metadata]\nname = a\n[pytest]\ntestpaths = t\n", 3, "[tool:pytest]"),
        ("pytest.ini", "[pytest]\ntestpaths = t\nnot an option\n", 3, "unexpected line"),
        ("tox.ini", "[pytest]\na = 1\na = 2\n", 3, "duplicate name 'a'"),
        ("pytest.ini", "testpaths = t\n", 1, "no section header"),
        ("pytest.toml", '[pytest]\ntestpaths = "tests"\n', 2, "must be a list of strings"),
        ("pytest.toml", 'testpaths = ["tests"]\n', 1, "under a [pytest] table"),
        ("pytest.ini", "[pytest]\ntestpaths = 'tests\n", 2, "No closing quotation"),
        ("pytest.toml", "[pytest\n", 1, "invalid TOML"),
    ],
)
def test_a_config_pytest_refuses_is_an_error_naming_file_and_line(
    tmp_path: Path, name: str, text: str, line: int, message: str
) -> None:
    root = workspace(tmp_path, {f"packages/a/{name}": text})
    with pytest.raises(ConfigError) as caught:
        pytest_settings(root / "packages/a", root)
    assert caught.value.path == root / "packages/a" / name
    assert caught.value.line == line
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


# ------------------------------------------------------------------- roots


@pytest.mark.req("FR-106")
def test_members_own_testpaths_are_its_roots(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "packages/a/pyproject.toml": member_pyproject(
                "a", '[tool.pytest.ini_options]\ntestpaths = ["tests", "it", "missing"]\n'
            ),
            "packages/a/tests/test_one.py": TEST,
            "packages/a/it/test_two.py": TEST,
            "packages/a/other/test_not_in_testpaths.py": TEST,
        },
    )
    result = member_tests(root, "packages/a")
    assert result.roots == (root / "packages/a/tests", root / "packages/a/it")
    assert found(root, "packages/a") == [
        "packages/a/it/test_two.py",
        "packages/a/tests/test_one.py",
    ]
    assert result.looked_in == "testpaths of packages/a/pyproject.toml: tests, it"
    assert result.settings.file == root / "packages/a/pyproject.toml"


@pytest.mark.req("FR-106")
def test_root_testpaths_give_tests_to_the_root_and_each_member_its_folder(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "tests/test_contract.py": TEST,
            "packages/a/tests/test_a.py": TEST,
            "packages/a/src/a/calc_test.py": TEST,
            "packages/b/test/test_b.py": TEST,
        },
        root_extra='[tool.pytest.ini_options]\ntestpaths = ["tests", "packages"]\n',
    )
    whole = member_tests(root, "")
    assert whole.roots == (root / "tests",)
    assert whole.ignore == (root / "packages/a", root / "packages/b")
    assert found(root, "") == ["tests/test_contract.py"]
    assert whole.looked_in == "testpaths of pyproject.toml: tests"
    a = member_tests(root, "packages/a")
    assert a.roots == (root / "packages/a",)
    assert a.ignore == ()
    assert found(root, "packages/a") == [
        "packages/a/src/a/calc_test.py",
        "packages/a/tests/test_a.py",
    ]
    assert a.looked_in == "testpaths of pyproject.toml: packages/a"
    assert found(root, "packages/b") == ["packages/b/test/test_b.py"]


@pytest.mark.req("FR-106")
def test_tests_between_members_under_a_root_testpath_stay_the_roots(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {"packages/test_stray.py": TEST, "packages/a/tests/test_a.py": TEST},
        root_extra='[tool.pytest]\ntestpaths = ["tests", "packages"]\n',
    )
    whole = member_tests(root, "")
    assert whole.roots == (root / "packages",)
    assert found(root, "") == ["packages/test_stray.py"]
    assert whole.looked_in == "testpaths of pyproject.toml: packages"


@pytest.mark.req("FR-106")
def test_root_testpaths_inside_a_member_and_globs(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "packages/a/it/test_it.py": TEST,
            "packages/a/tests/test_elsewhere.py": TEST,
            "packages/b/checks/test_b.py": TEST,
            "packages/b/tests/test_b_unit.py": TEST,
        },
        root_extra='[tool.pytest]\ntestpaths = ["packages/a/it", "packages/*/checks"]\n',
    )
    a = member_tests(root, "packages/a")
    assert a.roots == (root / "packages/a/it",)
    assert found(root, "packages/a") == ["packages/a/it/test_it.py"]
    assert a.looked_in == "testpaths of pyproject.toml: packages/a/it"
    assert found(root, "packages/b") == ["packages/b/checks/test_b.py"]
    # The root's testpaths belong to other members: the root member searches itself.
    whole = member_tests(root, "")
    assert whole.roots == (root,)
    assert whole.looked_in == ". (testpaths of pyproject.toml name none of it)"
    assert found(root, "") == []


@pytest.mark.req("FR-106")
def test_no_testpaths_means_the_member_folder(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"packages/a/tests/test_a.py": TEST})
    result = member_tests(root, "packages/a")
    assert result.roots == (root / "packages/a",)
    assert result.looked_in == "packages/a (no testpaths)"
    assert found(root, "packages/a") == ["packages/a/tests/test_a.py"]


@pytest.mark.req("FR-106")
def test_tests_paths_override_wins_and_a_path_matching_nothing_is_an_error(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "packages/a/pyproject.toml": member_pyproject(
                "a", '[tool.tiergate]\ntests-paths = ["checks", "nowhere"]\n'
            ),
            "packages/a/checks/test_c.py": TEST,
            "packages/a/tests/test_t.py": TEST,
            "packages/a/suites/one/test_1.py": TEST,
            "packages/a/suites/two/test_2.py": TEST,
        },
        root_extra='[tool.pytest]\ntestpaths = ["packages"]\n',
    )
    result = member_tests(root, "packages/a", ["checks", "suites/*"])
    assert result.roots == tuple(
        root / "packages/a" / p for p in ("checks", "suites/one", "suites/two")
    )
    assert result.looked_in == (
        "tests-paths of packages/a/pyproject.toml: checks, suites/one, suites/two"
    )
    assert found(root, "packages/a", ["checks", "suites/*"]) == [
        "packages/a/checks/test_c.py",
        "packages/a/suites/one/test_1.py",
        "packages/a/suites/two/test_2.py",
    ]
    with pytest.raises(ConfigError) as caught:
        member_tests(root, "packages/a", ["checks", "nowhere"])
    assert caught.value.path == root / "packages/a/pyproject.toml"
    assert caught.value.line == 5
    assert "'nowhere' matches nothing" in str(caught.value)


@pytest.mark.req("FR-106")
def test_settings_are_those_of_the_folder_pytest_is_given(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "packages/a/pyproject.toml": member_pyproject(
                "a", '[tool.pytest]\ntestpaths = ["suite"]\n'
            ),
            "packages/a/suite/pytest.ini": "[pytest]\npython_files = check_*.py\n",
            "packages/a/suite/check_x.py": TEST,
            "packages/a/suite/test_y.py": TEST,
        },
    )
    result = member_tests(root, "packages/a")
    assert result.settings.file == root / "packages/a/suite/pytest.ini"
    assert found(root, "packages/a") == ["packages/a/suite/check_x.py"]


# -------------------------------------------------------------------- walk


@pytest.mark.req("FR-107")
@pytest.mark.parametrize(
    "layout",
    [
        ["tests/test_flat.py", "tests/test_flat_two.py"],
        ["test/test_singular.py"],
        ["tests/unit/test_u.py", "tests/integration/test_i.py", "tests/e2e/test_e.py"],
        ["src/a/calc_test.py", "src/a/sub/deep_test.py"],
    ],
    ids=["flat-tests", "test", "tiers", "beside-code"],
)
def test_each_test_layout_is_found(tmp_path: Path, layout: list[str]) -> None:
    files = {f"packages/a/{path}": TEST for path in layout}
    root = workspace(
        tmp_path,
        {
            **files,
            "packages/a/src/a/__init__.py": "",
            "packages/a/src/a/calc.py": "def test_like_but_not_a_test_file():\n    pass\n",
            "packages/a/tests/conftest.py": "def test_in_conftest():\n    pass\n",
        },
    )
    assert found(root, "packages/a") == sorted(files)


@pytest.mark.req("FR-107")
def test_default_norecursedirs_venvs_and_pycache_are_skipped(tmp_path: Path) -> None:
    skipped = [
        ".hidden/test_h.py",
        "build/test_b.py",
        "dist/test_d.py",
        "node_modules/test_n.py",
        "venv/test_v.py",
        "thing.egg/test_e.py",
        "tests/__pycache__/test_p.py",
        "env/lib/test_venv.py",
        "conda/lib/test_conda.py",
    ]
    root = workspace(
        tmp_path,
        {
            **{f"packages/a/{path}": TEST for path in skipped},
            "packages/a/env/pyvenv.cfg": "home = /usr/bin\n",
            "packages/a/conda/conda-meta/history": "",
            "packages/a/tests/test_kept.py": TEST,
        },
    )
    assert found(root, "packages/a") == ["packages/a/tests/test_kept.py"]


@pytest.mark.req("FR-107")
def test_norecursedirs_replaces_the_default_list(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "packages/a/pytest.ini": "[pytest]\nnorecursedirs = skip* tests/slow\n",
            "packages/a/build/test_b.py": TEST,
            "packages/a/skipme/test_s.py": TEST,
            "packages/a/tests/slow/test_slow.py": TEST,
            "packages/a/tests/fast/test_fast.py": TEST,
            "packages/a/env/pyvenv.cfg": "",
            "packages/a/env/test_venv.py": TEST,
        },
    )
    assert found(root, "packages/a") == [
        "packages/a/build/test_b.py",
        "packages/a/tests/fast/test_fast.py",
    ]


@pytest.mark.req("FR-107")
def test_python_files_and_functions_overridden(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "packages/a/pytest.toml": (
                '[pytest]\npython_files = ["check_*.py", "*_spec.py"]\n'
                'python_functions = ["check_", "*_should_*"]\n'
            ),
            "packages/a/tests/check_one.py": "def check_it():\n    pass\n",
            "packages/a/tests/thing_spec.py": "def it_should_work():\n    pass\n",
            "packages/a/tests/check_none.py": TEST,
            "packages/a/tests/test_default_name.py": "def check_x():\n    pass\n",
            "packages/a/tests/check_module.txt": "def check_x():\n    pass\n",
        },
    )
    assert found(root, "packages/a") == [
        "packages/a/tests/check_one.py",
        "packages/a/tests/thing_spec.py",
    ]


@pytest.mark.req("FR-107")
def test_a_file_given_as_a_root_is_kept_whatever_its_name(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {"packages/a/checks.py": TEST, "packages/a/notes.txt": TEST},
    )
    assert found(root, "packages/a", ["checks.py", "notes.txt"]) == ["packages/a/checks.py"]


@pytest.mark.req("FR-107")
def test_nested_members_are_ignored_by_the_member_holding_them(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {"packages/a/tests/test_a.py": TEST, "tests/test_root.py": TEST, "test_top.py": TEST},
    )
    result = member_tests(root, "")
    assert result.ignore == (root / "packages/a", root / "packages/b")
    assert found(root, "") == ["test_top.py", "tests/test_root.py"]


@pytest.mark.req("FR-107")
def test_linked_folders_are_followed_but_not_a_link_back_up(tmp_path: Path) -> None:
    root = workspace(
        tmp_path, {"packages/a/tests/test_a.py": TEST, "packages/a/shared/test_s.py": TEST}
    )
    (root / "packages/a/tests/loop").symlink_to(root / "packages/a/tests")
    (root / "packages/a/tests/shared").symlink_to(root / "packages/a/shared")
    result = member_tests(root, "packages/a", ["tests"])
    assert [path.relative_to(root).as_posix() for path in result.files] == [
        "packages/a/tests/shared/test_s.py",
        "packages/a/tests/test_a.py",
    ]


# ----------------------------------------------------------------- by ast


KEPT = {
    "function": TEST,
    "async": "async def test_async():\n    pass\n",
    "method": "class TestThing:\n    def test_m(self):\n        pass\n",
    "testcase": (
        "import unittest\n\nclass Widget(unittest.TestCase):\n    def test_w(self):\n        pass\n"
    ),
    "testcase-inherited": (
        "from django.test import SimpleTestCase\n\n"
        "class Base(SimpleTestCase):\n    def test_shared(self):\n        pass\n\n"
        "class Concrete(Base):\n    pass\n"
    ),
    "inherited-in-file": (
        "class Shared:\n    def test_s(self):\n        pass\n\nclass TestA(Shared):\n    pass\n"
    ),
    "base-from-elsewhere": "from shared import Contract\n\nclass TestA(Contract):\n    pass\n",
    "nested-class": (
        "class TestOuter:\n    class TestInner:\n        def test_i(self):\n            pass\n"
    ),
    "conditional": "import sys\n\nif sys.version_info >= (3,):\n    def test_c():\n        pass\n",
    "dunder-test": "class Spec:\n    __test__ = True\n\n    def test_s(self):\n        pass\n",
    "syntax-error": "def test_broken(:\n    pass\n",
    "null-byte": "def test_x():\n    pass\n\x00",
}
DROPPED = {
    "helper": HELPER,
    "empty": "",
    "constants": "VALUE = 'def test_in_a_string'\n",
    "code-in-a-string": 'SOURCE = """\ndef test_x():\n    pass\n"""\n',
    "class-with-init": (
        "class TestClient:\n    def __init__(self):\n        pass\n\n    def test_get(self):\n"
        "        pass\n"
    ),
    "class-not-named": "class Helper:\n    def test_h(self):\n        pass\n",
    "dunder-test-false": (
        "class TestNot:\n    __test__ = False\n\n    def test_n(self):\n        pass\n"
    ),
    "fixture": "import pytest\n\n@pytest.fixture\ndef test_data():\n    return 1\n",
    "testcase-without-tests": (
        "import unittest\n\nclass Base(unittest.TestCase):\n    def helper(self):\n        pass\n"
    ),
    "nested-function": "def helper():\n    def test_inner():\n        pass\n",
}


@pytest.mark.req("FR-108")
@pytest.mark.parametrize("kind", sorted(KEPT))
def test_a_file_defining_a_test_is_kept(tmp_path: Path, kind: str) -> None:
    root = workspace(tmp_path, {"packages/a/tests/test_file.py": KEPT[kind]})
    assert found(root, "packages/a") == ["packages/a/tests/test_file.py"]


@pytest.mark.req("FR-108")
@pytest.mark.parametrize("kind", sorted(DROPPED))
def test_a_file_defining_no_test_is_dropped(tmp_path: Path, kind: str) -> None:
    root = workspace(
        tmp_path,
        {"packages/a/tests/test_utils.py": DROPPED[kind], "packages/a/tests/test_real.py": TEST},
    )
    assert found(root, "packages/a") == ["packages/a/tests/test_real.py"]


@pytest.mark.req("FR-108")
def test_non_utf8_file_is_kept(tmp_path: Path) -> None:
    root = workspace(tmp_path, {})
    path = root / "packages/a/tests/test_latin.py"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"NAME = '\xe9t\xe9'\n")
    assert found(root, "packages/a") == ["packages/a/tests/test_latin.py"]


@pytest.mark.req("FR-108")
def test_class_and_function_patterns_as_pytest_matches_them(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        {
            "packages/a/pytest.ini": "[pytest]\npython_classes = *Suite\npython_functions = ch?ck",
            "packages/a/tests/test_suite.py": "class OrderSuite:\n    def check(self): ...",
            "packages/a/tests/test_prefix.py": "def checks_prefix():\n    pass\n",
            "packages/a/tests/test_default.py": "class TestX:\n    def test_x(self):\n        pass",
        },
    )
    assert found(root, "packages/a") == ["packages/a/tests/test_suite.py"]


@pytest.mark.req("FR-108")
def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"packages/a/tests/test_x.py": HELPER})
    assert found(root, "packages/a") == []
    write(root, {"packages/a/tests/test_x.py": HELPER + "\n\n" + TEST})
    assert found(root, "packages/a") == ["packages/a/tests/test_x.py"]


# ------------------------------------------------------------------- tiers


@pytest.mark.req("FR-109")
def test_marked_tiers_on_functions_classes_and_pytestmark(tmp_path: Path) -> None:
    source = """
        import pytest
        from pytest import mark

        pytestmark = [pytest.mark.tier("integration"), pytest.mark.slow]


        @pytest.mark.tier("e2e")
        def test_function():
            pass


        @mark.tier("contract")
        class TestClass:
            pytestmark = mark.tier("nested")

            @pytest.mark.parametrize("x", [pytest.param(1, marks=pytest.mark.tier("param"))])
            def test_method(self, x):
                pass


        def helper():
            tier = "not a mark"
            return tier
        """
    path = write(tmp_path, {"test_marks.py": source}) / "test_marks.py"
    assert marked_tiers(path) == {"integration", "e2e", "contract", "nested", "param"}


@pytest.mark.req("FR-109")
@pytest.mark.parametrize(
    ("source", "tiers"),
    [
        ("import pytest\n\npytestmark = pytest.mark.tier('unit')\n", {"unit"}),
        ("import pytest\n\npytestmark: object = (pytest.mark.tier('a'),)\n", {"a"}),
        ("import pytest\n\n@pytest.mark.tier\ndef test_x():\n    pass\n", set()),
        ("def test_x():\n    pass\n", set()),
        ("@pytest.mark.tier('e2e'\ndef test_x(:\n", set()),
    ],
    ids=["module-single", "module-tuple", "no-call", "none", "syntax-error"],
)
def test_marked_tiers_forms(tmp_path: Path, source: str, tiers: set[str]) -> None:
    path = write(tmp_path, {"test_m.py": source}) / "test_m.py"
    assert marked_tiers(path) == tiers


def test_each_file_is_parsed_once_for_files_and_tiers(tmp_path: Path) -> None:
    root = workspace(tmp_path, {"packages/a/tests/test_once.py": TEST})
    misses = _summarize.cache_info().misses
    member_tests(root, "packages/a")
    assert _summarize.cache_info().misses == misses + 1
    assert marked_tiers(root / "packages/a/tests/test_once.py") == set()
    member_tests(root, "packages/a")
    assert _summarize.cache_info().misses == misses + 1
