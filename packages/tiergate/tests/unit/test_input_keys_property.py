"""Property: one changed byte in any input changes the key and is named; outside it, nothing.

The repository is written once for the module; each example changes one byte of
one file, computes the key and puts the byte back.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiergate.errors import TiergateError
from tiergate.inputs import InputKey, NoKey, changed_inputs
from unit.input_repo import KeyRepo, src_layout

SESSIONS = ("tests-3.11(package='app')", "type-3.11(package='app')", "lint", "sql")
OUTSIDE = (
    "packages/other/src/other/__init__.py",  # not a dependency of app
    "packages/other/tests/test_other.py",
    "packages/app/debug.log",  # ignored by git
    "build/lib/app/main.py",
)
LOADED = {".python-version", "uv.lock"}
"""Files the workspace and its interpreters are read from: a byte there may leave no key."""
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=(HealthCheck.too_slow,),
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> KeyRepo:
    repo = src_layout(tmp_path_factory.mktemp("property") / "repo")
    repo.write("packages/app/debug.log", "ignored\n")
    repo.write("build/lib/app/main.py", "ignored\n")
    return repo


@pytest.fixture(scope="module")
def keys(repo: KeyRepo) -> dict[str, InputKey]:
    return {session: repo.must_key(session) for session in SESSIONS}


def _flip(repo: KeyRepo, name: str, position: int, value: int) -> bytes:
    """Set one byte of ``name`` (its old bytes returned; ``position`` past the end appends)."""
    path = repo.root / name
    old = path.read_bytes()
    at = position % (len(old) + 1)
    new = bytearray(old)
    if at == len(old):
        new.append(value)
    elif new[at] == value:
        new[at] = (value + 1) % 256
    else:
        new[at] = value
    path.write_bytes(bytes(new))
    return old


@pytest.mark.req("FR-191", "FR-195")
@given(data=st.data(), position=st.integers(0, 10_000), value=st.integers(0, 255))
@PROPERTY
def test_one_byte_of_any_input_file_changes_the_key_and_is_named(
    repo: KeyRepo, keys: dict[str, InputKey], data: st.DataObject, position: int, value: int
) -> None:
    session = data.draw(st.sampled_from(SESSIONS))
    files = sorted(name for name in keys[session].parts if (repo.root / name).is_file())
    name = data.draw(st.sampled_from(files))
    old = _flip(repo, name, position, value)
    try:
        changed: InputKey | NoKey | None = repo.key(session)
    except TiergateError:
        changed = None  # the workspace itself no longer loads: nothing is reused
    finally:
        (repo.root / name).write_bytes(old)

    if not isinstance(changed, InputKey):  # no key: the session runs, which is the point
        assert name in LOADED or name.endswith("pyproject.toml"), (name, changed)
        return
    assert changed.digest != keys[session].digest
    assert name in changed_inputs(keys[session], changed)


@pytest.mark.req("FR-191")
@given(name=st.sampled_from(OUTSIDE), position=st.integers(0, 10_000), value=st.integers(0, 255))
@PROPERTY
def test_one_byte_outside_the_inputs_keeps_the_key(
    repo: KeyRepo, keys: dict[str, InputKey], name: str, position: int, value: int
) -> None:
    session = SESSIONS[0]
    old = _flip(repo, name, position, value)
    try:
        same = repo.must_key(session)
    finally:
        (repo.root / name).write_bytes(old)

    assert same == keys[session]
