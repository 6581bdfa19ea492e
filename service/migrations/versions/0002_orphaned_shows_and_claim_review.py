"""orphaned shows and reviewed claim takeovers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:00:00

A show may outlive its creator's account (``owner_id`` null) so listeners who bought it keep
it; a claim records its status, the previous owner of a show it asks to take over, and when it
was verified and decided.
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import service.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('shows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_left_at', service.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('owner_id', existing_type=sa.Integer(), nullable=True)

    with op.batch_alter_table('feed_claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='pending', nullable=False))
        batch_op.add_column(sa.Column('previous_owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('verified_at', service.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('decided_at', service.db.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE feed_claims SET status = 'verified' WHERE show_id IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('feed_claims', schema=None) as batch_op:
        batch_op.drop_column('decided_at')
        batch_op.drop_column('verified_at')
        batch_op.drop_column('previous_owner_id')
        batch_op.drop_column('status')
    op.execute("DELETE FROM shows WHERE owner_id IS NULL")
    with op.batch_alter_table('shows', schema=None) as batch_op:
        batch_op.alter_column('owner_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('owner_left_at')
