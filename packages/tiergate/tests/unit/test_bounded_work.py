"""Bounded work: a hostile pattern, number or path ends fast in one line, never hangs.

Through the real CLI: an ID pattern that backtracks without end stops after
:data:`~tiergate.trace.specs.MATCH_TIMEOUT` with one line naming the configuration
file and the pattern; numeric options out of their documented bounds (``10**30``,
``nan``, ``inf``, negative) are refused by argparse (exit 2); a ``--root`` that
cannot be a path and a test file that the parser cannot take are one line.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import main
from tiergate.trace.specs import MATCH_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

SLOW = 60.0
"""Seconds no bounded command may take here: the timeout, with room for a loaded machine.

Without the timeout, ``(F+)+R`` on the line of a million ``F`` below runs for hours.
"""

pytestmark = pytest.mark.req("FR-175")


@pytest.fixture
def traced(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    """A workspace with a spec, a test naming FR-001, and ``[tool.tiergate.requirements]``."""
    pyproject = ws_root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.tiergate.requirements]\nid-patterns = ['FR-\\d+']\n"
    )
    (ws_root / "docs/requirements").mkdir(parents=True)
    (ws_root / "docs/requirements/spec.md").write_text("# Spec\n\n- FR-001: a requirement\n")
    member = add_member("alpha", package="alpha", tests=True)
    (member / "tests/unit").mkdir()
    (member / "tests/unit/test_a.py").write_text(
        'import pytest\n\n\n@pytest.mark.req("FR-001")\ndef test_one() -> None:\n    pass\n'
    )
    return ws_root


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.mark.parametrize(
    ("pattern", "spec_line", "command"),
    [
        ("(F+)+R", "- " + "F" * 1_000_000, "--static"),
        ("(F|FF)+R", "see " + "F" * 10_000, "--check"),  # the pre-commit hook's command
    ],
    ids=["matrix", "pre-commit-check"],
)
def test_a_backtracking_id_pattern_on_a_long_spec_line_ends_with_one_line(
    traced: Path, capsys: pytest.CaptureFixture[str], pattern: str, spec_line: str, command: str
) -> None:
    pyproject = traced / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("'FR-\\d+'", f"'{pattern}'"))
    (traced / "docs/requirements/spec.md").write_text(f"# Spec\n\n{spec_line}\n")
    started = time.perf_counter()
    code = main(["--root", str(traced), "trace", command])
    elapsed = time.perf_counter() - started
    assert code == 2
    assert elapsed < SLOW
    out, err = capsys.readouterr()
    assert out == ""
    line = _one_line(err)
    assert line.startswith(f"tiergate: error: {pyproject}:")
    assert f"'{pattern}'" in line
    assert f"took more than {MATCH_TIMEOUT:g} s on " in line
    assert "spec.md:3" in line


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("history", "--limit", "10**30"), "--limit"),
        (("history", "--limit", str(10**30)), "--limit"),
        (("history", "--limit", "-5"), "--limit"),
        (("history", "--limit", "0"), "--limit"),
        (("history", "--limit", "nan"), "--limit"),
        (("gaps", "--top", "nan"), "--top"),
        (("gaps", "--top", "1001"), "--top"),
        (("gaps", "--top", "-1"), "--top"),
        (("audit", "--online-timeout", "nan"), "--online-timeout"),
        (("audit", "--online-timeout", "inf"), "--online-timeout"),
        (("audit", "--online-timeout", "1e400"), "--online-timeout"),
        (("audit", "--online-timeout", "-1"), "--online-timeout"),
        (("audit", "--online-timeout", "0"), "--online-timeout"),
        (("audit", "--online-timeout", "301"), "--online-timeout"),
    ],
)
def test_a_number_out_of_its_bounds_is_a_usage_error(
    args: tuple[str, ...], option: str, ws_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--root", str(ws_root), *args])
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert lines[0].startswith(f"usage: tiergate {args[0]} ")
    assert lines[-1].startswith(f"tiergate {args[0]}: error: argument {option}")
    assert "expected " in lines[-1]


@pytest.mark.parametrize(
    ("value", "accepted"),
    [(("history", "--limit", "100000"), 0), (("gaps", "--top", "1000"), 2)],
)
def test_the_documented_maximum_is_accepted(
    value: tuple[str, ...], accepted: int, ws_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(ws_root), *value]) == accepted
    assert "Traceback" not in "".join(capsys.readouterr())


@pytest.mark.parametrize(
    ("root", "problem"),
    [("bad\x00root", "the path holds a NUL byte"), ("x" * 5000, "")],
)
def test_a_root_that_cannot_be_a_path_is_one_line(
    root: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", root, "workspace"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    line = _one_line(err)
    assert line.startswith("tiergate: error: ")
    assert problem in line


@pytest.mark.parametrize(
    "source",
    [
        "import pytest\n# .req\nx = " + "-" * 200_000 + "1\n",
        "import pytest\n# .req\nx = 1 + " + " + ".join(["a"] * 200_000) + "\n",
        "import pytest\n# .req\nx = " + "(" * 300 + ")" * 300 + "\n",
        "import pytest\n# .req\nx = 1\x00\n",
    ],
    ids=["memory", "recursion", "syntax", "nul"],
)
def test_a_test_file_the_parser_cannot_take_is_one_line_naming_it(
    source: str, traced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = traced / "packages/alpha/tests/unit/test_hostile.py"
    hostile.write_text(source)
    assert main(["--root", str(traced), "trace", "--check"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert line.startswith(f"tiergate: error: {hostile}")
    assert "cannot parse" in line
