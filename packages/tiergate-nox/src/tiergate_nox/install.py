"""Build a session's environment with uv, from the lock file, holding only what it needs."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nox

    from tiergate.workspace import Member


def sync(session: nox.Session, *, member: Member | None = None, groups: tuple[str, ...]) -> None:
    """``uv sync --frozen`` into the session's virtualenv.

    With ``member``: that member, its workspace dependencies and its ``groups``
    (``member=None``: only the root's ``groups``, no project). Nothing else.
    """
    target = ["--package", member.name] if member is not None else ["--no-install-project"]
    if member is not None and member.is_root:
        target = []
    selection = [arg for group in groups for arg in ("--group", group)]
    if member is None:
        selection = [arg for group in groups for arg in ("--only-group", group)]
    session.run_install(
        "uv",
        "sync",
        "--frozen",
        "--no-default-groups",
        *target,
        *selection,
        f"--python={session.virtualenv.location}",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )


def install(session: nox.Session, *requirements: str) -> None:
    """``uv pip install`` ``requirements`` into the session's virtualenv, over what was synced."""
    session.run_install(
        "uv",
        "pip",
        "install",
        "--quiet",
        f"--python={session.virtualenv.location}",
        *requirements,
    )
