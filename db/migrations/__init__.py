"""Alembic migrations (env.py, versions/). A package so that the import contracts cover env.py too.

Alembic loads env.py and the revisions by file path; nothing imports this package at run time.
"""
