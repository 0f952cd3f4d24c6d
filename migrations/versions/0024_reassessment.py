"""reassessment and correction notices (OVERSIGHT.md §3, §6)

datasets gains open_assessed_at (when the open attribute was last set or confirmed, R2024 §29「定期进行评估」;
share_assessed_at exists) and related_ids (the catalog entries this one is related to, by id; the free text
`related` stays). corrections gains notified: whom the portal told when the correction was accepted
(R2024 §45「通报相关机构」).

Existing entries get no open_assessed_at: their first reassessment is due a period after publication.

Revision ID: 0024_reassessment
Revises: 0023_data_levels
Create Date: 2026-12-07 23:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_reassessment'
down_revision = '0023_data_levels'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_assessed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('related_ids', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notified', sa.JSON(), server_default='[]', nullable=False))


def downgrade():
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_column('notified')
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_column('related_ids')
        batch_op.drop_column('open_assessed_at')
