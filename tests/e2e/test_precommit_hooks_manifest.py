"""Another repository runs tiergate's hooks from this one, as pre-commit installs them.

The hooks repository is a git clone of this repository's HEAD, with the files
that decide how pre-commit installs the hooks (the manifest and the
``pyproject.toml`` files) as they are in the working tree, committed on top:
what the next commit of this repository gives another repository. pre-commit
clones it, installs the hooks' environment with pip (dependencies from the
package index) and runs them on a throwaway repository with one spec and one
test.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

if TYPE_CHECKING:
    from collections.abc import Mapping

REPO = Path(__file__).resolve().parents[2]
MANIFEST = ".pre-commit-hooks.yaml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "tiergate test",
    "GIT_AUTHOR_EMAIL": "test@tiergate.invalid",
    "GIT_COMMITTER_NAME": "tiergate test",
    "GIT_COMMITTER_EMAIL": "test@tiergate.invalid",
}
ROOT = """\
[project]
name = "demo"
version = "1.0"
requires-python = ">=3.11"
dependencies = []

[tool.uv.workspace]
members = []

[tool.tiergate.requirements]
specs = ["docs/requirements/*.md"]
"""
SPEC = "# Demo\n\n- FR-001: the demo works\n"
MARKED = """\
import pytest


@pytest.mark.req("{rid}")
def test_demo() -> None:
    assert True
"""
UNDEFINED = "tests/test_demo.py:5: FR-099 is not defined in the specs"
TRACE = "tiergate trace --check (requirement IDs in specs and tests agree)"
HOOKS_CONFIG = re.compile(r"<!-- hooks-config -->\n```yaml\n(.*?)```", re.DOTALL)
WORKSPACE = "tiergate workspace (the workspace model can be read)"


def _run(
    cwd: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        env={**os.environ, **GIT_ENV, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def _pre_commit(
    cwd: Path, *args: str, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return _run(cwd, sys.executable, "-m", "pre_commit", *args, env=env)


def _commit(repo: Path, message: str) -> None:
    _run(repo, "git", "add", "-A")
    staged = _run(repo, "git", "diff", "--cached", "--quiet")
    if staged.returncode != 0:
        done = _run(repo, "git", "commit", "-q", "--no-verify", "-m", message)
        assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    clone = tmp_path_factory.mktemp("hooks") / "tiergate"
    cloned = _run(REPO, "git", "clone", "-q", "--no-hardlinks", str(REPO), str(clone))
    assert cloned.returncode == 0, cloned.stderr
    decisive = [
        Path(MANIFEST),
        Path("pyproject.toml"),
        *(p.relative_to(REPO) for p in REPO.glob("packages/*/pyproject.toml")),
    ]
    for relative in decisive:
        shutil.copy(REPO / relative, clone / relative)
    _commit(clone, "the hooks manifest and packaging of the working tree")
    return clone


@pytest.fixture
def user_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "user"
    (repo / "docs/requirements").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "pyproject.toml").write_text(ROOT)
    (repo / ".python-version").write_text("3.11\n")
    (repo / "docs/requirements/demo.md").write_text(SPEC)
    (repo / "tests/test_demo.py").write_text(MARKED.format(rid="FR-001"))
    _run(repo, "git", "init", "-q", "-b", "main")
    _run(repo, "git", "add", "-A")
    return repo


def _head(repo: Path) -> str:
    return _run(repo, "git", "rev-parse", "HEAD").stdout.strip()


@pytest.mark.req("FR-157")
def test_the_manifest_is_valid_and_exposes_the_tiergate_hooks() -> None:
    validated = _pre_commit(REPO, "validate-manifest", MANIFEST)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    hooks = {hook["id"]: hook for hook in yaml.safe_load((REPO / MANIFEST).read_text())}
    assert hooks["tiergate-trace-check"]["entry"] == "tiergate trace --check"
    assert hooks["tiergate-workspace"]["entry"].startswith("tiergate workspace")
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is False
        # pip runs in the hooks repository's root: the path names tiergate's own package.
        for dependency in hook["additional_dependencies"]:
            assert (REPO / dependency / "pyproject.toml").is_file(), dependency


@pytest.mark.req("FR-157")
def test_a_manifest_naming_an_unknown_language_is_refused(tmp_path: Path) -> None:
    broken = tmp_path / MANIFEST
    broken.write_text((REPO / MANIFEST).read_text().replace("language: python", "language: pyton"))
    validated = _pre_commit(tmp_path, "validate-manifest", str(broken))
    assert validated.returncode != 0
    assert "pyton" in validated.stdout + validated.stderr


@pytest.mark.req("FR-158")
def test_try_repo_trace_check_passes_then_fails_on_an_unknown_requirement(
    hooks_repo: Path, user_repo: Path
) -> None:
    args = ("try-repo", str(hooks_repo), "tiergate-trace-check", "--all-files")
    passed = _pre_commit(user_repo, *args)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(rf"^{re.escape(TRACE)}\.+Passed$", passed.stdout, re.MULTILINE)

    (user_repo / "tests/test_demo.py").write_text(MARKED.format(rid="FR-099"))
    _run(user_repo, "git", "add", "-A")
    failed = _pre_commit(user_repo, *args)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert UNDEFINED in failed.stdout


@pytest.mark.req("FR-158")
def test_the_config_adopt_md_shows_runs_both_hooks_at_a_rev(
    hooks_repo: Path, user_repo: Path, tmp_path: Path
) -> None:
    snippet = HOOKS_CONFIG.search((REPO / "docs/adopt.md").read_text())
    assert snippet, "docs/adopt.md: no <!-- hooks-config --> yaml block"
    config = snippet.group(1).replace("https://github.com/<org>/tiergate", str(hooks_repo))
    config = config.replace("<tag or commit>", _head(hooks_repo))
    ids = [hook["id"] for hook in yaml.safe_load(config)["repos"][0]["hooks"]]
    assert ids == ["tiergate-trace-check", "tiergate-workspace"]
    (user_repo / ".pre-commit-config.yaml").write_text(config)
    _run(user_repo, "git", "add", "-A")
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    installed = _pre_commit(user_repo, "install", env=env)
    assert installed.returncode == 0, installed.stderr

    clean = _run(user_repo, "git", "commit", "-q", "-m", "traced", env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    passed = clean.stdout + clean.stderr
    assert re.search(rf"^{re.escape(WORKSPACE)}\.+Passed$", passed, re.MULTILINE), passed

    (user_repo / "pyproject.toml").write_text(ROOT.replace("[tool.uv.workspace]", "[tool.uv"))
    _run(user_repo, "git", "add", "-A")
    broken = _run(user_repo, "git", "commit", "-q", "-m", "broken", env=env)
    assert broken.returncode != 0
    out = broken.stdout + broken.stderr
    assert re.search(rf"^{re.escape(WORKSPACE)}\.+Failed$", out, re.MULTILINE), out
    assert "pyproject.toml:7: invalid TOML" in out
    assert _run(user_repo, "git", "log", "--oneline").stdout.count("\n") == 1
