"""Digital-Check: assessments of an organisation and the needs adopted from them

Revision ID: 3bb582809361
Revises: 7a7573b92d01
Create Date: 2026-12-02 19:49:00.485882

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3bb582809361'
down_revision = '7a7573b92d01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('questionnaire_version', sa.String(length=20), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('priorities', sa.JSON(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=True),
    sa.Column('overall', sa.Float(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('is_latest', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('last_editor_id', sa.Integer(), nullable=True),
    sa.Column('share_with_centre', sa.Boolean(), nullable=False),
    sa.Column('show_to_peers', sa.Boolean(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_assessment_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['last_editor_id'], ['user.id'], name=op.f('fk_assessment_last_editor_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_assessment_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_assessment_latest_org', ['is_latest', 'organisation_id'], unique=False)

    op.create_table('assessment_need',
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessment.id'], name=op.f('fk_assessment_need_assessment_id_assessment'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['need_id'], ['need.id'], name=op.f('fk_assessment_need_need_id_need'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('assessment_id', 'need_id', name=op.f('pk_assessment_need'))
    )
    with op.batch_alter_table('assessment_need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_need_need_id'), ['need_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assessment_need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_need_need_id'))

    op.drop_table('assessment_need')
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_assessment_latest_org')
        batch_op.drop_index(batch_op.f('ix_assessment_organisation_id'))

    op.drop_table('assessment')
