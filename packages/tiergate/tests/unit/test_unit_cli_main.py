"""``tiergate.cli.main`` in process: the parser, lazy commands, errors turned into exit codes.

Also what the commands share (``commands/_shared.py``): ``--run``, the default
run folder and writing an output whole.
"""

from __future__ import annotations

import argparse
import runpy
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tiergate.cli import build_parser, main
from tiergate.commands import COMMANDS, load_command
from tiergate.commands._shared import add_run_argument, default_run, emit, run_dirs
from tiergate.errors import ArtifactError, ConfigError, TiergateError

if TYPE_CHECKING:
    from collections.abc import Callable

USAGE = "usage: tiergate [-h] [--root ROOT] COMMAND ..."


@pytest.fixture
def member(ws_root: Path, add_member: Callable[..., Path]) -> Path:
    add_member("app")
    return ws_root


def test_help_lists_every_command_with_its_help_and_the_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == USAGE
    for name, text in COMMANDS.items():
        assert f"    {name:<9}  {text}" in lines
    assert lines[-1] == (
        "Exit codes: 0 passed, 1 a gate failed, 2 bad usage/config/input, 3 a tool crashed."
    )


def test_help_after_a_command_shows_that_commands_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["workspace", "-h"])
    assert caught.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "usage: tiergate workspace [-h] [--json | --matrix]"
    assert lines[2] == COMMANDS["workspace"]
    assert (
        "  --json      print the workspace model as JSON (schema_version 2) instead of a table"
    ) in lines
    assert any(line.startswith("  --matrix    print") for line in lines)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "tiergate: error: the following arguments are required: COMMAND"),
        (["nope"], "tiergate: error: argument COMMAND: invalid choice: 'nope' (choose from "),
        (["workspace", "--bogus"], "tiergate: error: unrecognized arguments: --bogus"),
        (["gaps", "--top", "0"], "tiergate gaps: error: argument --top: expected a whole number"),
        (["gaps", "--top", "x"], "tiergate gaps: error: argument --top: expected a whole number"),
        (["baseline"], "tiergate baseline: error: the following arguments are required: ACTION"),
    ],
)
def test_bad_usage_exits_2_with_argparses_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1].startswith(message)


def test_only_the_asked_commands_options_are_built() -> None:
    parser = build_parser("workspace")
    asked = parser.parse_args(["workspace", "--json"])
    assert asked.json is True
    assert asked.handler == load_command("workspace").run
    other = parser.parse_args(["audit"])  # listed, but its options were never added
    assert not hasattr(other, "handler")
    assert not hasattr(other, "offline")


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_listed_command_has_a_module_with_options_and_a_runner(name: str) -> None:
    module = load_command(name)
    assert sys.modules[f"tiergate.commands.{name}"] is module
    parser = argparse.ArgumentParser()
    module.add_arguments(parser)
    assert callable(module.run)


@pytest.mark.req("NFR-001")
def test_a_tiergate_error_is_one_line_naming_file_and_line_with_its_exit_code(
    member: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (member / ".python-version").write_text("3.11\npython2.7\n")
    assert main(["--root", str(member), "workspace"]) == 2
    assert capsys.readouterr() == (
        "",
        (
            f"tiergate: error: {member.resolve() / '.python-version'}:2: "
            "not a CPython 3.X version: 'python2.7'\n"
        ),
    )


def test_argv_defaults_to_the_process_arguments(
    member: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["tiergate", "--root", str(member), "workspace", "--json"])
    assert main() == 0
    assert '"name": "app"' in capsys.readouterr().out


def test_python_dash_m_tiergate_exits_with_mains_code(
    member: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(sys.modules, "tiergate.__main__", raising=False)
    (member / "pyproject.toml").write_text("[tool.uv.workspace\n")
    monkeypatch.setattr(sys, "argv", ["tiergate", "--root", str(member), "workspace"])
    with pytest.raises(SystemExit) as caught:
        runpy.run_module("tiergate", run_name="__main__", alter_sys=True)
    assert caught.value.code == 2
    assert capsys.readouterr().err.startswith(
        f"tiergate: error: {member.resolve() / 'pyproject.toml'}:1: invalid TOML"
    )


# ------------------------------------------------------------ commands/_shared


def _run_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_run_argument(parser)
    return parser.parse_args(argv)


def test_the_default_run_is_the_run_dir_and_the_run_id(
    member: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ArtifactError, match="no complete run"):  # and no $TIERGATE_RUN_ID
        default_run(member)
    monkeypatch.setenv("TIERGATE_RUN_ID", "ci-7")
    pyproject = member / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.tiergate]\nrun-dir = "out/runs"\n')
    assert default_run(member) == member / "out/runs/ci-7"
    assert run_dirs(_run_args(), member) == [member / "out/runs/ci-7"]


def test_the_run_folders_given_are_the_run(member: Path, tmp_path: Path) -> None:
    args = _run_args("--run", str(tmp_path / "a"), "--run", str(tmp_path / "b"))
    assert run_dirs(args, member) == [tmp_path / "a", tmp_path / "b"]


def test_a_bad_run_id_is_an_artifact_error(member: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERGATE_RUN_ID", "../elsewhere")
    with pytest.raises(ArtifactError, match="TIERGATE_RUN_ID"):
        default_run(member)


def test_a_bad_configuration_is_named_before_any_run_is_read(member: Path) -> None:
    (member / "pyproject.toml").write_text("[tool.tiergate]\nrun-dir = 1\n[tool.uv.workspace]\n")
    with pytest.raises(ConfigError) as caught:
        default_run(member)
    assert str(caught.value) == (
        f"{member / 'pyproject.toml'}:2: tool.tiergate.run-dir: Input should be a valid string"
    )


def test_emit_prints_without_adding_a_newline(capsys: pytest.CaptureFixture[str]) -> None:
    emit("one\ntwo", None)
    assert capsys.readouterr().out == "one\ntwo"


def test_emit_writes_the_whole_text_into_new_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "deep/er/report.md"
    emit("# report\n", target)
    emit("# second\n", target)
    assert capsys.readouterr().out == ""
    assert target.read_text() == "# second\n"
    assert [p.name for p in target.parent.iterdir()] == ["report.md"]


def test_emit_into_a_folder_names_it_and_what_was_written(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(TiergateError) as caught:
        emit("text", folder, "matrix")
    assert str(caught.value) == f"{folder}: cannot write the matrix: is a folder, not a file"
    assert list(tmp_path.iterdir()) == [folder]  # the partial file is gone
    assert list(folder.iterdir()) == []


@pytest.mark.req("FR-098", "FR-176")
def test_a_bug_is_one_line_exit_3_and_a_crash_log_never_a_traceback(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        del args
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("tiergate.commands.workspace.run", broken)
    assert main(["--root", str(ws_root), "workspace"]) == 3
    log = ws_root.resolve() / ".tiergate" / "crash.log"
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"tiergate: internal error: RuntimeError: boom; details in {log}\n")
    text = log.read_text(encoding="utf-8")
    assert text.startswith("tiergate ")
    assert f"command: tiergate --root {ws_root} workspace" in text
    assert "Traceback (most recent call last)" in text
    assert text.rstrip().endswith("RuntimeError: boom\nsecond line")


def test_a_crash_log_that_cannot_be_written_under_the_root_goes_to_the_temporary_folder(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (ws_root / ".tiergate").write_text("a file where the folder should be")

    def broken(args: object) -> int:
        del args
        raise KeyError("x")

    monkeypatch.setattr("tiergate.commands.workspace.run", broken)
    assert main(["--root", str(ws_root), "workspace"]) == 3
    err = capsys.readouterr().err
    log = Path(err.rsplit("details in ", 1)[1].strip())
    assert err.startswith("tiergate: internal error: KeyError: 'x'; details in ")
    assert log.name.startswith("tiergate-crash-")
    assert "KeyError: 'x'" in log.read_text(encoding="utf-8")
    log.unlink()


@pytest.mark.req("FR-174", "FR-176")
def test_the_crash_log_never_holds_a_store_password(
    ws_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        del args
        raise RuntimeError("boom")

    monkeypatch.setattr("tiergate.commands.history.run", broken)
    url = "postgresql://ci:s3cr?t@db.example/tiergate"
    assert main(["--root", str(ws_root), "history", url]) == 3
    assert "s3cr" not in capsys.readouterr().err
    text = (ws_root.resolve() / ".tiergate" / "crash.log").read_text(encoding="utf-8")
    assert "command: tiergate --root" in text
    assert "db.example/tiergate" in text
    assert "s3cr" not in text
