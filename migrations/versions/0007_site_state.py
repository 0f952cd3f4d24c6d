"""site state: the generation the anonymous page cache is keyed by

Revision ID: 0007_site_state
Revises: 0006_audit_trigger
Create Date: 2026-11-21 12:50:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_site_state'
down_revision = '0006_audit_trigger'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('site_state',
                            sa.Column('name', sa.String(length=40), nullable=False),
                            sa.Column('value', sa.Integer(), nullable=False),
                            sa.PrimaryKeyConstraint('name'))
    op.bulk_insert(table, [{"name": "pages", "value": 0}])


def downgrade():
    op.drop_table('site_state')
