"""complaint safeguards: confirmed e-mail addresses, held complaints

Existing accounts stay unconfirmed: their owners confirm from the account page before they can file a
rights complaint (docs/security.md).

Revision ID: 0013_complaint_safeguards
Revises: 0012_account_security
Create Date: 2026-11-22 10:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_complaint_safeguards'
down_revision = '0012_account_security'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_column('held_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
