"""Requirement traceability: specs, the tests that name them, and the matrix joining the two.

* :mod:`~tiergate.trace.specs` reads the requirements out of Markdown spec files;
* :mod:`~tiergate.trace.scan` finds ``@pytest.mark.req(...)`` in test files
  statically (``ast``, no test code is imported);
* :mod:`~tiergate.trace.matrix` joins requirements with the tests that name
  them, and their outcomes when a run is given, into the published matrix;
* :mod:`~tiergate.trace.run` builds the matrix of a run (the context's
  ``trace``) from the specs and the run's per-test records;
* :mod:`~tiergate.trace.render` prints the matrix as JSON, Markdown or a table.

The ``requirements`` gate (:mod:`tiergate.gates.requirements`) judges the matrix.
"""
