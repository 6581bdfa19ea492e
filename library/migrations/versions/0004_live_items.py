"""Podcasting 2.0 live items on episodes: their status and announced start and end times.

A row with ``live_status`` set is a ``podcast:liveItem`` stream (pending, live or ended), listed
so the listener learns about it, never played or downloaded. Existing rows are ordinary episodes
(all three columns NULL), so no data moves.

Revision ID: 0004_live_items
Revises: 0003_transcript_search
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_live_items"
down_revision = "0003_transcript_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("live_status", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("live_start", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("live_end", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_column("live_end")
        batch_op.drop_column("live_start")
        batch_op.drop_column("live_status")
