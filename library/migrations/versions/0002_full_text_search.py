"""Full-text search (FTS5) over podcasts and episodes; episodes remember when a feed last listed them
and can be looked up by guid or by date across podcasts.

The FTS tables are contentless (the text stays in podcasts/episodes only) and indexed through the
SQL function castwise_fts_text, which library.db.engine registers on every connection (it turns
HTML into text and CJK runs into bigrams, see library.db.fts). Triggers keep them in sync; an
update re-indexes only when an indexed column really changed. The episode index has an empty
``transcript`` column reserved for transcript text.

Revision ID: 0002_full_text_search
Revises: 0001_base_schema
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_full_text_search"
down_revision = "0001_base_schema"
branch_labels = None
depends_on = None

TOKENIZER = "tokenize='unicode61 remove_diacritics 2', prefix='2 3', content=''"

EPISODE_VALUES = "castwise_fts_text({row}.title), castwise_fts_text({row}.description), ''"
PODCAST_VALUES = (
    "castwise_fts_text({row}.title), castwise_fts_text({row}.author), castwise_fts_text({row}.description)"
)

STATEMENTS = [
    f"CREATE VIRTUAL TABLE episodes_fts USING fts5(title, description, transcript, {TOKENIZER})",
    f"CREATE VIRTUAL TABLE podcasts_fts USING fts5(title, author, description, {TOKENIZER})",
    f"""CREATE TRIGGER episodes_fts_insert AFTER INSERT ON episodes BEGIN
        INSERT INTO episodes_fts(rowid, title, description, transcript)
        VALUES (new.id, {EPISODE_VALUES.format(row="new")});
    END""",
    f"""CREATE TRIGGER episodes_fts_delete AFTER DELETE ON episodes BEGIN
        INSERT INTO episodes_fts(episodes_fts, rowid, title, description, transcript)
        VALUES ('delete', old.id, {EPISODE_VALUES.format(row="old")});
    END""",
    f"""CREATE TRIGGER episodes_fts_update AFTER UPDATE OF title, description ON episodes
    WHEN old.title IS NOT new.title OR old.description IS NOT new.description BEGIN
        INSERT INTO episodes_fts(episodes_fts, rowid, title, description, transcript)
        VALUES ('delete', old.id, {EPISODE_VALUES.format(row="old")});
        INSERT INTO episodes_fts(rowid, title, description, transcript)
        VALUES (new.id, {EPISODE_VALUES.format(row="new")});
    END""",
    f"""CREATE TRIGGER podcasts_fts_insert AFTER INSERT ON podcasts BEGIN
        INSERT INTO podcasts_fts(rowid, title, author, description)
        VALUES (new.id, {PODCAST_VALUES.format(row="new")});
    END""",
    f"""CREATE TRIGGER podcasts_fts_delete AFTER DELETE ON podcasts BEGIN
        INSERT INTO podcasts_fts(podcasts_fts, rowid, title, author, description)
        VALUES ('delete', old.id, {PODCAST_VALUES.format(row="old")});
    END""",
    f"""CREATE TRIGGER podcasts_fts_update AFTER UPDATE OF title, author, description ON podcasts
    WHEN old.title IS NOT new.title OR old.author IS NOT new.author
        OR old.description IS NOT new.description BEGIN
        INSERT INTO podcasts_fts(podcasts_fts, rowid, title, author, description)
        VALUES ('delete', old.id, {PODCAST_VALUES.format(row="old")});
        INSERT INTO podcasts_fts(rowid, title, author, description)
        VALUES (new.id, {PODCAST_VALUES.format(row="new")});
    END""",
    # Index what the library already holds.
    f"""INSERT INTO episodes_fts(rowid, title, description, transcript)
        SELECT id, {EPISODE_VALUES.format(row="episodes")} FROM episodes""",
    f"""INSERT INTO podcasts_fts(rowid, title, author, description)
        SELECT id, {PODCAST_VALUES.format(row="podcasts")} FROM podcasts""",
]


def upgrade() -> None:
    op.add_column("episodes", sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    # Until now every episode was listed when first seen; that is the best we know.
    op.execute("UPDATE episodes SET last_seen_at = first_seen_at")
    op.create_index("ix_episodes_published", "episodes", ["published"], unique=False)
    # Episode references (`castwise play GUID`) and cross-podcast duplicate checks look up guids.
    op.create_index("ix_episodes_guid", "episodes", ["guid"], unique=False)
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("episodes_fts_insert", "episodes_fts_delete", "episodes_fts_update",
                    "podcasts_fts_insert", "podcasts_fts_delete", "podcasts_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS episodes_fts")
    op.execute("DROP TABLE IF EXISTS podcasts_fts")
    op.drop_index("ix_episodes_guid", table_name="episodes")
    op.drop_index("ix_episodes_published", table_name="episodes")
    with op.batch_alter_table("episodes") as batch_op:
        batch_op.drop_column("last_seen_at")
