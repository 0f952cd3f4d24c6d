"""audit events append-only in PostgreSQL

Revision ID: 0006_audit_trigger
Revises: 0005_search_outbox
Create Date: 2026-11-21 10:40:00

On PostgreSQL a trigger refuses every UPDATE, DELETE and TRUNCATE of `audit_events`, whoever sends
it (raw SQL, another program, a console session): corrections are new events. Nothing on SQLite,
where the ORM guard and `flask portal audit verify` remain the protection.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006_audit_trigger'
down_revision = '0005_search_outbox'
branch_labels = None
depends_on = None


FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Record a new audit event that corrects the earlier one.';
END
$$
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)
    op.execute("CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events "
               "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()")
    op.execute("CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
    op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
    op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
