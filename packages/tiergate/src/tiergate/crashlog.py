"""The last line of defence: an unexpected exception becomes one line and a log file.

As pre-commit does, the traceback never reaches the terminal: it goes to
``<root>/.tiergate/crash.log`` (else a file in the temporary folder, when the
root cannot be written), with what a bug report needs (the command line with
any store password removed), and the one line on stderr says where.
"""

from __future__ import annotations

import platform
import sys
import tempfile
import traceback
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

LOG = Path(".tiergate") / "crash.log"


def write_crash_log(error: BaseException, root: Path, argv: Sequence[str]) -> Path:
    """Write what happened to the crash log under ``root`` (else a temporary file); its path."""
    from tiergate.history.url import redact  # noqa: PLC0415 - the history package only on a crash

    text = "\n".join(
        (
            f"tiergate {_version()} crashed at {datetime.now(UTC).isoformat()}",
            f"command: tiergate {redact(' '.join(argv))}",
            f"python: {sys.version.split()[0]} on {platform.platform()}",
            "",
            "".join(traceback.format_exception(error)),
        )
    )
    target = root / LOG
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except (OSError, ValueError):
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", prefix="tiergate-crash-", suffix=".log", delete=False
        ) as handle:
            handle.write(text)
        return Path(handle.name)
    return target


def _version() -> str:
    try:
        return version("tiergate")
    except PackageNotFoundError:
        return "(not installed)"
