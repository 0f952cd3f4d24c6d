"""follows: a user follows an entry, an agency, a theme, a saved search or their own cases; follow_events
are what each follow was told of (mailed at once, in the weekly digest, or read in its private feed).

Revision ID: 0035_follows
Revises: 0029_evaluations
Create Date: 2026-12-08 10:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0035_follows'
down_revision = '0029_evaluations'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follows',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('target', sa.String(length=20), nullable=False),
                    sa.Column('key', sa.String(length=500), nullable=False),
                    sa.Column('label', sa.String(length=300), nullable=False),
                    sa.Column('email', sa.String(length=20), nullable=False),
                    sa.Column('feed', sa.Boolean(), nullable=False),
                    sa.Column('feed_token', sa.String(length=64), nullable=False),
                    sa.Column('unsubscribe_nonce', sa.Integer(), nullable=False),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('feed_token'),
                    sa.UniqueConstraint('user_id', 'target', 'key', name='uq_follows_user_target_key'))
    op.create_index('ix_follows_user_id', 'follows', ['user_id'])
    op.create_index('ix_follows_target_key', 'follows', ['target', 'key'])
    op.create_table('follow_events',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('follow_id', sa.Integer(), nullable=False),
                    sa.Column('at', sa.DateTime(), nullable=False),
                    sa.Column('kind', sa.String(length=40), nullable=False),
                    sa.Column('dataset_id', sa.String(length=36), nullable=True),
                    sa.Column('title', sa.String(length=300), nullable=False),
                    sa.Column('summary', sa.Text(), nullable=False),
                    sa.Column('link', sa.String(length=500), nullable=False),
                    sa.Column('mailed_at', sa.DateTime(), nullable=True),
                    sa.ForeignKeyConstraint(['follow_id'], ['follows.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_follow_events_follow_at', 'follow_events', ['follow_id', 'at'])
    op.create_index('ix_follow_events_dataset_id', 'follow_events', ['dataset_id'])
    op.create_index('ix_follow_events_mailed_at', 'follow_events', ['mailed_at'])


def downgrade():
    op.drop_table('follow_events')
    op.drop_table('follows')
