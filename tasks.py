"""invoke tasks of this repository (``invoke --list``): they come from tiergate-nox."""

from tiergate_nox.tasks import namespace

__all__ = ["namespace"]
