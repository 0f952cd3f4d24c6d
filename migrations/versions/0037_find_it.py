"""find it: the marks popular searches are counted from (search_marks), no searcher stored

A query counts once per searcher and 30-day period: the mark is 3 hex digits of a keyed hash of the
searcher's address, with a key that changes every period. The division filter needs no column (it is read
from the entry's region when indexing); run `flask portal reindex` once so the index holds it.

Revision ID: 0037_find_it
Revises: 0039_reuses
Create Date: 2026-12-08 10:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0037_find_it'
down_revision = '0039_reuses'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_marks',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('term', sa.String(length=60), nullable=False),
                    sa.Column('period', sa.Integer(), nullable=False),
                    sa.Column('mark', sa.String(length=3), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('term', 'period', 'mark', name='uq_search_marks'))
    with op.batch_alter_table('search_marks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_marks_term'), ['term'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_marks_period'), ['period'], unique=False)


def downgrade():
    with op.batch_alter_table('search_marks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_marks_period'))
        batch_op.drop_index(batch_op.f('ix_search_marks_term'))
    op.drop_table('search_marks')
