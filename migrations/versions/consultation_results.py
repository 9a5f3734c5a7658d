"""consultations: the structured result, its measures and the follow-up

Revision ID: consultation_results
Revises: 7e3a9c2d5b14
Create Date: 2026-12-08 01:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'consultation_results'
down_revision = '7e3a9c2d5b14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('result', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_sent_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_consultation_follow_up_on'), ['follow_up_on'], unique=False)
    op.create_table(
        'consultation_measure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('field', sa.String(length=40), nullable=True),
        sa.Column('priority', sa.Integer(), nullable=False),
        sa.Column('horizon_months', sa.Integer(), nullable=False),
        sa.Column('responsible', sa.String(length=10), nullable=False),
        sa.Column('links', sa.JSON(), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'],
                                name=op.f('fk_consultation_measure_consultation_id_consultation'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_measure')),
    )
    with op.batch_alter_table('consultation_measure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_measure_consultation_id'), ['consultation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('consultation_measure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_measure_consultation_id'))
    op.drop_table('consultation_measure')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_follow_up_on'))
        batch_op.drop_column('follow_up_sent_at')
        batch_op.drop_column('follow_up_on')
        batch_op.drop_column('result')
