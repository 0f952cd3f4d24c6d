"""disputes: disputes about open-data decisions to the data authority (争议协调, OVERSIGHT.md §7), and the
referral of a dispute (of either kind) to named experts of the committee

disputes: the case disputed (kind + number), its agency and data user, the reason, state, due date, referral,
the experts' opinion, outcome and the reopened case's new due date. expert_referrals: one row per expert named
in a referral; a sharing dispute referred before this revision is given to every active expert of that moment
(before it, every expert read every referred sharing dispute).

Revision ID: 0028_disputes
Revises: 0025_withdrawals
Create Date: 2026-12-08 00:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0028_disputes'
down_revision = '0025_withdrawals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'disputes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('filed_by_id', sa.Integer(), nullable=True),
        sa.Column('filed_at', sa.DateTime(), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('referred_at', sa.DateTime(), nullable=True),
        sa.Column('referral_question', sa.Text(), nullable=False),
        sa.Column('expert_opinion', sa.Text(), nullable=False),
        sa.Column('expert_opinion_on', sa.Date(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('decision', sa.Text(), nullable=False),
        sa.Column('resolved_at', sa.DateTime(), nullable=True),
        sa.Column('redo_due', sa.Date(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.ForeignKeyConstraint(['filed_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('ix_disputes_case_id', ['case_id'])
        batch_op.create_index('ix_disputes_agency_id', ['agency_id'])
        batch_op.create_index('ix_disputes_user_id', ['user_id'])
        batch_op.create_index('ix_disputes_state', ['state'])
        batch_op.create_index('ix_disputes_due_date', ['due_date'])
    op.create_table(
        'expert_referrals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_type', sa.String(length=30), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('expert_id', sa.Integer(), nullable=False),
        sa.Column('referred_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['expert_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('case_type', 'case_id', 'expert_id', name='uq_expert_referral'),
    )
    with op.batch_alter_table('expert_referrals', schema=None) as batch_op:
        batch_op.create_index('ix_expert_referrals_expert_id', ['expert_id'])
    op.execute(
        "INSERT INTO expert_referrals (case_type, case_id, expert_id, referred_at) "
        "SELECT 'share_dispute', d.id, u.id, d.referred_at FROM share_disputes d, users u "
        "WHERE d.referred_at IS NOT NULL AND u.role = 'expert' AND u.active = true")


def downgrade():
    op.drop_table('expert_referrals')
    op.drop_table('disputes')
