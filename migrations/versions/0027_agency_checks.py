"""agency checks: the agency's own confidentiality and disclosure reviews before submission (OVERSIGHT.md §5)

entry_checks: one row per check the agency records on the content it is about to submit (保密审查, 公开审查:
SZ §23, R2018 §26, R2024 §36): the check, its reviewer, the day, the note, a hash of the content it covers, and
the submission (review) it went with once submitted. Submissions pending at upgrade have none: the authority
returns them so that the agency records its checks (docs/decisions.md).

Revision ID: 0027_agency_checks
Revises: 0025_withdrawals
Create Date: 2026-12-08 01:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027_agency_checks'
down_revision = '0025_withdrawals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'entry_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.String(length=36), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=True),
        sa.Column('check', sa.String(length=20), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('reviewed_on', sa.Date(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['reviewer_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('entry_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_checks_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_entry_checks_review_id'), ['review_id'], unique=False)


def downgrade():
    with op.batch_alter_table('entry_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_checks_review_id'))
        batch_op.drop_index(batch_op.f('ix_entry_checks_dataset_id'))
    op.drop_table('entry_checks')
