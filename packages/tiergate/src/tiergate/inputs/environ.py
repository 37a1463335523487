"""The environment variables that can change a session's result: the one list of them.

Every variable below that is set is a part ``env:<NAME>`` of the key, its
value hashed; one that is not set is no part. So a variable set to the empty
string differs from one not set, and setting or unsetting either is a change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from tiergate.inputs.hashing import text_digest

if TYPE_CHECKING:
    from collections.abc import Mapping

    from tiergate.inputs.key import Parts

COMMON_PREFIXES: Final = ("TIERGATE_", "PYTHON")
"""Every session: tiergate's own settings, and the interpreter's (``PYTHONHASHSEED``, ...)."""
COMMON_NAMES: Final = (
    "CI",
    "UV_BUILD_CONSTRAINT",
    "UV_CONFIG_FILE",
    "UV_CONSTRAINT",
    "UV_DEFAULT_INDEX",
    "UV_EXCLUDE_NEWER",
    "UV_EXTRA_INDEX_URL",
    "UV_FIND_LINKS",
    "UV_INDEX",
    "UV_INDEX_STRATEGY",
    "UV_INDEX_URL",
    "UV_NO_BINARY",
    "UV_NO_BINARY_PACKAGE",
    "UV_NO_BUILD",
    "UV_NO_BUILD_ISOLATION",
    "UV_NO_BUILD_PACKAGE",
    "UV_NO_CONFIG",
    "UV_NO_EDITABLE",
    "UV_NO_SOURCES",
    "UV_OVERRIDE",
    "UV_PRERELEASE",
    "UV_PYTHON",
    "UV_PYTHON_DOWNLOADS",
    "UV_PYTHON_PREFERENCE",
    "UV_RESOLUTION",
    "UV_SYSTEM_PYTHON",
    "UV_TORCH_BACKEND",
)
"""Every session: ``CI`` (honesty rules fail instead of warning) and the uv settings that
change which distributions a session's environment gets."""
KIND_PREFIXES: Final[Mapping[str, tuple[str, ...]]] = {
    "tests": ("PYTEST_", "COVERAGE_"),
    "type": ("MYPY",),
    "lint": ("RUFF_",),
    "sql": ("SQLFLUFF",),
    "security": ("BANDIT",),
    "audit": ("PIP_AUDIT_",),
}
"""The tools each kind of session runs read these."""
IGNORED: Final = frozenset({"TIERGATE_RUN_ID"})
"""Names that change on every run and change no result."""


def relevant(name: str, kind: str) -> bool:
    """Whether the variable ``name`` is an input of a ``kind`` session."""
    if name in IGNORED:
        return False
    prefixes = (*COMMON_PREFIXES, *KIND_PREFIXES.get(kind, ()))
    return name in COMMON_NAMES or name.startswith(prefixes)


def add_environment(parts: Parts, kind: str, environ: Mapping[str, str]) -> None:
    """Add ``env:<NAME>`` for every variable of ``environ`` a ``kind`` session depends on."""
    for name in sorted(environ):
        if relevant(name, kind):
            parts.add(f"env:{_readable(name)}", text_digest(f"{name}={environ[name]}"))


def _readable(name: str) -> str:
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
