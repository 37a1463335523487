"""nox sessions of this repository, generated from its uv workspace by tiergate-nox."""

from pathlib import Path

from tiergate_nox.sessions import register_sessions

register_sessions(Path(__file__).parent)
