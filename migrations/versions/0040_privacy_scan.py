"""privacy scan: the columns of a derived table that look like personal information (masked examples)

Revision ID: 0040_privacy_scan
Revises: 0033_derived_tables
Create Date: 2026-12-08 02:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0040_privacy_scan'
down_revision = '0033_derived_tables'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('derived_tables') as batch:
        batch.add_column(sa.Column('privacy', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('derived_tables') as batch:
        batch.drop_column('privacy')
