"""Run the service's Alembic migrations without an ``alembic.ini`` (``castwise serve`` does this on start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class MigrationError(RuntimeError):
    """A migration left the database inconsistent (it was rolled back)."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database behind ``engine`` to the newest revision of every branch (a no-op when
    it is there). Parts of the service keep their own migration branches, hence ``heads``.

    SQLite changes a column by copying its table and dropping the old one; with foreign keys
    enforced, that drop would cascade into every child table. So on SQLite the migration runs
    with enforcement off (the only way SQLite allows, outside a transaction) and the result is
    checked with ``PRAGMA foreign_key_check`` before it is committed.
    """
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "heads")
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise MigrationError("the migration broke a foreign key; nothing was changed")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
