"""A session's environment is built again only when what built it, or the environment, changed."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from monorepo_factory import Monorepo

SESSION = "lint"
"""The quickest session; every session's environment is built the same way."""
SKIPPED = "environment unchanged since it was provisioned"


def _synced(mono: Monorepo, *options: str) -> bool:
    """Run the session; whether uv built its environment (it must say one or the other)."""
    done = mono.run("nox", *options, "--session", SESSION)
    assert done.returncode == 0, done.stderr[-3000:]
    synced = "uv sync --frozen" in done.stderr
    assert synced != (SKIPPED in done.stderr), done.stderr[-3000:]
    return synced


@pytest.mark.req("FR-218")
def test_the_environment_is_built_again_only_when_its_inputs_or_itself_changed(
    monorepo: Monorepo,
) -> None:
    assert not (monorepo.root / ".nox").exists()
    assert _synced(monorepo)  # a new environment
    assert not _synced(monorepo)  # nothing changed
    venv = monorepo.root / ".nox" / "lint"

    # A package removed by hand: built again, and the package is back.
    remove = ["uv", "pip", "uninstall", "--quiet", f"--python={venv}", "ruff"]
    subprocess.run(remove, check=True, env=monorepo.env(), capture_output=True)
    assert _synced(monorepo)
    assert list(venv.glob("lib/python*/site-packages/ruff-*.dist-info"))

    # A member's build file changed (uv rebuilds an editable member on it).
    calc = monorepo.root / "packages" / "calc" / "pyproject.toml"
    calc.write_text(calc.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert _synced(monorepo)

    # The lock changed.
    lock = monorepo.root / "uv.lock"
    lock.write_text(lock.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert _synced(monorepo)

    # nox --no-install builds nothing, so it leaves no stamp to trust: the next run builds.
    stamp = venv / ".tiergate-provision"
    stamp.unlink()
    done = monorepo.run("nox", "-R", "--session", SESSION)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not stamp.exists()
    assert _synced(monorepo)
