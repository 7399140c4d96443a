"""Example matching problems (JSON) and the seeded Pizhou-like problem generator (synthetic data)."""
