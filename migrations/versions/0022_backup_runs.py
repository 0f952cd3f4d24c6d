"""backup runs: scheduled runs, local and off-site copies, read-backs, restore drills, alarms

Revision ID: 0022_backup_runs
Revises: 0021_demand_upward
Create Date: 2026-12-07 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_backup_runs'
down_revision = '0021_demand_upward'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('backup_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('period', sa.String(length=40), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('archive', sa.String(length=200), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['backup_runs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('backup_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_backup_runs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_backup_runs_outcome'), ['outcome'], unique=False)
        batch_op.create_index(batch_op.f('ix_backup_runs_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_backup_runs_finished_at'), ['finished_at'], unique=False)


def downgrade():
    with op.batch_alter_table('backup_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_backup_runs_finished_at'))
        batch_op.drop_index(batch_op.f('ix_backup_runs_period'))
        batch_op.drop_index(batch_op.f('ix_backup_runs_outcome'))
        batch_op.drop_index(batch_op.f('ix_backup_runs_kind'))
    op.drop_table('backup_runs')
