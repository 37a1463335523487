"""Run the real ``tiergate`` CLI in a child process, with an environment that is this test's."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

INHERITED = {"CI", "TIERGATE_RUN_ID", "TIERGATE_HISTORY_URL", "GITHUB_STEP_SUMMARY"}
"""Variables of the outer run that would change what the command does."""


def tiergate(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m tiergate --root <root> <args>``, with ``env`` on top of a clean environment."""
    environment = {k: v for k, v in os.environ.items() if k not in INHERITED}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tiergate", "--root", str(root), *args],
        capture_output=True,
        text=True,
        check=False,
        env=environment,
    )
