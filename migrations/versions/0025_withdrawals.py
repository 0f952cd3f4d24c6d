"""withdrawals: planned withdrawal of a published entry (停止提供预告, OVERSIGHT.md §2)

entry_withdrawals: the agency's reason and last day (at least PORTAL_WITHDRAWAL_NOTICE_MONTHS after filing),
the mode at filing (file | approve), whom it told, its state and the day it took effect.

Revision ID: 0025_withdrawals
Revises: 0024_reassessment
Create Date: 2026-12-07 23:10:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0025_withdrawals'
down_revision = '0024_reassessment'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'entry_withdrawals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.String(length=36), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('filed_by_id', sa.Integer(), nullable=True),
        sa.Column('filed_at', sa.DateTime(), nullable=False),
        sa.Column('filed_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('last_day', sa.Date(), nullable=False),
        sa.Column('mode', sa.String(length=20), nullable=False),
        sa.Column('told_user_ids', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('decision_note', sa.Text(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id']),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['filed_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('entry_withdrawals', schema=None) as batch_op:
        batch_op.create_index('ix_entry_withdrawals_dataset_id', ['dataset_id'])
        batch_op.create_index('ix_entry_withdrawals_agency_id', ['agency_id'])
        batch_op.create_index('ix_entry_withdrawals_last_day', ['last_day'])
        batch_op.create_index('ix_entry_withdrawals_state', ['state'])


def downgrade():
    op.drop_table('entry_withdrawals')
