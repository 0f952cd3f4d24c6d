"""catalog triggers: catalog update after a change (目录更新事由, OVERSIGHT.md §1)

catalog_triggers: the kind of change (law | function | project), what changed, the day it takes effect (or
the project's acceptance), the agency, who filed it and why, its due date and state; catalog_trigger_entries:
the affected entries, each answered by a revision submitted for review or a reasoned "no change".

Revision ID: 0026_catalog_triggers
Revises: 0030_quality
Create Date: 2026-12-08 00:40:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0026_catalog_triggers'
down_revision = '0030_quality'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'catalog_triggers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('change', sa.Text(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('filed_by_id', sa.Integer(), nullable=True),
        sa.Column('filed_at', sa.DateTime(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['filed_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('catalog_triggers', schema=None) as batch_op:
        batch_op.create_index('ix_catalog_triggers_agency_id', ['agency_id'])
        batch_op.create_index('ix_catalog_triggers_state', ['state'])
        batch_op.create_index('ix_catalog_triggers_due_date', ['due_date'])
    op.create_table(
        'catalog_trigger_entries',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('trigger_id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.String(length=36), nullable=False),
        sa.Column('answer', sa.String(length=20), nullable=True),
        sa.Column('answered_at', sa.DateTime(), nullable=True),
        sa.Column('answered_by_id', sa.Integer(), nullable=True),
        sa.Column('review_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['trigger_id'], ['catalog_triggers.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['answered_by_id'], ['users.id']),
        sa.ForeignKeyConstraint(['review_id'], ['reviews.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('trigger_id', 'dataset_id', name='uq_catalog_trigger_entry'),
    )
    with op.batch_alter_table('catalog_trigger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_catalog_trigger_entries_trigger_id', ['trigger_id'])
        batch_op.create_index('ix_catalog_trigger_entries_dataset_id', ['dataset_id'])


def downgrade():
    op.drop_table('catalog_trigger_entries')
    op.drop_table('catalog_triggers')
