"""data requests: public requests for data not open yet (数据需求) and the "me too" of other accounts

Revision ID: 0036_data_requests
Revises: 0035_follows
Create Date: 2026-12-08 12:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0036_data_requests'
down_revision = '0035_follows'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('data_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('requester_id', sa.Integer(), nullable=False),
        sa.Column('requester_kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('use_case', sa.Text(), nullable=False),
        sa.Column('theme_id', sa.Integer(), nullable=True),
        sa.Column('suggested_agency_id', sa.Integer(), nullable=True),
        sa.Column('agency_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('filed_at', sa.DateTime(), nullable=False),
        sa.Column('routed_at', sa.DateTime(), nullable=True),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('refusal_legal_basis', sa.Text(), nullable=False),
        sa.Column('plan_item_id', sa.Integer(), nullable=True),
        sa.Column('dataset_id', sa.String(length=36), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['requester_id'], ['users.id']),
        sa.ForeignKeyConstraint(['theme_id'], ['themes.id']),
        sa.ForeignKeyConstraint(['suggested_agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['plan_item_id'], ['plan_items.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id']),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('data_requests', schema=None) as batch_op:
        for column in ('requester_id', 'theme_id', 'agency_id', 'state', 'due_date'):
            batch_op.create_index(batch_op.f(f'ix_data_requests_{column}'), [column], unique=False)
    op.create_table('data_request_supports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('request_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('user_kind', sa.String(length=20), nullable=False),
        sa.Column('use_case', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['request_id'], ['data_requests.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('request_id', 'user_id', name='uq_data_request_supports_once'),
    )
    with op.batch_alter_table('data_request_supports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_request_supports_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_request_supports_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('data_request_supports')
    op.drop_table('data_requests')
