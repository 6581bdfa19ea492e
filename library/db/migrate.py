"""Alembic upgrades of the library database (imported only when a database is not at head).

The migration scripts live in :mod:`library.migrations`; Alembic runs them on a connection of
Castwise's own engine, so the pragmas and SQL functions the scripts rely on are present.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Engine

from library.db.engine import LibraryDatabaseError, current_revision

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config() -> Config:
    """Alembic's configuration for the library's scripts (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision among the scripts (what :data:`HEAD_REVISION` must equal)."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the library has no migration scripts"
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision`` (default: the newest).

    Raises :class:`LibraryDatabaseError` when the database carries a revision these scripts do
    not know (it was written by a newer Castwise).
    """
    config = alembic_config()
    stamped = current_revision(engine)
    if stamped is not None:
        scripts = ScriptDirectory.from_config(config)
        try:
            scripts.get_revision(stamped)
        except CommandError as error:
            raise LibraryDatabaseError(
                f"This library was written by a newer version of Castwise (schema {stamped}); "
                "update Castwise to open it."
            ) from error
    with engine.connect() as connection:
        # One IMMEDIATE transaction for the whole upgrade: it takes the write lock before reading
        # the stamped revision (so two Castwise processes starting on a new library upgrade it
        # once, the second waiting for the first) and a crash mid-way leaves the old schema intact.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        connection.commit()
