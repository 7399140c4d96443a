"""Benchmarks of the matching engine against baselines (never part of the test run; see README.md)."""
