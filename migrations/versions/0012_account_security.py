"""account security: sessions that can be ended, login lock-out, identifier hashes under their own key, narrower masks

- users.session_version: part of every session cookie; raised at logout, password change and
  deactivation, so every earlier session ends (accounts.sessions). Sessions made before this migration
  name a bare user id and are no longer accepted: everyone logs in once more.
- login_throttles: failed logins per e-mail address, seen by every worker (accounts.lockout).
- users.citizen_id_masked now keeps only the first 2 and last 2 characters (recomputed from the stored
  mask); users.citizen_id_hash was keyed by the session key and cannot be re-keyed without the numbers,
  which are not stored, so it is emptied (docs/decisions.md: accounts registered before lose the
  duplicate check of their number; the demo data is re-made with `flask portal demo` on an empty database).

Revision ID: 0012_account_security
Revises: 0011_application_clock
Create Date: 2026-11-23 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_account_security'
down_revision = '0011_application_clock'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default=sa.text('0'), nullable=False))
    op.create_table('login_throttles',
                    sa.Column('key', sa.String(length=64), nullable=False),
                    sa.Column('failures', sa.Integer(), nullable=False),
                    sa.Column('last_attempt_at', sa.DateTime(), nullable=False),
                    sa.Column('locked_until', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('key'))
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttles_last_attempt_at'), ['last_attempt_at'], unique=False)
    op.execute("UPDATE users SET citizen_id_masked = substr(citizen_id_masked, 1, 2) || '**************' || "
               "substr(citizen_id_masked, 17, 2) WHERE length(citizen_id_masked) = 18")
    op.execute("UPDATE users SET citizen_id_hash = NULL WHERE citizen_id_hash IS NOT NULL")


def downgrade():
    # The emptied hashes and the hidden characters of the masks cannot come back.
    with op.batch_alter_table('login_throttles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttles_last_attempt_at'))
    op.drop_table('login_throttles')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
