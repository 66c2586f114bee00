"""Benchmarks of the report's engine; see ``benchmarks/engine.py``."""
