"""Benchmarks: `python bench/speed.py` (see its docstring)."""
