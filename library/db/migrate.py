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


def new_revision(message: str, revision_id: str) -> Path:
    """Write a new migration script comparing the models to a fresh database at head.

    For developers: review the script, then set :data:`library.db.engine.HEAD_REVISION` to
    ``revision_id`` (a test fails until both agree).
    """
    import tempfile

    from library.db.engine import create_library_engine

    config = alembic_config()
    with tempfile.TemporaryDirectory() as folder:
        engine = create_library_engine(Path(folder) / "head.sqlite3")
        upgrade(engine)
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            script = command.revision(config, message=message, autogenerate=True, rev_id=revision_id)
        engine.dispose()
    assert script is not None and not isinstance(script, list)
    return Path(script.path)


def main(argv: list[str] | None = None) -> int:
    """``python -m library.db.migrate upgrade DATABASE`` or ``... revision ID MESSAGE``."""
    import argparse

    from library.db.engine import create_library_engine

    parser = argparse.ArgumentParser(prog="python -m library.db.migrate", description="Castwise library migrations")
    commands = parser.add_subparsers(dest="command", required=True)
    upgrading = commands.add_parser("upgrade", help="upgrade a library database file to the newest schema")
    upgrading.add_argument("database", type=Path)
    revising = commands.add_parser("revision", help="write a new migration from the models (developers)")
    revising.add_argument("revision_id", help="e.g. 0004_episode_ratings")
    revising.add_argument("message")
    args = parser.parse_args(argv)
    if args.command == "upgrade":
        engine = create_library_engine(args.database)
        upgrade(engine)
        print(f"{args.database} is at {current_revision(engine)}")
        engine.dispose()
    else:
        print(new_revision(args.message, args.revision_id))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
