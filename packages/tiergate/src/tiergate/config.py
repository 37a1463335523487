"""``[tool.tiergate]``: the configuration, validated on load.

The models below are the single source of the configuration's shape: the
published JSON Schema (``schemas/config.schema.json``) is generated from them
and a test keeps the two equal.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tiergate.errors import ConfigError
from tiergate.reading import first_problem

if TYPE_CHECKING:
    from pathlib import Path

PYPROJECT = "pyproject.toml"
_M = TypeVar("_M", bound="BaseModel")
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


Percent = Annotated[float, Field(ge=0, le=100)]
"""A bound in percent, 0 to 100."""


class TierConfig(_Section):
    """``[tool.tiergate.tiers.<name>]``: where a tier's tests live."""

    paths: tuple[str, ...] = Field(
        min_length=1,
        description="Test folders of this tier, relative to each member (e.g. tests/unit).",
    )


def _default_tiers() -> dict[str, TierConfig]:
    return {name: TierConfig(paths=(f"tests/{name}",)) for name in ("unit", "integration", "e2e")}


class CoverageConfig(_Section):
    """``[tool.tiergate.coverage]``: lower bounds, in percent, per scope."""

    combined: Percent | None = Field(
        default=None, description="Every tier, package and Python together."
    )
    tiers: dict[str, Percent] = Field(
        default_factory=dict, description="Tier name -> bound, over every package."
    )
    packages: dict[str, Percent] = Field(
        default_factory=dict, description="Member name -> bound, over every tier."
    )
    files: dict[str, Percent] = Field(
        default_factory=dict,
        description="Glob (relative to the workspace root) -> bound for each file it matches.",
    )


class PyramidBound(_Section):
    """Share of a tier in the test count, in percent."""

    min: Percent | None = None
    max: Percent | None = None


class AllowedSkip(_Section):
    """One entry of the skip allow-list."""

    test: str = Field(min_length=1, description="Test node id, or an fnmatch pattern of them.")
    reason: str = Field(min_length=1, description="Why the skip is allowed.")
    expires: date = Field(description="Last day the entry is valid; after it, it is an error.")


class SkipsConfig(_Section):
    """``[tool.tiergate.skips]``: the never-skip policy."""

    never_skip: Literal["always", "ci", "off"] = Field(
        default="ci",
        description="When a skip outside the allow-list fails the run: always, in CI only, never.",
    )
    allow: tuple[AllowedSkip, ...] = Field(default=(), description="The allowed skips.")


class RequirementsConfig(_Section):
    """``[tool.tiergate.requirements]``: requirement traceability (present: the gate is on).

    The patterns are compiled where they are used (:mod:`tiergate.trace.specs`),
    so that an invalid one is reported with its line in ``pyproject.toml``.
    """

    specs: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        default=("docs/requirements/**/*.md",),
        min_length=1,
        description=(
            "Globs of the Markdown spec files, relative to the workspace root; "
            "a glob matching no file is an error."
        ),
    )
    id_patterns: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        default=(r"FR-\d{3}",),
        min_length=1,
        description=(
            "Python regular expressions of requirement IDs (e.g. FR-\\d{3}, NFR-\\d{3}); an ID "
            "is matched as a whole word. An invalid pattern is an error naming its line."
        ),
    )
    min_share: Percent | None = Field(
        default=None,
        description=(
            "Lower bound, in percent, on the share of requirements proven by passing tests "
            "(in every tier their spec demands); absent: the share is reported, not gated."
        ),
    )


class HistoryConfig(_Section):
    """``[tool.tiergate.history]``: where evaluated runs are recorded."""

    url: str | None = Field(
        default=None,
        pattern=r"^(sqlite:///|postgres(ql)?://)",
        description=(
            "Store URL: sqlite:///<path> (relative to the root; sqlite:////<path> is absolute) "
            "or postgresql://<user>@<host>/<database>; default: SQLite at .tiergate/history.db. "
            "TIERGATE_HISTORY_URL overrides it (put a password there, not in pyproject.toml)."
        ),
    )
    main_branch: str = Field(
        default="main", min_length=1, description="Branch whose last recorded run is the baseline."
    )
    trend_runs: int = Field(
        default=20, ge=2, le=1000, description="How many recent runs trends and charts show."
    )


class RatchetConfig(_Section):
    """``[tool.tiergate.ratchet]``: coverage may not drop below the baseline (present: on)."""

    tolerance: float = Field(
        default=0.0,
        ge=0,
        le=100,
        description="Percentage points coverage may drop below the baseline and still pass.",
    )
    baseline_file: str = Field(
        default="tiergate-baseline.json",
        min_length=1,
        description=(
            "Baseline file relative to the root (written by tiergate baseline save); used "
            "when it exists, else the last run recorded on the main branch."
        ),
    )


class PatchConfig(_Section):
    """``[tool.tiergate.patch]``: coverage of the lines changed since a base ref."""

    base: str | None = Field(
        default=None,
        description=(
            "Git ref (e.g. origin/main): the working tree is diffed against its merge base "
            "with HEAD. --base overrides it; no base at all: no patch gate."
        ),
    )
    min: Percent | None = Field(
        default=None,
        description=(
            "Lower bound on covered changed statements / coverable changed statements, "
            "per member and in total; absent: reported, not gated."
        ),
    )


class GapsConfig(_Section):
    """``[tool.tiergate.gaps]``: where the next test would raise coverage most."""

    top: int = Field(
        default=10, ge=1, le=1000, description="How many gaps reports and tiergate gaps list."
    )
    churn_days: int = Field(
        default=90,
        ge=1,
        description="Git history window (days before the run) in which commits weigh a file.",
    )


class TiergateConfig(_Section):
    """``[tool.tiergate]`` in the workspace root's ``pyproject.toml``."""

    run_dir: str = Field(
        default=".tiergate/runs",
        description="Where run folders are written, relative to the workspace root.",
    )
    tiers: dict[str, TierConfig] = Field(
        default_factory=_default_tiers,
        description="The tiers, lowest first (order matters for traceability).",
    )
    default_tier: str | None = Field(
        default=None,
        description=(
            "The tier of a test that is in no tier's folder and has no tier marker (a flat "
            "tests/ folder, *_test.py beside the code); default: the first tier."
        ),
    )
    min_tests: int = Field(
        default=1, ge=1, description="Fewest tests a session (member x Python x tier) may run."
    )
    coverage: CoverageConfig = Field(default_factory=CoverageConfig)
    pyramid: dict[str, PyramidBound] = Field(
        default_factory=dict, description="Tier name -> its share of all tests, in percent."
    )
    skips: SkipsConfig = Field(default_factory=SkipsConfig)
    security: SecurityConfig = Field(default_factory=SecurityConfig)
    requirements: RequirementsConfig | None = Field(
        default=None, description="Requirement traceability; absent: no traceability gate."
    )
    history: HistoryConfig = Field(default_factory=HistoryConfig)
    ratchet: RatchetConfig | None = Field(
        default=None, description="The coverage ratchet; absent: no ratchet gate."
    )
    patch: PatchConfig = Field(default_factory=PatchConfig)
    gaps: GapsConfig = Field(default_factory=GapsConfig)

    @property
    def fallback_tier(self) -> str:
        """The tier of a test no folder and no marker places: ``default-tier``, else the first."""
        return self.default_tier or next(iter(self.tiers))

    @property
    def baseline_file(self) -> str:
        """The committed baseline's path relative to the root (also without a ratchet)."""
        return (self.ratchet or RatchetConfig()).baseline_file

    @model_validator(mode="after")
    def _known_tiers(self) -> Self:
        if self.default_tier is not None and self.default_tier not in self.tiers:
            known = ", ".join(self.tiers)
            msg = f"default-tier: unknown tier {self.default_tier!r} (tiers: {known})"
            raise ValueError(msg)
        for key, names in (("coverage.tiers", self.coverage.tiers), ("pyramid", self.pyramid)):
            unknown = sorted(set(names) - set(self.tiers))
            if unknown:
                msg = f"{key}.{unknown[0]}: unknown tier (tiers: {', '.join(self.tiers)})"
                raise ValueError(msg)
        return self


class MemberCoverageConfig(_Section):
    """``[tool.tiergate.coverage]`` in a member's ``pyproject.toml``: overrides for it."""

    package: Percent | None = Field(default=None, description="Bound for this member.")
    tiers: dict[str, Percent] = Field(
        default_factory=dict, description="Tier name -> bound for this member's tests of it."
    )
    files: dict[str, Percent] = Field(
        default_factory=dict, description="Glob (relative to the member) -> bound per file."
    )


Paths = tuple[Annotated[str, Field(min_length=1)], ...]


class MemberConfig(_Section):
    """``[tool.tiergate]`` in a member's ``pyproject.toml``."""

    min_tests: int | None = Field(default=None, ge=1)
    coverage: MemberCoverageConfig = Field(default_factory=MemberCoverageConfig)
    tests: bool = Field(
        default=True,
        description="false: the member is not tested (tests-reason says why; the verdict says so).",
    )
    tests_reason: str | None = Field(
        default=None, min_length=1, description="Why the member is not tested (with tests = false)."
    )
    tested_by: str | None = Field(
        default=None,
        min_length=1,
        description=(
            "The member whose tests test this one's code (a root tests/ folder for every "
            "package): its sessions measure this member's source too, and this member has no "
            "session of its own."
        ),
    )
    source: Paths | None = Field(
        default=None,
        description=(
            "The member's source: package folders and module files relative to the member; "
            "default: what its build backend puts in the wheel."
        ),
    )
    tests_paths: Paths | None = Field(
        default=None,
        description=(
            "Where the member's tests are, relative to the member; default: as pytest finds "
            "them (its testpaths, python_files)."
        ),
    )

    @model_validator(mode="after")
    def _reason_given(self) -> Self:
        if not self.tests and not self.tests_reason:
            msg = "tests-reason: required with tests = false (say why the member is not tested)"
            raise ValueError(msg)
        if not self.tests and self.tested_by:
            msg = "tested-by: a member tested by another is tested: drop tests = false"
            raise ValueError(msg)
        return self


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
    return _validate(TiergateConfig, data, path)


def _validate(model: type[_M], data: dict[str, Any], path: Path) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if not first["loc"] and ": " in message:  # a model check that names its own key
            raise ConfigError(f"tool.tiergate.{message}", path=path) from None
        raise ConfigError(first_problem(error, "tool", "tiergate"), path=path) from None


def load_config(root: Path) -> TiergateConfig:
    """Load and validate ``[tool.tiergate]`` from ``root/pyproject.toml``."""
    path = root / PYPROJECT
    table = read_toml(path).get("tool", {}).get("tiergate", {})
    if not isinstance(table, dict):
        raise ConfigError("tool.tiergate must be a table", path=path)
    return parse_config(table, path)


def parse_member_config(data: dict[str, Any], path: Path) -> MemberConfig:
    """Validate the ``[tool.tiergate]`` table of a member's parsed ``pyproject.toml``."""
    tool = data.get("tool", {})
    table = tool.get("tiergate", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise ConfigError("tool.tiergate must be a table", path=path)
    return _validate(MemberConfig, table, path)


def load_member_config(member_dir: Path, root: TiergateConfig) -> MemberConfig:
    """Load a member's ``[tool.tiergate]`` overrides; its tiers must be the root's."""
    path = member_dir / PYPROJECT
    config = parse_member_config(read_toml(path), path)
    unknown = sorted(set(config.coverage.tiers) - set(root.tiers))
    if unknown:
        known = ", ".join(root.tiers)
        msg = f"tool.tiergate.coverage.tiers.{unknown[0]}: unknown tier (tiers: {known})"
        raise ConfigError(msg, path=path)
    return config


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``[tool.tiergate]``, as published in the repository."""
    return TiergateConfig.model_json_schema(by_alias=True)
