"""Where tiergate runs: in CI, honesty problems fail; locally some only warn loudly."""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes", "on"}


def is_ci() -> bool:
    """True when the ``CI`` environment variable says so (GitHub Actions, GitLab, ...)."""
    return os.environ.get("CI", "").strip().lower() in _TRUE
