"""The database layer: typed models, engine and sessions, tree rules, identity, queries, migrations.

- `db.models`: the SQLAlchemy 2.x models (one DeclarativeBase, `db.models.Base`);
- `db.enums`: enumerations stored as strings;
- `db.session`: `make_engine(url)` (SQLite: WAL, foreign keys, busy timeout; PostgreSQL: psycopg)
  and `session_factory(engine)`;
- `db.tree`: the only writer of the unit tree's parent, path and depth (create and move rules);
- `db.identity`: national ID numbers: validation, keyed fingerprint, tail;
- `db.queries`: shared read queries (subtrees, ancestors, effective menu);
- `db.errors`: the expected errors, with stable codes;
- `db.migrate`: Alembic upgrades, the only way the schema is created (`wenming db upgrade`).
"""
