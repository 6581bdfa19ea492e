"""Episode transcripts as text, searchable in their own contentless FTS5 table.

A separate table (rather than the reserved ``transcript`` column of episodes_fts) lets a transcript
arrive, change or go without re-indexing its episode. Triggers keep transcripts_fts in sync,
through the castwise_fts_text function like the other indexes; deleting an episode cascades to
its transcript and so to the index.

Revision ID: 0003_transcript_search
Revises: 0002_full_text_search
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_transcript_search"
down_revision = "0002_full_text_search"
branch_labels = None
depends_on = None

STATEMENTS = [
    "CREATE VIRTUAL TABLE transcripts_fts USING fts5(text,"
    " tokenize='unicode61 remove_diacritics 2', prefix='2 3', content='')",
    """CREATE TRIGGER transcripts_fts_insert AFTER INSERT ON episode_transcripts BEGIN
        INSERT INTO transcripts_fts(rowid, text) VALUES (new.episode_id, castwise_fts_text(new.text));
    END""",
    """CREATE TRIGGER transcripts_fts_delete AFTER DELETE ON episode_transcripts BEGIN
        INSERT INTO transcripts_fts(transcripts_fts, rowid, text)
        VALUES ('delete', old.episode_id, castwise_fts_text(old.text));
    END""",
    """CREATE TRIGGER transcripts_fts_update AFTER UPDATE OF text ON episode_transcripts
    WHEN old.text IS NOT new.text BEGIN
        INSERT INTO transcripts_fts(transcripts_fts, rowid, text)
        VALUES ('delete', old.episode_id, castwise_fts_text(old.text));
        INSERT INTO transcripts_fts(rowid, text) VALUES (new.episode_id, castwise_fts_text(new.text));
    END""",
]


def upgrade() -> None:
    op.create_table(
        "episode_transcripts",
        sa.Column("episode_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(length=35), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_episode_transcripts_episode_id_episodes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("episode_id", name=op.f("pk_episode_transcripts")),
    )
    for statement in STATEMENTS:
        op.execute(statement)


def downgrade() -> None:
    for trigger in ("transcripts_fts_insert", "transcripts_fts_delete", "transcripts_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    op.execute("DROP TABLE IF EXISTS transcripts_fts")
    op.drop_table("episode_transcripts")
