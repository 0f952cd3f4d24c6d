"""data assets: asset registration (资产登记, OVERSIGHT.md §9)

data_assets: the holder's asset (name, summary, 授权运营 scope), what its registration states (volume, update
frequency, level, open and share types, each entry's registered fields), its state and the external
registration code and date; data_asset_entries: the catalog entries it consists of.

Revision ID: 0031_data_assets
Revises: 0026_catalog_triggers
Create Date: 2026-12-08 00:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0031_data_assets'
down_revision = '0026_catalog_triggers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_assets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('in_operation_scope', sa.Boolean(), nullable=False),
        sa.Column('rows', sa.BigInteger(), nullable=False),
        sa.Column('bytes', sa.BigInteger(), nullable=False),
        sa.Column('update_frequency', sa.String(length=20), nullable=False),
        sa.Column('data_level', sa.String(length=20), nullable=False),
        sa.Column('open_types', sa.JSON(), nullable=False),
        sa.Column('share_types', sa.JSON(), nullable=False),
        sa.Column('entry_fields', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('due_date', sa.Date(), nullable=True),
        sa.Column('registration_code', sa.String(length=64), nullable=False),
        sa.Column('registered_on', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('changed_fields', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('modified_at', sa.DateTime(), nullable=False),
        sa.Column('row_version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['agency_id'], ['agencies.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('data_assets', schema=None) as batch_op:
        batch_op.create_index('ix_data_assets_agency_id', ['agency_id'])
        batch_op.create_index('ix_data_assets_state', ['state'])
    op.create_table(
        'data_asset_entries',
        sa.Column('asset_id', sa.Integer(), nullable=False),
        sa.Column('dataset_id', sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(['asset_id'], ['data_assets.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('asset_id', 'dataset_id'),
    )
    with op.batch_alter_table('data_asset_entries', schema=None) as batch_op:
        batch_op.create_index('ix_data_asset_entries_dataset_id', ['dataset_id'])


def downgrade():
    op.drop_table('data_asset_entries')
    op.drop_table('data_assets')
