"""``tiergate workspace`` in process, and the workspace model behind it, branch by branch."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import main
from tiergate.config import TiergateConfig, load_member_config, parse_config
from tiergate.errors import ConfigError, WorkspaceError
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    AddMember = Callable[..., Path]
    WriteFile = Callable[[str, str], Path]


@pytest.fixture
def app_and_core(ws_root: Path, add_member: AddMember) -> Path:
    """``app`` (Pythons >= 3.12) depends on ``core`` (no configured Python admitted)."""
    add_member("app", "core>=2", requires_python=">=3.12", groups={"test": ["pytest"]})
    add_member("core", requires_python="<3.11", package="core", tests=True)
    return ws_root


def _workspace(root: Path, *args: str) -> int:
    return main(["--root", str(root), "workspace", *args])


@pytest.mark.req("FR-005")
def test_the_table_lists_members_in_order_with_pythons_and_both_directions(
    app_and_core: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _workspace(app_and_core) == 0

    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    border = next(n for n, line in enumerate(lines) if line.startswith("┏"))
    title = "".join(lines[:border]).replace(" ", "")
    assert title == f"workspace{app_and_core.resolve()}".replace(" ", "")
    table = [
        "┃ member ┃ pythons    ┃ tests   ┃ source ┃ depends on ┃ test-only ┃ used by (transitively) ┃",  # noqa: E501
        "┡━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ core   │ none       │ 0 files │ core   │            │           │ app (direct)           │",  # noqa: E501
        "│ app    │ 3.12, 3.13 │ 0 files │ none   │ core       │           │                        │",  # noqa: E501
        "└────────┴────────────┴─────────┴────────┴────────────┴───────────┴────────────────────────┘",
    ]
    looked = [
        "order (dependencies first): core, app",
        "where tiergate looked:",
        (
            "  core (packages/core): source from virtual project: packages in src/; "
            "tests in packages/core (no testpaths)"
        ),
        (
            "  app (packages/app): source from virtual project (no build system); "
            "tests in packages/app (no testpaths)"
        ),
    ]
    assert lines[border + 1 :] == table + looked


@pytest.mark.req("FR-015")
def test_the_matrix_has_one_entry_per_member_and_python_with_the_sessions_it_runs(
    ws_root: Path, add_member: AddMember, write_file: WriteFile, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tier on one Python, a member without tests, one without source or tests."""
    write_file(
        "pyproject.toml",
        '[tool.uv.workspace]\nmembers = ["packages/*"]\n\n'
        '[tool.tiergate.tiers]\ne2e = { paths = ["tests/e2e"], pythons = ["3.13"] }\n',
    )
    add_member("app", requires_python=">=3.12", package="app")
    write_file("packages/app/tests/e2e/test_app.py", "def test_app():\n    pass\n")
    # Source, no tests: type sessions, and a tests session where the fallback tier (here
    # e2e) runs, which finds no test and is red until the member says why.
    add_member("lib", package="lib")
    add_member("docs")  # neither source nor tests: no type session, the same tests session

    assert _workspace(ws_root, "--matrix") == 0

    out = capsys.readouterr().out
    assert out.endswith("}\n")
    assert out.count("\n") == 1  # one line, for $GITHUB_OUTPUT
    assert json.loads(out) == {
        "include": [
            {"package": "app", "python": "3.12", "sessions": ["type-3.12(package='app')"]},
            {
                "package": "app",
                "python": "3.13",
                "sessions": ["tests-3.13(package='app')", "type-3.13(package='app')"],
            },
            {"package": "docs", "python": "3.13", "sessions": ["tests-3.13(package='docs')"]},
            {"package": "lib", "python": "3.11", "sessions": ["type-3.11(package='lib')"]},
            {"package": "lib", "python": "3.12", "sessions": ["type-3.12(package='lib')"]},
            {
                "package": "lib",
                "python": "3.13",
                "sessions": ["tests-3.13(package='lib')", "type-3.13(package='lib')"],
            },
        ]
    }


@pytest.mark.req("FR-005", "NFR-004")
def test_json_is_the_model_with_relative_paths_and_the_same_bytes_twice(
    app_and_core: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _workspace(app_and_core, "--json") == 0
    first = capsys.readouterr().out
    assert _workspace(app_and_core, "--json") == 0
    assert capsys.readouterr().out == first
    assert first.endswith("}\n")

    document = json.loads(first)
    assert document == load_workspace(app_and_core).to_json()
    assert list(document) == ["members", "order", "pythons", "schema_version"]  # keys sorted
    assert (document["schema_version"], document["pythons"]) == (2, ["3.11", "3.12", "3.13"])
    assert document["order"] == [["core"], ["app"]]
    core, app = document["members"]
    assert core == {
        "dependencies": [],
        "dependency_groups": {},
        "dependents": ["app"],
        "import_packages": ["core"],
        "internal_dependencies": [],
        "is_root": False,
        "name": "core",
        "path": "packages/core",
        "pythons": [],
        "requires_python": "<3.11",
        "runtime_dependencies": [],
        "source": ["packages/core/src/core"],
        "source_origin": "virtual project: packages in src/",
        "test_dependencies": [],
        "test_group": None,
        "tested": True,
        "tests": {
            "files": [],
            "looked_in": "packages/core (no testpaths)",
            "roots": ["packages/core"],
        },
        "transitive_dependents": ["app"],
        "untested_reason": None,
        "tested_by": None,
        "version": "1.0",
    }
    assert (app["dependencies"], app["dependency_groups"], app["test_group"]) == (
        ["core>=2"],
        {"test": ["pytest"]},
        "test",
    )


@pytest.mark.req("NFR-001")
def test_a_broken_member_is_one_error_line_naming_file_and_line_exit_2(
    ws_root: Path, write_file: WriteFile, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = write_file("packages/app/pyproject.toml", '[project]\nname = "app"\nversion = 1\n')

    assert _workspace(ws_root) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"tiergate: error: {broken.resolve()}:3: [project].version must be a string, not 1\n"
    )


def test_a_folder_that_is_not_a_workspace_root_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')

    assert _workspace(tmp_path, "--json") == 2

    assert capsys.readouterr().err == (
        f"tiergate: error: {tmp_path.resolve() / 'pyproject.toml'}: "
        "no [tool.uv.workspace] table: not a uv workspace root\n"
    )


# ------------------------------------------------------------------ the model


def test_lookups_normalise_names_and_follow_the_graph_both_ways(
    ws_root: Path, add_member: AddMember
) -> None:
    add_member("Web_App", "api")
    add_member("api", "core-lib")
    add_member("core-lib")
    add_member("tool", "core_lib")
    workspace = load_workspace(ws_root)

    assert workspace.member("web.app").name == "Web_App"
    assert workspace.dependencies_of("WEB-APP") == ("api",)
    assert workspace.dependencies_of("web-app", transitive=True) == ("api", "core-lib")
    assert workspace.dependents_of("core-lib") == ("api", "tool")
    assert workspace.dependents_of("core-lib", transitive=True) == ("Web_App", "api", "tool")
    assert [m.name for m in workspace.members] == ["core-lib", "api", "Web_App", "tool"]


@pytest.mark.req("FR-005")
def test_the_table_and_json_list_every_transitive_dependent_and_say_which_are_direct(
    ws_root: Path, add_member: AddMember, capsys: pytest.CaptureFixture[str]
) -> None:
    add_member("web", "api")
    add_member("api", "core", groups={"test": ["testkit"]})
    add_member("core")
    add_member("testkit", "core")

    assert _workspace(ws_root) == 0
    rows = {
        cells[0]: cells[-1]
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("│") and (cells := [c.strip() for c in line.strip("│").split("│")])
    }
    assert rows == {
        "core": "api (direct), testkit (direct), web",
        "testkit": "api (direct), web",
        "api": "web (direct)",
        "web": "",
    }

    assert _workspace(ws_root, "--json") == 0
    members = {m["name"]: m for m in json.loads(capsys.readouterr().out)["members"]}
    assert members["core"]["dependents"] == ["api", "testkit"]
    assert members["core"]["transitive_dependents"] == ["api", "testkit", "web"]
    assert members["testkit"]["dependents"] == ["api"]
    assert members["testkit"]["transitive_dependents"] == ["api", "web"]


def test_an_unknown_member_lists_the_known_ones(ws_root: Path, add_member: AddMember) -> None:
    add_member("beta")
    add_member("alpha")
    workspace = load_workspace(ws_root)

    with pytest.raises(WorkspaceError) as caught:
        workspace.dependents_of("gamma")

    assert str(caught.value) == (
        f"{ws_root.resolve() / 'pyproject.toml'}: "
        "no workspace member named 'gamma' (members: alpha, beta)"
    )


def test_a_workspace_without_members_says_none(ws_root: Path, write_file: WriteFile) -> None:
    write_file("pyproject.toml", "[tool.uv.workspace]\n")
    workspace = load_workspace(ws_root)
    assert workspace.members == ()
    with pytest.raises(WorkspaceError, match=r"\(members: none\)$"):
        workspace.member("x")


@pytest.mark.req("FR-001")
def test_the_root_project_is_a_member_and_a_plain_glob_is_a_path(
    ws_root: Path, write_file: WriteFile, add_member: AddMember
) -> None:
    write_file(
        "pyproject.toml",
        """\
        [project]
        name = "root"
        dependencies = ["tools"]

        [tool.uv.workspace]
        members = [".", "tools", "missing-but-excluded", "packages/*"]
        exclude = ["packages/old", "missing-but-excluded"]
        """,
    )
    add_member("tools", folder="tools")
    add_member("new")
    add_member("old")
    (ws_root / "missing-but-excluded").mkdir()
    (ws_root / "missing-but-excluded" / "pyproject.toml").write_text('[project]\nname = "gone"\n')

    workspace = load_workspace(ws_root)

    assert [(m.name, m.is_root) for m in workspace.members] == [
        ("new", False),
        ("tools", False),
        ("root", True),
    ]
    assert workspace.member("root").path == ws_root.resolve()
    assert json.loads(json.dumps(workspace.to_json()))["members"][2]["path"] == "."


@pytest.mark.req("FR-003")
def test_a_cycle_names_the_requirement_that_closes_it(ws_root: Path, add_member: AddMember) -> None:
    add_member("b", "c")
    add_member("c", "b")
    add_member("a", "b")

    with pytest.raises(WorkspaceError) as caught:
        load_workspace(ws_root)

    b_file = ws_root.resolve() / "packages/b/pyproject.toml"
    assert str(caught.value) == f"{b_file}:4: dependency cycle: b -> c -> b"


@pytest.mark.req("FR-002")
def test_dependency_groups_resolve_includes_in_order_without_duplicates(
    ws_root: Path, write_file: WriteFile, add_member: AddMember
) -> None:
    write_file(
        "packages/app/pyproject.toml",
        """\
        [project]
        name = "app"

        [dependency-groups]
        lint = ["ruff"]
        test = ["pytest", "helper", {include-group = "LINT"}]
        dev = [{include-group = "test"}, "ruff", "mypy"]
        """,
    )
    add_member("helper")

    workspace = load_workspace(ws_root)

    app = workspace.member("app")
    assert dict(app.dependency_groups) == {
        "lint": ("ruff",),
        "test": ("pytest", "helper", "ruff"),
        "dev": ("pytest", "helper", "ruff", "mypy"),
    }
    assert app.internal_dependencies == ("helper",)
    assert app.dependencies == ()


@pytest.mark.parametrize(
    ("groups", "line", "message"),
    [
        ('lint = ["x"]\nLINT = ["y"]', 7, "dependency group 'LINT' is declared twice"),
        ('lint = "ruff"', 6, "[dependency-groups].lint must be an array, not 'ruff'"),
        ("lint = [1]", 6, "dependency group 'lint': invalid entry 1"),
        (
            'lint = [{include-group = "lint", extra = 1}]',
            6,
            "dependency group 'lint': invalid entry {'include-group': 'lint', 'extra': 1}",
        ),
        ('lint = [{include-group = "docs"}]', 6, "dependency group 'lint' includes unknown group"),
        (
            'lint = [{include-group = "docs"}]\ndocs = [{include-group = "lint"}]',
            7,
            "dependency group 'docs' includes itself via 'lint'",
        ),
        ('lint = ["ok", "not valid!"]', 6, "invalid dependency 'not valid!': Expected semicolon"),
    ],
)
def test_a_bad_dependency_group_names_file_line_and_group(
    ws_root: Path, write_file: WriteFile, groups: str, line: int, message: str
) -> None:
    file = write_file(
        "packages/app/pyproject.toml",
        f'[project]\nname = "app"\n\n\n[dependency-groups]\n{groups}\n',
    )
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(ws_root)
    assert str(caught.value).startswith(f"{file.resolve()}:{line}: {message}")


@pytest.mark.parametrize(
    ("project", "where", "message"),
    [
        ("", "", "no [project] table: a workspace member needs one"),
        ("[project]\n", ":1", "[project].name is missing"),
        (
            '[project]\nname = "-bad-"\n',
            ":2",
            "[project].name is not a valid project name: '-bad-'",
        ),
        (
            '[project]\nname = "app"\nrequires-python = "3.x"\n',
            ":3",
            "invalid requires-python '3.x': Invalid specifier: '3.x'",
        ),
        (
            '[project]\nname = "app"\nrequires-python = 3\n',
            ":3",
            "[project].requires-python must be a string, not 3",
        ),
        (
            '[project]\nname = "app"\ndependencies = [3]\n',
            ":3",
            "dependency 3 is not a string",
        ),
    ],
)
def test_a_bad_member_field_names_file_and_line(
    ws_root: Path, write_file: WriteFile, project: str, where: str, message: str
) -> None:
    file = write_file("packages/app/pyproject.toml", project or "[tool.other]\n")
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(ws_root)
    assert str(caught.value) == f"{file.resolve()}{where}: {message}"


@pytest.mark.parametrize(
    ("workspace_table", "message"),
    [
        (
            'members = ["libs/*"]',
            ":2: member glob 'libs/*' matches no folder with a pyproject.toml",
        ),
        (
            'members = ["/abs/*"]',
            ":2: invalid glob '/abs/*': Non-relative patterns are unsupported",
        ),
        ("members = [1]", ":2: tool.uv.workspace.members must be a string, not 1"),
        ('exclude = "x"', ":2: tool.uv.workspace.exclude must be an array, not 'x'"),
    ],
)
def test_a_bad_workspace_table_names_the_root_file_and_line(
    ws_root: Path, write_file: WriteFile, workspace_table: str, message: str
) -> None:
    root_file = write_file("pyproject.toml", f"[tool.uv.workspace]\n{workspace_table}\n")
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(ws_root)
    assert str(caught.value) == f"{root_file.resolve()}{message}"


def test_a_tool_table_that_is_not_a_table_is_named_with_its_line(
    ws_root: Path, write_file: WriteFile
) -> None:
    root_file = write_file("pyproject.toml", 'tool = {uv = "not a table"}\n')
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(ws_root)
    assert (
        str(caught.value) == f"{root_file.resolve()}:1: tool.uv must be a table, not 'not a table'"
    )


def test_duplicate_member_names_name_both_files(ws_root: Path, add_member: AddMember) -> None:
    first = add_member("Same", folder="packages/one")
    second = add_member("same", folder="packages/two")
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(ws_root)
    assert str(caught.value) == (
        f"{second.resolve() / 'pyproject.toml'}:2: member name 'same' is also declared in "
        f"{first.resolve() / 'pyproject.toml'}"
    )


# ------------------------------------------------------- member configuration


def test_a_member_configuration_is_read_with_its_own_bounds(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.tiergate]\nmin-tests = 3\n"
        "[tool.tiergate.coverage]\npackage = 90\ntiers = {unit = 80}\nfiles = {'src/*.py' = 70}\n"
    )
    config = load_member_config(tmp_path, TiergateConfig())
    assert config.min_tests == 3
    assert (config.coverage.package, dict(config.coverage.tiers)) == (90, {"unit": 80})
    assert dict(config.coverage.files) == {"src/*.py": 70}


def test_a_member_without_a_table_has_no_overrides(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "m"\n')
    config = load_member_config(tmp_path, TiergateConfig())
    assert (config.min_tests, config.coverage.package, config.coverage.tiers) == (None, None, {})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool]\ntiergate = 1\n", "tool.tiergate must be a table, not 1"),
        (
            "[tool.tiergate.coverage]\ntiers = {smoke = 50}\n",
            "tool.tiergate.coverage.tiers.smoke: unknown tier (tiers: unit, integration, e2e)",
        ),
        ("[tool.tiergate]\nmin-tests = 0\n", "tool.tiergate.min-tests: Input should be greater"),
        ("[tool.tiergate]\nmin-tests = true\n", "tool.tiergate.min-tests: Input should be a valid"),
    ],
)
@pytest.mark.req("NFR-001")
def test_a_bad_member_configuration_names_its_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_member_config(tmp_path, TiergateConfig())
    assert str(caught.value).startswith(f"{tmp_path / 'pyproject.toml'}:2: {message}")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"coverage": {"tiers": {"smoke": 50}}},
            "tool.tiergate.coverage.tiers.smoke: unknown tier",
        ),
        ({"pyramid": {"smoke": {"min": 5}}}, "tool.tiergate.pyramid.smoke: unknown tier"),
    ],
)
@pytest.mark.req("NFR-001")
def test_a_bound_on_an_unknown_tier_names_its_key(
    tmp_path: Path, table: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(table, tmp_path / "pyproject.toml")
    assert str(caught.value) == (
        f"{tmp_path / 'pyproject.toml'}: {message} (tiers: unit, integration, e2e)"
    )


def test_an_error_whose_text_is_not_in_the_file_names_the_file_without_a_line(
    ws_root: Path, write_file: WriteFile
) -> None:
    # The TOML escape hides the requirement from a search of the file's text.
    file = write_file(
        "packages/app/pyproject.toml", '[project]\nname = "app"\ndependencies = ["a\\u0020b"]\n'
    )
    with pytest.raises(WorkspaceError) as caught:
        load_workspace(ws_root)
    assert (caught.value.path, caught.value.line) == (file.resolve(), None)
    assert str(caught.value).startswith(f"{file.resolve()}: invalid dependency 'a b': Expected ")
