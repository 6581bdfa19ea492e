"""when a comment was last edited

Revision ID: 0102_comment_edited_at
Revises: 0101_interactive
Create Date: 2026-11-23 18:20:00

``interactions.edited_at`` records when the author last changed a comment's text; existing rows
were never edited, so they stay null. A nullable column with no default is a plain
``ALTER TABLE ... ADD COLUMN`` on both SQLite and PostgreSQL: the table (and the rows that
reference it) is not copied.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import service.db


revision = '0102_comment_edited_at'
down_revision = '0101_interactive'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('edited_at', service.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('interactions', schema=None) as batch_op:
        batch_op.drop_column('edited_at')
