"""Hostile configuration through the real CLI: one line naming the file (and line), exit 2.

Every case writes a small uv workspace whose root or member configuration is
wrong in one way, runs ``tiergate workspace`` (or ``tiergate gates`` for the
``[tool.tiergate]`` values only it reads), and expects exactly one line on
stderr, ``tiergate: error: <file>[:<line>]: ...``, and no traceback.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tiergate import reading
from tiergate.cli import main

MEMBER = '[project]\nname = "alpha"\nversion = "1.0"\n'
"""A member's ``pyproject.toml`` that needs nothing more."""
OWN_MODULES = (
    *("config", "workspace", "pythons", "lockfile", "pytestconfig", "testfiles"),
    *("testast", "graph", "plan"),
)
DIRECT_READ = re.compile(
    r"\bopen\(|(?<!reading)\.read_(text|bytes)\(|\bjson\.loads?\(|\btomllib\.loads?\("
)

pytestmark = pytest.mark.req("FR-171")


@pytest.fixture(autouse=True)
def member(ws_root: Path) -> Path:
    """The folder of a member ``alpha`` with a package ``alpha`` under ``src/``."""
    folder = ws_root / "packages" / "alpha"
    (folder / "src" / "alpha").mkdir(parents=True)
    (folder / "src" / "alpha" / "__init__.py").write_text("")
    (folder / "pyproject.toml").write_text(MEMBER)
    return folder


def run(root: Path, capsys: pytest.CaptureFixture[str], command: str = "workspace") -> str:
    """The one error line of ``tiergate --root <root> <command>``, asserting exit 2."""
    code = main(["--root", str(root), command])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Traceback" not in captured.err
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert captured.err.endswith("\n")
    assert lines[0].startswith("tiergate: error: "), lines[0]
    return lines[0]


def names(line: str, file: Path, number: int | None) -> None:
    """``line`` names ``file``, at ``number`` when given."""
    where = str(file) if number is None else f"{file}:{number}"
    assert line.startswith(f"tiergate: error: {where}: "), line


# ------------------------------------------------------------- not readable


def test_a_root_pyproject_with_a_byte_that_is_not_utf8_names_its_line(
    ws_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ws_root / "pyproject.toml"
    path.write_bytes(path.read_bytes() + b"# caf\xff\n")
    line = run(ws_root, capsys)
    names(line, path, 3)
    assert "not UTF-8" in line


def test_a_python_version_file_that_is_not_utf8_is_named(
    ws_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ws_root / ".python-version"
    path.write_bytes(b"3.11\n# \xff\n")
    line = run(ws_root, capsys)
    names(line, path, 2)
    assert "not UTF-8" in line


def test_a_root_pyproject_that_is_a_folder_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").mkdir()
    (tmp_path / ".python-version").write_text("3.11\n")
    line = run(tmp_path, capsys)
    names(line, tmp_path / "pyproject.toml", None)
    assert "is a folder" in line


def test_a_python_version_that_is_a_folder_is_named(
    ws_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ws_root / ".python-version"
    path.unlink()
    path.mkdir()
    line = run(ws_root, capsys)
    names(line, path, None)
    assert "is a folder" in line


def test_toml_arrays_nested_a_hundred_thousand_deep_are_refused(
    ws_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ws_root / "pyproject.toml"
    depth = 100_000
    path.write_text(path.read_text() + "deep = " + "[" * depth + "]" * depth + "\n")
    line = run(ws_root, capsys)
    names(line, path, None)
    assert "nested too deep" in line


# ------------------------------------------------------ the shape of tables


@pytest.mark.parametrize(
    "case",
    [
        ('tool = "x"\n', 1, "tool must be a table, not 'x'"),
        ('project = "x"\n{root}', 1, "project must be a table, not 'x'"),
        ("[tool.uv]\nworkspace = 1\n", 2, "tool.uv.workspace must be a table, not 1"),
        (
            '[tool.uv.workspace]\nmembers = "packages/*"\n',
            2,
            "tool.uv.workspace.members must be an array, not 'packages/*'",
        ),
        (
            "[tool.uv.workspace]\nmembers = [1]\n",
            2,
            "tool.uv.workspace.members must be a string, not 1",
        ),
        (
            '[tool.uv.workspace]\nmembers = ["../../*"]\n',
            2,
            "glob '../../*' reaches outside the workspace root",
        ),
    ],
)
def test_a_root_pyproject_of_an_unexpected_shape_is_one_line(
    ws_root: Path, capsys: pytest.CaptureFixture[str], case: tuple[str, int, str]
) -> None:
    text, number, message = case
    path = ws_root / "pyproject.toml"
    path.write_text(text.replace("{root}", path.read_text()))
    line = run(ws_root, capsys)
    names(line, path, number)
    assert message in line


@pytest.mark.parametrize(
    "case",
    [
        ("tool = [1]\n" + MEMBER, 1, "tool must be a table, not [1]"),
        (MEMBER + "[tool]\ntiergate = 3\n", 5, "tool.tiergate must be a table, not 3"),
        ('project = "x"\n', 1, "project must be a table, not 'x'"),
        ("[project]\nname = 3\n", 2, "[project].name is not a valid project name: 3"),
        (
            MEMBER + 'dependencies = "x"\n',
            4,
            "[project].dependencies must be an array, not 'x'",
        ),
        (MEMBER + "dependencies = [1]\n", 4, "dependency 1 is not a string"),
        (
            MEMBER + "[dependency-groups]\ntest = 3\n",
            5,
            "[dependency-groups].test must be an array, not 3",
        ),
        (
            MEMBER + "[tool.uv.sources]\nx = 1\n",
            5,
            "tool.uv.sources.x must be a table (or an array of tables), not 1",
        ),
        (
            MEMBER + "[build-system]\nbuild-backend = 3\n",
            5,
            "build-system.build-backend must be a string, not 3",
        ),
        (
            MEMBER + '[build-system]\nbuild-backend = "hatchling.build"\n'
            "[tool.hatch.build.targets.wheel]\npackages = 1\n",
            7,
            "tool.hatch.build.targets.wheel.packages must be an array, not 1",
        ),
        (
            MEMBER + '[build-system]\nbuild-backend = "hatchling.build"\n[tool]\nhatch = 1\n',
            7,
            "tool.hatch must be a table, not 1",
        ),
        (
            MEMBER + '[build-system]\nbuild-backend = "setuptools.build_meta"\n'
            '[tool.setuptools]\npackages = "x"\n',
            7,
            "tool.setuptools.packages must be an array, not 'x'",
        ),
        (
            MEMBER + "[tool.pytest.ini_options]\ntestpaths = 3\n",
            5,
            "pytest option testpaths must be a string or a list of strings, not 3",
        ),
        (MEMBER + "[tool.pytest]\nini_options = 3\n", 5, "ini_options must be a table, not 3"),
    ],
)
def test_a_member_pyproject_of_an_unexpected_shape_is_one_line(
    ws_root: Path, member: Path, capsys: pytest.CaptureFixture[str], case: tuple[str, int, str]
) -> None:
    text, number, message = case
    path = member / "pyproject.toml"
    path.write_text(text)
    line = run(ws_root, capsys)
    names(line, path, number)
    assert message in line


# ---------------------------------------------------- strict, bounded values


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("true", "Input should be a valid number"),
        ('"75"', "Input should be a valid number"),
        ("nan", "Input should be a finite number"),
        ("inf", "Input should be a finite number"),
        ("101", "Input should be less than or equal to 100"),
    ],
)
def test_coverage_combined_takes_a_number_and_nothing_else(
    ws_root: Path, capsys: pytest.CaptureFixture[str], value: str, message: str
) -> None:
    path = ws_root / "pyproject.toml"
    path.write_text(path.read_text() + f"[tool.tiergate.coverage]\ncombined = {value}\n")
    line = run(ws_root, capsys, "gates")
    names(line, path, 4)
    assert line.endswith(f"tool.tiergate.coverage.combined: {message}")


@pytest.mark.parametrize(
    "case",
    [
        ("gaps", "churn-days", "3651", "Input should be less than or equal to 3650"),
        ("gaps", "top", "2.0", "Input should be a valid integer"),
        ("history", "trend-runs", "true", "Input should be a valid integer"),
        ("security", "online-timeout", "inf", "Input should be a finite number"),
        ("ratchet", "tolerance", '"1"', "Input should be a valid number"),
    ],
)
def test_every_number_is_strict_and_bounded(
    ws_root: Path, capsys: pytest.CaptureFixture[str], case: tuple[str, str, str, str]
) -> None:
    table, key, value, message = case
    path = ws_root / "pyproject.toml"
    path.write_text(path.read_text() + f"[tool.tiergate.{table}]\n{key} = {value}\n")
    line = run(ws_root, capsys, "gates")
    names(line, path, 4)
    assert line.endswith(f"tool.tiergate.{table}.{key}: {message}")


def test_a_member_tests_flag_must_be_a_boolean(
    ws_root: Path, member: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = member / "pyproject.toml"
    path.write_text(MEMBER + '[tool.tiergate]\ntests = "false"\n')
    line = run(ws_root, capsys)
    names(line, path, 5)
    assert line.endswith("tool.tiergate.tests: Input should be a valid boolean")


# ------------------------------------------------------------ configured paths


@pytest.mark.parametrize("key", ["source", "tests-paths"])
@pytest.mark.parametrize(
    "case",
    [
        ("a\\u0000b", "a path cannot hold a NUL byte"),
        ("x" * 5000, "a path cannot hold a name longer than 255 bytes"),
    ],
    ids=["nul-byte", "name-too-long"],
)
def test_a_configured_path_the_file_system_cannot_take_is_named(
    ws_root: Path,
    member: Path,
    capsys: pytest.CaptureFixture[str],
    key: str,
    case: tuple[str, str],
) -> None:
    written, problem = case
    path = member / "pyproject.toml"
    path.write_text(MEMBER + f'[tool.tiergate]\n{key} = ["{written}"]\n')
    line = run(ws_root, capsys)
    names(line, path, 5)
    assert line.endswith(f"tool.tiergate.{key}.0: {problem}")


def test_a_member_glob_with_a_name_too_long_is_named(
    ws_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = ws_root / "pyproject.toml"
    path.write_text(f'[tool.uv.workspace]\nmembers = ["{"x" * 5000}"]\n')
    line = run(ws_root, capsys)
    names(line, path, 2)
    assert line.endswith("the name is too long")


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("source", "source '../../etc' is not a folder or .py file in the member"),
        ("tests-paths", "tests-paths: '../..' is outside alpha/"),
    ],
)
def test_a_configured_path_escaping_the_member_is_named(
    ws_root: Path, member: Path, capsys: pytest.CaptureFixture[str], key: str, message: str
) -> None:
    path = member / "pyproject.toml"
    entry = message.split("'")[1]
    path.write_text(MEMBER + f'[tool.tiergate]\n{key} = ["{entry}"]\n')
    line = run(ws_root, capsys)
    names(line, path, 5)
    assert line.endswith(message)


def test_a_backend_path_escaping_the_member_is_named(
    ws_root: Path, member: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = member / "pyproject.toml"
    path.write_text(
        MEMBER + '[build-system]\nbuild-backend = "hatchling.build"\n'
        '[tool.hatch.build.targets.wheel]\npackages = ["../../.."]\n'
    )
    line = run(ws_root, capsys)
    names(line, path, 7)
    assert line.endswith(
        "tool.hatch.build.targets.wheel.packages: '../../..' is outside the member"
    )


# ------------------------------------------------------------- test files


def test_a_test_file_that_cannot_be_parsed_stays_a_test_file(
    ws_root: Path, member: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tests = member / "tests"
    tests.mkdir()
    (tests / "test_nul.py").write_bytes(b"def test_a():\n    x = '\x00'\n")
    (tests / "test_deep.py").write_text("x = " + "(" * 100_000 + ")" * 100_000 + "\n")
    (tests / "test_latin1.py").write_bytes(b"# caf\xe9\ndef test_a():\n    pass\n")
    (tests / "test_folder.py").mkdir()
    assert main(["--root", str(ws_root), "workspace", "--json"]) == 0
    out = capsys.readouterr().out
    for name in ("test_nul.py", "test_deep.py", "test_latin1.py"):
        assert f"packages/alpha/tests/{name}" in out


# ------------------------------------------------------------ parsed once


@pytest.mark.parametrize("command", ["workspace", "gates"])
def test_the_root_pyproject_is_parsed_once_per_command(
    ws_root: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    command: str,
) -> None:
    root_text = (ws_root / "pyproject.toml").read_text()
    parsed: list[str] = []
    loads = tomllib.loads

    def spy(text: str, **options: object) -> dict[str, object]:
        parsed.append(text)
        return loads(text, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(tomllib, "loads", spy)
    main(["--root", str(ws_root), command])
    capsys.readouterr()
    assert parsed.count(root_text) == 1


def test_no_module_reading_configuration_reads_a_file_directly() -> None:
    source = Path(reading.__file__).parent
    files = [source / f"{name}.py" for name in OWN_MODULES]
    files += [*(source / "sources").glob("*.py"), *(source / "scaffold").glob("*.py")]
    direct = [
        f"{file.name}:{number}"
        for file in files
        for number, text in enumerate(file.read_text().splitlines(), start=1)
        if DIRECT_READ.search(text) and "files(" not in text
    ]
    assert direct == []
