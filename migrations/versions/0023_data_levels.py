"""data levels: classification and grading of catalog entries (分类分级, OVERSIGHT.md §4)

datasets gains data_category (行业领域 of the regional rule), data_level (core | important | general),
data_grade (a sub-grade of general data), grading_rule_version (the rule the entry was graded under) and
level_confirmed_at/level_confirmed_by_id (the authority's confirmation at review, R2024 §9「识别认定」).
reviews gains the level check: level_by_id, level_at, level_note.

Existing entries become general data (一般数据), NOT confirmed, with no rule version (graded under no rule):
nobody has graded them yet, and general data changes nothing about how they are opened or shared. Their next
review asks the authority to confirm a level (docs/decisions.md, "Grading of existing entries").

Revision ID: 0023_data_levels
Revises: 0022_backup_runs
Create Date: 2026-12-07 22:00:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_data_levels'
down_revision = '0022_backup_runs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('data_category', sa.String(length=100), server_default='', nullable=False))
        batch_op.add_column(sa.Column('data_level', sa.String(length=20), server_default='general', nullable=False))
        batch_op.add_column(sa.Column('data_grade', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('grading_rule_version', sa.String(length=40), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('level_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('level_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_datasets_level_confirmed_by_id_users', 'users',
                                    ['level_confirmed_by_id'], ['id'])
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('level_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('level_note', sa.Text(), server_default='', nullable=False))
        batch_op.create_foreign_key('fk_reviews_level_by_id_users', 'users', ['level_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint('fk_reviews_level_by_id_users', type_='foreignkey')
        batch_op.drop_column('level_note')
        batch_op.drop_column('level_at')
        batch_op.drop_column('level_by_id')
    with op.batch_alter_table('datasets', schema=None) as batch_op:
        batch_op.drop_constraint('fk_datasets_level_confirmed_by_id_users', type_='foreignkey')
        batch_op.drop_column('level_confirmed_by_id')
        batch_op.drop_column('level_confirmed_at')
        batch_op.drop_column('grading_rule_version')
        batch_op.drop_column('data_grade')
        batch_op.drop_column('data_level')
        batch_op.drop_column('data_category')
