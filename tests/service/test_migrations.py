"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
``castwise serve`` can run them again on an up-to-date database."""

from __future__ import annotations

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
