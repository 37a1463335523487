from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tiergate.cli import main
from tiergate.config import TiergateConfig
from tiergate.errors import ConfigError, TiergateError, WorkspaceError
from tiergate.plan import expected_sessions, measured_by
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable

    AddMember = Callable[..., Path]
    WriteFile = Callable[[str, str], Path]

REPOSITORY = Path(__file__).resolve().parents[4]


def names(root: Path) -> tuple[str, ...]:
    return tuple(member.name for member in load_workspace(root).members)


def expect_error(root: Path, kind: type[TiergateError] = WorkspaceError) -> TiergateError:
    with pytest.raises(kind) as caught:
        load_workspace(root)
    assert "\n" not in str(caught.value)
    return caught.value


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if needle in line)


# ------------------------------------------------------------------ members


@pytest.mark.req("FR-001")
def test_globs_find_members_and_exclude_drops_one(
    ws_root: Path, write_file: WriteFile, add_member: AddMember
) -> None:
    write_file(
        "pyproject.toml",
        """\
        [tool.uv.workspace]
        members = ["packages/*", "libs/**"]
        exclude = ["packages/scratch"]
        """,
    )
    for name in ("beta", "alpha", "scratch"):
        add_member(name)
    add_member("gamma", folder="libs/deep/gamma")
    (ws_root / "packages" / "docs").mkdir()  # no pyproject.toml: not a member
    write_file("packages/notes.txt", "a file, not a folder\n")

    workspace = load_workspace(ws_root)

    assert [m.name for m in workspace.members] == ["alpha", "beta", "gamma"]
    assert workspace.member("gamma").path == (ws_root / "libs/deep/gamma").resolve()
    assert workspace.root == ws_root.resolve()
    assert not any(m.is_root for m in workspace.members)


def test_member_fields_are_read_from_its_pyproject(ws_root: Path, add_member: AddMember) -> None:
    add_member("lib", "requests>=2", 'tomli; python_version < "3.11"', package="lib", tests=True)
    package = ws_root / "packages/lib/src"
    (package / "other").mkdir()
    (package / "other" / "__init__.py").touch()
    (package / "not_a_package").mkdir()
    (ws_root / "packages/lib/tests/test_lib.py").write_text("def test_a():\n    pass\n")

    member = load_workspace(ws_root).member("lib")

    assert member.version == "1.0"
    assert member.requires_python == SpecifierSet()
    assert member.dependencies == (
        Requirement("requests>=2"),
        Requirement('tomli; python_version < "3.11"'),
    )
    assert member.internal_dependencies == ()
    assert member.import_packages == ("lib", "other")
    assert member.source == (package.resolve() / "lib", package.resolve() / "other")
    assert member.test_files == ((ws_root / "packages/lib/tests/test_lib.py").resolve(),)


def test_member_without_src_or_tests(ws_root: Path, add_member: AddMember) -> None:
    add_member("bare")
    member = load_workspace(ws_root).member("bare")
    assert (member.import_packages, member.source, member.test_files) == ((), (), ())
    assert member.tests.looked_in == "packages/bare (no testpaths)"


@pytest.mark.req("FR-001")
def test_root_project_is_a_member(
    ws_root: Path, write_file: WriteFile, add_member: AddMember
) -> None:
    write_file(
        "pyproject.toml",
        """\
        [project]
        name = "the-root"
        version = "0.1.0"

        [dependency-groups]
        dev = ["lib"]

        [tool.uv.workspace]
        members = ["packages/*"]
        """,
    )
    (ws_root / "tests").mkdir()
    (ws_root / "tests/test_root.py").write_text("def test_a():\n    pass\n")
    add_member("lib", tests=True)
    (ws_root / "packages/lib/tests/test_lib.py").write_text("def test_b():\n    pass\n")

    workspace = load_workspace(ws_root)

    root = workspace.member("the-root")
    assert root.is_root
    assert root.path == ws_root.resolve()
    # The root's tests are its own: the members nested in it are left to them.
    assert root.test_files == (ws_root.resolve() / "tests/test_root.py",)
    assert root.tests.ignore == (ws_root.resolve() / "packages/lib",)
    assert root.internal_dependencies == ("lib",)
    assert [m.name for m in workspace.members] == ["lib", "the-root"]
    assert not workspace.member("lib").is_root


def test_root_matched_by_a_glob_is_listed_once(ws_root: Path, write_file: WriteFile) -> None:
    write_file("pyproject.toml", '[project]\nname = "solo"\n[tool.uv.workspace]\nmembers = ["."]\n')
    assert names(ws_root) == ("solo",)


# ------------------------------------------------------------- dependencies


@pytest.mark.req("FR-002")
def test_nested_dependencies_and_dependents(ws_root: Path, add_member: AddMember) -> None:
    add_member("a", "b>=1")
    add_member("b", "c")
    add_member("c", "requests")
    add_member("d")

    workspace = load_workspace(ws_root)

    assert [m.name for m in workspace.members] == ["c", "b", "a", "d"]
    assert workspace.dependencies_of("a") == ("b",)
    assert workspace.dependencies_of("a", transitive=True) == ("b", "c")
    assert workspace.dependents_of("c") == ("b",)
    assert workspace.dependents_of("c", transitive=True) == ("a", "b")
    assert workspace.dependents_of("a", transitive=True) == ()
    assert workspace.dependencies_of("d", transitive=True) == ()


@pytest.mark.req("FR-002")
def test_dependency_names_are_normalized(ws_root: Path, add_member: AddMember) -> None:
    add_member("app", "My_Lib[extra]>=2")
    add_member("my-lib")
    workspace = load_workspace(ws_root)
    assert workspace.member("app").internal_dependencies == ("my-lib",)
    assert workspace.member("MY.LIB").name == "my-lib"


@pytest.mark.req("FR-002")
def test_dependency_group_makes_an_internal_dependency(
    ws_root: Path, add_member: AddMember
) -> None:
    add_member("app", "click", groups={"test": ["pytest", "testkit"]})
    add_member("testkit")

    workspace = load_workspace(ws_root)

    app = workspace.member("app")
    assert app.dependencies == (Requirement("click"),)
    assert app.internal_dependencies == ("testkit",)
    assert workspace.dependents_of("testkit") == ("app",)
    assert app.runtime_dependencies == ()
    assert app.test_dependencies == ("testkit",)
    assert [m.name for m in workspace.members] == ["testkit", "app"]  # test edges order too


def test_include_group_entries_are_resolved(ws_root: Path, write_file: WriteFile) -> None:
    write_file(
        "packages/app/pyproject.toml",
        """\
        [project]
        name = "app"

        [dependency-groups]
        test = ["pytest", "coverage"]
        type = ["mypy", { include-group = "test" }, "pytest"]
        all = [{ include-group = "Type" }]
        """,
    )
    groups = load_workspace(ws_root).member("app").dependency_groups
    assert dict(groups) == {
        "test": ("pytest", "coverage"),
        "type": ("mypy", "pytest", "coverage"),
        "all": ("mypy", "pytest", "coverage"),
    }


def test_member_depending_on_itself_with_extras_is_no_cycle(
    ws_root: Path, add_member: AddMember
) -> None:
    add_member("app", groups={"dev": ["app[cli]"]})
    assert load_workspace(ws_root).member("app").internal_dependencies == ()


@pytest.mark.req("FR-003")
def test_cycle_is_named_with_the_first_members_file(ws_root: Path, add_member: AddMember) -> None:
    add_member("b", "a")
    a = add_member("a", "requests", "b>=1")

    error = expect_error(ws_root)

    assert "a -> b -> a" in str(error)
    assert error.path == a.resolve() / "pyproject.toml"
    assert error.line == line_of(a / "pyproject.toml", '"b>=1"')
    assert str(error).startswith(f"{error.path}:{error.line}: dependency cycle")


@pytest.mark.req("FR-002")
def test_a_test_group_may_depend_back_without_a_cycle(ws_root: Path, add_member: AddMember) -> None:
    add_member("engine", groups={"test": ["plugin"]})  # the engine is tested with its plugin
    add_member("plugin", "engine")
    workspace = load_workspace(ws_root)
    assert [m.name for m in workspace.members] == ["engine", "plugin"]
    assert workspace.member("engine").internal_dependencies == ("plugin",)
    assert workspace.dependents_of("engine") == ("plugin",)
    assert workspace.dependents_of("plugin") == ("engine",)


# ------------------------------------------------------------------ pythons


@pytest.mark.parametrize(
    ("requires_python", "expected"),
    [
        (">=3.12", ("3.12", "3.13")),
        (">=3.11.4", ("3.11", "3.12", "3.13")),
        (">=3.11,<3.13,!=3.12.*", ("3.11",)),
        ("<3.11", ()),
        (">=3.14", ()),
    ],
)
@pytest.mark.req("FR-004")
def test_member_pythons_are_the_configured_ones_it_admits(
    ws_root: Path, add_member: AddMember, requires_python: str, expected: tuple[str, ...]
) -> None:
    add_member("app", requires_python=requires_python)
    workspace = load_workspace(ws_root)
    assert workspace.pythons == ("3.11", "3.12", "3.13")
    assert workspace.member("app").pythons == expected
    assert workspace.member("app").requires_python == SpecifierSet(requires_python)


def test_pythons_argument_overrides_python_version_file(
    ws_root: Path, add_member: AddMember
) -> None:
    add_member("app", requires_python=">=3.12")
    (ws_root / ".python-version").unlink()
    workspace = load_workspace(ws_root, pythons=["3.13", "3.12", "3.11"])
    assert workspace.pythons == ("3.13", "3.12", "3.11")
    assert workspace.member("app").pythons == ("3.13", "3.12")


def test_missing_python_version_file_is_a_config_error(
    ws_root: Path, add_member: AddMember
) -> None:
    add_member("app")
    (ws_root / ".python-version").unlink()
    assert expect_error(ws_root, ConfigError).path == ws_root / ".python-version"


# ------------------------------------------------------------------- errors


def test_broken_member_toml_names_file_and_line(ws_root: Path, write_file: WriteFile) -> None:
    broken = write_file("packages/app/pyproject.toml", '[project]\nname = "app\n')
    error = expect_error(ws_root, ConfigError)
    assert error.path == broken.resolve()
    assert error.line == 2
    assert str(error).startswith(f"{broken.resolve()}:2: invalid TOML")


def test_missing_project_name_names_the_member_file(ws_root: Path, write_file: WriteFile) -> None:
    file = write_file("packages/app/pyproject.toml", '\n[project]\nversion = "1"\n')
    error = expect_error(ws_root)
    assert (error.path, error.line) == (file.resolve(), 2)
    assert "[project].name is missing" in str(error)


def test_member_without_project_table(ws_root: Path, write_file: WriteFile) -> None:
    file = write_file("packages/app/pyproject.toml", "[tool.ruff]\n")
    error = expect_error(ws_root)
    assert error.path == file.resolve()
    assert "no [project] table" in str(error)


@pytest.mark.parametrize(
    ("body", "needle", "message"),
    [
        ('name = "app"\nrequires-python = ">=3.x"\n', "requires-python", "invalid requires-python"),
        ('name = "app"\ndependencies = ["ok", "not valid!"]\n', "not valid!", "invalid dependency"),
        ('name = "app"\ndependencies = "requests"\n', "dependencies", "must be an array"),
        ('name = "app"\nversion = 1\n', "version", "[project].version must be a string"),
        ('name = "app"\ndependencies = [\n  "ok",\n  1,\n]\n', "dependencies", "1 is not a string"),
        ('name = "app ?"\n', "name =", "not a valid project name"),
    ],
)
def test_invalid_member_field_names_file_and_line(
    ws_root: Path, write_file: WriteFile, body: str, needle: str, message: str
) -> None:
    file = write_file("packages/app/pyproject.toml", "[project]\n" + body)
    error = expect_error(ws_root)
    assert error.path == file.resolve()
    assert error.line == line_of(file, needle)
    assert message in str(error)


@pytest.mark.parametrize(
    ("groups", "message"),
    [
        ('test = ["not valid!"]', "invalid dependency"),
        ('test = [{ include-group = "nope" }]', "includes unknown group 'nope'"),
        ('a = [{ include-group = "b" }]\nb = [{ include-group = "a" }]', "includes itself via"),
        ("test = [{ other = 1 }]", "invalid entry"),
        ('Test = ["a"]\ntest = ["b"]', "dependency group 'test' is declared twice"),
        ('test = "pytest"', "[dependency-groups].test must be an array"),
    ],
)
def test_invalid_dependency_group_names_the_member_file(
    ws_root: Path, write_file: WriteFile, groups: str, message: str
) -> None:
    body = f'[project]\nname = "app"\n\n[dependency-groups]\n{groups}\n'
    file = write_file("packages/app/pyproject.toml", body)
    error = expect_error(ws_root)
    assert error.path == file.resolve()
    assert error.line is not None
    assert message in str(error)


def test_error_without_a_findable_line_still_names_the_file(
    ws_root: Path, write_file: WriteFile
) -> None:
    # The TOML escape hides the raw requirement string from a text search.
    file = write_file(
        "packages/app/pyproject.toml", '[project]\nname = "app"\ndependencies = ["a\\u0020b"]\n'
    )
    error = expect_error(ws_root)
    assert (error.path, error.line) == (file.resolve(), None)
    assert str(error).startswith(f"{file.resolve()}: invalid dependency 'a b'")


def test_duplicate_member_names(ws_root: Path, add_member: AddMember) -> None:
    first = add_member("Dup_Name", folder="packages/one")
    second = add_member("dup-name", folder="packages/two")
    error = expect_error(ws_root)
    assert error.path == second.resolve() / "pyproject.toml"
    assert str(first.resolve() / "pyproject.toml") in str(error)


@pytest.mark.req("FR-001")
def test_glob_matching_nothing_names_glob_and_root_file(
    ws_root: Path, write_file: WriteFile, add_member: AddMember
) -> None:
    root_file = write_file(
        "pyproject.toml",
        """\
        [tool.uv.workspace]
        members = [
          "packages/*",
          "libs/*",
        ]
        """,
    )
    add_member("app")
    (ws_root / "libs" / "empty").mkdir(parents=True)
    error = expect_error(ws_root)
    assert (error.path, error.line) == (root_file.resolve(), 4)
    assert "'libs/*' matches no folder with a pyproject.toml" in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[project]\nname = "x"\n', "no [tool.uv.workspace] table"),
        ('[tool.uv.workspace]\nmembers = "packages/*"\n', "members must be an array"),
        ('[tool.uv.workspace]\nmembers = ["/abs/*"]\n', "invalid glob '/abs/*'"),
        ('[tool.uv.workspace]\nmembers = [""]\n', "invalid glob ''"),
    ],
)
def test_invalid_root_pyproject(
    ws_root: Path, write_file: WriteFile, text: str, message: str
) -> None:
    write_file("pyproject.toml", text)
    error = expect_error(ws_root)
    assert error.path == ws_root.resolve() / "pyproject.toml"
    assert message in str(error)


def test_missing_root_pyproject_is_a_config_error(tmp_path: Path) -> None:
    error = expect_error(tmp_path, ConfigError)
    assert error.path == tmp_path.resolve() / "pyproject.toml"


def test_broken_root_toml_names_the_line(ws_root: Path, write_file: WriteFile) -> None:
    write_file("pyproject.toml", '[tool.uv.workspace]\nmembers = ["packages/*\n')
    error = expect_error(ws_root, ConfigError)
    assert (error.path, error.line) == (ws_root.resolve() / "pyproject.toml", 2)


def test_unknown_member_lookup_lists_known_names(ws_root: Path, add_member: AddMember) -> None:
    add_member("beta")
    add_member("alpha")
    workspace = load_workspace(ws_root)
    for lookup in (workspace.member, workspace.dependencies_of, workspace.dependents_of):
        with pytest.raises(WorkspaceError, match=r"no workspace member named 'gamma'") as caught:
            lookup("gamma")
        assert "(members: alpha, beta)" in str(caught.value)


# --------------------------------------------------------------------- JSON


@pytest.mark.req("NFR-004")
def test_json_is_stable_and_relative(ws_root: Path, add_member: AddMember) -> None:
    add_member("b", "c", requires_python=">=3.12", groups={"test": ["pytest"]}, package="b_pkg")
    add_member("c", tests=True)

    first = load_workspace(ws_root).to_json()
    again = load_workspace(ws_root.parent / ws_root.name / ".").to_json()

    assert json.dumps(first, sort_keys=True) == json.dumps(again, sort_keys=True)
    assert json.loads(json.dumps(first)) == first
    assert first["schema_version"] == 2
    assert first["order"] == [["c"], ["b"]]
    assert first["pythons"] == ["3.11", "3.12", "3.13"]
    members = first["members"]
    assert isinstance(members, list)
    assert [m["name"] for m in members] == ["c", "b"]
    assert members[1] == {
        "name": "b",
        "version": "1.0",
        "path": "packages/b",
        "is_root": False,
        "requires_python": ">=3.12",
        "pythons": ["3.12", "3.13"],
        "dependencies": ["c"],
        "dependency_groups": {"test": ["pytest"]},
        "internal_dependencies": ["c"],
        "runtime_dependencies": ["c"],
        "test_dependencies": [],
        "dependents": [],
        "transitive_dependents": [],
        "import_packages": ["b_pkg"],
        "source": ["packages/b/src/b_pkg"],
        "source_origin": "virtual project: packages in src/",
        "tested": True,
        "untested_reason": None,
        "tested_by": None,
        "test_group": "test",
        "tests": {"looked_in": "packages/b (no testpaths)", "roots": ["packages/b"], "files": []},
    }
    assert members[0]["dependents"] == ["b"]
    assert members[0]["tests"]["roots"] == ["packages/c"]


# --------------------------------------------------------- this repository


@pytest.mark.req("FR-090")
def test_this_repository() -> None:
    workspace = load_workspace(REPOSITORY)
    # tiergate's tests use pytest-tiergate, which depends on tiergate: a test-time cycle,
    # listed as one group; the root's tests use tiergate-nox, so the root comes last.
    together = next(group for group in workspace.components if "tiergate" in group)
    assert {"tiergate", "pytest-tiergate"} <= set(together)
    assert workspace.components[-1] == ("tiergate-monorepo",)
    assert workspace.member("pytest-tiergate").runtime_dependencies == ("tiergate",)
    assert "pytest-tiergate" in workspace.member("tiergate").test_dependencies
    assert workspace.member("tiergate-monorepo").runtime_dependencies == ()
    assert workspace.member("tiergate-monorepo").is_root
    assert workspace.member("tiergate").import_packages == ("tiergate",)
    assert "tiergate" in workspace.dependencies_of("pytest-tiergate")


# ------------------------------------------------- the command, in process


def test_workspace_command_prints_table_and_json(
    ws_root: Path, add_member: AddMember, capsys: pytest.CaptureFixture[str]
) -> None:
    add_member("app", "core", requires_python=">=3.14")
    add_member("core")

    assert main(["--root", str(ws_root), "workspace"]) == 0
    table = capsys.readouterr().out
    assert "order (dependencies first): core, app" in table
    assert "none" in table  # app admits none of the configured Pythons

    assert main(["--root", str(ws_root), "workspace", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == load_workspace(ws_root).to_json()


@pytest.mark.req("FR-090")
def test_members_whose_tests_use_each_other_are_one_group_never_an_order(
    ws_root: Path, add_member: AddMember, capsys: pytest.CaptureFixture[str]
) -> None:
    add_member("api", "core", groups={"test": ["client"]})
    add_member("client", groups={"test": ["api"]})
    add_member("core")

    workspace = load_workspace(ws_root)

    assert workspace.components == (("core",), ("api", "client"))
    assert workspace.member("api").runtime_dependencies == ("core",)
    assert workspace.member("api").test_dependencies == ("client",)
    assert workspace.dependents_of("core", transitive=True) == ("api", "client")
    assert main(["--root", str(ws_root), "workspace"]) == 0
    out = capsys.readouterr().out
    assert "order (dependencies first): core, {api, client} (test-time cycle)" in out


LOCK = """\
version = 1
requires-python = ">=3.11"

[manifest]
members = ["app", "core"]

[[package]]
name = "app"
source = { editable = "packages/app" }
dependencies = [
    { name = "core" },
    { name = "requests" },
]

[[package]]
name = "core"
source = { editable = "packages/core" }

[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }
"""


@pytest.mark.req("FR-002")
def test_dynamic_dependencies_are_read_from_the_lock(
    ws_root: Path, add_member: AddMember, write_file: WriteFile
) -> None:
    # A build hook computes app's dependencies: only uv.lock says app needs core.
    app = add_member("app")
    pyproject = app / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("dependencies = []", 'dynamic = ["dependencies"]')
    )
    add_member("core")
    assert load_workspace(ws_root).member("app").runtime_dependencies == ()
    write_file("uv.lock", LOCK)

    workspace = load_workspace(ws_root)

    assert workspace.member("app").runtime_dependencies == ("core",)
    assert workspace.member("app").dependencies == (Requirement("core"), Requirement("requests"))
    assert [m.name for m in workspace.members] == ["core", "app"]


@pytest.mark.req("FR-100")
def test_the_root_never_owns_the_code_of_a_member_nested_in_it(
    ws_root: Path, write_file: WriteFile
) -> None:
    # hatchling's default for "calc" finds calc_slim/calc/: that folder is the member's.
    write_file(
        "pyproject.toml",
        """\
        [project]
        name = "calc"
        version = "1.0"

        [build-system]
        requires = ["hatchling"]
        build-backend = "hatchling.build"

        [tool.uv.workspace]
        members = ["calc_slim"]
        """,
    )
    write_file(
        "calc_slim/pyproject.toml",
        '[project]\nname = "calc-slim"\nversion = "1.0"\n\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["calc"]\n',
    )
    write_file("calc_slim/calc/__init__.py", "")
    write_file("calc/__init__.py", "")

    workspace = load_workspace(ws_root)

    assert workspace.member("calc").source == ((ws_root / "calc").resolve(),)
    assert workspace.member("calc-slim").source == ((ws_root / "calc_slim/calc").resolve(),)


def test_a_broken_lock_is_an_error_naming_it_and_its_line(
    ws_root: Path, add_member: AddMember, write_file: WriteFile
) -> None:
    add_member("app")
    lock = write_file("uv.lock", "version = 1\n[[package]\n")
    with pytest.raises(ConfigError) as caught:
        load_workspace(ws_root)
    assert (caught.value.path, caught.value.line) == (lock, 2)


def _tested_by(member: Path, tester: str) -> None:
    with (member / "pyproject.toml").open("a") as pyproject:
        pyproject.write(f'\n[tool.tiergate]\ntested-by = "{tester}"\n')


@pytest.mark.req("FR-097")
def test_a_member_tested_by_another_has_no_session_of_its_own(
    ws_root: Path, add_member: AddMember
) -> None:
    add_member("api", tests=True)
    (ws_root / "packages/api/tests/test_api.py").write_text("def test_a():\n    pass\n")
    _tested_by(add_member("models", package="models"), "API")

    workspace = load_workspace(ws_root)

    models = workspace.member("models")
    assert (models.tested, models.tested_by) == (False, "api")
    assert measured_by(workspace, workspace.member("api")) == (workspace.member("api"), models)
    assert [e.package for e in expected_sessions(workspace, TiergateConfig())] == ["api"] * 3


@pytest.mark.req("FR-097")
@pytest.mark.parametrize(
    ("tester", "problem"),
    [
        ("nobody", "names no member of the workspace"),
        ("models", "names the member itself"),
        ("stubs", "names a member that is not tested itself"),
    ],
)
def test_tested_by_must_name_another_tested_member(
    ws_root: Path, add_member: AddMember, tester: str, problem: str
) -> None:
    stubs = add_member("stubs")
    with (stubs / "pyproject.toml").open("a") as pyproject:
        pyproject.write('\n[tool.tiergate]\ntests = false\ntests-reason = "generated"\n')
    models = add_member("models")
    _tested_by(models, tester)
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(ws_root)
    assert str(caught.value).endswith(f"[tool.tiergate] tested-by {tester!r} {problem}")
    assert (caught.value.path, caught.value.line) == (models / "pyproject.toml", 7)


@pytest.mark.req("FR-091")
def test_a_root_project_holding_no_code_and_no_test_is_listed_as_not_tested(
    ws_root: Path, write_file: WriteFile, add_member: AddMember
) -> None:
    # Its [tool.tiergate] is the workspace's configuration: it cannot say tests = false.
    write_file(
        "pyproject.toml",
        '[project]\nname = "acme"\nversion = "0"\n\n[tool.uv]\npackage = false\n\n'
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n',
    )
    add_member("lib")
    root = load_workspace(ws_root).member("acme")
    assert (root.tested, root.untested_reason) == (
        False,
        "the workspace root holds no source and no test of its own",
    )
    write_file("tests/test_whole.py", "def test_a():\n    pass\n")
    assert load_workspace(ws_root).member("acme").tested
