"""sharing requests: share requests between agencies, their timeline, grants and deliveries; share officers

SHARING.md §2.3, §3.1–3.3: share_requests (with the agreed terms), share_request_events (the timeline both
agencies see), share_grants and share_deliveries (the hashes of the bytes that left under a grant, S6);
users.share_officer marks the 共享专员 the authority named (R2018 §27).

Revision ID: 0016_sharing_requests
Revises: 0015_share_attributes
Create Date: 2026-12-07 18:54:40.441297

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_sharing_requests'
down_revision = '0015_share_attributes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('share_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('requester_agency_id', sa.Integer(), nullable=False),
    sa.Column('provider_agency_id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('share_type', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('resource_ids', sa.JSON(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('scenario', sa.Text(), nullable=False),
    sa.Column('legal_duty', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('records', sa.Text(), nullable=False),
    sa.Column('modes', sa.JSON(), nullable=False),
    sa.Column('start', sa.Date(), nullable=True),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('user_ids', sa.JSON(), nullable=False),
    sa.Column('security_measures', sa.Text(), nullable=False),
    sa.Column('commitment', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('answer_due', sa.Date(), nullable=True),
    sa.Column('delivery_due', sa.Date(), nullable=True),
    sa.Column('supervised_on', sa.Date(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.Column('refusal_legal_basis', sa.Text(), nullable=False),
    sa.Column('agreed_items', sa.JSON(), nullable=False),
    sa.Column('agreed_resource_ids', sa.JSON(), nullable=False),
    sa.Column('agreed_modes', sa.JSON(), nullable=False),
    sa.Column('agreed_user_ids', sa.JSON(), nullable=False),
    sa.Column('agreed_start', sa.Date(), nullable=True),
    sa.Column('agreed_end', sa.Date(), nullable=True),
    sa.Column('terms_note', sa.Text(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answered_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ),
    sa.ForeignKeyConstraint(['provider_agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['requester_agency_id'], ['agencies.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('share_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_requests_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_requests_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_requests_provider_agency_id'), ['provider_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_requests_requester_agency_id'), ['requester_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_requests_state'), ['state'], unique=False)

    op.create_table('share_grants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('dataset_id', sa.String(length=36), nullable=False),
    sa.Column('requester_agency_id', sa.Integer(), nullable=False),
    sa.Column('provider_agency_id', sa.Integer(), nullable=False),
    sa.Column('user_ids', sa.JSON(), nullable=False),
    sa.Column('resource_ids', sa.JSON(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('modes', sa.JSON(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('scenario', sa.Text(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=False),
    sa.Column('offline_note', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('state_reason', sa.Text(), nullable=False),
    sa.Column('state_changed_at', sa.DateTime(), nullable=True),
    sa.Column('state_changed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['dataset_id'], ['datasets.id'], ),
    sa.ForeignKeyConstraint(['provider_agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['share_requests.id'], ),
    sa.ForeignKeyConstraint(['requester_agency_id'], ['agencies.id'], ),
    sa.ForeignKeyConstraint(['state_changed_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('request_id')
    )
    with op.batch_alter_table('share_grants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_grants_dataset_id'), ['dataset_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_grants_provider_agency_id'), ['provider_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_grants_requester_agency_id'), ['requester_agency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_grants_state'), ['state'], unique=False)

    op.create_table('share_request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['share_requests.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('share_request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_request_events_request_id'), ['request_id'], unique=False)

    op.create_table('share_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['grant_id'], ['share_grants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('grant_id', 'sha256', name='uq_share_delivery')
    )
    with op.batch_alter_table('share_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_share_deliveries_grant_id'), ['grant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_share_deliveries_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_officer', sa.Boolean(), server_default=sa.text('false'), nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('share_officer')

    with op.batch_alter_table('share_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_deliveries_sha256'))
        batch_op.drop_index(batch_op.f('ix_share_deliveries_grant_id'))

    op.drop_table('share_deliveries')
    with op.batch_alter_table('share_request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_request_events_request_id'))

    op.drop_table('share_request_events')
    with op.batch_alter_table('share_grants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_grants_state'))
        batch_op.drop_index(batch_op.f('ix_share_grants_requester_agency_id'))
        batch_op.drop_index(batch_op.f('ix_share_grants_provider_agency_id'))
        batch_op.drop_index(batch_op.f('ix_share_grants_dataset_id'))

    op.drop_table('share_grants')
    with op.batch_alter_table('share_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_share_requests_state'))
        batch_op.drop_index(batch_op.f('ix_share_requests_requester_agency_id'))
        batch_op.drop_index(batch_op.f('ix_share_requests_provider_agency_id'))
        batch_op.drop_index(batch_op.f('ix_share_requests_due_date'))
        batch_op.drop_index(batch_op.f('ix_share_requests_dataset_id'))

    op.drop_table('share_requests')
