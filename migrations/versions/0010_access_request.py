"""access events carry their request: method, and path with query (secrets redacted)

Every request to a traced path leaves an access event (portal/audit/access.py); who, what and the status
are its columns. Rows written before have both empty.

Revision ID: 0010_access_request
Revises: 0009_audit_keyed_chain
Create Date: 2026-12-07 12:30:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_access_request'
down_revision = '0009_audit_keyed_chain'
branch_labels = None
depends_on = None


def upgrade():
    # A constant default: PostgreSQL adds the columns without rewriting the table, SQLite without copying it.
    with op.batch_alter_table('access_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('method', sa.String(length=10), server_default='', nullable=False))
        batch_op.add_column(sa.Column('path', sa.String(length=500), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('access_events', schema=None) as batch_op:
        batch_op.drop_column('path')
        batch_op.drop_column('method')
