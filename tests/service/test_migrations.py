"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
``castwise serve`` can run them again on an up-to-date database."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import service.models  # registers every table
from service.context import ServiceContext
from service.db import Base
from service.migrate import upgrade


def test_migrated_schema_matches_the_models(context: ServiceContext) -> None:
    assert service.models.User.__tablename__ == "users"
    upgrade(context.engine)  # a second run on a migrated database changes nothing and does not fail
    with context.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_upgrading_a_populated_sqlite_database_keeps_every_row(tmp_path: Path) -> None:
    """Changing ``shows.owner_id`` makes SQLite copy the table; the children of the shows
    (episodes, prices, purchases, entitlements, claims) must survive it."""
    from alembic import command
    from sqlalchemy import text

    from service.db import make_engine
    from service.migrate import alembic_config

    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config(str(engine.url))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    now = "2026-01-01 00:00:00.000000"
    with engine.begin() as connection:
        for statement in (
            f"INSERT INTO users (id, email, username, password_hash, email_verified, is_admin, feed_secret, created_at)"
            f" VALUES (1, 'c@example.org', 'c', 'h', 1, 0, 's', '{now}'), (2, 'l@example.org', 'l', 'h', 1, 0, 's', '{now}')",
            f"INSERT INTO shows (id, owner_id, title, feed_url, description, verified_at) "
            f"VALUES (1, 1, 'Show', 'http://example.org/f', '', '{now}')",
            f"INSERT INTO feed_claims (id, user_id, feed_url, token, show_id, created_at) "
            f"VALUES (1, 1, 'http://example.org/f', 't', 1, '{now}')",
            f"INSERT INTO premium_episodes (id, show_id, guid, title, description, published_at, media_type) "
            f"VALUES (1, 1, 'g', 'Ep', '', '{now}', 'audio/mpeg')",
            f"INSERT INTO prices (id, show_id, amount_cents, currency, active, created_at) "
            f"VALUES (1, 1, 500, 'USD', 1, '{now}')",
            f"INSERT INTO purchases (id, user_id, price_id, show_id, amount_cents, currency, status, provider,"
            f" provider_ref, created_at) VALUES (1, 2, 1, 1, 500, 'USD', 'paid', 'test', 'r', '{now}')",
            f"INSERT INTO entitlements (id, user_id, show_id, purchase_id, granted_at) VALUES (1, 2, 1, 1, '{now}')",
        ):
            connection.execute(text(statement))

    upgrade(engine)
    with engine.connect() as connection:
        counts = {table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                  for table in ("shows", "premium_episodes", "prices", "purchases", "entitlements", "feed_claims")}
        assert counts == dict.fromkeys(counts, 1)
        assert connection.execute(text("SELECT status FROM feed_claims")).scalar_one() == "verified"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1  # enforcement is back on
    engine.dispose()
