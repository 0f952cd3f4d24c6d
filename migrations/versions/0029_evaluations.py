"""evaluations: evaluation rounds and each agency's frozen snapshot (OVERSIGHT.md §8(b))

evaluation_rounds: the authority's title, period and indicator weights, its state (draft, commenting, finalised,
published), the day the figures were frozen, the agencies' comment deadline, the conclusion circulated.
evaluation_snapshots: per round and agency, the figures with the inputs they were computed from, the score,
and the agency's comment. The third-party `evaluator` role needs no column (users.role is a string).

Revision ID: 0029_evaluations
Revises: 0027_agency_checks
Create Date: 2026-12-08 00:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0029_evaluations'
down_revision = '0027_agency_checks'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'evaluation_rounds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=False),
        sa.Column('weights', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('frozen_on', sa.Date(), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('finalised_at', sa.DateTime(), nullable=True),
        sa.Column('conclusion', sa.Text(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('evaluation_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_rounds_state', ['state'])
    op.create_table(
        'evaluation_snapshots',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('made_at', sa.DateTime(), nullable=False),
        sa.Column('made_on', sa.Date(), nullable=False),
        sa.Column('results', sa.JSON(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('commented_at', sa.DateTime(), nullable=True),
        sa.Column('commented_by_id', sa.Integer(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['evaluation_rounds.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['commented_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('round_id', 'agency_id', name='uq_evaluation_snapshot_agency'),
    )
    with op.batch_alter_table('evaluation_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_evaluation_snapshots_round_id', ['round_id'])
        batch_op.create_index('ix_evaluation_snapshots_agency_id', ['agency_id'])


def downgrade():
    op.drop_table('evaluation_snapshots')
    op.drop_table('evaluation_rounds')
