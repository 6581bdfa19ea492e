"""Alembic environment: runs the scripts on the connection :mod:`library.db.migrate` provides."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from library.db.engine import create_library_engine
from library.db.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        # Developer use (``alembic -x db=PATH ...``): open the given file with our engine.
        database = context.get_x_argument(as_dictionary=True).get("db", "library.sqlite3")
        with create_library_engine(database).begin() as own_connection:
            _run(own_connection)
        return
    _run(connection)


def _not_full_text(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate leaves the FTS5 tables (and their shadow tables) alone: raw SQL made them."""
    return not (type_ == "table" and name is not None and "_fts" in name)


def _run(connection: Connection) -> None:
    # Batch mode: SQLite can only ALTER by copying tables, which Alembic's batch operations do.
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        include_name=_not_full_text,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Castwise's library migrations run online only")
run_migrations_online()
