"""The official register on organisations (AGS, population, register state and date), the reason given
for a second organisation of the same name, and the function asked with a join request

Revision ID: register_official_register
Revises: trust_bounds_contact_reminders
Create Date: 2026-12-07 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'register_official_register'
down_revision = 'trust_bounds_contact_reminders'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ags', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('population', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('register_state', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('register_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('distinct_reason', sa.Text(), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_organisation_ags'), ['ags'], unique=False)
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('function', sa.String(length=120), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('join_request', schema=None) as batch_op:
        batch_op.drop_column('function')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_ags'))
        batch_op.drop_column('distinct_reason')
        batch_op.drop_column('register_date')
        batch_op.drop_column('register_state')
        batch_op.drop_column('population')
        batch_op.drop_column('ags')
