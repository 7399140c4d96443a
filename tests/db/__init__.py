"""Tests of the database layer: tree rules, identity, queries, migrations and example loading."""
