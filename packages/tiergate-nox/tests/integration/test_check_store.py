"""What the check stores after its sessions: never a result whose inputs changed while it ran."""

from __future__ import annotations

import os
import subprocess
from typing import TYPE_CHECKING

import pytest

from monorepo_factory import PYTHON
from tiergate.cache import ResultCache
from tiergate.config import load_config
from tiergate.reuse import plan_sessions
from tiergate.workspace import load_workspace
from tiergate_nox import cached
from tiergate_nox.schedule import Job, JobResult

if TYPE_CHECKING:
    from pathlib import Path

    from monorepo_factory import Monorepo


@pytest.mark.req("FR-200")
def test_a_result_whose_input_changed_while_it_ran_is_not_stored_and_the_input_is_named(
    monorepo: Monorepo, tmp_path: Path
) -> None:
    mono = monorepo
    subprocess.run(["git", "init", "--quiet"], cwd=mono.root, check=True)
    workspace, config = load_workspace(mono.root), load_config(mono.root)
    environ = dict(os.environ)
    typed, unknown = f"type-{PYTHON}(package='calc')", "docs"
    planned = plan_sessions(workspace, config, [typed, unknown], environ=environ, cache=None)
    # While the sessions ran, a file of calc changed; Python wrote bytecode beside it.
    source = mono.root / "packages/calc/src/calc/__init__.py"
    source.write_text(source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    (source.parent / "__pycache__").mkdir()
    (source.parent / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"compiled")
    ran = [
        JobResult(Job(name, ("nox",), tmp_path / "logs" / f"{name}.log"), "passed", 1.0, 0)
        for name in (typed, unknown)
    ]
    cache = ResultCache.of(mono.root, config)

    outcome = cached.store(
        ran,
        planned,
        cache=cache,
        run_dir=tmp_path / "run",
        workspace=workspace,
        config=config,
        environ=environ,
    )

    assert outcome.stored == ()
    assert outcome.refused == {
        typed: "packages/calc/src/calc/__init__.py changed while it ran",
        unknown: "no input key: 'docs' is not a session tiergate knows the inputs of",
    }
    assert cache.entries() == []
