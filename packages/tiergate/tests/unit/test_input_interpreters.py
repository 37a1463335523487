"""The interpreter part of a key: the Python nox runs for ``X.Y``, found as nox finds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nox.virtualenv
import pytest

from tiergate.inputs import interpreters
from tiergate.inputs.interpreters import Missing, interpreter_digests
from tiergate.pythons import Found, discover

REPOSITORY = Path(__file__).resolve().parents[4]
"""This repository: its ``.python-version`` selects the three Pythons where pyenv installed them."""
VERSION = f"{sys.version_info.major}.{sys.version_info.minor}"
OTHER = "3.12" if VERSION != "3.12" else "3.13"


def interpreter_digest(
    version: str, root: Path, environ: dict[str, str], cache: Path | None
) -> str | Missing:
    return interpreter_digests([version], root, environ, cache)[version]


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


@pytest.mark.req("FR-194")
def test_a_launcher_is_asked_again_by_every_process(tmp_path: Path) -> None:
    """A command that starts another binary (a shim) is never answered from the disk cache."""
    launcher = tmp_path / "bin" / f"python{OTHER}"
    launcher.parent.mkdir()
    runs = tmp_path / "runs.txt"
    launcher.write_text(f'#!/bin/sh\necho run >> "{runs}"\nexec "{_real(OTHER)}" "$@"\n')
    launcher.chmod(0o755)
    code = (
        "import sys; from pathlib import Path; "
        "from tiergate.inputs.interpreters import interpreter_digests; "
        "print(interpreter_digests([sys.argv[1]], Path(sys.argv[2]), "
        "{'PATH': sys.argv[3]}, Path(sys.argv[4]))[sys.argv[1]])"
    )
    answers, seen = [], []
    for _ in range(2):
        arguments = [OTHER, str(tmp_path), str(launcher.parent), str(tmp_path / "cache")]
        done = subprocess.run(
            [sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=True
        )
        answers.append(done.stdout.strip())
        seen.append(len(runs.read_text().splitlines()))

    assert answers[0] == answers[1]
    assert len(answers[0]) == 64
    assert 0 < seen[0] < seen[1]


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
