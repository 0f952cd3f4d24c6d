"""one suspension: a user's access suspended for misuse (R2024 §50) is one table, access_blocks

data_access_suspensions (the whole account, from a report of illegal use) is moved into access_blocks (one
agency's data, or all of it when agency_id is empty) and dropped. A moved row suspends all data (agency_id
empty) and keeps its reason, dates, who decided and lifted, and its source ("report:7"; "account" when it
had none). access_blocks.source is empty for the suspensions made on an application or the console.
Moved rows get new numbers: the audit events of their suspension and restoration keep the old number in
their details (the chain is not rewritten), and name the user and, from a report, the report.

Revision ID: 0014_one_suspension
Revises: 0013_complaint_safeguards
Create Date: 2026-12-07 10:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_one_suspension'
down_revision = '0013_complaint_safeguards'
branch_labels = None
depends_on = None

MOVED = ("user_id, reason, source, created_by_id, created_at, lifted_at, lifted_by_id, lift_reason",
         "user_id, reason, CASE WHEN source = '' THEN 'account' ELSE source END, suspended_by_id, suspended_at, "
         "lifted_at, lifted_by_id, lift_reason")


def upgrade():
    with op.batch_alter_table('access_blocks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=100), server_default='', nullable=False))
    op.execute(f"INSERT INTO access_blocks ({MOVED[0]}, agency_id) "
               f"SELECT {MOVED[1]}, NULL FROM data_access_suspensions ORDER BY id")
    with op.batch_alter_table('data_access_suspensions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_access_suspensions_user_id'))
    op.drop_table('data_access_suspensions')


def downgrade():
    op.create_table('data_access_suspensions',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('reason', sa.String(length=2000), nullable=False),
                    sa.Column('source', sa.String(length=100), nullable=False),
                    sa.Column('suspended_by_id', sa.Integer(), nullable=True),
                    sa.Column('suspended_at', sa.DateTime(), nullable=False),
                    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
                    sa.Column('lifted_at', sa.DateTime(), nullable=True),
                    sa.Column('lift_reason', sa.String(length=2000), nullable=False),
                    sa.ForeignKeyConstraint(['lifted_by_id'], ['users.id'], ),
                    sa.ForeignKeyConstraint(['suspended_by_id'], ['users.id'], ),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('data_access_suspensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_access_suspensions_user_id'), ['user_id'], unique=False)
    # the suspensions of a whole account go back (those made on an application or the console stay)
    op.execute("INSERT INTO data_access_suspensions (user_id, reason, source, suspended_by_id, suspended_at, "
               "lifted_at, lifted_by_id, lift_reason) SELECT user_id, substr(reason, 1, 2000), "
               "CASE WHEN source = 'account' THEN '' ELSE source END, created_by_id, created_at, lifted_at, "
               "lifted_by_id, substr(lift_reason, 1, 2000) FROM access_blocks WHERE source != '' ORDER BY id")
    op.execute("DELETE FROM access_blocks WHERE source != ''")
    with op.batch_alter_table('access_blocks', schema=None) as batch_op:
        batch_op.drop_column('source')
