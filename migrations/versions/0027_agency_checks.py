"""agency checks: the agency's own confidentiality and disclosure reviews before submission (OVERSIGHT.md §5);
legal stops: the authority's immediate stop of an entry for a legal prohibition, with its basis (OVERSIGHT.md §2)

entry_checks: one row per check the agency records on the content it is about to submit (保密审查, 公开审查:
SZ §23, R2018 §26, R2024 §36): the check, its reviewer, the day, the note, a hash of the content it covers, and
the submission (review) it went with once submitted. Submissions pending at upgrade have none: the authority
returns them so that the agency records its checks (docs/decisions.md).
legal_stops: the legal basis and reason of an immediate stop for a legal prohibition, and the supervision case it
opens (open until the authority records its follow-up, due after PORTAL_LEGAL_STOP_WORKDAYS).

Revision ID: 0027_agency_checks
Revises: 0032_operation_agreements
Create Date: 2026-12-08 01:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0027_agency_checks'
down_revision = '0032_operation_agreements'
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
    op.create_table(
        'legal_stops',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.String(length=36), nullable=False),
        sa.Column('legal_basis', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('stopped_by_id', sa.Integer(), nullable=True),
        sa.Column('stopped_at', sa.DateTime(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('close_note', sa.Text(), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['stopped_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('legal_stops', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_stops_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_legal_stops_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('legal_stops', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_stops_state'))
        batch_op.drop_index(batch_op.f('ix_legal_stops_dataset_id'))
    op.drop_table('legal_stops')
    with op.batch_alter_table('entry_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_checks_review_id'))
        batch_op.drop_index(batch_op.f('ix_entry_checks_dataset_id'))
    op.drop_table('entry_checks')
