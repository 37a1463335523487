"""``tiergate gates`` recording, ``history`` and ``baseline`` through ``cli.main``, in process."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import main
from tiergate.history import HISTORY_URL_ENV

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

TEST = "from beta import half\n\n\ndef test_half() -> None:\n    assert half(4) == 2\n"


@pytest.fixture
def beta(
    ws_root: Path,
    add_member: Callable[..., Path],
    run_tier: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """Member ``beta`` whose unit tier ran as run r1 (3 of 4 statements); ratchet on."""
    for name in (HISTORY_URL_ENV, "CI", "GITHUB_STEP_SUMMARY", "TIERGATE_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    (ws_root / ".python-version").write_text("3.11\n")
    pyproject = ws_root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.tiergate.ratchet]\n")
    member = add_member("beta", package="beta", tests=True)
    (member / "src/beta/__init__.py").write_text(
        "def half(x: int) -> int:\n    return x // 2\n\n\ndef never() -> int:\n    return 0\n"
    )
    (member / "tests/unit").mkdir()
    (member / "tests/unit/test_beta.py").write_text(TEST)
    run_tier("beta", "unit")
    return member


def _main(root: Path, *args: str) -> int:
    return main(["--root", str(root), *args])


def test_the_commands_record_list_save_and_show(
    ws_root: Path, beta: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del beta
    run = ("--run", ".tiergate/runs/r1")
    report = ws_root / "report.md"
    assert _main(ws_root, "gates", *run, "--format", "markdown", "--output", str(report)) == 1
    assert capsys.readouterr().err == "history: recorded run r1 in sqlite:///.tiergate/history.db\n"
    assert "ratchet baseline" in report.read_text()

    assert _main(ws_root, "history", "--branch", "main") == 0
    assert "no runs recorded" in capsys.readouterr().out
    assert _main(ws_root, "history", "r1", "--json") == 0
    [recorded] = json.loads(capsys.readouterr().out)["runs"]
    assert recorded["run_id"] == "r1"
    assert {"package": "beta", "tier": "unit", "python": "3.11", "statements": 4, "covered": 3} in (
        recorded["coverage"]
    )

    assert _main(ws_root, "baseline", "show") == 0
    assert "no baseline: no tiergate-baseline.json and no complete green run recorded on main" in (
        capsys.readouterr().out
    )
    assert _main(ws_root, "baseline", "save", *run, "--output", "ci/base.json") == 0
    saved = capsys.readouterr().out
    assert f"wrote {ws_root / 'ci/base.json'}" in saved
    assert "75%" in saved  # tier unit, beta, combined: 3 of 4
    assert json.loads((ws_root / "ci/base.json").read_text())["tiers"] == {
        "unit": {"statements": 4, "covered": 3}
    }
    assert _main(ws_root, "baseline", "save", *run) == 0
    capsys.readouterr()
    assert _main(ws_root, "baseline", "show") == 0
    assert "baseline: baseline file tiergate-baseline.json" in capsys.readouterr().out
    assert _main(ws_root, "gates", *run, "--only", "ratchet", "--format", "json") == 0
    assert "drop 0 points" in capsys.readouterr().out


def test_bad_history_input_is_one_line(
    ws_root: Path, beta: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del beta
    with pytest.raises(SystemExit) as usage:
        _main(ws_root, "history", "--limit", "0")
    assert usage.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "tiergate history: error: argument --limit: expected a whole number from 1 to 100000, "
        "got '0'"
    )
    assert _main(ws_root, "history", "r1") == 2
    assert capsys.readouterr().err == (
        "tiergate: error: run 'r1' is not recorded in sqlite:///.tiergate/history.db "
        "(no store yet)\n"
    )
    (ws_root / "packages/beta/src").rename(ws_root / "packages/beta/lib")  # nothing to measure
    assert _main(ws_root, "baseline", "save", "--run", ".tiergate/runs/r1") == 2
    assert "nothing to save" in capsys.readouterr().err
