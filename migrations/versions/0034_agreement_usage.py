"""agreement usage: usage reports on operation agreements (OVERSIGHT.md §10, R2024 §36)

usage_reports belongs to a grant or to an operation agreement: grant_id becomes nullable, agreement_id is added,
a check keeps exactly one of them set, and an agreement has one report per due date. operation_agreements gets
report_every_days (the schedule, as a grant's; existing rows 90 days) and state_changed_at (a revocation ends
the schedule).

Revision ID: 0034_agreement_usage
Revises: 0036_data_requests
Create Date: 2026-12-08 02:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0034_agreement_usage'
down_revision = '0036_data_requests'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('operation_agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_every_days', sa.Integer(), server_default='90', nullable=False))
        batch_op.add_column(sa.Column('state_changed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('usage_reports', schema=None) as batch_op:
        batch_op.alter_column('grant_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('agreement_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_usage_reports_agreement_id', 'operation_agreements', ['agreement_id'],
                                    ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_usage_reports_agreement_id'), ['agreement_id'], unique=False)
        batch_op.create_unique_constraint('uq_usage_report_agreement_due', ['agreement_id', 'due_date'])
        batch_op.create_check_constraint('ck_usage_report_one_case',
                                         '(grant_id IS NULL) <> (agreement_id IS NULL)')


def downgrade():
    op.execute("DELETE FROM usage_reports WHERE agreement_id IS NOT NULL")
    with op.batch_alter_table('usage_reports', schema=None) as batch_op:
        batch_op.drop_constraint('ck_usage_report_one_case', type_='check')
        batch_op.drop_constraint('uq_usage_report_agreement_due', type_='unique')
        batch_op.drop_index(batch_op.f('ix_usage_reports_agreement_id'))
        batch_op.drop_constraint('fk_usage_reports_agreement_id', type_='foreignkey')
        batch_op.drop_column('agreement_id')
        batch_op.alter_column('grant_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('operation_agreements', schema=None) as batch_op:
        batch_op.drop_column('state_changed_at')
        batch_op.drop_column('report_every_days')
