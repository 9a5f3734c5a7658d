"""funding programmes, their deadline reminders and the good examples they funded

Revision ID: programmes_funding
Revises: consultant_focus
Create Date: 2026-12-08 00:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'programmes_funding'
down_revision = 'consultant_focus'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('programme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('funder', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=4), nullable=False),
    sa.Column('land', sa.String(length=2), nullable=True),
    sa.Column('eligible_org_types', sa.JSON(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('rate_percent', sa.Float(), nullable=True),
    sa.Column('max_amount_eur', sa.Float(), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('rolling', sa.Boolean(), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('stand', sa.Date(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme'))
    )
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_land'), ['land'], unique=False)
        batch_op.create_index(batch_op.f('ix_programme_level'), ['level'], unique=False)

    op.create_table('programme_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_programme_reminder_programme_id_programme'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_programme_reminder_user_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_reminder')),
    sa.UniqueConstraint('programme_id', 'user_id', 'deadline', name='uq_programme_reminder')
    )
    with op.batch_alter_table('programme_reminder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_reminder_user_id'), ['user_id'], unique=False)

    op.create_table('example_funding',
    sa.Column('example_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['example_id'], ['example.id'], name=op.f('fk_example_funding_example_id_example'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_example_funding_programme_id_programme'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('example_id', 'programme_id', name=op.f('pk_example_funding'))
    )
    with op.batch_alter_table('example_funding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_example_funding_programme_id'), ['programme_id'], unique=False)


def downgrade():
    with op.batch_alter_table('example_funding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_example_funding_programme_id'))
    op.drop_table('example_funding')
    with op.batch_alter_table('programme_reminder', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_reminder_user_id'))
    op.drop_table('programme_reminder')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_level'))
        batch_op.drop_index(batch_op.f('ix_programme_land'))
        batch_op.drop_index(batch_op.f('ix_programme_deadline'))
    op.drop_table('programme')
