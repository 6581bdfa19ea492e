"""The models and the migrations describe the same schema (no forgotten revision)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from library.db import open_library
from library.db.models import Base


def test_migrated_schema_matches_the_models() -> None:
    def ours(name: str | None, type_: str, *_: object) -> bool:
        # FTS5 tables and their shadow tables are created by raw SQL in the migration.
        return not (type_ == "table" and name is not None and "_fts" in name)

    with open_library() as library, library.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": ours, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)
    assert differences == []
