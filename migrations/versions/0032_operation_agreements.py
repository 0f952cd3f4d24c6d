"""operation agreements: authorised operation (授权运营, OVERSIGHT.md §10)

operation_agreements: the operator (account, legal person's name and USCC), purpose, period, security measures,
products, the risk assessment recorded first, its state; operation_agreement_entries: the entries it covers;
access_events.agreement_id: the agreement an operator's call was made under.

Revision ID: 0032_operation_agreements
Revises: 0031_data_assets
Create Date: 2026-12-08 01:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0032_operation_agreements'
down_revision = '0031_data_assets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'operation_agreements',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('operator_id', sa.Integer(), nullable=False),
        sa.Column('operator_name', sa.String(length=200), nullable=False),
        sa.Column('uscc', sa.String(length=18), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('end', sa.Date(), nullable=False),
        sa.Column('security_measures', sa.Text(), nullable=False),
        sa.Column('products', sa.Text(), nullable=False),
        sa.Column('risk_note', sa.Text(), nullable=False),
        sa.Column('risk_assessed_at', sa.DateTime(), nullable=True),
        sa.Column('risk_assessed_by_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('state_reason', sa.Text(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['operator_id'], ['users.id']),
        sa.ForeignKeyConstraint(['risk_assessed_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('operation_agreements', schema=None) as batch_op:
        batch_op.create_index('ix_operation_agreements_operator_id', ['operator_id'])
        batch_op.create_index('ix_operation_agreements_state', ['state'])
    op.create_table(
        'operation_agreement_entries',
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['agreement_id'], ['operation_agreements.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('agreement_id', 'dataset_id'),
    )
    with op.batch_alter_table('operation_agreement_entries', schema=None) as batch_op:
        batch_op.create_index('ix_operation_agreement_entries_dataset_id', ['dataset_id'])
    with op.batch_alter_table('access_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreement_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_access_events_agreement_id', ['agreement_id'])


def downgrade():
    with op.batch_alter_table('access_events', schema=None) as batch_op:
        batch_op.drop_index('ix_access_events_agreement_id')
        batch_op.drop_column('agreement_id')
    op.drop_table('operation_agreement_entries')
    op.drop_table('operation_agreements')
