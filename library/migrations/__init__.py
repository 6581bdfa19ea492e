"""Alembic migrations of the library database; run by :mod:`library.db.migrate`."""
