"""quality: a contact point per catalog entry (the quality score's "contact point" criterion)

datasets gains contact_point: who answers questions about this entry (a name, a telephone number or an
e-mail address), DCAT's contactPoint. Existing entries get none: their agency's published contact still
counts for the criterion until the agency names one for the entry (docs/decisions.md, "Quality score").

Revision ID: 0030_quality
Revises: 0028_disputes
Create Date: 2026-12-08 01:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0030_quality'
down_revision = '0028_disputes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_point', sa.String(length=200), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('contact_point')
