"""audit chain keyed; audit events append-only on SQLite too

Revision ID: 0009_audit_keyed_chain
Revises: 0008_pg_search_postings
Create Date: 2026-12-07 13:00:00

Events written before this revision keep their plain SHA-256 hashes (`keyed` false); every later one is
hashed with HMAC-SHA256 under PORTAL_AUDIT_KEY (portal/audit/chain.py). On SQLite, triggers now refuse
every UPDATE and DELETE of `audit_events`, as 0006 does on PostgreSQL.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_audit_keyed_chain'
down_revision = '0008_pg_search_postings'
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = tuple(
    f"CREATE TRIGGER IF NOT EXISTS audit_events_no_{op_.lower()} BEFORE {op_} ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, 'audit events are append-only ({op_} refused)'); END"
    for op_ in ("UPDATE", "DELETE"))


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keyed', sa.Boolean(), server_default=sa.false(), nullable=False))
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_delete")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('keyed')
