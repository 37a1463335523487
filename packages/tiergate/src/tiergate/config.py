"""``[tool.tiergate]``: the configuration, validated on load.

The models below are the single source of the configuration's shape: the
published JSON Schema (``schemas/config.schema.json``) is generated from them
and a test keeps the two equal.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    JsonValue,
    TypeAdapter,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    model_validator,
)

from tiergate import reading
from tiergate.errors import ConfigError, TiergateError, shown
from tiergate.files import line_of
from tiergate.memo import FOLDER as MEMO
from tiergate.memo import Memo

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

PYPROJECT = "pyproject.toml"
_M = TypeVar("_M", bound="BaseModel")
_T = TypeVar("_T")
MAX_NAME: Final = 255
"""Longest file or folder name (in UTF-8 bytes) a configured path may hold, as most file systems."""
MAX_COUNT: Final = 1_000_000
"""Largest count a configuration key accepts (``min-tests``)."""
MAX_TOP: Final = 1000
"""Most gaps a report lists (``gaps.top``, ``tiergate gaps --top``)."""
MAX_ONLINE_TIMEOUT: Final = 300
"""Most seconds the online audit waits (``security.online-timeout``, ``--online-timeout``)."""
MAX_REUSE_HOURS: Final = 720
"""Longest an online audit's result is reused (``security.online-reuse-hours``: 30 days)."""
MAX_DAYS: Final = 3650
"""Longest window in days a configuration key accepts (ten years)."""
MAX_WORKERS: Final = 256
"""Most pytest-xdist workers a tests session may start (``workers``)."""
MAX_CACHE_BYTES: Final = 1 << 50
"""Largest result cache ``cache.max-size`` accepts (1 PiB)."""
DEFAULT_CACHE_BYTES: Final = 2 << 30
"""The result cache's default bound (2 GiB)."""
_SIZE_PATTERN: Final = r"^\s*(\d{1,20}(?:\.\d{1,9})?)\s*([kKmMgGtTpP][iI]?[bB]|[bB])?\s*$"
_SIZE = re.compile(_SIZE_PATTERN)
_UNITS: Final = {"b": 1} | {
    f"{prefix}{base}": (1024 if base == "ib" else 1000) ** power
    for power, prefix in enumerate("kmgtp", start=1)
    for base in ("b", "ib")
}
_TOML_TYPES: Final[dict[type, str]] = {
    str: "a string",
    list: "an array",
    dict: "a table",
    bool: "a boolean",
    int: "an integer",
}


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Section(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, alias_generator=_kebab, populate_by_name=True
    )


Percent = Annotated[float, Field(ge=0, le=100, strict=True, allow_inf_nan=False)]
"""A bound in percent, 0 to 100 (an integer or a float; a string or a boolean is refused)."""


def _usable_path(value: str) -> str:
    """``value`` when the file system can take it as a path: no NUL byte, no name too long."""
    if "\x00" in value:
        msg = "a path cannot hold a NUL byte"
        raise ValueError(msg)
    if any(len(part.encode("utf-8", "surrogatepass")) > MAX_NAME for part in value.split("/")):
        msg = f"a path cannot hold a name longer than {MAX_NAME} bytes"
        raise ValueError(msg)
    return value


PathText = Annotated[str, AfterValidator(_usable_path)]
"""A configured path or glob: no NUL byte, no name longer than :data:`MAX_NAME` bytes."""


def _workers(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    """``value`` when it is ``"auto"`` or a count in bounds: else one message, not one per kind."""
    try:
        return handler(value)
    except ValidationError:
        msg = f'must be "auto" or an integer from 0 to {MAX_WORKERS}, not {shown(value)}'
        raise ValueError(msg) from None


Workers = Annotated[
    Literal["auto"] | Annotated[int, Field(ge=0, le=MAX_WORKERS, strict=True)],
    WrapValidator(_workers),
]
"""pytest-xdist workers per pytest run: ``"auto"`` (one per processor) or 0 (no xdist) to 256."""
_WORKERS_HELP = (
    'pytest-xdist workers per tier of a tests session: "auto" (one per processor), or 1 to 256; '
    "0: no pytest-xdist, one process (for tests that are not safe to run in parallel)."
)


def parse_size(value: object) -> int:
    """Bytes: an integer, or a string such as ``"2GiB"``, ``"500 MB"`` (``B``, ``kB`` .. ``PiB``).

    ``KiB``, ``MiB``, ... are powers of 1024; ``kB``, ``MB``, ... powers of 1000 (any case).
    Anything else, or a size beyond :data:`MAX_CACHE_BYTES`, is a ``ValueError`` in one line.
    """
    wanted = (
        f"must be a size in bytes from 0 to {MAX_CACHE_BYTES} (1 PiB): an integer, or a string "
        f'such as "2GiB" or "500MB", not {shown(value)}'
    )
    size: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        size = value
    elif isinstance(value, str) and (match := _SIZE.match(value)):
        number, unit = match.groups()
        whole, _, fraction = number.partition(".")
        scale = _UNITS[(unit or "b").lower()]
        size = int(whole) * scale + int(fraction or "0") * scale // 10 ** len(fraction)
    if size is None or not 0 <= size <= MAX_CACHE_BYTES:
        raise ValueError(wanted)
    return size


def _size(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    """``value`` as bytes (see :func:`parse_size`); one message whatever was wrong with it."""
    del handler  # the schema's two shapes are for editors; parse_size checks both
    return parse_size(value)


ByteSize = Annotated[
    Annotated[int, Field(ge=0, le=MAX_CACHE_BYTES)] | Annotated[str, Field(pattern=_SIZE_PATTERN)],
    WrapValidator(_size),
]
"""A size in bytes: an integer, or ``"2GiB"`` and the like; validated into an ``int``."""


class CacheConfig(_Section):
    """``[tool.tiergate.cache]``: the result cache of passed sessions."""

    enabled: bool = Field(
        default=True,
        strict=True,
        description=(
            "false: no session result is reused or stored; every session runs. The cache is "
            "the folder cache beside the run-dir folder (.tiergate/cache by default)."
        ),
    )
    max_size: ByteSize = Field(
        default=DEFAULT_CACHE_BYTES,
        description=(
            'Most bytes the cache may hold: an integer, or a string such as "2GiB" or "500MB" '
            "(KiB, MiB, GiB, TiB: powers of 1024; kB, MB, GB, TB: of 1000); at most 1 PiB. "
            "Pruning (tiergate cache --prune) removes the least recently used entries until the "
            "cache is at most this size."
        ),
    )

    @property
    def max_bytes(self) -> int:
        """:attr:`max_size` in bytes."""
        return parse_size(self.max_size)


class SecurityConfig(_Section):
    """``[tool.tiergate.security]``: the dependency audit."""

    advisory_db: PathText | None = Field(
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
        le=MAX_ONLINE_TIMEOUT,
        strict=True,
        allow_inf_nan=False,
        description=(
            "Seconds to wait for the online advisory service before falling back "
            "(more than 0, at most 300)."
        ),
    )
    online_reuse_hours: float = Field(
        default=1.0,
        ge=0,
        le=MAX_REUSE_HOURS,
        strict=True,
        allow_inf_nan=False,
        description=(
            "Hours a passed audit session, which asks the online advisory service, "
            "is reused from the result cache before it runs again for new advisories "
            f"(0: never reused; at most {MAX_REUSE_HOURS})."
        ),
    )


class TierConfig(_Section):
    """``[tool.tiergate.tiers.<name>]``: where a tier's tests live."""

    paths: tuple[Annotated[PathText, Field(min_length=1)], ...] = Field(
        min_length=1,
        description="Test folders of this tier, relative to each member (e.g. tests/unit).",
    )
    pythons: tuple[Annotated[str, Field(pattern=r"^3\.\d{1,2}$")], ...] | None = Field(
        default=None,
        min_length=1,
        description=(
            "The Pythons (X.Y) this tier runs on, of those each member supports; a member "
            "supporting none of them runs it on its newest. Default: every Python it supports."
        ),
    )


def _default_tiers() -> dict[str, TierConfig]:
    return {name: TierConfig(paths=(f"tests/{name}",)) for name in ("unit", "integration", "e2e")}


class CoverageConfig(_Section):
    """``[tool.tiergate.coverage]``: lower bounds, in percent, per scope."""

    combined: Percent | None = Field(
        default=None, description="Every tier, package and Python together (0 to 100)."
    )
    tiers: dict[str, Percent] = Field(
        default_factory=dict, description="Tier name -> bound (0 to 100), over every package."
    )
    packages: dict[str, Percent] = Field(
        default_factory=dict, description="Member name -> bound (0 to 100), over every tier."
    )
    files: dict[str, Percent] = Field(
        default_factory=dict,
        description=(
            "Glob (relative to the workspace root) -> bound (0 to 100) for each file it matches."
        ),
    )


class PyramidBound(_Section):
    """Share of a tier in the test count, in percent."""

    min: Percent | None = Field(default=None, description="Lowest share, 0 to 100.")
    max: Percent | None = Field(default=None, description="Highest share, 0 to 100.")


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

    specs: tuple[Annotated[PathText, Field(min_length=1)], ...] = Field(
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
            "Lower bound, in percent (0 to 100), on the share of requirements proven by passing "
            "tests (in every tier their spec demands); absent: the share is reported, not gated."
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
        default=20,
        ge=2,
        le=1000,
        strict=True,
        description="How many recent runs trends and charts show (2 to 1000).",
    )


class RatchetConfig(_Section):
    """``[tool.tiergate.ratchet]``: coverage may not drop below the baseline (present: on)."""

    tolerance: float = Field(
        default=0.0,
        ge=0,
        le=100,
        strict=True,
        allow_inf_nan=False,
        description=(
            "Percentage points (0 to 100) coverage may drop below the baseline and still pass."
        ),
    )
    baseline_file: PathText = Field(
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
            "Lower bound (0 to 100) on covered changed statements / coverable changed "
            "statements, per member and in total; absent: reported, not gated."
        ),
    )


class GapsConfig(_Section):
    """``[tool.tiergate.gaps]``: where the next test would raise coverage most."""

    top: int = Field(
        default=10,
        ge=1,
        le=MAX_TOP,
        strict=True,
        description="How many gaps reports and tiergate gaps list (1 to 1000).",
    )
    churn_days: int = Field(
        default=90,
        ge=1,
        le=MAX_DAYS,
        strict=True,
        description=(
            "Git history window (days before the run, 1 to 3650) in which commits weigh a file."
        ),
    )


class TiergateConfig(_Section):
    """``[tool.tiergate]`` in the workspace root's ``pyproject.toml``."""

    run_dir: PathText = Field(
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
        default=1,
        ge=1,
        le=MAX_COUNT,
        strict=True,
        description="Fewest tests a session (member x Python x tier) may run (1 to 1000000).",
    )
    workers: Workers = Field(default="auto", description=_WORKERS_HELP)
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
    cache: CacheConfig = Field(default_factory=CacheConfig)

    @property
    def fallback_tier(self) -> str:
        """The tier of a test no folder and no marker places: ``default-tier``, else the first."""
        return self.default_tier or next(iter(self.tiers))

    @property
    def baseline_file(self) -> str:
        """The committed baseline's path relative to the root (also without a ratchet)."""
        return (self.ratchet or RatchetConfig()).baseline_file

    def cache_folder(self, root: Path) -> Path:
        """The result cache: ``cache`` beside the run folders' (``<root>/.tiergate/cache``)."""
        return (root / self.run_dir).parent / "cache"

    def memo_folder(self, root: Path) -> Path | None:
        """Where parse results are kept (:mod:`tiergate.memo`): none when the cache is off."""
        return self.cache_folder(root) / MEMO if self.cache.enabled else None

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

    package: Percent | None = Field(default=None, description="Bound for this member (0 to 100).")
    tiers: dict[str, Percent] = Field(
        default_factory=dict,
        description="Tier name -> bound (0 to 100) for this member's tests of it.",
    )
    files: dict[str, Percent] = Field(
        default_factory=dict,
        description="Glob (relative to the member) -> bound (0 to 100) per file.",
    )


Paths = tuple[Annotated[PathText, Field(min_length=1)], ...]


class MemberConfig(_Section):
    """``[tool.tiergate]`` in a member's ``pyproject.toml``."""

    min_tests: int | None = Field(
        default=None,
        ge=1,
        le=MAX_COUNT,
        strict=True,
        description="Fewest tests a session of this member may run (1 to 1000000).",
    )
    workers: Workers | None = Field(
        default=None, description=f"{_WORKERS_HELP} Default: the root's workers."
    )
    coverage: MemberCoverageConfig = Field(default_factory=MemberCoverageConfig)
    tests: bool = Field(
        default=True,
        strict=True,
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


_LARGE_TOML: Memo[dict[str, Any]] = Memo("toml-files", TypeAdapter(dict[str, JsonValue]), limit=2)
"""Lock files, parsed once per content: this one and the one before (another branch's).

A lock parses to about 0.6 MB of JSON, read whole by every process that uses the memo:
older versions are parsed again if they come back.
"""


def read_toml(path: Path, what: str = "TOML file", *, shared: bool = False) -> dict[str, Any]:
    """The parsed TOML file ``path`` (parsed once while unchanged); a problem is a ConfigError.

    Missing, unreadable, not UTF-8, invalid or nested too deep: one error naming
    the file (and line). ``shared``: not a copy, for a caller that only reads it.
    """
    return reading.read_toml(
        path, what, ConfigError, missing="file not found", memo=_LARGE_TOML, shared=shared
    )


def line_in(path: Path, *needles: str) -> int | None:
    """The first line of ``path`` holding one of ``needles``; ``None`` when it cannot be read."""
    try:
        text = reading.read_text(path, "file", ConfigError)
    except TiergateError:
        return None
    return line_of(text, *needles)


def key_needles(key: str) -> tuple[str, ...]:
    """What a line setting the TOML key ``key`` (bare or quoted, or as a table header) holds."""
    return (
        f"{key} =",
        f"{key}=",
        f'"{key}" =',
        f"'{key}' =",
        f".{key}]",
        f"[{key}]",
        f".{key}.",
        f"[{key}.",
    )


def table_at(
    data: Mapping[str, Any],
    keys: Sequence[str],
    path: Path,
    error: type[TiergateError] = ConfigError,
    *,
    text: str | None = None,
) -> dict[str, Any]:
    """The table at ``keys`` in the parsed TOML ``data`` of ``path``; absent: an empty table.

    A value of another type on the way (``tool = "x"``, ``[tool] tiergate = 3``)
    is an ``error`` naming the key, the file and the line of the key (found in
    ``text``, the file's text, when given).
    """
    found: Mapping[str, Any] = data
    for depth, key in enumerate(keys, start=1):
        value = found.get(key, {})
        if not isinstance(value, dict):
            raise shape_error(".".join(keys[:depth]), "a table", value, path, error, text=text)
        found = value
    return dict(found)


def expect_type(  # noqa: PLR0913 - the value, its type, and where it is: key, file, error
    value: object,
    kind: type[_T],
    key: str,
    path: Path,
    error: type[TiergateError] = ConfigError,
    *,
    text: str | None = None,
) -> _T:
    """``value`` if it is a ``kind`` (a ``bool`` is no ``int``), else an ``error`` naming it."""
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    wanted = _TOML_TYPES.get(kind, f"a {kind.__name__}")
    raise shape_error(key, wanted, value, path, error, text=text)


def shape_error(  # noqa: PLR0913 - the key, the type wanted, the value, and where it is
    key: str,
    wanted: str,
    value: object,
    path: Path,
    error: type[TiergateError] = ConfigError,
    *,
    text: str | None = None,
) -> TiergateError:
    """``<key> must be <wanted>, not <value>`` naming ``path`` and the line of the key."""
    last = key.rsplit(".", 1)[-1]
    needles = (*key_needles(last), f'"{last}"', f"'{last}'", last)
    line = line_in(path, *needles) if text is None else line_of(text, *needles)
    return error(f"{key} must be {wanted}, not {shown(value)}", path=path, line=line)


def parse_config(data: dict[str, Any], path: Path) -> TiergateConfig:
    """Validate the ``[tool.tiergate]`` table found in ``path``."""
    return _validate(TiergateConfig, data, path)


def _validate(model: type[_M], data: dict[str, Any], path: Path, text: str | None = None) -> _M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = [str(part) for part in first["loc"] if isinstance(part, str)]
        message = str(first["msg"]).removeprefix("Value error, ")
        if not first["loc"] and ": " in message:  # a model check that names its own key
            named = message.split(": ", 1)[0]
            line = _key_line(path, text, named.replace("[", ".").split("."))
            raise ConfigError(f"tool.tiergate.{message}", path=path, line=line) from None
        key = ".".join(["tool", "tiergate", *(str(part) for part in first["loc"])])
        line = _key_line(path, text, loc)
        raise ConfigError(f"{key}: {message}", path=path, line=line) from None
    except RecursionError:
        raise ConfigError("tool.tiergate: nested too deep", path=path) from None


def _key_line(path: Path, text: str | None, keys: Sequence[str]) -> int | None:
    """The line of the innermost of ``keys`` that the file shows, else of ``[tool.tiergate``."""
    needles = [needle for key in reversed(keys) if key for needle in key_needles(key)]
    needles += ["[tool.tiergate", "tiergate"]
    return line_in(path, *needles) if text is None else line_of(text, *needles)


def load_config(root: Path) -> TiergateConfig:
    """Load and validate ``[tool.tiergate]`` from ``root/pyproject.toml``."""
    path = root / PYPROJECT
    return parse_config(table_at(read_toml(path), ("tool", "tiergate"), path), path)


def parse_member_config(data: dict[str, Any], path: Path, text: str | None = None) -> MemberConfig:
    """Validate the ``[tool.tiergate]`` table of a member's parsed ``pyproject.toml``."""
    return _validate(MemberConfig, table_at(data, ("tool", "tiergate"), path), path, text)


def load_member_config(member_dir: Path, root: TiergateConfig) -> MemberConfig:
    """Load a member's ``[tool.tiergate]`` overrides; its tiers must be the root's."""
    path = member_dir / PYPROJECT
    config = parse_member_config(read_toml(path), path)
    unknown = sorted(set(config.coverage.tiers) - set(root.tiers))
    if unknown:
        known = ", ".join(root.tiers)
        msg = f"tool.tiergate.coverage.tiers.{unknown[0]}: unknown tier (tiers: {known})"
        raise ConfigError(msg, path=path, line=line_in(path, *key_needles(unknown[0])))
    return config


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``[tool.tiergate]``, as published in the repository."""
    return TiergateConfig.model_json_schema(by_alias=True)
