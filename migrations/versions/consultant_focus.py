"""consultants declare their topics and Länder

Revision ID: consultant_focus
Revises: mail_calendar
Create Date: 2026-12-08 02:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'consultant_focus'
down_revision = 'mail_calendar'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'consultant_focus',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('topics', sa.JSON(), nullable=False),
        sa.Column('laender', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_consultant_focus_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_consultant_focus')),
    )


def downgrade():
    op.drop_table('consultant_focus')
