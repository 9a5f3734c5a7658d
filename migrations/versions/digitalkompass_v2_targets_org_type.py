"""Digitalkompass v2: a target level per dimension on each assessment; peers by municipal org type

Revision ID: dc2b7a41e9f3
Revises: c00p3ra7e001
Create Date: 2026-12-08 00:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'dc2b7a41e9f3'
down_revision = 'c00p3ra7e001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('targets', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('assessment_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_type', sa.String(length=32), server_default='', nullable=False))
        batch_op.drop_index('ix_assessment_score_class')
        batch_op.drop_index('ix_assessment_score_land')
        batch_op.create_index('ix_assessment_score_type_class', ['is_latest', 'population_class', 'org_type',
                                                                  'dimension', 'score', 'organisation_id'], unique=False)
        batch_op.create_index('ix_assessment_score_type_land', ['is_latest', 'land', 'org_type', 'dimension', 'score',
                                                                 'organisation_id'], unique=False)
    # The score rows copy their organisation's type, as they copy its population class and Land.
    op.execute('UPDATE assessment_score SET org_type = (SELECT organisation.org_type FROM organisation '
               'WHERE organisation.id = assessment_score.organisation_id)')


def downgrade():
    with op.batch_alter_table('assessment_score', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_score_type_land')
        batch_op.drop_index('ix_assessment_score_type_class')
        batch_op.create_index('ix_assessment_score_land', ['is_latest', 'land', 'dimension', 'score',
                                                           'organisation_id'], unique=False)
        batch_op.create_index('ix_assessment_score_class', ['is_latest', 'population_class', 'dimension', 'score',
                                                            'organisation_id'], unique=False)
        batch_op.drop_column('org_type')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_column('targets')
