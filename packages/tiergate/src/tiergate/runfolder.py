"""The run folder: the versioned contract between the sessions and the engine.

Layout (version 1)::

    <run-dir>/<run-id>/
        sessions/<slug>/
            manifest.json   what ran, where, when, how it ended, which artifacts it left
            junit.xml       tests sessions: pytest's JUnit XML
            coverage.db     tests sessions: coverage.py data
            findings.json   tool sessions: the tool's own JSON output

Every session writes its ``manifest.json`` last, so a folder without one is a
session that did not finish (still running, or killed), and a run with such a
folder is not complete. The engine only reads these files; it never
re-runs anything. The manifest's JSON Schema is published as
``schemas/session-manifest.schema.json`` (generated from :class:`SessionManifest`).

A manifest's times carry their timezone. Every artifact it lists is a relative
path, without ``..``, that resolves (symbolic links followed) inside its session
folder; anything else is an :class:`~tiergate.errors.ArtifactError` naming the
manifest, so that no reader ever follows a manifest out of the run.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from datetime import UTC, datetime
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from tiergate.errors import ArtifactError
from tiergate.files import write_whole
from tiergate.reading import UtcDatetime, path_problem, read_model

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
SESSIONS = "sessions"
RUN_ID_ENV = "TIERGATE_RUN_ID"
DEFAULT_RUN_ID = "local"

SessionKind = Literal["tests", "type", "lint", "sql", "security", "audit"]
TOOL_SESSIONS: Final = ("lint", "sql", "security", "audit")
"""The sessions of the whole repository, one each: ruff, sqlfluff, bandit, the dependency audit."""
Outcome = Literal["passed", "failed", "crashed"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class TierRun(BaseModel):
    """One tier of a tests session: pytest run with ``--tier``, its own coverage data."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    exit_code: int = Field(description="pytest's exit code for this tier.")
    outcome: Outcome
    artifacts: dict[str, str] = Field(
        description="Role (junit, coverage, records) -> path relative to the session folder."
    )
    message: str = Field(default="", description="One line saying why, when not passed.")


class Reused(BaseModel):
    """Where a reused (cached) session's result came from: it did not run in this run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    digest: str = Field(
        pattern=r"^[0-9a-f]{64}$", description="The input key digest the result was stored under."
    )
    run_id: str = Field(description="The run the result came from.")
    started_at: UtcDatetime = Field(description="When the session started in that run.")
    finished_at: UtcDatetime = Field(description="When the session finished in that run.")

    def describe(self) -> str:
        """``cached from run <id> (finished <UTC time>)``: how every report labels it."""
        moment = utc_time(self.finished_at)
        return f"cached from run {self.run_id} (finished {moment:%Y-%m-%d %H:%M:%S} UTC)"


class SessionManifest(BaseModel):
    """``manifest.json``: one session of a run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1] = Field(description="Version of this manifest format.")
    run_id: str = Field(description="The run this session belongs to.")
    session: str = Field(description="The nox session name, e.g. tests-3.12(package='tiergate').")
    kind: SessionKind = Field(description="What the session checks.")
    package: str | None = Field(description="The workspace member, for per-package sessions.")
    python: str | None = Field(description="The X.Y Python version, for per-Python sessions.")
    started_at: UtcDatetime
    finished_at: UtcDatetime
    outcome: Outcome = Field(
        description=(
            "passed: the tool ran and found nothing; failed: the tool ran and reported "
            "problems (failing tests, findings); crashed: the session could not do its job."
        )
    )
    exit_code: int | None = Field(description="Exit code of the session's main command.")
    command: list[str] = Field(description="The main command, as run.")
    workdir: str = Field(
        default=".",
        description=(
            "The folder the main command ran in, relative to the workspace root: the "
            "files a tool names relative to where it ran are under it."
        ),
    )
    artifacts: dict[str, str] = Field(
        description="Artifact role (junit, coverage, findings) -> file name in the session folder."
    )
    message: str = Field(default="", description="One line saying why, when not passed.")
    tiers: dict[str, TierRun] = Field(
        default_factory=dict, description="Tests sessions: each tier that was run, by name."
    )
    reused: Reused | None = Field(
        default=None,
        description=(
            "Set when the session did not run in this run: its result was restored from the "
            "result cache (an earlier passed run with the same input key)."
        ),
    )

    @property
    def label(self) -> str:
        """``ran`` (in this run) or ``cached from run <id> (finished <time>)``."""
        return "ran" if self.reused is None else self.reused.describe()

    @property
    def seconds(self) -> float:
        """How long the session took where it ran: for a reused one, in the run it came from."""
        timed = self.reused or self
        return max((timed.finished_at - timed.started_at).total_seconds(), 0.0)


def session_name(kind: SessionKind, python: str | None = None, package: str | None = None) -> str:
    """The nox name of a session: ``tests-3.12(package='tiergate')``, ``lint``."""
    name = kind if python is None else f"{kind}-{python}"
    return name if package is None else f"{name}(package={package!r})"


def slugify(name: str) -> str:
    """A folder-safe form of a session name: ``tests-3.12(package='x')`` -> ``tests-3.12-x``."""
    inner = name.replace("(package=", "-").replace("'", "").replace(")", "")
    return _UNSAFE.sub("-", inner).strip("-")


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id: ``20261122T101500Z-3f9a``."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{secrets.token_hex(2)}"


def named_run_id() -> str | None:
    """The run id that ``TIERGATE_RUN_ID`` names, or ``None`` when it is not set (or empty)."""
    run_id = os.environ.get(RUN_ID_ENV, "").strip()
    if _UNSAFE.search(run_id):
        raise ArtifactError(f"{RUN_ID_ENV}={run_id!r}: use letters, digits, '.', '_' and '-' only")
    return run_id or None


def current_run_id() -> str:
    """The run id from ``TIERGATE_RUN_ID``, else ``local`` (the folder of sessions run by hand)."""
    return named_run_id() or DEFAULT_RUN_ID


def session_dir(run_dir: Path, session: str) -> Path:
    """The folder of ``session`` inside the run folder ``run_dir``."""
    return run_dir / SESSIONS / slugify(session)


def write_manifest(folder: Path, manifest: SessionManifest) -> Path:
    """Write ``manifest.json`` atomically (write, then rename) and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / MANIFEST
    write_whole(target, manifest.model_dump_json(indent=2) + "\n", "manifest", ArtifactError)
    return target


def read_manifest(path: Path) -> SessionManifest:
    """Read and validate one ``manifest.json``; a bad one is an :class:`ArtifactError`.

    Bad: not a valid manifest, or an artifact path that leaves the session folder.
    """
    manifest = read_model(path, SessionManifest, "manifest", ArtifactError)
    folder = path.parent
    base = None
    for key, name in _listed_artifacts(manifest):
        with contextlib.suppress(OSError, RuntimeError, ValueError):  # named for the artifact
            base = base or folder.resolve()
        problem = outside_problem(folder, name, base)
        if problem is not None:
            raise ArtifactError(f"{key}: {problem}", path=path)
    return manifest


def _listed_artifacts(manifest: SessionManifest) -> Iterator[tuple[str, str]]:
    """``(key in the manifest, path)`` of every artifact the manifest lists."""
    for role, name in manifest.artifacts.items():
        yield f"artifacts.{role}", name
    for tier, run in manifest.tiers.items():
        for role, name in run.artifacts.items():
            yield f"tiers.{tier}.artifacts.{role}", name


def outside_problem(folder: Path, name: str, base: Path | None = None) -> str | None:
    """Why the artifact path ``name`` is not a file path inside ``folder``; ``None`` when it is.

    ``name`` must be relative (on any system), free of ``..``, and resolve, symbolic
    links followed, strictly below ``folder`` resolved the same way (``base``, when
    the caller resolved it already).
    """
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    outside = f"artifact path outside the session folder: {name}"
    if not name.strip() or "\0" in name:
        return f"not an artifact path: {name!r}"
    if posix.is_absolute() or windows.is_absolute() or windows.drive or ".." in windows.parts:
        return outside
    try:
        base = base or folder.resolve()
        target = (folder / name).resolve()
    except RuntimeError:  # a loop of symbolic links (Python < 3.13)
        return f"artifact path {name}: too many symbolic links"
    except (OSError, ValueError) as failure:
        return f"artifact path {name}: {path_problem(failure)}"
    if target == base or not target.is_relative_to(base):
        return outside
    return None


def read_sessions(run_dir: Path) -> dict[str, tuple[Path, SessionManifest]]:
    """Every finished session of a run folder: name -> (its folder, its manifest)."""
    sessions_root = run_dir / SESSIONS
    if not sessions_root.is_dir():
        raise ArtifactError("not a run folder (no sessions/ inside)", path=run_dir)
    found: dict[str, tuple[Path, SessionManifest]] = {}
    for manifest_path in sorted(sessions_root.glob(f"*/{MANIFEST}")):
        manifest = read_manifest(manifest_path)
        found[manifest.session] = (manifest_path.parent, manifest)
    return found


def merge_runs(run_dirs: Sequence[Path]) -> dict[str, tuple[Path, SessionManifest]]:
    """The sessions of several run folders (shards of one run), merged by name.

    A session found in two folders is an :class:`ArtifactError` naming both:
    merging must never pick one silently.
    """
    merged: dict[str, tuple[Path, SessionManifest]] = {}
    for run_dir in run_dirs:
        for name, (folder, manifest) in read_sessions(run_dir).items():
            if name in merged:
                other = merged[name][0] / MANIFEST
                msg = f"session {name} is also in {other}: merge each session once"
                raise ArtifactError(msg, path=folder / MANIFEST)
            merged[name] = (folder, manifest)
    return merged


def finished_at(run_dir: Path) -> datetime | None:
    """When a complete run's last session finished (UTC); ``None`` when the run is not complete.

    Complete: ``sessions/`` holds at least one session folder, and every session
    folder holds its ``manifest.json`` (one without is still running, or was killed).
    A manifest that cannot be read is an :class:`ArtifactError` naming it.
    """
    sessions_root = run_dir / SESSIONS
    if not sessions_root.is_dir():
        return None
    folders = [entry for entry in sessions_root.iterdir() if entry.is_dir()]
    if not folders or not all((folder / MANIFEST).is_file() for folder in folders):
        return None
    return max(utc_time(read_manifest(folder / MANIFEST).finished_at) for folder in folders)


def earlier_runs(run_root: Path, *, exclude: Path | None, limit: int) -> list[Path]:
    """The ``limit`` newest run folders under ``run_root``, by modification time, but ``exclude``.

    For estimates (how long a session or tier took last): a folder that cannot be
    listed gives none, never an error.
    """
    try:
        folders = [path for path in run_root.iterdir() if path != exclude and path.is_dir()]
        return sorted(folders, key=lambda path: path.stat().st_mtime, reverse=True)[:limit]
    except OSError:
        return []


def find_newest_complete_run(run_root: Path) -> Path | None:
    """The complete run folder under ``run_root`` whose last session finished last, if any.

    Every folder competes, ``local`` (sessions run by hand) included; a tie goes
    to the greater folder name, so that the choice never depends on the file system.
    """
    if not run_root.is_dir():
        return None
    found = [
        (moment, run_dir.name, run_dir)
        for run_dir in run_root.iterdir()
        if run_dir.is_dir() and (moment := finished_at(run_dir)) is not None
    ]
    return max(found)[2] if found else None


def newest_complete_run(run_root: Path) -> Path:
    """:func:`find_newest_complete_run`, or an :class:`ArtifactError` naming ``run_root``."""
    found = find_newest_complete_run(run_root)
    if found is None:
        msg = "no complete run in this folder: run `uv run invoke check` first (or pass --run DIR)"
        raise ArtifactError(msg, path=run_root)
    return found


def utc_time(moment: datetime) -> datetime:
    """``moment`` in UTC; a time without a zone (from a store) is taken as UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def manifest_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``manifest.json``, as published in the repository."""
    schema = SessionManifest.model_json_schema()
    schema["$id"] = f"urn:tiergate:session-manifest:{SCHEMA_VERSION}"
    return schema
