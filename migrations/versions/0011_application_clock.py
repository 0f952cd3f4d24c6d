"""applications: when the count to the due date began, and when the clock stopped for the applicant

Due dates are recounted when the authority enters a year's holiday arrangement; an application's count
begins at its submission or at the answer that restarted a stopped clock. Open applications are filled
in from their timeline: the last submission or answer, and for those waiting for the applicant (whose
clock every earlier rule stopped) the last request for information.

Revision ID: 0011_application_clock
Revises: 0010_access_request
Create Date: 2026-12-07 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_application_clock'
down_revision = '0010_access_request'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_started_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('clock_stopped_at', sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE applications SET clock_started_at = COALESCE("
        "(SELECT max(e.at) FROM application_events e WHERE e.application_id = applications.id "
        "AND e.kind IN ('submitted', 'info_provided')), submitted_at) "
        "WHERE state IN ('submitted', 'info_requested')")
    op.execute(
        "UPDATE applications SET clock_stopped_at = "
        "(SELECT max(e.at) FROM application_events e WHERE e.application_id = applications.id "
        "AND e.kind = 'info_requested') "
        "WHERE state = 'info_requested'")


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('clock_stopped_at')
        batch_op.drop_column('clock_started_at')
