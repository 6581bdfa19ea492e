"""Base schema: podcasts, episodes, playback state, downloads, queue, listening events, settings.

Timestamps are naive UTC (library.db.models.UTCDateTime); JSON columns hold lists of dicts.

Revision ID: 0001_base_schema
Revises: 
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001_base_schema'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('podcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_url', sa.Text(), nullable=False),
    sa.Column('podcast_guid', sa.String(length=64), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('image_url', sa.Text(), nullable=True),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('link', sa.Text(), nullable=True),
    sa.Column('explicit', sa.Boolean(), nullable=True),
    sa.Column('locked', sa.Boolean(), nullable=True),
    sa.Column('medium', sa.String(length=32), nullable=True),
    sa.Column('funding', sa.JSON(), nullable=False),
    sa.Column('auth_kind', sa.Enum('none', 'basic', 'url-token', name='authkind', native_enum=False, length=32), nullable=False),
    sa.Column('auth_ref', sa.String(length=64), nullable=True),
    sa.Column('etag', sa.Text(), nullable=True),
    sa.Column('last_modified', sa.Text(), nullable=True),
    sa.Column('last_outcome', sa.Enum('updated', 'not-modified', 'moved', 'failed', name='feedoutcome', native_enum=False, length=32), nullable=True),
    sa.Column('last_error_kind', sa.String(length=32), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_checked_at', sa.DateTime(), nullable=True),
    sa.Column('last_updated_at', sa.DateTime(), nullable=True),
    sa.Column('subscribed_at', sa.DateTime(), nullable=False),
    sa.Column('default_speed', sa.Float(), nullable=True),
    sa.Column('auto_download', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_podcasts')),
    sa.UniqueConstraint('feed_url', name=op.f('uq_podcasts_feed_url'))
    )
    with op.batch_alter_table('podcasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_podcasts_podcast_guid'), ['podcast_guid'], unique=False)

    op.create_table('settings',
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('episodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('podcast_id', sa.Integer(), nullable=False),
    sa.Column('guid', sa.Text(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('published', sa.DateTime(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=True),
    sa.Column('enclosure_url', sa.Text(), nullable=True),
    sa.Column('enclosure_type', sa.String(length=128), nullable=True),
    sa.Column('enclosure_length', sa.Integer(), nullable=True),
    sa.Column('alternate_enclosures', sa.JSON(), nullable=False),
    sa.Column('chapters_url', sa.Text(), nullable=True),
    sa.Column('chapters_type', sa.String(length=128), nullable=True),
    sa.Column('chapters', sa.JSON(), nullable=False),
    sa.Column('transcripts', sa.JSON(), nullable=False),
    sa.Column('persons', sa.JSON(), nullable=False),
    sa.Column('funding', sa.JSON(), nullable=False),
    sa.Column('soundbites', sa.JSON(), nullable=False),
    sa.Column('season', sa.Integer(), nullable=True),
    sa.Column('episode_number', sa.Integer(), nullable=True),
    sa.Column('episode_type', sa.String(length=16), nullable=True),
    sa.Column('explicit', sa.Boolean(), nullable=True),
    sa.Column('link', sa.Text(), nullable=True),
    sa.Column('image_url', sa.Text(), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['podcast_id'], ['podcasts.id'], name=op.f('fk_episodes_podcast_id_podcasts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_episodes'))
    )
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.create_index('ix_episodes_podcast_enclosure', ['podcast_id', 'enclosure_url'], unique=False)
        batch_op.create_index('ix_episodes_podcast_guid', ['podcast_id', 'guid'], unique=False)
        batch_op.create_index('ix_episodes_podcast_published', ['podcast_id', 'published'], unique=False)

    op.create_table('downloads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.Text(), nullable=True),
    sa.Column('state', sa.Enum('queued', 'downloading', 'paused', 'completed', 'failed', 'cancelled', name='downloadstate', native_enum=False, length=32), nullable=False),
    sa.Column('bytes_done', sa.Integer(), nullable=False),
    sa.Column('bytes_total', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_downloads_episode_id_episodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_downloads')),
    sa.UniqueConstraint('episode_id', name=op.f('uq_downloads_episode_id'))
    )
    with op.batch_alter_table('downloads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_downloads_state'), ['state'], unique=False)

    op.create_table('listening_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('play', 'pause', 'seek', 'skip', 'rate_change', 'complete', 'like', 'not_interested', 'clear_rating', 'vote', 'comment', name='listeningeventkind', native_enum=False, length=32), nullable=False),
    sa.Column('position_ms', sa.Integer(), nullable=True),
    sa.Column('from_ms', sa.Integer(), nullable=True),
    sa.Column('to_ms', sa.Integer(), nullable=True),
    sa.Column('rate', sa.Float(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_listening_events_episode_id_episodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listening_events'))
    )
    with op.batch_alter_table('listening_events', schema=None) as batch_op:
        batch_op.create_index('ix_listening_events_at', ['at'], unique=False)
        batch_op.create_index('ix_listening_events_episode_at', ['episode_id', 'at'], unique=False)

    op.create_table('playback_states',
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('position_ms', sa.Integer(), nullable=False),
    sa.Column('played', sa.Boolean(), nullable=False),
    sa.Column('completed_at', sa.DateTime(), nullable=True),
    sa.Column('speed', sa.Float(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_playback_states_episode_id_episodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('episode_id', name=op.f('pk_playback_states'))
    )
    op.create_table('queue_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('episode_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['episode_id'], ['episodes.id'], name=op.f('fk_queue_entries_episode_id_episodes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_entries')),
    sa.UniqueConstraint('episode_id', name=op.f('uq_queue_entries_episode_id'))
    )
    with op.batch_alter_table('queue_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_queue_entries_position'), ['position'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('queue_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_queue_entries_position'))

    op.drop_table('queue_entries')
    op.drop_table('playback_states')
    with op.batch_alter_table('listening_events', schema=None) as batch_op:
        batch_op.drop_index('ix_listening_events_episode_at')
        batch_op.drop_index('ix_listening_events_at')

    op.drop_table('listening_events')
    with op.batch_alter_table('downloads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_downloads_state'))

    op.drop_table('downloads')
    with op.batch_alter_table('episodes', schema=None) as batch_op:
        batch_op.drop_index('ix_episodes_podcast_published')
        batch_op.drop_index('ix_episodes_podcast_guid')
        batch_op.drop_index('ix_episodes_podcast_enclosure')

    op.drop_table('episodes')
    op.drop_table('settings')
    with op.batch_alter_table('podcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_podcasts_podcast_guid'))

    op.drop_table('podcasts')
