"""reuses and ratings: what was built with public data (利用成果), and users' ratings of entries

reuses: a reuse submitted by a data user (title, kind, address, description, display name, image key), its
moderation state and reason; reuse_entries: the public entries it uses; ratings: one account's rating of an
entry (1–5) with its optional comment, its moderation state and the agency's answer; comment_reports: one
account's report of an abusive comment.

Revision ID: 0039_reuses
Revises: 0038_account_consent
Create Date: 2026-12-08 02:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0039_reuses'
down_revision = '0038_account_consent'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reuses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('url', sa.String(length=500), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('display_name', sa.String(length=60), nullable=False),
        sa.Column('image_key', sa.String(length=64), nullable=False),
        sa.Column('image_type', sa.String(length=40), nullable=False),
        sa.Column('submitter_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['submitter_id'], ['users.id']),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('reuses', schema=None) as batch_op:
        batch_op.create_index('ix_reuses_kind', ['kind'])
        batch_op.create_index('ix_reuses_state', ['state'])
        batch_op.create_index('ix_reuses_submitter_id', ['submitter_id'])
    op.create_table(
        'reuse_entries',
        sa.Column('reuse_id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['reuse_id'], ['reuses.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('reuse_id', 'dataset_id'),
    )
    with op.batch_alter_table('reuse_entries', schema=None) as batch_op:
        batch_op.create_index('ix_reuse_entries_dataset_id', ['dataset_id'])
    op.create_table(
        'ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.String(length=36), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('score', sa.SmallInteger(), nullable=False),
        sa.Column('comment', sa.String(length=500), nullable=False),
        sa.Column('display_name', sa.String(length=60), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('hide_reason', sa.Text(), nullable=False),
        sa.Column('answer', sa.String(length=1000), nullable=False),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dataset_id', 'user_id', name='uq_ratings_dataset_user'),
    )
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.create_index('ix_ratings_dataset_id', ['dataset_id'])
        batch_op.create_index('ix_ratings_user_id', ['user_id'])
        batch_op.create_index('ix_ratings_state', ['state'])
    op.create_table(
        'comment_reports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('rating_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reporter_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('rating_id', 'reporter_id', name='uq_comment_reports_rating_reporter'),
    )
    with op.batch_alter_table('comment_reports', schema=None) as batch_op:
        batch_op.create_index('ix_comment_reports_rating_id', ['rating_id'])
        batch_op.create_index('ix_comment_reports_reporter_id', ['reporter_id'])


def downgrade():
    op.drop_table('comment_reports')
    op.drop_table('ratings')
    op.drop_table('reuse_entries')
    op.drop_table('reuses')
