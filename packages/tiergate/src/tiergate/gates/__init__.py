"""The gates: one module per kind; :mod:`tiergate.gates.registry` lists them."""
