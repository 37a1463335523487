"""``[tool.tiergate]``: the configuration, validated on load.

The models below are the single source of the configuration's shape: the
published JSON Schema (``schemas/config.schema.json``) is generated from them
and a test keeps the two equal.
"""

from __future__ import annotations

import re
import tomllib
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tiergate.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

PYPROJECT = "pyproject.toml"
_TOML_POSITION = re.compile(r"\s*\(at line (?P<line>\d+), column \d+\)")


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Section(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=_kebab, populate_by_name=True
    )


class SecurityConfig(_Section):
    """``[tool.tiergate.security]``: the dependency audit."""

    advisory_db: str | None = Field(
        default=None,
        description=(
            "Folder of an offline OSV advisory database (vulns/<package>/<ID>.yaml), used when "
            "no online advisory service answers. Relative to the workspace root. "
            "TIERGATE_ADVISORY_DB overrides it."
        ),
    )
    online_timeout: float = Field(
        default=10.0,
        gt=0,
        le=300,
        description="Seconds to wait for the online advisory service before falling back.",
    )


class TiergateConfig(_Section):
    """``[tool.tiergate]`` in the workspace root's ``pyproject.toml``."""

    run_dir: str = Field(
        default=".tiergate/runs",
        description="Where run folders are written, relative to the workspace root.",
    )
    security: SecurityConfig = Field(default_factory=SecurityConfig)


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a missing or broken one is a :class:`ConfigError` naming it."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError("file not found", path=path) from None
    except tomllib.TOMLDecodeError as error:
        # Python < 3.14 only puts the position in the message: "... (at line 3, column 9)".
        match = _TOML_POSITION.search(str(error))
        line = int(match["line"]) if match else None
        message = _TOML_POSITION.sub("", str(error)).strip()
        raise ConfigError(f"invalid TOML: {message}", path=path, line=line) from None


def parse_config(data: dict[str, Any], path: Path) -> TiergateConfig:
    """Validate the ``[tool.tiergate]`` table found in ``path``."""
    try:
        return TiergateConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(["tool", "tiergate", *(str(part) for part in first["loc"])])
        raise ConfigError(f"{key}: {first['msg']}", path=path) from None


def load_config(root: Path) -> TiergateConfig:
    """Load and validate ``[tool.tiergate]`` from ``root/pyproject.toml``."""
    path = root / PYPROJECT
    table = read_toml(path).get("tool", {}).get("tiergate", {})
    if not isinstance(table, dict):
        raise ConfigError("tool.tiergate must be a table", path=path)
    return parse_config(table, path)


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``[tool.tiergate]``, as published in the repository."""
    return TiergateConfig.model_json_schema(by_alias=True)
