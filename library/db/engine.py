"""Opening the library database: SQLite with WAL, foreign keys, a busy timeout, and migrations.

Start-up stays cheap: :func:`open_library` reads ``alembic_version`` with one SQL statement and
compares it to :data:`HEAD_REVISION`. Only when they differ (a new or older database) is Alembic
imported and the upgrade run (:mod:`library.db.migrate`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from library.db.fts import SQL_FUNCTION, index_text
from library.errors import CastwiseError, ErrorKind
from library.paths import Paths, resolve_paths

HEAD_REVISION = "0004_live_items"
"""The newest migration's revision id. A test checks it against the migration scripts."""

BUSY_TIMEOUT_MS = 5000
"""How long a writer waits for another connection's lock before SQLite reports "locked"."""


class LibraryDatabaseError(CastwiseError):
    """The library database cannot be opened or upgraded (corrupt, or made by a newer Castwise)."""

    kind = ErrorKind.FATAL


def _configure_connection(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.create_function(SQL_FUNCTION, 1, index_text, deterministic=True)
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        # WAL + NORMAL is durable across application crashes (kill -9); only a power loss can
        # drop the last commits, and it never corrupts the database.
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()


def create_library_engine(database: Path | str) -> Engine:
    """An engine on the SQLite file ``database`` with Castwise's pragmas and SQL functions.

    Does not migrate; :func:`open_library` does. ``":memory:"`` is refused: WAL needs a file, and
    every connection must see the same data.
    """
    if str(database) == ":memory:":
        raise ValueError("the library needs a database file, not :memory:")
    engine = create_engine(
        f"sqlite:///{database}",
        connect_args={"check_same_thread": False},
    )
    event.listen(engine, "connect", _configure_connection)
    return engine


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database, or ``None`` for a database Alembic never touched."""
    with engine.connect() as connection:
        try:
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").first()
        except OperationalError as error:
            if "no such table" in str(error):
                return None
            raise
    return None if row is None else str(row[0])


class Library:
    """The open library database: an engine and a session factory. Close it when done.

    Sessions do not expire objects on commit, so rows read in a session stay readable after it.
    """

    def __init__(self, engine: Engine, paths: Paths | None = None) -> None:
        self.engine = engine
        self.paths = paths
        self.sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new session (use it as a context manager; ``session.begin()`` for a transaction)."""
        return self.sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session inside one transaction: committed on success, rolled back on an exception."""
        with self.sessions.begin() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_library(paths: Paths | None = None, *, database: Path | str | None = None) -> Library:
    """Open (creating or upgrading as needed) the library database.

    ``database`` overrides the file; otherwise it is ``paths.database`` (``paths`` defaults to
    :func:`library.paths.resolve_paths`). Raises :class:`LibraryDatabaseError` when the file is not
    a database or was made by a newer Castwise.
    """
    if database is None:
        paths = paths if paths is not None else resolve_paths()
        paths.data.mkdir(parents=True, exist_ok=True)
        database = paths.database
    engine = create_library_engine(database)
    try:
        revision = current_revision(engine)
        if revision != HEAD_REVISION:
            from library.db.migrate import upgrade  # imports Alembic: only when an upgrade is due

            upgrade(engine)
    except (DatabaseError, sqlite3.DatabaseError) as error:
        engine.dispose()
        raise LibraryDatabaseError(f"The library database {database} cannot be opened: {error}") from error
    except Exception:
        engine.dispose()
        raise
    return Library(engine, paths)
