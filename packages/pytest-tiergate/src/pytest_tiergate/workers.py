"""Under pytest-xdist: a run that cannot start ends as it ends without workers.

Under pytest-xdist the controller collects nothing: the workers collect. Two
things found while collecting would end differently from a run without
workers, so the workers and the controller make them end the same:

* a :class:`pytest.UsageError` raised while a worker sorts its tests (a test in
  two tiers, a malformed ``req`` marker) would crash the worker, and the
  controller would end with an internal error instead of the one-line message.
  The worker hands the message to the controller (``workeroutput``, which
  pytest-xdist sends back when the worker finishes) and runs none of its tests;
  the controller ends as pytest ends on a usage error: exit code 4,
  ``ERROR: <message>`` on stderr. Every worker finds the same message; it is
  shown once.
* a collection error (an import error, a module-level skip that never-skip
  refuses) would not stop the other tests: pytest-xdist runs them and exits 1.
  Without workers pytest runs nothing and exits 2 (``Interrupted: 1 error during
  collection``), unless ``--continue-on-collection-errors``. The workers run
  nothing either, and the controller is interrupted the same way, so the
  records are the same: none.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Generator

_KEY = "tiergate_usage_error"


def is_worker(config: pytest.Config) -> bool:
    """Whether this process is a pytest-xdist worker (it runs tests the controller sends)."""
    return hasattr(config, "workerinput")


def hand_over(config: pytest.Config, error: pytest.UsageError, items: list[pytest.Item]) -> None:
    """On a worker: give ``error`` to the controller, and run none of ``items``."""
    output: dict[str, object] = config.workeroutput  # type: ignore[attr-defined]
    output[_KEY] = str(error)
    items.clear()


def stops_at_collection(session: pytest.Session) -> bool:
    """Whether a run without workers would stop here: a collection error, and no option to go on."""
    return bool(session.testsfailed) and not session.config.option.continue_on_collection_errors


class Controller:
    """On the controller: what the workers found while collecting, and how the run ends."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.collection_errors = 0

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Count the collection errors (pytest-xdist forwards each distinct one from workers)."""
        if report.failed:
            self.collection_errors += 1

    @pytest.hookimpl(wrapper=True)
    def pytest_runtestloop(self, session: pytest.Session) -> Generator[None, object, object]:
        """After the workers ran nothing for a collection error: interrupted, as without them.

        (Without workers the run never gets here: pytest's own loop stops first.)
        """
        result = yield
        if self.collection_errors and not session.config.option.continue_on_collection_errors:
            count = self.collection_errors
            raise session.Interrupted(f"{count} error{'s' if count != 1 else ''} during collection")
        return result

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: object, error: object) -> None:
        """Take the usage error a finished worker handed over, if any."""
        del error
        output = getattr(node, "workeroutput", None)
        message = output.get(_KEY) if isinstance(output, dict) else None
        if isinstance(message, str) and message not in self.errors:
            self.errors.append(message)

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """A handed-over usage error is the run's exit code, as without workers."""
        if self.errors:
            session.exitstatus = pytest.ExitCode.USAGE_ERROR

    def pytest_unconfigure(self) -> None:
        """Print the message last, on stderr, as pytest prints a usage error."""
        for message in self.errors:
            sys.stderr.write(f"ERROR: {message}\n\n")
