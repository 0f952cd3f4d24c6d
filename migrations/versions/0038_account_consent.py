"""account consent: consent to the privacy policy (with its version), deleted (anonymised) accounts

Data users registered before consent was recorded get a "legacy" row with an empty version: their next login
asks them to agree to the current version.

Revision ID: 0038_account_consent
Revises: 0034_agreement_usage
Create Date: 2026-12-08 10:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0038_account_consent'
down_revision = '0034_agreement_usage'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consents',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('policy_version', sa.String(length=40), nullable=False),
                    sa.Column('context', sa.String(length=20), nullable=False),
                    sa.Column('agreed_at', sa.DateTime(), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id']),
                    sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
    # Data users registered before consent was recorded agreed to no version: a "legacy" row with an empty
    # version makes the next login ask them (accounts.consent.due).
    op.execute("INSERT INTO consents (user_id, policy_version, context, agreed_at) "
               "SELECT id, '', 'legacy', created_at FROM users WHERE role = 'data_user' ORDER BY id")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_user_id'))
    op.drop_table('consents')
