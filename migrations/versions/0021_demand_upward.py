"""demands asked upward (R2024 §25) and the expert committee's question and opinion on a dispute (R2024 §47)

Revision ID: 0021_demand_upward
Revises: 0018_sharing_disputes
Create Date: 2026-12-07 22:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_demand_upward'
down_revision = '0018_sharing_disputes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('share_demands', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upward_to', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('upward_reference', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('upward_sent_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('upward_answer', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('share_disputes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_question', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('expert_opinion', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('expert_opinion_on', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('share_disputes', schema=None) as batch_op:
        batch_op.drop_column('expert_opinion_on')
        batch_op.drop_column('expert_opinion')
        batch_op.drop_column('referral_question')
    with op.batch_alter_table('share_demands', schema=None) as batch_op:
        batch_op.drop_column('upward_answer')
        batch_op.drop_column('upward_sent_on')
        batch_op.drop_column('upward_reference')
        batch_op.drop_column('upward_to')
