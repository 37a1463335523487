"""The interpreter part of a key: the Python nox runs for ``X.Y``, found as nox finds it."""

from __future__ import annotations

import functools
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import nox.virtualenv
import pytest

from tiergate import memo
from tiergate.inputs import interpreters
from tiergate.inputs.interpreters import Missing, interpreter_digests
from tiergate.pythons import Found, discover

if TYPE_CHECKING:
    from collections.abc import Callable

REPOSITORY = Path(__file__).resolve().parents[4]
"""This repository: its ``.python-version`` selects the three Pythons where pyenv installed them."""
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
OTHER = "3.12" if VERSION != "3.12" else "3.13"


def interpreter_digest(
    version: str, root: Path, environ: dict[str, str], cache: Path | None
) -> str | Missing:
    return interpreter_digests([version], root, environ, cache)[version]


@functools.cache
def _real(version: str) -> str:
    """The binary of another supported Python on this machine (the suite needs all three)."""
    found = discover(version, REPOSITORY)
    if found is None:
        pytest.fail(f"Python {version} is not installed: the test suite needs 3.11, 3.12 and 3.13")
    return found.system_executable


@pytest.fixture
def pyenv(tmp_path: Path) -> dict[str, str]:
    """A pyenv layout: a shim for python<OTHER> that fails if run, one version ``chosen``."""
    root = tmp_path / "pyenv"
    (root / "shims").mkdir(parents=True)
    shim = root / "shims" / f"python{OTHER}"
    shim.write_text("#!/bin/sh\necho 'the shim was run' >&2\nexit 1\n", encoding="utf-8")
    shim.chmod(0o755)
    (root / "versions" / "chosen" / "bin").mkdir(parents=True)
    real = _real(OTHER)
    (root / "versions" / "chosen" / "bin" / f"python{OTHER}").symlink_to(real)
    return {"PATH": str(root / "shims"), "PYENV_ROOT": str(root)}


@pytest.mark.req("FR-194")
def test_the_key_names_the_interpreter_nox_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """nox's own discovery (from the noxfile's folder) and the key's agree, for two Pythons."""
    monkeypatch.chdir(REPOSITORY)
    for version in (VERSION, OTHER):
        found = discover(version, REPOSITORY)
        nox_runs = nox.virtualenv._find_python(version)  # nox's own discovery
        assert found is not None
        assert nox_runs is not None
        assert found.executable == nox_runs


@pytest.mark.req("FR-194", "FR-197")
def test_a_shim_is_the_version_the_root_selects_from_anywhere(
    tmp_path: Path, pyenv: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shim is resolved as nox resolves it from the root: by the root's ``.python-version``."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".python-version").write_text("chosen\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".python-version").write_text("not-installed\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)

    found = discover(OTHER, root, environ=pyenv)
    digest = interpreter_digest(OTHER, root, pyenv, tmp_path / "cache")

    assert found is not None
    assert found.system_executable == os.path.realpath(_real(OTHER))
    assert isinstance(digest, str)
    assert interpreter_digest(OTHER, root, pyenv, tmp_path / "cache") == digest  # from the cache
    (root / ".python-version").write_text("not-installed\n", encoding="utf-8")
    assert interpreter_digest(OTHER, root, pyenv, tmp_path / "cache") == Missing(
        f"no Python {OTHER} found as nox looks for it (PATH, pyenv, uv)"
    )


def ask_afresh(root: Path, environ: dict[str, str], cache: Path) -> str:
    """The interpreter part of ``OTHER``'s key, asked as a new process would: memo on, read
    from disk and saved after, nothing kept in this process."""
    interpreters._FOUND.clear()
    memo.use(cache / "memo")
    try:
        answer = interpreter_digest(OTHER, root, environ, cache / "memo" / "python-discovery")
    finally:
        memo.use(None)  # saves
        interpreters._FOUND.clear()
    assert isinstance(answer, str), answer
    return answer


def launcher(path: Path, runs: Path, target: str) -> Path:
    """A script at ``path`` that counts its runs in ``runs`` and starts ``target``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'#!/bin/sh\necho run >> "{runs}"\nexec "{target}" "$@"\n', encoding="utf-8")
    path.chmod(0o755)
    return path


def runs_of(runs: Path) -> int:
    return len(runs.read_text(encoding="utf-8").splitlines()) if runs.exists() else 0


@pytest.mark.req("FR-194", "FR-223")
def test_a_launcher_is_asked_again_by_every_process(tmp_path: Path) -> None:
    """A command on ``PATH`` that starts another binary, and is no version manager's shim,
    is never answered from a cache: not python-discovery's, not the memo's."""
    runs = tmp_path / "runs.txt"
    bin_folder = launcher(tmp_path / "bin" / f"python{OTHER}", runs, _real(OTHER)).parent
    environ = {"PATH": str(bin_folder)}
    answers, seen = [], []
    for _ in range(2):
        answers.append(ask_afresh(tmp_path, environ, tmp_path / "cache"))
        seen.append(runs_of(runs))

    assert answers[0] == answers[1]
    assert len(answers[0]) == 64
    assert 0 < seen[0] < seen[1]


@pytest.fixture
def pyenv_shim(tmp_path: Path) -> tuple[Path, dict[str, str], Path]:
    """A pyenv whose ``python<OTHER>`` shim python-discovery cannot resolve: the root's
    ``.python-version`` names ``OTHER``, pyenv installed ``<OTHER>.99``. Returns the root,
    the environment (an empty folder before the shims on ``PATH``) and the shim's run count.
    """
    pyenv = tmp_path / "pyenv"
    installed = pyenv / "versions" / f"{OTHER}.99" / "bin" / f"python{OTHER}"
    installed.parent.mkdir(parents=True)
    installed.symlink_to(_real(OTHER))
    runs = tmp_path / "runs.txt"
    launcher(pyenv / "shims" / f"python{OTHER}", runs, str(installed))
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".python-version").write_text(f"{OTHER}\n", encoding="utf-8")
    (tmp_path / "early").mkdir()
    path = f"{tmp_path / 'early'}:{pyenv / 'shims'}"
    return root, {"PATH": path, "PYENV_ROOT": str(pyenv), "HOME": str(tmp_path)}, runs


def _install_another(_root: Path, environ: dict[str, str]) -> None:
    (Path(environ["PYENV_ROOT"]) / "versions" / f"{OTHER}.100").mkdir()


def _upgrade_the_shim(_root: Path, environ: dict[str, str]) -> None:
    shim = Path(environ["PYENV_ROOT"]) / "shims" / f"python{OTHER}"
    shim.write_text(shim.read_text(encoding="utf-8") + "# pyenv upgraded\n", encoding="utf-8")


def _select_by_variable(_root: Path, environ: dict[str, str]) -> None:
    environ["PYENV_VERSION"] = OTHER  # still a prefix: the shim must run


def _select_in_the_root(root: Path, _environ: dict[str, str]) -> None:
    (root / ".python-version").write_text(f"# pinned\n{OTHER}\n", encoding="utf-8")


def _add_a_binary_earlier_on_path(_root: Path, environ: dict[str, str]) -> None:
    early = Path(environ["PATH"].split(":")[0]) / f"python{OTHER}"
    early.symlink_to(_real(OTHER))


def _point_uv_elsewhere(_root: Path, environ: dict[str, str]) -> None:
    environ["UV_PYTHON_INSTALL_DIR"] = str(Path(environ["HOME"]) / "uv-pythons")


def _upgrade_pyenv_itself(_root: Path, environ: dict[str, str]) -> None:
    (Path(environ["PYENV_ROOT"]) / "libexec").mkdir()


@pytest.mark.req("FR-223")
@pytest.mark.parametrize(
    "change",
    [
        _install_another,
        _upgrade_the_shim,
        _select_by_variable,
        _select_in_the_root,
        _add_a_binary_earlier_on_path,
        _point_uv_elsewhere,
        _upgrade_pyenv_itself,
    ],
)
def test_a_version_manager_shim_runs_once_until_what_it_reads_changes(
    pyenv_shim: tuple[Path, dict[str, str], Path],
    tmp_path: Path,
    change: Callable[[Path, dict[str, str]], None],
) -> None:
    """pyenv's shim runs in the first process only (the next check's run id, the shell's
    ``_`` and ``SHLVL`` are no change);
    after ``change``, discovery asks again (the shim runs again, unless a binary found
    before it on ``PATH`` answers)."""
    root, environ, runs = pyenv_shim
    cache = tmp_path / "cache"
    shell = {"TIERGATE_RUN_ID": "first-run", "_": "/usr/bin/time", "SHLVL": "1"}
    first = ask_afresh(root, {**environ, **shell}, cache)
    ran = runs_of(runs)
    shell = {"TIERGATE_RUN_ID": "next-run", "_": "/usr/bin/strace", "SHLVL": "2"}
    again = ask_afresh(root, {**environ, **shell}, cache)

    assert len(first) == 64
    assert ran > 0
    assert (again, runs_of(runs)) == (first, ran)  # kept: the shim did not run
    assert len(kept_answers(cache)) == 1
    change(root, environ)
    after_change = ask_afresh(root, environ, cache)
    assert len(after_change) == 64
    assert len(kept_answers(cache)) == 2  # asked again, kept under what changed
    shim_ran = runs_of(runs) > ran
    assert shim_ran is (change is not _add_a_binary_earlier_on_path)
    ran = runs_of(runs)
    assert (ask_afresh(root, environ, cache), runs_of(runs)) == (after_change, ran)


def kept_answers(cache: Path) -> dict[str, object]:
    """The answers the memo keeps (``interpreters.json``)."""
    kept = json.loads((cache / "memo" / "interpreters.json").read_text(encoding="utf-8"))
    assert isinstance(kept["entries"], dict)
    return kept["entries"]


@pytest.mark.req("FR-194")
def test_an_interpreter_replaced_in_place_is_another_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same answer from a binary rebuilt at the same path: the file's identity differs."""
    binary = tmp_path / "python3.99"
    binary.write_bytes(b"\x7fELF first build")
    said = Found(str(binary), str(binary), "CPython\x1f3.99.0\x1flinux-x86_64\x1f")

    def found(*_args: object, **_kwargs: object) -> Found:
        return said

    monkeypatch.setattr(interpreters, "discover", found)
    first = interpreter_digest("3.99", tmp_path, {}, None)
    binary.unlink()
    binary.write_bytes(b"\x7fELF second build, longer")

    second = interpreter_digest("3.99", tmp_path, {}, None)
    assert isinstance(first, str)
    assert isinstance(second, str)
    assert second != first
    binary.unlink()
    assert interpreter_digest("3.99", tmp_path, {}, None) == Missing(
        f"the interpreter {binary} cannot be read: [Errno 2] No such file or directory: '{binary}'"
    )
