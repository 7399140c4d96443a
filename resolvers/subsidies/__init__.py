"""Subsidies and allowances: units' rules (rules.py), the monthly batches computed from completed
tasks and approved hours, approved by another account (batches.py), and their export (export.py)."""
