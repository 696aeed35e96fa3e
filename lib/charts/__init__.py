"""Functions that return Altair charts (they never draw): one module per topic."""
