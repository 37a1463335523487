"""Time the input keys of every session of this repository against plain git + sha256sum.

Usage: ``uv run python bench/input_keys.py [--runs N] [--root DIR]``. Prints, in
one go:

* the keys of every session (``tiergate.inputs.session_keys``): in a new
  process (imports and the workspace included), the first computation in this
  process (interpreters asked, lock parsed) and the median of N warm ones;
* the plain alternative per session: ``git ls-files`` and one ``sha256sum`` of
  the same files (each session's file parts) through ``subprocess``, as a script
  would do it;
* the plain alternative once: one ``git ls-files`` and one ``sha256sum`` of the
  union of those files;

and the ratios. The plain ways hash files only: no configuration tables, lock
entries, interpreter, tool versions or environment.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from tiergate.config import load_config
from tiergate.inputs import InputKey, session_keys
from tiergate.plan import workspace_sessions
from tiergate.workspace import load_workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

REPOSITORY = Path(__file__).resolve().parents[1]
_PROCESS = (
    "import os, sys; from pathlib import Path; from tiergate.config import load_config;"
    "from tiergate.inputs import session_keys; from tiergate.plan import workspace_sessions;"
    "from tiergate.workspace import load_workspace; root = Path(sys.argv[1]);"
    "w, c = load_workspace(root), load_config(root);"
    "session_keys(w, c, workspace_sessions(w, c), environ=os.environ)"
)
"""Everything a check's process does for the keys: imports, the workspace, every key."""
LS_FILES = ("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")


def _seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _plain(root: Path, files: Iterable[str]) -> None:
    """``git ls-files`` then one ``sha256sum`` of ``files``, as a plain script would."""
    subprocess.run(LS_FILES, cwd=root, capture_output=True, check=True)
    names = sorted(files)
    if names:
        subprocess.run(["sha256sum", "--", *names], cwd=root, capture_output=True, check=True)


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm runs to take the median of")
    parser.add_argument("--root", type=Path, default=REPOSITORY, help="the workspace root")
    args = parser.parse_args()
    root = args.root.resolve()
    workspace, config = load_workspace(root), load_config(root)
    sessions = workspace_sessions(workspace, config)
    environ = dict(os.environ)

    def keys() -> dict[str, object]:
        return dict(session_keys(workspace, config, sessions, environ=environ))

    first = _seconds(keys)
    warm = statistics.median(_seconds(keys) for _ in range(args.runs))
    found = session_keys(workspace, config, sessions, environ=environ)
    complete = {s: k for s, k in found.items() if isinstance(k, InputKey)}
    per_session = {
        session: [name for name in key.parts if (root / name).is_file()]
        for session, key in complete.items()
    }
    union = {name for files in per_session.values() for name in files}

    def plain_each() -> None:
        for files in per_session.values():
            _plain(root, files)

    plain = statistics.median(_seconds(plain_each) for _ in range(args.runs))
    once = statistics.median(_seconds(lambda: _plain(root, union)) for _ in range(args.runs))
    parts = sum(len(key.parts) for key in complete.values())
    child = [sys.executable, "-c", _PROCESS, str(root)]
    process = statistics.median(
        _seconds(lambda: subprocess.run(child, check=True)) for _ in range(args.runs)
    )
    print(f"{len(sessions)} sessions: {len(complete)} keys, {len(sessions) - len(complete)} none")
    for session, key in found.items():
        if not isinstance(key, InputKey):
            print(f"  no key for {session}: {key.reason}")
    print(f"{parts} parts, {sum(map(len, per_session.values()))} file parts, {len(union)} files")
    print(f"tiergate, a new process (median of {args.runs}):      {process:.3f} s")
    print(f"tiergate session_keys, first in the process:  {first:.3f} s")
    print(f"tiergate session_keys, warm (median of {args.runs}):    {warm:.3f} s")
    print(f"plain git ls-files + sha256sum per session:   {plain:.3f} s")
    print(f"plain git ls-files + sha256sum, union once:   {once:.3f} s")
    print(f"ratio warm / plain per session: {warm / plain:.2f}x; / union once: {warm / once:.2f}x")
    print(
        f"ratio first / plain per session: {first / plain:.2f}x; / union once: {first / once:.2f}x"
    )


if __name__ == "__main__":
    main()
