"""``tiergate init`` in process on real files: what it writes, what it keeps, when it refuses."""

from __future__ import annotations

import textwrap
import tomllib
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from tiergate.cli import main
from tiergate.config import load_config
from tiergate.scaffold.bounds import bound_under
from tiergate.scaffold.pyprojects import ADD_COMMAND

if TYPE_CHECKING:
    from pathlib import Path

ROOT = """\
# The acme monorepo: one workspace, three libraries.
[project]
name = "acme"   # the root is a virtual project
version = "0"
requires-python = ">=3.11"

[dependency-groups]
dev = [
    "tiergate-nox",  # from a checkout: see [tool.uv.sources]
]

[tool.uv]
package = false

[tool.uv.workspace]
members = ["packages/*"]

[tool.uv.sources]
tiergate-nox = { path = "../tiergate/packages/tiergate-nox", editable = true }

[tool.ruff]
line-length = 100   # ours, not tiergate's
"""

APP = """\
[project]
name = "app"
version = "1.0"
requires-python = ">=3.11"

[dependency-groups]
# what the tests need
test = [
  "pytest>=8",  # pinned by us
]

[build-system]
requires = ["uv_build>=0.13.9,<0.14"]
build-backend = "uv_build"
"""

LIB = """\
[project]
name = "lib"
version = "1.0"

[dependency-groups]
dev = ["pytest", "hypothesis"]

[build-system]
requires = ["uv_build>=0.13.9,<0.14"]
build-backend = "uv_build"
"""

BARE = """\
[project]
name = "bare"
version = "1.0"

[build-system]
requires = ["uv_build>=0.13.9,<0.14"]
build-backend = "uv_build"
"""

PRE_COMMIT = """\
# our hooks: keep them first
repos:
- repo: https://github.com/pre-commit/pre-commit-hooks
  rev: v5.0.0
  hooks:
  - id: check-yaml  # YAML must parse
  - id: end-of-file-fixer
# the comment after our last hook
ci:
  autofix_prs: false
"""

TEST = "def test_it() -> None:\n    assert True\n"


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A monorepo before init: app (test group, unit + integration), lib (dev group), bare."""
    root = tmp_path / "acme"
    _write(root, "pyproject.toml", ROOT)
    _write(root, ".python-version", "3.12\n")
    _write(root, ".gitignore", "build/\n.venv")
    _write(root, ".pre-commit-config.yaml", PRE_COMMIT)
    for name, pyproject in (("app", APP), ("lib", LIB), ("bare", BARE)):
        _write(root, f"packages/{name}/pyproject.toml", pyproject)
        _write(root, f"packages/{name}/src/{name}/__init__.py", '"""A library."""\n')
    _write(root, "packages/app/tests/unit/test_app.py", TEST)
    _write(root, "packages/app/tests/integration/db/test_app_db.py", TEST)
    _write(root, "packages/lib/tests/test_lib.py", TEST)
    _write(root, "packages/bare/tests/test_bare.py", TEST)
    return root


def _init(root: Path, *args: str) -> int:
    return main(["--root", str(root), "init", *args])


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _toml(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _kept_in_order(before: str, after: str) -> bool:
    """Every line of ``before`` is in ``after``, unchanged and in the same order."""
    remaining = iter(after.splitlines())
    return all(any(line == later for later in remaining) for line in before.splitlines())


@pytest.mark.req("FR-152")
def test_the_root_gets_session_groups_in_dev_and_the_tiers_found(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(repo) == 0

    root = _toml(repo / "pyproject.toml")
    assert root["dependency-groups"] == {
        "dev": [
            "tiergate-nox",
            {"include-group": "lint"},
            {"include-group": "security"},
        ],
        "lint": ["ruff"],
        "security": ["bandit", "pip-audit"],
    }
    assert root["tool"]["tiergate"] == {
        "tiers": {
            "unit": {"paths": ["tests/unit"]},
            "integration": {"paths": ["tests/integration"]},
        },
        "default-tier": "unit",
    }
    assert list(load_config(repo).tiers) == ["unit", "integration"]
    assert capsys.readouterr().out.splitlines()[-1] == "next: uv run invoke check"


@pytest.mark.req("FR-152")
def test_members_get_the_test_tools_in_test_else_dev_else_a_new_test_group(repo: Path) -> None:
    assert _init(repo) == 0

    groups = {
        name: _toml(repo / f"packages/{name}/pyproject.toml")["dependency-groups"]
        for name in ("app", "lib", "bare")
    }
    assert groups["app"] == {
        "test": ["pytest>=8", "coverage", "pytest-tiergate"],
        "type": ["mypy", {"include-group": "test"}],
    }
    assert groups["lib"] == {
        "dev": ["pytest", "hypothesis", "coverage", "pytest-tiergate"],
        "type": ["mypy", {"include-group": "dev"}],
    }
    assert groups["bare"] == {
        "test": ["pytest", "coverage", "pytest-tiergate"],
        "type": ["mypy", {"include-group": "test"}],
    }


@pytest.mark.req("FR-152", "FR-153")
def test_the_users_formatting_comments_lines_and_hooks_are_kept(repo: Path) -> None:
    before = _snapshot(repo)

    assert _init(repo) == 0

    for name in ("pyproject.toml", "packages/app/pyproject.toml", ".pre-commit-config.yaml"):
        after = (repo / name).read_text(encoding="utf-8")
        assert _kept_in_order(before[name].decode(), after), name
    assert (repo / ".gitignore").read_text(encoding="utf-8") == "build/\n.venv\n.tiergate/\n.nox/\n"
    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [[hook["id"] for hook in repo_["hooks"]] for repo_ in config["repos"]]
    assert hooks == [["check-yaml", "end-of-file-fixer"], ["ruff", "ruff-format"]]
    assert config["ci"] == {"autofix_prs": False}


@pytest.mark.req("FR-151")
def test_the_whole_files_are_written_and_the_workflow_is_yaml(repo: Path) -> None:
    assert _init(repo) == 0

    noxfile = (repo / "noxfile.py").read_text(encoding="utf-8")
    tasks = (repo / "tasks.py").read_text(encoding="utf-8")
    assert "register_sessions(Path(__file__).parent)" in noxfile
    assert tasks.startswith('"""')
    assert '__all__ = ["namespace"]' in tasks
    workflow = yaml.safe_load((repo / ".github/workflows/tiergate.yml").read_text("utf-8"))
    assert set(workflow["jobs"]) == {"plan", "tests", "checks", "gates"}


@pytest.mark.req("FR-154")
def test_a_second_init_changes_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _init(repo) == 0
    written = _snapshot(repo)
    capsys.readouterr()

    assert _init(repo) == 0

    assert capsys.readouterr().out == "nothing to change\nnext: uv run invoke check\n"
    assert _snapshot(repo) == written
    assert _init(repo, "--dry-run") == 0
    assert capsys.readouterr().out == "nothing to change\n"


@pytest.mark.req("FR-154")
def test_dry_run_prints_one_diff_and_writes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _snapshot(repo)

    assert _init(repo, "--dry-run") == 0

    assert _snapshot(repo) == before
    diff = capsys.readouterr().out
    headers = [line for line in diff.splitlines() if line.startswith(("--- ", "+++ "))]
    assert headers == [
        "--- a/pyproject.toml",
        "+++ b/pyproject.toml",
        *(
            f"{sign} {side}/packages/{member}/pyproject.toml"
            for member in ("app", "bare", "lib")
            for sign, side in (("---", "a"), ("+++", "b"))
        ),
        "--- /dev/null",
        "+++ b/noxfile.py",
        "--- /dev/null",
        "+++ b/tasks.py",
        "--- a/.gitignore",
        "+++ b/.gitignore",
        "--- a/.pre-commit-config.yaml",
        "+++ b/.pre-commit-config.yaml",
        "--- /dev/null",
        "+++ b/.github/workflows/tiergate.yml",
    ]
    assert "-.venv\n\\ No newline at end of file\n+.venv\n+.tiergate/\n+.nox/\n" in diff
    assert '+type = ["mypy", {include-group = "test"}]' in diff


@pytest.mark.req("FR-154")
def test_a_differing_noxfile_stops_everything_unless_forced(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(repo, "noxfile.py", "import nox\n")
    _write(repo, ".github/workflows/tiergate.yml", "name: ours\n")
    before = _snapshot(repo)

    assert _init(repo) == 2

    err = capsys.readouterr().err
    assert err == (
        f"tiergate: error: {repo / 'noxfile.py'}: exists and differs from what tiergate init "
        "writes (noxfile.py, tiergate.yml); --force overwrites, --dry-run shows the difference\n"
    )
    assert _snapshot(repo) == before
    assert _init(repo, "--force") == 0
    assert (repo / "noxfile.py").read_text(encoding="utf-8").startswith('"""nox sessions')
    assert (repo / ".github/workflows/tiergate.yml").read_text("utf-8").startswith("# Written")


@pytest.mark.req("FR-150")
def test_a_root_that_is_not_a_uv_workspace_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\nname = "solo"\n')

    assert _init(tmp_path) == 2

    assert capsys.readouterr().err == (
        f"tiergate: error: {tmp_path / 'pyproject.toml'}: "
        "no [tool.uv.workspace] table: not a uv workspace root\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]


@pytest.mark.req("FR-150")
def test_without_a_resolvable_tiergate_nox_init_names_the_command_and_writes_nothing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (repo / "pyproject.toml").read_text(encoding="utf-8")
    _write(repo, "pyproject.toml", text.replace("tiergate-nox = { path", "other = { path"))
    before = _snapshot(repo)

    assert _init(repo) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"tiergate: error: {repo / 'pyproject.toml'}: tiergate-nox is not")
    assert f"run `{ADD_COMMAND}`" in err
    assert _snapshot(repo) == before


@pytest.mark.req("FR-153")
def test_hooks_already_declared_are_skipped_and_trace_comes_with_requirements(repo: Path) -> None:
    _write(
        repo, ".pre-commit-config.yaml", "repos:\n  - repo: local\n    hooks:\n      - id: ruff\n"
    )
    text = (repo / "pyproject.toml").read_text(encoding="utf-8")
    _write(repo, "pyproject.toml", text + '\n[tool.tiergate.requirements]\nspecs = ["docs/*.md"]\n')

    assert _init(repo) == 0

    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [[hook["id"] for hook in item["hooks"]] for item in config["repos"]]
    assert hooks == [["ruff"], ["ruff-format", "tiergate-trace"]]


@pytest.mark.req("FR-153")
def test_a_new_pre_commit_config_and_gitignore_are_created(repo: Path) -> None:
    (repo / ".pre-commit-config.yaml").unlink()
    (repo / ".gitignore").unlink()
    _write(repo, "uv.lock", 'version = 1\n\n[[package]]\nname = "ruff"\nversion = "0.17.6"\n')

    assert _init(repo) == 0

    config = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (local,) = config["repos"]
    assert [hook["additional_dependencies"] for hook in local["hooks"]] == [["ruff==0.17.6"]] * 2
    assert (repo / ".gitignore").read_text(encoding="utf-8") == ".tiergate/\n.nox/\n"


@pytest.mark.req("FR-152")
def test_sql_files_bring_the_sql_group_and_flat_tests_the_default_tiers(repo: Path) -> None:
    for name in ("app", "lib", "bare"):
        for folder in (repo / f"packages/{name}/tests").iterdir():
            if folder.is_dir():
                (folder.parent / f"test_{folder.name}.py").write_text(TEST, encoding="utf-8")
                for file in sorted(folder.rglob("*"), reverse=True):
                    file.unlink() if file.is_file() else file.rmdir()
                folder.rmdir()
    _write(repo, "db/schema.sql", "SELECT 1;\n")

    assert _init(repo) == 0

    root = _toml(repo / "pyproject.toml")
    assert root["dependency-groups"]["sql"] == ["sqlfluff"]
    assert {"include-group": "sql"} in root["dependency-groups"]["dev"]
    assert root["tool"]["tiergate"]["tiers"] == {
        name: {"paths": [f"tests/{name}"]} for name in ("unit", "integration", "e2e")
    }


@pytest.mark.req("FR-152")
def test_tiers_are_ordered_lowest_first_and_settings_of_the_user_stay(repo: Path) -> None:
    _write(repo, "packages/lib/tests/performance/test_speed.py", TEST)
    _write(repo, "packages/bare/test/functional/test_flow.py", TEST)
    _write(repo, "packages/bare/test/e2e/test_cli.py", TEST)
    _write(
        repo,
        "packages/bare/pyproject.toml",
        BARE + '\n[tool.pytest.ini_options]\ntestpaths = ["test"]\n',
    )

    assert _init(repo) == 0

    tiers = _toml(repo / "pyproject.toml")["tool"]["tiergate"]["tiers"]
    assert tiers == {
        "unit": {"paths": ["tests/unit"]},
        "integration": {"paths": ["tests/integration"]},
        "functional": {"paths": ["test/functional"]},
        "e2e": {"paths": ["test/e2e"]},
        "performance": {"paths": ["tests/performance"]},
    }


def test_settings_the_user_wrote_are_never_changed(repo: Path) -> None:
    text = (repo / "pyproject.toml").read_text(encoding="utf-8")
    mine = '\n[tool.tiergate]\ndefault-tier = "fast"\n\n[tool.tiergate.tiers.fast]\npaths = ["t"]\n'
    _write(repo, "pyproject.toml", text + mine)

    assert _init(repo) == 0

    assert _toml(repo / "pyproject.toml")["tool"]["tiergate"] == {
        "default-tier": "fast",
        "tiers": {"fast": {"paths": ["t"]}},
    }


def test_measure_is_refused_with_dry_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _init(repo, "--dry-run", "--measure") == 2

    assert "not with --dry-run" in capsys.readouterr().err


@pytest.mark.req("FR-155")
@pytest.mark.parametrize(
    ("covered", "statements", "bound"),
    [(8739, 10000, 86.8), (874, 1000, 86.9), (1, 1, 99.5), (3, 1000, 0.0), (2, 3, 66.1)],
)
def test_a_bound_is_the_percentage_floored_to_a_tenth_minus_half_a_point(
    covered: int, statements: int, bound: float
) -> None:
    assert bound_under(Fraction(covered, statements)) == bound
