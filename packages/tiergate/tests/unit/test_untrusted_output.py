"""Untrusted text is data: test ids, session messages and store URLs shown as written, never run.

Through the real CLI: rich markup in a session message or a test id is printed
literally, Markdown and HTML syntax in a test id is escaped, a store password in
any form never appears in any output, and unusable output or store paths are one
line naming them (exit 2), never a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tiergate.cli import main
from tiergate.history.url import HISTORY_URL_ENV, parse_url, redact
from tiergate.mdtext import escape_markdown
from unit.conftest import CALC_PATH, IMPORTED, RunFolder, Tier, passing, record

if TYPE_CHECKING:
    from pathlib import Path

RUN = ("--run", ".tiergate/runs/r1")
MARKUP_ID = "packages/alpha/tests/unit/test_calc.py::test_x[[bold red]FAILED[/]]"
MARKDOWN_ID = "packages/alpha/tests/unit/test_calc.py::test_x[a|b [l](http://e.invalid) <b>`c`*d*]"
HTML_ID = "packages/alpha/tests/unit/test_calc.py::test_x[<script>alert(1)</script>]"

pytestmark = pytest.mark.req("FR-173", "FR-174")


def _red_run(run: RunFolder, nodeid: str, message: str = "") -> None:
    """alpha's unit tier with one failing test ``nodeid``; integration crashed with ``message``."""
    bad = record(nodeid, "failed")
    unit = Tier(records=(*passing(2), bad), executed={CALC_PATH: IMPORTED})
    integration = Tier(
        records=passing(1, "integration"),
        executed={CALC_PATH: IMPORTED},
        outcome="crashed" if message else "passed",
        message=message,
    )
    run.tests("alpha", {"unit": unit, "integration": integration})


def _gates(root: Path, *args: str) -> int:
    return main(["--root", str(root), "gates", *RUN, "--no-record", *args])


def test_rich_markup_in_a_session_message_is_printed_as_written(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    _red_run(run, "packages/alpha/tests/unit/test_calc.py::test_bad", message="[/][bold")
    assert _gates(run.root) == 3
    out, err = capsys.readouterr()
    assert "tier integration: crashed: [/][bold" in out
    assert "Traceback" not in out + err
    assert err == ""


def test_rich_markup_in_a_test_id_is_printed_literally(
    alpha: Path, run: RunFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    _red_run(run, MARKUP_ID)
    assert _gates(run.root, "--only", "tests") == 1
    out, err = capsys.readouterr()
    assert f"failed: {MARKUP_ID} (alpha, Python 3.11, unit)" in out
    assert "Traceback" not in out + err


def test_markdown_escapes_table_and_link_syntax_in_the_step_summary(
    alpha: Path, run: RunFolder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    del alpha
    _red_run(run, MARKDOWN_ID)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert _gates(run.root, "--only", "tests") == 1
    text = summary.read_text(encoding="utf-8")
    escaped = r"test\_x\[a\|b \[l\](http://e.invalid) \<b\>\`c\`\*d\*\]"
    assert f"- failed: packages/alpha/tests/unit/test\\_calc.py::{escaped} (alpha" in text
    assert "[l](" not in text.replace(r"\[l\](", "")
    assert "<b>" not in text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a|b", r"a\|b"),
        ("[x](http://y)", r"\[x\](http://y)"),
        ("<img src=x>", r"\<img src=x\>"),
        ("`code` *em* _em_", r"\`code\` \*em\* \_em\_"),
        ("one\ntwo\r\nthree", "one two three"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_markdown_escaping_of_each_syntax(text: str, shown: str) -> None:
    assert escape_markdown(text) == shown


def test_html_escapes_a_script_in_a_test_id(
    alpha: Path, run: RunFolder, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    del alpha
    _red_run(run, HTML_ID)
    page = tmp_path / "report.html"
    assert main(["--root", str(run.root), "report", "--html", str(page), *RUN]) == 1
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    assert "Traceback" not in "".join(capsys.readouterr())


PASSWORD_FORMS = [
    ("postgresql://ci:Zq9pa?ss@127.0.0.1:1/db", ("Zq9pa?ss",)),
    ("postgresql://ci:Zq9p@ss@127.0.0.1:1/db", ("Zq9p@ss", "ss@127")),
    ("postgresql://ci:Zq9pa/ss@127.0.0.1:1/db", ("Zq9pa/ss", "Zq9pa", "ss@127")),
    ("postgresql://ci:Zq9p%40ss@127.0.0.1:1/db", ("Zq9p%40ss", "Zq9p@ss")),
    ("postgresql://ci@127.0.0.1:1/db?password=Zq9secret", ("Zq9secret",)),
    ("postgresql://ci@127.0.0.1:1/db?sslmode=disable&pass%77ord=Zq9secret", ("Zq9secret",)),
    ("host=127.0.0.1 password=Zq9secret", ("Zq9secret",)),
    ("host=127.0.0.1 password='Zq9se cret'", ("Zq9se cret", "Zq9se", "cret'")),
    ("host=127.0.0.1 password = Zq9secret", ("Zq9secret",)),
]


@pytest.mark.parametrize(("url", "secrets"), PASSWORD_FORMS)
def test_a_password_in_any_form_is_never_shown_by_redact_or_parse(
    url: str, secrets: tuple[str, ...], tmp_path: Path
) -> None:
    shown = redact(url)
    try:
        parsed = parse_url(url, tmp_path)
    except Exception as error:  # noqa: BLE001 - any refusal's text is shown to the user
        shown += str(error)
    else:
        shown += parsed.redacted + str(parsed) + repr(parsed)
        shown += parsed.scrub(f"connection to {url} failed for {secrets[0]}")
    assert "Zq9" not in shown
    for secret in secrets:
        assert secret not in shown


@pytest.mark.parametrize(("url", "secrets"), PASSWORD_FORMS)
def test_a_password_in_any_form_is_never_shown_by_tiergate_history(
    url: str,
    secrets: tuple[str, ...],
    ws_root: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv(HISTORY_URL_ENV, url)
    code = main(["--root", str(ws_root), "history"])
    out, err = capsys.readouterr()
    assert code in {2, 3}  # refused as written, or no server on port 1
    assert out == ""
    assert len(err.splitlines()) == 1
    assert "Traceback" not in err
    assert "Zq9" not in out + err
    for secret in secrets:
        assert secret not in out + err


@pytest.mark.parametrize("target", ["folder", "folder/", ".tiergate"])
def test_a_history_url_naming_a_folder_is_bad_input(
    target: str, ws_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (ws_root / target).mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv(HISTORY_URL_ENV, f"sqlite:///{target}")
    assert main(["--root", str(ws_root), "history"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    folder = (ws_root / target).resolve()
    assert err == (
        f"tiergate: error: {folder}: not a usable history store: it is a folder, not a file\n"
    )


def test_a_step_summary_that_is_a_folder_is_one_line_naming_it(
    alpha: Path,
    run: RunFolder,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    del alpha
    _red_run(run, "packages/alpha/tests/unit/test_calc.py::test_bad")
    summary = tmp_path / "summary-folder"
    summary.mkdir()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert _gates(run.root, "--only", "tests", "--format", "json") == 2
    err = capsys.readouterr().err
    assert err == (
        f"tiergate: error: {summary}: cannot append the report to $GITHUB_STEP_SUMMARY: "
        "is a folder, not a file\n"
    )
