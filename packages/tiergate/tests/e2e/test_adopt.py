"""docs/adopt.md followed word for word on a fresh monorepo: red naming the test, then green.

The commands are the fenced ``sh`` blocks that follow an ``<!-- adopt-step -->``
comment in docs/adopt.md; only the path of the tiergate checkout is substituted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[4]
ADOPT = REPOSITORY / "docs" / "adopt.md"
CHECKOUT = "/path/to/tiergate"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
STEP = re.compile(r"<!-- adopt-step -->\n```sh\n(.*?)```", re.DOTALL)

CALC = '''"""Arithmetic."""


def double(x: int) -> int:
    """Twice x."""
    return 2 * x


def half(x: int) -> int:
    """Half x, rounded down."""
    return x // 2
'''
FAILING = "from calc import double\n\n\ndef test_double() -> None:\n    assert double(2) == 5\n"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _env() -> dict[str, str]:
    """This test's tools first on PATH (uv), nothing of an outer run or CI."""
    prefixes = ("UV_PROJECT", "VIRTUAL_ENV", "TIERGATE_", "NOX", "CI", "FORCE_COLOR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["UV_PYTHON_DOWNLOADS"] = "never"
    return env


def steps() -> list[str]:
    """The shell commands of docs/adopt.md's steps, in order, with this checkout's path."""
    blocks = STEP.findall(ADOPT.read_text(encoding="utf-8"))
    return [block.replace(CHECKOUT, str(REPOSITORY)) for block in blocks]


def _sh(root: Path, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-euc", script],
        cwd=root,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
        timeout=1200,
    )


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A git repository of a uv workspace that has never seen tiergate: flat tests, one failing."""
    if shutil.which("git") is None or shutil.which("uv", path=_env()["PATH"]) is None:
        pytest.fail("git and uv are test dependencies of this test")
    root = tmp_path / "acme"
    _write(root / ".python-version", f"{PYTHON}\n")
    _write(root / "pyproject.toml", '[tool.uv.workspace]\nmembers = ["packages/*"]\n')
    member = root / "packages" / "calc"
    _write(
        member / "pyproject.toml",
        '[project]\nname = "calc"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n\n'
        '[dependency-groups]\ntest = ["pytest"]\n\n'
        '[build-system]\nrequires = ["uv_build>=0.13.9,<0.14"]\nbuild-backend = "uv_build"\n',
    )
    _write(member / "src" / "calc" / "__init__.py", CALC)
    _write(member / "src" / "calc" / "py.typed", "")
    _write(member / "tests" / "test_calc.py", FAILING)
    subprocess.run(["git", "init", "--quiet", str(root)], check=True)
    return root


@pytest.mark.req("FR-155", "FR-156")
def test_adopt_md_word_for_word_gives_red_naming_the_test_then_green(monorepo: Path) -> None:
    commands = steps()
    assert [c.splitlines()[-1].split()[:3] for c in commands] == [
        ["uv", "add", "--dev"],
        ["uv", "run", "tiergate"],
        ["uv", "run", "invoke"],
    ]

    *adopt, check = commands
    for command in adopt:
        done = _sh(monorepo, command)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    red = _sh(monorepo, check)

    assert red.returncode == 1, red.stdout + red.stderr
    summary = red.stdout[red.stdout.rindex("tiergate check") :]
    failed = r"^FAILED: tests-3\.\d+\(package='calc'\), gates$"
    assert re.search(failed, summary, flags=re.MULTILINE), summary
    assert "packages/calc/tests/test_calc.py::test_double" in red.stdout

    _write(monorepo / "packages/calc/tests/test_calc.py", FAILING.replace("== 5", "== 4"))
    green = _sh(monorepo, check)

    assert green.returncode == 0, green.stdout + green.stderr
    assert "PASSED: all 7 steps" in green.stdout
    # The first check stored what passed, though nothing ignores the __pycache__
    # folders its sessions wrote: bandit's inputs did not change, so it is reused.
    assert re.search(r"^cached  security from run ", green.stdout, flags=re.MULTILINE), green.stdout

    measured = _sh(monorepo, "uv run tiergate init --measure")

    assert measured.returncode == 0, measured.stdout + measured.stderr
    with (monorepo / "pyproject.toml").open("rb") as file:
        coverage = tomllib.load(file)["tool"]["tiergate"]["coverage"]
    # 3 of calc's 4 statements ran (half's body did not): 75.0% -> 75.0 - 0.5
    assert coverage == {"combined": 74.5, "tiers": {"unit": 74.5}, "packages": {"calc": 74.5}}
