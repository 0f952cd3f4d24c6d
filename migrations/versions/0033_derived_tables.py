"""derived tables: each version of a tabular file read into a typed Parquet copy, with its column profile

Revision ID: 0033_derived_tables
Revises: 0037_find_it
Create Date: 2026-12-08 01:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0033_derived_tables'
down_revision = '0037_find_it'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('derived_tables',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('resource_id', sa.String(length=36), nullable=False),
                    sa.Column('version', sa.Integer(), nullable=False),
                    sa.Column('source_key', sa.String(length=200), nullable=False),
                    sa.Column('source_format', sa.String(length=20), nullable=False),
                    sa.Column('source_size', sa.BigInteger(), nullable=False),
                    sa.Column('state', sa.String(length=20), nullable=False),
                    sa.Column('progress', sa.Integer(), nullable=False),
                    sa.Column('step', sa.String(length=40), nullable=False),
                    sa.Column('overrides', sa.JSON(), nullable=False),
                    sa.Column('storage_key', sa.String(length=200), nullable=False),
                    sa.Column('row_count', sa.Integer(), nullable=True),
                    sa.Column('columns', sa.JSON(), nullable=False),
                    sa.Column('profile', sa.JSON(), nullable=False),
                    sa.Column('error', sa.Text(), nullable=False),
                    sa.Column('error_row', sa.Integer(), nullable=True),
                    sa.Column('error_column', sa.String(length=300), nullable=False),
                    sa.Column('queued_at', sa.DateTime(), nullable=False),
                    sa.Column('started_at', sa.DateTime(), nullable=True),
                    sa.Column('finished_at', sa.DateTime(), nullable=True),
                    sa.ForeignKeyConstraint(['resource_id'], ['resources.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('resource_id', 'version', name='uq_derived_tables_version'))
    with op.batch_alter_table('derived_tables', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_derived_tables_resource_id'), ['resource_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_derived_tables_state'), ['state'], unique=False)


def downgrade():
    with op.batch_alter_table('derived_tables', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_derived_tables_state'))
        batch_op.drop_index(batch_op.f('ix_derived_tables_resource_id'))
    op.drop_table('derived_tables')
